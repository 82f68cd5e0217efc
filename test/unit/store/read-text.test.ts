import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readText, readTextIfExists } from '../../../src/store/files.js';

const canMkfifo = (() => {
  if (process.platform === 'win32') return false;
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    // BSD mkfifo has no --version: see whether it exists at all.
    try {
      execFileSync('sh', ['-c', 'command -v mkfifo'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }
})();

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfjwt-read-text-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('readText', () => {
  it('reads a regular file as UTF-8', async () => {
    const file = path.join(dir, 'key.pem');
    const text = '-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----\nœ ✓ 日本\n';
    fs.writeFileSync(file, text);
    await expect(readText(file)).resolves.toBe(text);
  });

  it('reads an empty file as an empty string', async () => {
    const file = path.join(dir, 'empty');
    fs.writeFileSync(file, '');
    await expect(readText(file)).resolves.toBe('');
  });

  it.skipIf(process.platform === 'win32')('follows a symbolic link to a file', async () => {
    const file = path.join(dir, 'real.txt');
    fs.writeFileSync(file, 'through the link');
    fs.symlinkSync(file, path.join(dir, 'link.txt'));
    await expect(readText(path.join(dir, 'link.txt'))).resolves.toBe('through the link');
  });

  it('rejects (does not throw) with ENOENT for a missing file', async () => {
    let pending: Promise<string> | undefined;
    expect(() => {
      pending = readText(path.join(dir, 'missing.pem'));
    }).not.toThrow();
    await expect(pending).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects with ENOENT under a missing folder', async () => {
    await expect(readText(path.join(dir, 'no', 'such', 'file'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects with EISDIR for a directory', async () => {
    await expect(readText(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it.skipIf(!canMkfifo)('reads from a FIFO without blocking the event loop (the async path)', async () => {
    const fifo = path.join(dir, 'key.fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer opens the FIFO only after a pause: a synchronous read would block this thread
    // (and the call itself) until then; the async read returns a pending promise at once.
    const writer = new Promise<void>((resolve, reject) => {
      execFile('sh', ['-c', 'sleep 0.3; printf "from a fifo\\nline 2\\n" > "$1"', 'sh', fifo], (error) => (error ? reject(error) : resolve()));
    });
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    try {
      const started = Date.now();
      const pending = readText(fifo);
      expect(Date.now() - started).toBeLessThan(200);
      const ticksWhenCalled = ticks;
      await expect(pending).resolves.toBe('from a fifo\nline 2\n');
      // The event loop ran while the read was waiting for the writer.
      expect(ticks - ticksWhenCalled).toBeGreaterThan(3);
      await writer;
    } finally {
      clearInterval(timer);
    }
  });

  it.skipIf(!canMkfifo)('reads an empty string from a FIFO whose writer closes without writing', async () => {
    const fifo = path.join(dir, 'empty.fifo');
    execFileSync('mkfifo', [fifo]);
    // Not written from this process: were the read synchronous, it would wait here for ever.
    const writer = new Promise<void>((resolve, reject) => {
      execFile('sh', ['-c', ': > "$1"', 'sh', fifo], (error) => (error ? reject(error) : resolve()));
    });
    await expect(readText(fifo)).resolves.toBe('');
    await writer;
  });
});

describe('readTextIfExists', () => {
  it('reads a file, gives undefined for a missing one, and still rejects a directory', async () => {
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, 'a');
    await expect(readTextIfExists(file)).resolves.toBe('a');
    await expect(readTextIfExists(path.join(dir, 'missing'))).resolves.toBeUndefined();
    await expect(readTextIfExists(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
