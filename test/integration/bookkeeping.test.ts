import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/store/config-store.js';
import { configLockFile, lockFile, withAliasLock, withConfigLock } from '../../src/store/lock.js';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { useEmulatorFixture } from '../helpers/fixtures.js';

const USER = 'bookkeeping@acme.com';
const CLIENT_ID = '3MVG9bookkeepingClient';
const fx = useEmulatorFixture({ clientId: CLIENT_ID, username: USER, app: 'eca' });

/** A config dir holding one profile "p" that logs in to the emulator. */
async function home(name: string): Promise<string> {
  const dir = path.join(fx.dir, name);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const profile = { loginUrl: fx.emulator.url, username: USER, clientId: CLIENT_ID, keyPath: fx.keys.keyPath, certPath: fx.keys.certPath, orgKind: 'production', appKind: 'eca', createdAt: new Date().toISOString() };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ schemaVersion: 1, default: 'p', profiles: { p: profile } }));
  return dir;
}

describe('a command that got its token never fails on bookkeeping', () => {
  it.each(['token', 'verify'])('%s: the verification cannot be recorded (no lock dir can be made) → a warning, exit 0', async (command) => {
    const dir = await home(`unrecordable-${command}`);
    // What a read-only config dir does to the lock; a file where the locks folder goes does the same for root.
    await fs.writeFile(path.join(dir, 'locks'), '');
    const out = await runInProcess([command, '-a', 'p', '--json'], createTestDeps({ env: { SFJWT_HOME: dir } }));
    expect(out.code).toBe(0);
    const doc = out.json();
    expect(doc.ok).toBe(true);
    if (command === 'token') expect(doc.result.accessToken).toEqual(expect.any(String));
    expect(doc.warnings).toEqual([
      { code: 'verification-not-recorded', message: expect.stringMatching(/^logged in, but could not record the verification in profile "p": cannot take the lock .*locks/) },
    ]);
    expect((await readConfig(dir)).profiles.p!.lastVerified).toBeUndefined();
  });

  it('the human output says so on stderr and still prints the token', async () => {
    const dir = await home('unrecordable-human');
    await fs.writeFile(path.join(dir, 'locks'), '');
    const out = await runInProcess(['token', '-a', 'p'], createTestDeps({ env: { SFJWT_HOME: dir } }));
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toMatch(/^\S{20,}$/);
    expect(out.stderr).toContain('logged in, but could not record the verification in profile "p"');
  });

  it('a verification that can be recorded is, without warnings', async () => {
    const dir = await home('recordable');
    const out = await runInProcess(['token', '-a', 'p', '--json'], createTestDeps({ env: { SFJWT_HOME: dir } }));
    expect(out.json()).toMatchObject({ ok: true, warnings: [] });
    expect((await readConfig(dir)).profiles.p!.lastVerified).toMatchObject({ instanceUrl: expect.any(String) });
  });

  it.skipIf(process.platform === 'win32')('a config dir other users can list: recorded all the same, with an OpenSSH-like warning; its mode is kept', async () => {
    const dir = await home('listable');
    await fs.chmod(dir, 0o755);
    const out = await runInProcess(['token', '-a', 'p', '--json'], createTestDeps({ env: { SFJWT_HOME: dir } }));
    expect(out.json()).toMatchObject({ ok: true, warnings: [{ code: 'config-dir-open', message: expect.stringContaining(`${dir} has mode 0755`) }] });
    expect((await readConfig(dir)).profiles.p!.lastVerified).toBeDefined();
    expect((await fs.stat(dir)).mode & 0o777).toBe(0o755);
  });
});

describe('locks survive races and leftovers', () => {
  it('an empty (torn) config lock delays a writer, never fails it', async () => {
    const dir = await home('torn');
    await fs.mkdir(path.join(dir, 'locks'));
    await fs.writeFile(configLockFile(dir), '');
    expect(await withConfigLock(dir, async () => 'ran')).toBe('ran');
  });

  it('a lock naming a live but unrelated pid (reused after a crash) is stale once untouched for a while', async () => {
    const dir = await home('reused');
    const file = lockFile(dir, 'p');
    await fs.mkdir(path.dirname(file));
    // process.ppid is alive, but it is not an sfjwt holding this lock: the holder crashed an hour ago.
    await fs.writeFile(file, JSON.stringify({ pid: process.ppid, startedAt: new Date(Date.now() - 3600_000).toISOString(), host: '', token: 'crashed' }));
    const old = new Date(Date.now() - 3600_000);
    await fs.utimes(file, old, old);
    expect(await withAliasLock(dir, 'p', async () => 'ran', { wait: 0 })).toBe('ran');
  });

  it('a live holder’s fresh lock is still respected', async () => {
    const dir = await home('fresh');
    const file = lockFile(dir, 'p');
    await fs.mkdir(path.dirname(file));
    await fs.writeFile(file, JSON.stringify({ pid: process.ppid, startedAt: new Date().toISOString(), host: '', token: 'live' }));
    await expect(withAliasLock(dir, 'p', async () => 'ran', { wait: 0 })).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining(`pid ${process.ppid}`) });
  });
});
