import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyMatchesCertificate } from '../../src/crypto/inspect.js';
import { CliError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/store/files.js';
import { configLockFile, lockFile, withAliasLock, withConfigLock } from '../../src/store/lock.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { makeTempDir, modeOf } from '../helpers/temp-dir.js';

/**
 * Interruption and concurrency with real processes: a writer SIGKILLed mid-write, the built CLI
 * interrupted during `cert generate`, and the per-alias lock held by another live (or dead) process.
 */
let dir: string;
let storeDir: string;

/** A tiny seeded generator (mulberry32): the "random" kill moments are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  dir = await makeTempDir();
  // The store modules as plain JavaScript for child processes (independent of dist/ and .build/,
  // which other builds may be rewriting at the same moment).
  storeDir = path.join(dir, 'store');
  await build({
    entryPoints: { files: path.join(ROOT, 'src/store/files.ts'), lock: path.join(ROOT, 'src/store/lock.ts') },
    outdir: storeDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

interface Child {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves when the child has printed `word` on a line of its own. */
  printed(word: string): Promise<void>;
}

/** Starts `node -e <script>` as an ES module, with stdin and stdout piped. */
function spawnChild(script: string, args: string[]): Child {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const printed = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => stdout.split('\n').includes(word) && resolve();
      check();
      child.stdout!.on('data', check);
      void exited.then((code) => reject(new Error(`child exited (${code}) before printing ${word}: ${stderr}`)));
    });
  return { child, exited, printed };
}

async function startChild(script: string, args: string[]): Promise<Child> {
  const started = spawnChild(script, args);
  await started.printed('ready');
  return started;
}

const temps = async (target: string) =>
  (await fs.readdir(path.dirname(target))).filter((name) => name.startsWith(`.${path.basename(target)}.`) && name.endsWith('.tmp'));

describe('writeFileAtomic survives SIGKILL at random moments (15 writers, seeded kill times)', () => {
  it('the target is always a complete old or new version; a killed writer’s temp file is removed by the next write', async () => {
    const target = path.join(dir, 'atomic', 'config.json');
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Large, different versions (~256 KB each: a write takes long enough to be cut in the middle).
    const version = (tag: string) => `${JSON.stringify({ tag, filler: tag.repeat(1 << 18) })}\n`;
    const versions = new Set([version('A'), version('B'), version('initial')]);
    await writeFileAtomic(target, version('initial'), 0o600);

    // Each writer loads, waits for "go", makes one complete write (which cleans up after the previous,
    // killed writer), prints "ready", then rewrites the target in a loop until it is killed.
    const writer = `
      const { writeFileAtomic } = await import(${JSON.stringify(path.join(storeDir, 'files.mjs'))});
      const target = process.argv[1];
      const body = (tag) => JSON.stringify({ tag, filler: tag.repeat(1 << 18) }) + '\\n';
      const a = body('A'), b = body('B');
      process.stdout.write('loaded\\n');
      await new Promise((resolve) => process.stdin.once('data', resolve));
      await writeFileAtomic(target, a, 0o600);
      process.stdout.write('ready\\n');
      for (let i = 0; ; i++) await writeFileAtomic(target, i % 2 ? b : a, 0o600);
    `;
    const random = seeded(7);
    let leftovers = 0;
    // Writers start a few ahead (they write nothing before "go"): start-up overlaps the kills.
    const runs = 15;
    const queue = Array.from({ length: 3 }, () => spawnChild(writer, [target]));
    for (let i = 0; i < runs; i++) {
      const { child, exited, printed } = queue.shift()!;
      if (i + queue.length + 1 < runs) queue.push(spawnChild(writer, [target]));
      await printed('loaded');
      child.stdin!.write('go\n');
      await printed('ready');
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
      child.kill('SIGKILL');
      await exited;
      const text = await fs.readFile(target, 'utf8');
      expect(versions.has(text), `iteration ${i}: the target holds ${text.length} bytes that are neither version`).toBe(true);
      expect(await modeOf(target)).toBe(0o600);
      const stray = await temps(target);
      leftovers += stray.length;
      // Whatever was left is recognisable (.<name>.<hex>.tmp) and is this writer's own: the previous
      // writers' leftovers were removed by this one's first complete write.
      const pidHex = child.pid!.toString(16).padStart(8, '0');
      for (const name of stray) expect(name).toMatch(new RegExp(`^\\.config\\.json\\.${pidHex}[0-9a-f]{12}\\.tmp$`));
      expect(stray.length).toBeLessThanOrEqual(1);
    }
    // Over 15 kills, some landed mid-write (otherwise this test proves nothing about cleanup).
    expect(leftovers).toBeGreaterThan(0);
    await writeFileAtomic(target, version('A'), 0o600);
    expect(await temps(target)).toEqual([]);
    expect(await fs.readFile(target, 'utf8')).toBe(version('A'));
  });

  it('a temp file of a writer that is still alive is left alone', async () => {
    const target = path.join(dir, 'alive', 'server.key');
    await fs.mkdir(path.dirname(target), { recursive: true });
    const own = `.server.key.${process.pid.toString(16).padStart(8, '0')}0123456789ab.tmp`;
    const legacyFresh = '.server.key.0123456789ab.tmp';
    await fs.writeFile(path.join(path.dirname(target), own), 'in progress');
    await fs.writeFile(path.join(path.dirname(target), legacyFresh), 'in progress');
    await writeFileAtomic(target, 'key', 0o600);
    expect((await temps(target)).sort()).toEqual([legacyFresh, own].sort());
  });
});

