import fs from 'node:fs/promises';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { archiveFiles } from '../../../src/certs/archive.js';
import { backupTime, describeBackupFile, listBackups } from '../../../src/certs/backups.js';
import { backupDirUnder } from '../../../src/certs/locate.js';
import { promotePendingPair, readPendingPair } from '../../../src/certs/pending.js';
import { subjectAttribute } from '../../../src/certs/renew.js';
import { uploadGuide } from '../../../src/certs/upload-guide.js';
import { modeOf, withTempDir } from '../../helpers/temp-dir.js';
import { makePair, type Pem } from './helpers.js';

let a: Pem;
let b: Pem;
beforeAll(() => {
  a = makePair('alpha');
  b = makePair('beta');
});

describe('backups', () => {
  it('backup dir names round-trip to their time', () => {
    const now = new Date('2026-03-04T05:06:07.089Z');
    const dir = backupDirUnder('/x/backup', now);
    expect(dir).toBe('/x/backup/2026-03-04T05-06-07-089Z');
    expect(backupTime(path.basename(dir))).toBe(now.toISOString());
    expect(backupTime('manual-copy')).toBeNull();
  });

  it('archiveFiles keeps same-named files apart, each once, 0600', async () => {
    await withTempDir(async (dir) => {
      await fs.mkdir(path.join(dir, 'elsewhere'));
      await fs.mkdir(path.join(dir, 'live'));
      await fs.writeFile(path.join(dir, 'elsewhere/server.key'), a.key);
      await fs.writeFile(path.join(dir, 'live/server.key'), b.key);
      const copies = await archiveFiles(
        [path.join(dir, 'elsewhere/server.key'), path.join(dir, 'live/server.key'), path.join(dir, 'elsewhere/server.key'), path.join(dir, 'missing.crt')],
        path.join(dir, 'backup'),
      );
      expect(copies).toEqual([path.join(dir, 'backup/server.key'), path.join(dir, 'backup/2/server.key')]);
      expect(await fs.readFile(copies[0]!, 'utf8')).toBe(a.key);
      expect(await fs.readFile(copies[1]!, 'utf8')).toBe(b.key);
      for (const copy of copies) expect(await modeOf(copy)).toBe(0o600);
      const listed = (await listBackups(dir, new Date())).find((b) => b.dir === path.join(dir, 'backup'));
      expect(listed!.files.map((f) => `${f.name} ${f.kind}`)).toEqual([`${path.join('2', 'server.key')} key`, 'server.key key']);
    });
  });

  it('a damaged backup file is listed as "other", never an error', () => {
    expect(describeBackupFile('x.crt', '/b/x.crt', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', new Date()).kind).toBe('other');
    expect(describeBackupFile('server.key', '/b/server.key', a.key, new Date()).kind).toBe('key');
  });
});

describe('rotation files', () => {
  it('readPendingPair: none, unusable (half a pair, or a mismatch), ready', async () => {
    await withTempDir(async (dir) => {
      const files = { keyPath: path.join(dir, 'server.key'), certPath: path.join(dir, 'server.crt') };
      expect((await readPendingPair(files)).state).toBe('none');
      await fs.writeFile(files.keyPath, a.key);
      expect(await readPendingPair(files)).toMatchObject({ state: 'unusable', reason: expect.stringMatching(/only .*server\.key/) });
      await fs.writeFile(files.certPath, b.cert);
      expect(await readPendingPair(files)).toMatchObject({ state: 'unusable', reason: expect.stringMatching(/do not match/) });
      await fs.writeFile(files.certPath, a.cert);
      expect((await readPendingPair(files)).state).toBe('ready');
    });
  });

  it('promotePendingPair: a profile key outside keys/<alias> is archived and left in place; next/ moves live', async () => {
    await withTempDir(async (dir) => {
      const pending = { keyPath: path.join(dir, 'keys/p/next/server.key'), certPath: path.join(dir, 'keys/p/next/server.crt') };
      const live = { keyPath: path.join(dir, 'keys/p/server.key'), certPath: path.join(dir, 'keys/p/server.crt') };
      const previous = { keyPath: path.join(dir, 'mine/server.key'), certPath: path.join(dir, 'mine/server.crt') };
      await fs.mkdir(path.dirname(pending.keyPath), { recursive: true });
      await fs.mkdir(path.dirname(previous.keyPath), { recursive: true });
      await fs.writeFile(pending.keyPath, b.key, { mode: 0o600 });
      await fs.writeFile(pending.certPath, b.cert);
      await fs.writeFile(previous.keyPath, a.key);
      await fs.writeFile(previous.certPath, a.cert);
      const { backedUp } = await promotePendingPair({ pending, live, previous, backupDir: path.join(dir, 'keys/p/backup/t') });
      expect(backedUp.map((f) => path.relative(dir, f))).toEqual(['keys/p/backup/t/server.key', 'keys/p/backup/t/server.crt']);
      expect(await fs.readFile(live.keyPath, 'utf8')).toBe(b.key);
      expect(await modeOf(live.keyPath)).toBe(0o600);
      expect(await fs.readFile(previous.keyPath, 'utf8')).toBe(a.key);
      await expect(fs.access(path.dirname(pending.keyPath))).rejects.toThrow();
    });
  });
});

describe('copy', () => {
  it('the upload guide names the page and the field of each app kind', () => {
    const eca = uploadGuide('eca', 'https://acme.my.salesforce.com', '/k/server.crt');
    expect(eca.setupUrl).toBe('https://acme.my.salesforce-setup.com/lightning/setup/ManageExternalClientApplication/home');
    expect(eca.steps.join('\n')).toMatch(/Enable JWT Bearer Flow[\s\S]*Upload Files: \/k\/server\.crt/);
    const ca = uploadGuide('connected-app', 'https://acme--uat.sandbox.my.salesforce.com', '/k/server.crt');
    expect(ca.setupUrl).toBe('https://acme--uat.sandbox.my.salesforce-setup.com/lightning/setup/NavigationMenus/home');
    expect(ca.steps.join('\n')).toMatch(/Use digital signatures[\s\S]*Choose File: \/k\/server\.crt/);
    expect(uploadGuide(undefined, undefined, '/k/server.crt').steps[0]).toMatch(/Quick Find "External Client App Manager"/);
  });

  it('subjectAttribute reads CN and O', () => {
    const x509 = new X509Certificate(a.cert);
    expect(subjectAttribute(x509, 'CN')).toBe('alpha');
    expect(subjectAttribute(x509, 'O')).toBe('sfjwt');
  });
});
