import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, runInProcess } from '../../helpers/deps.js';
import { modeOf, withTempDir } from '../../helpers/temp-dir.js';
import { certFor, makePair, snapshot, writeProfile, type Pem } from './helpers.js';

let pair: Pem;
let other: Pem;

beforeAll(() => {
  pair = makePair('prod');
  other = makePair('other');
});

function cli(home: string, argv: string[], now?: Date) {
  return runInProcess(argv, createTestDeps({ env: { SFJWT_HOME: home }, cwd: home, ...(now ? { now: () => now } : {}) }));
}

const modulus = (pem: string) => new X509Certificate(pem).publicKey.export({ format: 'jwk' }).n;

describe('cert renew', () => {
  it('keeps the key (same modulus), changes serial and validity, keeps the CN, backs up the old certificate', async () => {
    await withTempDir(async (home) => {
      const old = certFor(pair.key, 'prod', 10, new Date('2026-01-01T00:00:00Z'));
      const profile = await writeProfile(home, 'prod', { key: pair.key, cert: old });
      const keyBefore = await fs.readFile(profile.keyPath, 'utf8');

      const run = await cli(home, ['cert', 'renew', '-a', 'prod', '--days', '400', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const { result } = run.json();

      const renewed = await fs.readFile(profile.certPath!, 'utf8');
      const x509 = new X509Certificate(renewed);
      const previous = new X509Certificate(old);
      expect(modulus(renewed)).toBe(modulus(old));
      expect(x509.serialNumber).not.toBe(previous.serialNumber);
      expect(x509.subject).toBe(previous.subject);
      expect(Date.parse(x509.validTo) - Date.now()).toBeGreaterThan(399 * 86_400_000);
      expect(Date.parse(x509.validTo)).toBeGreaterThan(Date.parse(previous.validTo));
      expect(await fs.readFile(profile.keyPath, 'utf8')).toBe(keyBefore);
      expect(await modeOf(profile.certPath!)).toBe(0o644);

      expect(result).toMatchObject({
        alias: 'prod',
        certPath: profile.certPath,
        serialNumber: x509.serialNumber.toUpperCase(),
        previousSerialNumber: previous.serialNumber.toUpperCase(),
        publicKeyUnchanged: true,
        uploadRequired: false,
        setupUrl: 'https://acme.my.salesforce-setup.com/lightning/setup/ManageExternalClientApplication/home',
      });
      expect(result.backupPath).toMatch(new RegExp(`^${home}/keys/prod/backup/\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z/server\\.crt$`));
      expect(await fs.readFile(result.backupPath, 'utf8')).toBe(old);
      expect(await modeOf(result.backupPath)).toBe(0o600);
    });
  });

  it('says nothing breaks and that uploading is optional, with the Setup page of the app kind', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'legacy', pair, { appKind: 'connected-app' });
      const run = await cli(home, ['cert', 'renew', '-a', 'legacy']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Same key, same public key: everything that signs with .*server\.key keeps working/);
      expect(run.stdout).toMatch(/does not enforce the expiry/);
      expect(run.stdout).toContain('https://acme.my.salesforce-setup.com/lightning/setup/NavigationMenus/home');
      expect(run.stdout).toMatch(/Use digital signatures/);
    });
  });

  it('works on plain files without a profile; backups go beside them', async () => {
    await withTempDir(async (dir) => {
      await fs.writeFile(path.join(dir, 'a.key'), pair.key, { mode: 0o600 });
      await fs.writeFile(path.join(dir, 'a.crt'), pair.cert);
      const run = await cli(dir, ['cert', 'renew', '--key', 'a.key', '--cert', 'a.crt', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const { result } = run.json();
      expect(result.alias).toBeNull();
      expect(path.dirname(path.dirname(result.backupPath))).toBe(path.join(dir, 'backup'));
      expect(modulus(await fs.readFile(path.join(dir, 'a.crt'), 'utf8'))).toBe(modulus(pair.cert));
      expect(result.setupUrl).toBeNull();
    });
  });

  it('a profile without a certificate gets one beside its key, and is told to upload it', async () => {
    await withTempDir(async (home) => {
      const profile = await writeProfile(home, 'prod', pair);
      await fs.rm(profile.certPath!);
      const run = await cli(home, ['cert', 'renew', '-a', 'prod', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.json().result).toMatchObject({ uploadRequired: true, backupPath: null, previousSerialNumber: null });
      expect(modulus(await fs.readFile(profile.certPath!, 'utf8'))).toBe(modulus(pair.cert));
    });
  });

  it('a certificate from another key is replaced by one for the key that signs, and the upload is required', async () => {
    await withTempDir(async (home) => {
      const profile = await writeProfile(home, 'prod', { key: pair.key, cert: other.cert });
      const run = await cli(home, ['cert', 'renew', '-a', 'prod', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const { result, warnings } = run.json();
      expect(result).toMatchObject({ publicKeyUnchanged: false, uploadRequired: true });
      expect(warnings.map((w: { code: string }) => w.code)).toEqual(['key-cert-mismatch']);
      expect(modulus(await fs.readFile(profile.certPath!, 'utf8'))).toBe(modulus(pair.cert));
    });
  });

  it('an encrypted key: exit 2 naming the file, nothing on disk changed', async () => {
    await withTempDir(async (home) => {
      const profile = await writeProfile(home, 'prod', pair);
      const { createPrivateKey } = await import('node:crypto');
      const encrypted = createPrivateKey(pair.key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
      await fs.writeFile(profile.keyPath, encrypted, { mode: 0o600 });
      const before = await snapshot(home);
      const run = await cli(home, ['cert', 'renew', '-a', 'prod', '--json']);
      expect(run.code).toBe(2);
      expect(run.json().error).toMatchObject({ code: 'key-encrypted' });
      expect(run.json().error.message).toContain(profile.keyPath);
      expect(await snapshot(home)).toEqual(before);
    });
  });
});

describe('cert show', () => {
  it('reports subject, serial, validity, days left, key size, fingerprint and the key/cert match', async () => {
    await withTempDir(async (home) => {
      const profile = await writeProfile(home, 'prod', pair);
      const run = await cli(home, ['cert', 'show', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const x509 = new X509Certificate(pair.cert);
      expect(run.json().result).toMatchObject({
        alias: 'prod',
        keyPath: profile.keyPath,
        certPath: profile.certPath,
        subject: 'O=sfjwt, CN=prod',
        serialNumber: x509.serialNumber.toUpperCase(),
        keySize: 2048,
        fingerprintSha256: x509.fingerprint256.toUpperCase(),
        keyMatchesCertificate: true,
        expired: false,
      });
      expect(run.json().result.daysLeft).toBeGreaterThanOrEqual(729);
      expect(run.json().result.history).toBeUndefined();
    });
  });

  it('--cert overrides the profile\'s: a certificate from another key is a mismatch, with a warning', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', pair);
      await fs.writeFile(path.join(home, 'other.crt'), other.cert);
      const run = await cli(home, ['cert', 'show', '-a', 'prod', '--cert', 'other.crt', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.json().result.keyMatchesCertificate).toBe(false);
      expect(run.json().warnings.map((w: { code: string }) => w.code)).toContain('key-cert-mismatch');
    });
  });

  it('--cert alone shows that file, without any profile', async () => {
    await withTempDir(async (dir) => {
      await fs.writeFile(path.join(dir, 'x.crt'), certFor(pair.key, 'soon', 5));
      const run = await cli(dir, ['cert', 'show', '--cert', 'x.crt']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Subject\s+O=sfjwt, CN=soon/);
      expect(run.stdout).toMatch(/\(4 days left\)|\(5 days left\)/);
      expect(run.stdout).not.toMatch(/Key matches/);
      expect(run.stderr).toMatch(/expires in \d days/);
    });
  });

  it('--history lists each backup with its fingerprint and validity, newest first', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', pair);
      const first = new Date(Date.now() - 2 * 86_400_000);
      expect((await cli(home, ['cert', 'renew', '-a', 'prod', '--days', '30'], first)).code).toBe(0);
      const afterFirst = await fs.readFile(path.join(home, 'keys/prod/server.crt'), 'utf8');
      expect((await cli(home, ['cert', 'renew', '-a', 'prod'])).code).toBe(0);

      const run = await cli(home, ['cert', 'show', '-a', 'prod', '--history', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const { history, publicKeyFingerprintSha256 } = run.json().result;
      expect(history).toHaveLength(2);
      expect(Date.parse(history[0].time)).toBeGreaterThan(Date.parse(history[1].time));
      expect(history[1].time).toBe(first.toISOString());
      const newest = history[0].files[0];
      expect(newest).toMatchObject({
        name: 'server.crt',
        kind: 'certificate',
        fingerprintSha256: new X509Certificate(afterFirst).fingerprint256.toUpperCase(),
        serialNumber: new X509Certificate(afterFirst).serialNumber.toUpperCase(),
        publicKeyFingerprintSha256,
      });
      expect(history[1].files[0].fingerprintSha256).toBe(new X509Certificate(pair.cert).fingerprint256.toUpperCase());

      const human = await cli(home, ['cert', 'show', '-a', 'prod', '--history']);
      expect(human.stdout).toMatch(/History \(newest first\):/);
      expect(human.stdout).toMatch(/server\.crt\s+serial [0-9A-F]+, .* SHA-256 [0-9A-F:]+ \(same key as now\)/);
    });
  });

  it('no profile and no files: exit 2 naming -a', async () => {
    await withTempDir(async (home) => {
      const run = await cli(home, ['cert', 'show', '--json']);
      expect(run.code).toBe(2);
      expect(run.json().error.hint).toMatch(/-a <alias>/);
    });
  });
});