describe('SIGINT / SIGTERM during `sfjwt cert generate --force` (built CLI)', () => {
  it('the files are always a matching pair: the previous one (intact) or the new one with the previous backed up', async () => {
    const out = path.join(dir, 'gen');
    const first = await runCli(['cert', 'generate', '--out-dir', out, '--json', '--days', '30']);
    expect(first.code, first.stderr).toBe(0);
    const keyPath = path.join(out, 'server.key');
    const certPath = path.join(out, 'server.crt');
    const random = seeded(11);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGINT', 'SIGTERM'] as const) {
      const before = { key: await fs.readFile(keyPath, 'utf8'), cert: await fs.readFile(certPath, 'utf8') };
      const backupsBefore = await fs.readdir(path.join(out, 'backup')).catch(() => [] as string[]);
      const child = spawn(process.execPath, [BIN, 'cert', 'generate', '--out-dir', out, '--force', '--json'], {
        env: { PATH: process.env.PATH, CI: '1', NO_COLOR: '1' },
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
      // Start-up (no handlers yet), key generation, the writes: somewhere in 0.05-0.4 s.
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 350)));
      child.kill(signal);
      const { code, signal: diedOf } = await exited;

      const after = { key: await fs.readFile(keyPath, 'utf8'), cert: await fs.readFile(certPath, 'utf8') };
      expect(keyMatchesCertificate(after.key, after.cert), `${signal}: key and certificate do not match`).toBe(true);
      expect(await modeOf(keyPath)).toBe(0o600);
      expect(await temps(keyPath)).toEqual([]);
      expect(await temps(certPath)).toEqual([]);
      if (after.key === before.key) {
        // Interrupted before the replacement: nothing changed, and no success was claimed.
        expect(after.cert).toBe(before.cert);
        expect(code === 0 && diedOf === null).toBe(false);
      } else {
        // Completed: the previous pair is in a new backup, byte for byte.
        const backups = (await fs.readdir(path.join(out, 'backup'))).filter((b) => !backupsBefore.includes(b));
        expect(backups).toHaveLength(1);
        const backup = path.join(out, 'backup', backups[0]!);
        expect(await fs.readFile(path.join(backup, 'server.key'), 'utf8')).toBe(before.key);
        expect(await fs.readFile(path.join(backup, 'server.crt'), 'utf8')).toBe(before.cert);
        if (code === 0) expect(JSON.parse(stdout)).toMatchObject({ ok: true, result: { keyPath } });
      }
    }
  });
});

