import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig, updateConfig, writeConfig } from '../../../src/store/config-store.js';
import { writeFileAtomic } from '../../../src/store/files.js';
import { writeKeyPair } from '../../../src/store/key-files.js';
import { backupDir, resolveConfigDir, validateAlias } from '../../../src/store/paths.js';
import { emptyConfig, recordVerification, removeProfile, upsertProfile, type Profile } from '../../../src/store/profile.js';
import { modeOf, withTempDir } from '../../helpers/temp-dir.js';

const profile = (alias: string, extra: Partial<Profile> = {}): Profile => ({
  alias,
  loginUrl: 'https://acme.my.salesforce.com',
  username: 'ci@acme.com',
  clientId: '3MVG9abc',
  keyPath: `/keys/${alias}/server.key`,
  certPath: `/keys/${alias}/server.crt`,
  orgKind: 'production',
  appKind: 'eca',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('config dir resolution', () => {
  const base = { platform: 'linux' as NodeJS.Platform, homedir: '/home/u', cwd: '/work' };
  it('prefers --config-dir, then SFJWT_HOME, then XDG, then ~/.config', () => {
    expect(resolveConfigDir({ ...base, env: { SFJWT_HOME: '/h' }, override: 'rel' })).toBe('/work/rel');
    expect(resolveConfigDir({ ...base, env: { SFJWT_HOME: '/h', XDG_CONFIG_HOME: '/x' } })).toBe('/h');
    expect(resolveConfigDir({ ...base, env: { XDG_CONFIG_HOME: '/x' } })).toBe('/x/sfjwt');
    expect(resolveConfigDir({ ...base, env: {} })).toBe('/home/u/.config/sfjwt');
  });
  it('uses %APPDATA% on Windows', () => {
    expect(resolveConfigDir({ ...base, platform: 'win32', env: { APPDATA: '/appdata' } })).toBe(path.join('/appdata', 'sfjwt'));
  });
});

describe('aliases', () => {
  it('accepts simple names and refuses path characters', () => {
    expect(validateAlias('acme-uat')).toBe('acme-uat');
    for (const bad of ['../x', 'a/b', 'a\\b', '', ' ', '.hidden', 'x'.repeat(65)]) {
      expect(() => validateAlias(bad)).toThrow(/invalid alias/);
    }
  });
});

describe('config.json', () => {
  it('is absent → empty; written 0600 in a 0700 dir; read back equal', async () => {
    await withTempDir(async (dir) => {
      const home = path.join(dir, 'home');
      expect(await readConfig(home)).toEqual(emptyConfig());
      const config = upsertProfile(emptyConfig(), profile('prod'));
      await writeConfig(home, config);
      expect(await modeOf(path.join(home, 'config.json'))).toBe(0o600);
      expect(await modeOf(home)).toBe(0o700);
      expect(await readConfig(home)).toEqual(config);
    });
  });

  it('keeps keys it does not understand, at the top level and in profiles', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'config.json');
      await fs.writeFile(file, JSON.stringify({ schemaVersion: 1, future: { x: 1 }, profiles: { a: { ...profile('a'), team: 'data' } } }));
      await updateConfig(dir, (c) => c);
      const written = JSON.parse(await fs.readFile(file, 'utf8'));
      expect(written.future).toEqual({ x: 1 });
      expect(written.profiles.a.team).toBe('data');
    });
  });

  it('a corrupt file is an error naming the file, and it is left untouched', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'config.json');
      await fs.writeFile(file, '{"schemaVersion": 1, "profiles": {');
      await expect(readConfig(dir)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(file) });
      await expect(updateConfig(dir, (c) => c)).rejects.toMatchObject({ exitCode: 2 });
      expect(await fs.readFile(file, 'utf8')).toBe('{"schemaVersion": 1, "profiles": {');
    });
  });

  it('a malformed profile names the field', async () => {
    await withTempDir(async (dir) => {
      await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ schemaVersion: 1, profiles: { a: { ...profile('a'), appKind: 'x' } } }));
      await expect(readConfig(dir)).rejects.toThrow(/profiles\.a\.appKind must be one of eca, connected-app/);
    });
  });

  it('a newer schemaVersion asks for an upgrade', async () => {
    await withTempDir(async (dir) => {
      await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ schemaVersion: 2, profiles: {} }));
      await expect(readConfig(dir)).rejects.toThrow(/newer sfjwt/);
    });
  });
});

describe('profile transforms', () => {
  it('first profile becomes the default; removing the default picks another', () => {
    let c = upsertProfile(emptyConfig(), profile('b'));
    c = upsertProfile(c, profile('a'));
    expect(c.default).toBe('b');
    c = removeProfile(c, 'b');
    expect(c.default).toBe('a');
    expect(removeProfile(c, 'a').default).toBeUndefined();
  });
  it('recordVerification stores the working audience and when', () => {
    const p = recordVerification(profile('a'), {
      loginUrl: 'https://acme.my.salesforce.com', audience: 'https://login.salesforce.com', organizationId: '00D1', userId: '0051', instanceUrl: 'https://acme.my.salesforce.com', time: new Date('2026-02-03T04:05:06Z'),
    });
    expect(p.audience).toBe('https://login.salesforce.com');
    expect(p.lastVerified).toMatchObject({ time: '2026-02-03T04:05:06.000Z', organizationId: '00D1' });
  });
});

describe('atomic writes and key files', () => {
  it('writes with the final mode from the first byte and leaves no temp file', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'server.key');
      await writeFileAtomic(file, 'secret', 0o600);
      expect(await modeOf(file)).toBe(0o600);
      expect(await fs.readdir(dir)).toEqual(['server.key']);
    });
  });

  it('refuses to overwrite without --force, and backs up with it', async () => {
    await withTempDir(async (dir) => {
      const files = { keyPath: path.join(dir, 'k', 'server.key'), certPath: path.join(dir, 'k', 'server.crt') };
      const backups = backupDir(dir, 'a', new Date('2026-01-02T03:04:05.678Z'));
      await writeKeyPair({ ...files, keyPem: 'KEY1', certPem: 'CERT1', force: false, backupDir: backups });
      expect(await modeOf(files.keyPath)).toBe(0o600);
      expect(await modeOf(files.certPath)).toBe(0o644);
      await expect(writeKeyPair({ ...files, keyPem: 'KEY2', certPem: 'CERT2', force: false, backupDir: backups })).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringContaining('refusing to overwrite'),
      });
      expect(await fs.readFile(files.keyPath, 'utf8')).toBe('KEY1');
      const { backedUp } = await writeKeyPair({ ...files, keyPem: 'KEY2', certPem: 'CERT2', force: true, backupDir: backups });
      expect(backedUp).toHaveLength(2);
      expect(await fs.readFile(path.join(backups, 'server.key'), 'utf8')).toBe('KEY1');
      expect(await modeOf(path.join(backups, 'server.key'))).toBe(0o600);
      expect(await fs.readFile(files.keyPath, 'utf8')).toBe('KEY2');
      expect(backups).toContain('2026-01-02T03-04-05-678Z');
    });
  });
});
