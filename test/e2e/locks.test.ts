import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { withAliasLock } from '../../src/store/lock.js';
import { runCli } from '../helpers/cli.js';
import { makeKeyFiles, type KeyFiles } from '../helpers/fixtures.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let dir: string;
let home: string;
let keys: KeyFiles;

beforeAll(async () => {
  dir = await makeTempDir();
  home = path.join(dir, 'home');
  keys = await makeKeyFiles(path.join(home, 'keys', 'p'));
  await fs.writeFile(
    path.join(home, 'config.json'),
    JSON.stringify({
      schemaVersion: 1,
      default: 'p',
      profiles: { p: { loginUrl: 'https://acme.my.salesforce.com', username: 'ci@acme.com', clientId: '3MVG9lockTestClient', keyPath: keys.keyPath, certPath: keys.certPath, orgKind: 'production', appKind: 'eca', createdAt: new Date().toISOString() } },
    }),
  );
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('commands that change a profile take its lock', () => {
  it.each([
    [['cert', 'renew', '-a', 'p']],
    [['cert', 'generate', '-a', 'p', '--force']],
    [['cert', 'import', '-a', 'p', '--key', 'x.pem', '--force']],
    [['profiles', 'remove', '-a', 'p']],
    [['init', '-a', 'p', '--org-kind', 'production', '--no-verify', '--yes']],
  ])('%j waits, then stops with a clear message while another run holds the lock', async (argv) => {
    const certBefore = await fs.readFile(keys.certPath, 'utf8');
    const out = await withAliasLock(home, 'p', () => runCli(argv, { env: { SFJWT_HOME: home } }));
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`another sfjwt \\(pid ${process.pid}\\) is changing profile p; wait for it or remove .*locks/p\\.lock`));
    expect(await fs.readFile(keys.certPath, 'utf8')).toBe(certBefore);
    expect(JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8')).profiles.p).toBeDefined();
  });

  it('without a competing run, the same command works and leaves no lock behind', async () => {
    const out = await runCli(['cert', 'renew', '-a', 'p', '--json'], { env: { SFJWT_HOME: home } });
    expect(out.code).toBe(0);
    await expect(fs.access(path.join(home, 'locks'))).rejects.toThrow();
  });
});

describe('bookkeeping never fails a login (real processes against the emulator)', () => {
  const USER = 'locks@acme.com';
  const CLIENT_ID = '3MVG9parallelTokens';
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: keys.certPem, username: USER, app: 'eca' }), { port: 0 });
  });
  afterAll(() => emulator?.stop());

  async function emulatorHome(name: string): Promise<string> {
    const cfg = path.join(dir, name);
    await fs.mkdir(cfg, { recursive: true });
    const profile = { loginUrl: emulator.url, username: USER, clientId: CLIENT_ID, keyPath: keys.keyPath, certPath: keys.certPath, orgKind: 'production', appKind: 'eca', createdAt: new Date().toISOString() };
    await fs.writeFile(path.join(cfg, 'config.json'), JSON.stringify({ schemaVersion: 1, default: 'x', profiles: { x: profile } }));
    return cfg;
  }

  it('40 parallel `token -a x` runs all print a token and exit 0; none trips over the config lock folder', async () => {
    const cfg = await emulatorHome('parallel');
    const runs = await Promise.all(Array.from({ length: 40 }, () => runCli(['token', '-a', 'x', '--json'], { env: { SFJWT_HOME: cfg }, timeoutMs: 120_000 })));
    for (const run of runs) {
      expect(run.stderr).not.toMatch(/ENOENT/);
      expect(run.code).toBe(0);
      expect(run.json().result.accessToken).toEqual(expect.any(String));
    }
    expect(JSON.parse(await fs.readFile(path.join(cfg, 'config.json'), 'utf8')).profiles.x.lastVerified).toBeDefined();
    await expect(fs.access(path.join(cfg, 'locks'))).rejects.toThrow();
  }, 180_000);

  it.skipIf(process.platform === 'win32')('a read-only config dir: token and verify log in and warn that nothing was recorded (exit 0)', async () => {
    const cfg = await emulatorHome('read-only');
    // Root ignores a dir's mode: run the CLI as an unprivileged user owning a read-only dir instead.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (user.uid !== undefined) {
      for (const p of [dir, home, path.dirname(keys.keyPath)]) await fs.chmod(p, 0o755);
      for (const p of [cfg, path.join(cfg, 'config.json'), keys.keyPath]) await fs.chown(p, user.uid, user.gid!);
    }
    await fs.chmod(cfg, 0o500);
    try {
      for (const command of ['token', 'verify']) {
        const run = await runCli([command, '-a', 'x', '--json'], { env: { SFJWT_HOME: cfg }, ...user });
        expect(run.code, run.stderr).toBe(0);
        expect(run.json().warnings).toEqual([{ code: 'verification-not-recorded', message: expect.stringContaining('could not record the verification in profile "x"') }]);
      }
    } finally {
      await fs.chmod(cfg, 0o700);
      if (user.uid !== undefined) await fs.chown(keys.keyPath, 0, 0);
    }
    expect(await fs.readdir(cfg)).toEqual(['config.json']);
  }, 60_000);
});