describe('withAliasLock: one sfjwt at a time changes a profile', () => {
  it('a second caller waits for the first, then runs; the lock file is 0600, names the pid, and is removed', async () => {
    const configDir = path.join(dir, 'cfg-wait');
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withAliasLock(configDir, 'prod', async () => {
      events.push('first:start');
      const text = await fs.readFile(lockFile(configDir, 'prod'), 'utf8');
      expect(JSON.parse(text)).toMatchObject({ pid: process.pid });
      expect(await modeOf(lockFile(configDir, 'prod'))).toBe(0o600);
      await held;
      events.push('first:end');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = withAliasLock(configDir, 'prod', async () => void events.push('second'), { wait: 5000, pollMs: 10 });
    // Another alias is not blocked.
    await withAliasLock(configDir, 'uat', async () => void events.push('uat'), { wait: 0 });
    setTimeout(release, 50);
    await Promise.all([first, second]);
    expect(events).toEqual(['first:start', 'uat', 'first:end', 'second']);
    await expect(fs.stat(lockFile(configDir, 'prod'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('held too long: a CliError (exit 1) naming the pid, the profile and the lock file', async () => {
    const configDir = path.join(dir, 'cfg-busy');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withAliasLock(configDir, 'prod', () => held);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const error = await withAliasLock(configDir, 'prod', async () => 'ran', { wait: 50, pollMs: 10 }).catch((e: unknown) => e);
    release();
    await first;
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({
      exitCode: 1,
      message: `another sfjwt (pid ${process.pid}) is changing profile prod; wait for it or remove ${lockFile(configDir, 'prod')} if it is stale`,
    });
  });

  it('the config-wide lock names config.json; an alias that is not a file name is refused (exit 2)', async () => {
    const configDir = path.join(dir, 'cfg-config');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Locks nest within one operation (config → profile → config again)...
    let reached!: () => void;
    const inside = new Promise<void>((resolve) => (reached = resolve));
    const first = withConfigLock(configDir, () =>
      withAliasLock(configDir, 'prod', () => withConfigLock(configDir, () => (reached(), held)), { wait: 0 }),
    );
    // Not a fixed pause: on a busy machine the first holder may need longer to take its locks.
    await inside;
    // ...while another operation waits, then gives up.
    const error = await withConfigLock(configDir, async () => 'ran', { wait: 20, pollMs: 5 }).catch((e: unknown) => e);
    release();
    await first;
    expect(error).toMatchObject({
      exitCode: 1,
      message: `another sfjwt (pid ${process.pid}) is changing ${path.join(configDir, 'config.json')}; wait for it or remove ${configLockFile(configDir)} if it is stale`,
    });
    await expect(withAliasLock(configDir, '../prod', async () => 'ran')).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('invalid alias "../prod"') });
  });

  it('nested use on the same alias does not deadlock; the lock is released when fn throws', async () => {
    const configDir = path.join(dir, 'cfg-nested');
    const result = await withAliasLock(configDir, 'prod', () => withAliasLock(configDir, 'prod', async () => 42, { wait: 0 }), { wait: 0 });
    expect(result).toBe(42);
    await expect(withAliasLock(configDir, 'prod', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(fs.stat(lockFile(configDir, 'prod'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('held by another live process: refused with its pid; once that process is SIGKILLed, its stale lock is taken over', async () => {
    const configDir = path.join(dir, 'cfg-process');
    const holder = `
      const { withAliasLock } = await import(${JSON.stringify(path.join(storeDir, 'lock.mjs'))});
      await withAliasLock(process.argv[1], 'prod', async () => {
        process.stdout.write('ready\\n');
        await new Promise(() => setInterval(() => {}, 1000));
      });
    `;
    const { child, exited } = await startChild(holder, [configDir]);
    try {
      const busy = await withAliasLock(configDir, 'prod', async () => 'ran', { wait: 30, pollMs: 10 }).catch((e: unknown) => e);
      expect((busy as Error).message).toContain(`another sfjwt (pid ${child.pid}) is changing profile prod`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // The lock file is still there (SIGKILL runs no cleanup), but its pid is dead.
    expect(JSON.parse(await fs.readFile(lockFile(configDir, 'prod'), 'utf8'))).toMatchObject({ pid: child.pid });
    expect(await withAliasLock(configDir, 'prod', async () => 'ran', { wait: 0 })).toBe('ran');
  });

  it('an unreadable lock file is waited for while fresh (being written), taken over once old (a crash mid-create)', async () => {
    const configDir = path.join(dir, 'cfg-torn');
    const file = lockFile(configDir, 'prod');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '');
    const busy = await withAliasLock(configDir, 'prod', async () => 'ran', { wait: 30, pollMs: 10 }).catch((e: unknown) => e);
    expect(busy).toMatchObject({ exitCode: 1, message: `another sfjwt is changing profile prod; wait for it or remove ${file} if it is stale` });
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(file, old, old);
    expect(await withAliasLock(configDir, 'prod', async () => 'ran', { wait: 0 })).toBe('ran');
  });
});
