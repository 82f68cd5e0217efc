import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import * as nodeModule from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator } from '../../src/emulator/index.js';
import { BIN, runCli } from '../helpers/cli.js';
import { makeKeyFiles, type KeyFiles } from '../helpers/fixtures.js';
import { makeTempDir, modeOf } from '../helpers/temp-dir.js';

const USER = 'integration@acme.com';
const CLIENT_ID = '3MVG9e2eClientId';
let dir: string;
let keys: KeyFiles;

beforeAll(async () => {
  dir = await makeTempDir();
  keys = await makeKeyFiles(path.join(dir, 'keys'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const home = () => fs.mkdtemp(path.join(dir, 'home-'));

describe('the built CLI', () => {
  it('--version and --help exit 0', async () => {
    const pkg = JSON.parse(await fs.readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: sfjwt/);
    for (const command of ['init', 'verify', 'token', 'doctor', 'cert', 'export', 'profiles', 'emulator', 'demo']) {
      expect(help.stdout).toContain(command);
    }
  });

  it('without a build (no dist/), says to build, exit 1, no stack trace; --version still answers', async () => {
    const copy = path.join(dir, 'unbuilt');
    await fs.mkdir(path.join(copy, 'bin'), { recursive: true });
    await fs.copyFile(BIN, path.join(copy, 'bin', 'sfjwt.cjs'));
    await fs.copyFile(new URL('../../package.json', import.meta.url), path.join(copy, 'package.json'));
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(copy, 'bin', 'sfjwt.cjs'), ...args], { env: { PATH: process.env.PATH, CI: '1' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const verify = await run(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/^sfjwt: cannot start \([^\n]*dist\/sfjwt\.js[^\n]*\); run `npm run build` first\n$/);
    expect((await run(['--version'])).code).toBe(0);
  });

  it('an unknown option is a usage error (exit 2), as JSON with --json', async () => {
    const out = await runCli(['verify', '--bogus']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/unknown option '--bogus'/);
    const json = await runCli(['verify', '--bogus', '--json']);
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ ok: false, error: { code: 'usage' } });
  });

  it('cert generate writes a 0600 key and a 0644 certificate, refuses to overwrite, and backs up with --force', async () => {
    const out = path.join(dir, 'gen');
    const first = await runCli(['cert', 'generate', '--out-dir', out, '--json', '--days', '30']);
    expect(first.code).toBe(0);
    const result = first.json().result;
    expect(result).toMatchObject({ keyPath: path.join(out, 'server.key'), certPath: path.join(out, 'server.crt'), keySize: 2048 });
    expect(result.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(await modeOf(result.keyPath)).toBe(0o600);
    expect(await modeOf(result.certPath)).toBe(0o644);
    expect(first.stdout).not.toContain('PRIVATE KEY');
    const keyBefore = await fs.readFile(result.keyPath, 'utf8');

    const again = await runCli(['cert', 'generate', '--out-dir', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/refusing to overwrite/);
    expect(await fs.readFile(result.keyPath, 'utf8')).toBe(keyBefore);

    const forced = await runCli(['cert', 'generate', '--out-dir', out, '--force']);
    expect(forced.code).toBe(0);
    const backups = await fs.readdir(path.join(out, 'backup'));
    expect(backups).toHaveLength(1);
    expect(await fs.readFile(path.join(out, 'backup', backups[0]!, 'server.key'), 'utf8')).toBe(keyBefore);
    expect(await fs.readFile(result.keyPath, 'utf8')).not.toBe(keyBefore);
  });

  it('a corrupt config.json is exit 2 naming the file, and it is left alone', async () => {
    const h = await home();
    await fs.writeFile(path.join(h, 'config.json'), '{ nope');
    const out = await runCli(['profiles', 'list'], { env: { SFJWT_HOME: h } });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(path.join(h, 'config.json'));
    expect(await fs.readFile(path.join(h, 'config.json'), 'utf8')).toBe('{ nope');
  });

  it('profiles list/show/default/remove', async () => {
    const h = await home();
    const profile = (alias: string) => ({
      loginUrl: 'https://acme.my.salesforce.com', username: USER, clientId: CLIENT_ID, keyPath: keys.keyPath, certPath: keys.certPath,
      orgKind: 'production', appKind: 'eca', createdAt: '2026-01-01T00:00:00.000Z',
    });
    await fs.writeFile(path.join(h, 'config.json'), JSON.stringify({ schemaVersion: 1, default: 'a', profiles: { a: profile('a'), b: profile('b') } }));
    const env = { SFJWT_HOME: h };
    const list = await runCli(['profiles', 'list', '--json'], { env });
    expect(list.json().result.default).toBe('a');
    expect(list.json().result.profiles.map((p: { alias: string }) => p.alias)).toEqual(['a', 'b']);
    expect(list.json().result.profiles[0].certDaysLeft).toBeGreaterThan(700);
    const show = await runCli(['profiles', 'show', '-a', 'b', '--json'], { env });
    expect(show.json().result).toMatchObject({ alias: 'b', loginUrl: 'https://acme.my.salesforce.com', appKind: 'eca', keyPath: keys.keyPath });
    expect((await runCli(['profiles', 'default', 'b'], { env })).code).toBe(0);
    expect((await runCli(['profiles', 'list', '--json'], { env })).json().result.default).toBe('b');
    expect((await runCli(['profiles', 'remove'], { env })).code).toBe(2);
    const removed = await runCli(['profiles', 'remove', '-a', 'b', '--json'], { env });
    expect(removed.json().result).toMatchObject({ removed: 'b', keysDeleted: false, default: 'a' });
    await expect(fs.access(keys.keyPath)).resolves.toBeUndefined();
    const missing = await runCli(['profiles', 'show', '-a', 'nope'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no profile named "nope".*known profiles: a/s);
  });

  const nodeHasCompileCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

  it(`${nodeHasCompileCache ? 'keeps' : 'keeps no (Node 20 has none)'} Node's compile cache in a private folder of the user's cache dir, and none when told not to`, async () => {
    const cacheHome = path.join(dir, 'cache-home');
    const env = { SFJWT_HOME: await home(), XDG_CACHE_HOME: cacheHome };
    const first = await runCli(['profiles', 'list', '--json'], { env });
    expect(first.code).toBe(0);
    const folder = path.join(cacheHome, 'sfjwt', 'compile-cache');
    if (nodeHasCompileCache) {
      expect(await modeOf(folder)).toBe(0o700);
      expect((await fs.readdir(folder, { recursive: true })).length).toBeGreaterThan(0);
      expect((await runCli(['profiles', 'list', '--json'], { env })).json()).toEqual(first.json());
    } else {
      await expect(fs.access(folder)).rejects.toThrow();
    }

    const off = path.join(dir, 'cache-off');
    const disabled = await runCli(['profiles', 'list', '--json'], { env: { ...env, XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: '1' } });
    expect(disabled.json()).toEqual(first.json());
    await expect(fs.access(off)).rejects.toThrow();
  });

  it.runIf(nodeHasCompileCache)('does not use a cache folder that others can write to', async () => {
    const cacheHome = path.join(dir, 'shared-cache');
    const folder = path.join(cacheHome, 'sfjwt', 'compile-cache');
    await fs.mkdir(folder, { recursive: true });
    await fs.chmod(folder, 0o777);
    const run = await runCli(['profiles', 'list', '--json'], { env: { SFJWT_HOME: await home(), XDG_CACHE_HOME: cacheHome } });
    expect(run.code).toBe(0);
    expect(await fs.readdir(folder)).toEqual([]);
    expect(await modeOf(folder)).toBe(0o777);
  });

  it('ends quietly with exit 0 when the reader of its output goes away (| head)', async () => {
    const h = await home();
    const profiles = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`p${i}`, { loginUrl: 'https://acme.my.salesforce.com', username: USER, clientId: CLIENT_ID, keyPath: keys.keyPath, orgKind: 'production', appKind: 'eca', createdAt: '2026-01-01T00:00:00.000Z' }]),
    );
    await fs.writeFile(path.join(h, 'config.json'), JSON.stringify({ schemaVersion: 1, default: 'p0', profiles }));
    const child = spawn(process.execPath, [BIN, 'profiles', 'list', '--json'], { env: { ...process.env, CI: '1', SFJWT_HOME: h }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Far more than a pipe buffer is coming: read the first chunk, then hang up as `head` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('keeps the real exit code when the reader goes away mid-output (doctor --all --json | head, failing profiles)', async () => {
    const h = await home();
    // Every profile fails (its key file is missing): a report far larger than a pipe buffer, exit 1.
    const profiles = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`p${i}`, { loginUrl: 'https://acme.my.salesforce.com', username: USER, clientId: CLIENT_ID, keyPath: path.join(h, 'missing.key'), orgKind: 'production', appKind: 'eca', createdAt: '2026-01-01T00:00:00.000Z' }]),
    );
    await fs.writeFile(path.join(h, 'config.json'), JSON.stringify({ schemaVersion: 1, default: 'p0', profiles }));
    const child = spawn(process.execPath, [BIN, 'doctor', '--all', '--offline', '--json'], { env: { ...process.env, CI: '1', SFJWT_HOME: h }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk, then hang up as `head -1` does while the rest is still being written.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('sfjwt emulator prints its URL, serves a real login, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--client-id', CLIENT_ID, '--cert', keys.certPath, '--username', USER], {
      env: { PATH: process.env.PATH, CI: '1', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout);
        if (match) resolve(match[0]);
      });
      child.on('exit', () => reject(new Error(`emulator exited early: ${stderr}`)));
    });
    const verify = await runCli(['verify', '--login-url', url, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath, '--json'], {
      env: { SFJWT_HOME: await home() },
    });
    expect(verify.code).toBe(0);
    expect(verify.json().result.organizationId).toBe('00D000000000001AAA');
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(stderr).toMatch(/Emulator stopped/);
  });

  it('SIGINT during a propagation wait exits 130', async () => {
    const emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: keys.certPem, username: USER }), { port: 0 });
    try {
      emulator.removeApp(CLIENT_ID);
      const child = spawn(process.execPath, [BIN, 'verify', '--login-url', emulator.url, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath, '--wait', '600'], {
        env: { PATH: process.env.PATH, CI: '1', NO_COLOR: '1', SFJWT_HOME: await home() },
      });
      let stderr = '';
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/retrying in/.test(stderr)) resolve();
        });
      });
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exit).toBe(130);
      expect(stderr).toMatch(/Cancelled/);
    } finally {
      await emulator.stop();
    }
  });

  it('npm run demo: the whole flow passes offline', async () => {
    const out = await runCli(['demo'], { timeoutMs: 120_000 });
    expect(out.stderr).toMatch(/All 8 steps passed/);
    expect(out.code).toBe(0);
    // The zero-click run: a new app deployed by metadata to the same emulator, then a verified login.
    expect(out.stderr).toMatch(/Verified: integration@sfjwt-demo\.example at http:\/\/127\.0\.0\.1:\d+ with the External Client App sfjwt_demo_admin\./);
    expect(out.stdout + out.stderr).not.toMatch(/00Ddemo!/);
  }, 120_000);
});
