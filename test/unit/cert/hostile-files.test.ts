import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, runInProcess } from '../../helpers/deps.js';
import { withTempDir } from '../../helpers/temp-dir.js';
import { makePair, snapshot, writeProfile, type Pem } from './helpers.js';

/** Files that are not what they claim to be: each is exit 2 naming the file, and nothing is written. */
let pair: Pem;

beforeAll(() => {
  pair = makePair('prod');
});

function cli(home: string, argv: string[], env: Record<string, string> = {}) {
  return runInProcess([...argv, '--json'], createTestDeps({ env: { SFJWT_HOME: home, ...env }, cwd: home }));
}

async function expectRefused(home: string, argv: string[], code: string, message: RegExp, env: Record<string, string> = {}) {
  const before = await snapshot(home);
  const run = await cli(home, argv, env);
  expect(run.code, run.stdout + run.stderr).toBe(2);
  const { error } = run.json();
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expect(error.message).not.toMatch(/\n/);
  expect(await snapshot(home)).toEqual(before);
  return error as { message: string; hint: string };
}

const OVER_1_MIB = (1 << 20) + 1;

describe('size limits (SPEC §10: key and certificate files, keystores: 1 MiB)', () => {
  it('a key, a certificate or a keystore over 1 MiB is refused before it is parsed, naming the file', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', pair);
      // Valid PEM at the start: the size alone is what is refused.
      await fs.writeFile(path.join(home, 'big.key'), pair.key.padEnd(OVER_1_MIB, '\n'));
      await fs.writeFile(path.join(home, 'big.crt'), pair.cert.padEnd(OVER_1_MIB, '\n'));
      await fs.writeFile(path.join(home, 'big.p12'), Buffer.alloc(OVER_1_MIB, 0x30));
      const key = await expectRefused(home, ['cert', 'import', '-a', 'new', '--key', 'big.key'], 'key-unreadable', /big\.key is larger than 1 MiB: not a private key file/);
      expect(key.hint).toMatch(/a few KB/);
      await expectRefused(home, ['cert', 'show', '--cert', 'big.crt'], 'cert-invalid', /big\.crt is larger than 1 MiB: not a certificate file/);
      await expectRefused(home, ['cert', 'import', '-a', 'new', '--p12', 'big.p12'], 'key-unreadable', /big\.p12 is larger than 1 MiB: not a keystore file/);
      await expectRefused(home, ['verify', '--login-url', 'https://login.salesforce.com', '--username', 'a@b.c', '--client-id', 'clientid123', '--key', 'big.key'], 'key-unreadable', /big\.key is larger than 1 MiB/);
    });
  });

  it('SFJWT_KEY over 1 MiB is refused the same way', async () => {
    await withTempDir(async (home) => {
      const argv = ['verify', '--login-url', 'https://login.salesforce.com', '--username', 'a@b.c', '--client-id', 'clientid123'];
      await expectRefused(home, argv, 'key-invalid', /^SFJWT_KEY is larger than 1 MiB/, { SFJWT_KEY: pair.key.padEnd(OVER_1_MIB, '\n') });
    });
  });

  it.skipIf(process.platform === 'win32')('a pipe (--key <(command)) is read, up to the same limit', async () => {
    await withTempDir(async (home) => {
      const fifo = path.join(home, 'key.fifo');
      const feed = (data: string) =>
        new Promise<void>((resolve, reject) => {
          // The writer may be cut off by the reader stopping early: its exit status does not matter.
          execFile('sh', ['-c', 'cat > "$1"', 'sh', fifo], () => resolve()).stdin!.end(data);
          setTimeout(() => reject(new Error('never read')), 20_000).unref();
        });
      await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (error) => (error ? reject(error) : resolve())));
      const [shown] = await Promise.all([cli(home, ['cert', 'show', '--key', 'key.fifo']), feed(pair.key)]);
      expect(shown.code, shown.stdout).toBe(0);
      expect(shown.json().result.keySize).toBe(2048);
      const [refused] = await Promise.all([cli(home, ['cert', 'show', '--key', 'key.fifo']), feed(pair.key.padEnd(OVER_1_MIB, '\n'))]);
      expect(refused.code).toBe(2);
      expect(refused.json().error.message).toMatch(/key\.fifo is larger than 1 MiB/);
    });
  });
});
