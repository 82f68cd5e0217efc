import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/doctor/registry.js';
import { sandboxSuffix } from '../../../src/doctor/checks/username-org.js';
import type { Check, FixIo } from '../../../src/doctor/types.js';
import type { CredentialFlags } from '../../../src/core/credentials.js';
import { modeOf, withTempDir } from '../../helpers/temp-dir.js';
import { CLIENT_ID, makePair, runOne, settingsFrom, USERNAME, writePair, type Pair } from './fixtures.js';

const check = (id: string): Check => CHECKS.find((c) => c.id === id)!;
const run = (id: string, flags: CredentialFlags, env: Record<string, string | undefined> = {}, options: Parameters<typeof runOne>[3] = {}) =>
  runOne(check(id), CHECKS, settingsFrom(flags, env), options);

/** For fixes that neither back up nor decrypt anything. */
const noIo: FixIo = {
  backupDir: () => {
    throw new Error('this fix makes no backup');
  },
  passphrase: () => Promise.reject(new Error('this fix needs no passphrase')),
};

let pair: Pair;
let other: Pair;
beforeAll(() => {
  pair = makePair();
  other = makePair();
});

describe('private key checks', () => {
  it('key-file: pass for a readable file, fail with key-missing for a wrong path, key-unreadable for a directory', async () => {
    await withTempDir(async (dir) => {
      const { keyPath } = await writePair(dir, pair);
      expect(await run('key-file', { key: keyPath })).toMatchObject({ status: 'pass' });
      const missing = await run('key-file', { key: path.join(dir, 'nope.key') });
      expect(missing).toMatchObject({ status: 'fail', code: 'key-missing' });
      expect(missing.summary).toContain('nope.key');
      expect(missing.fix?.command).toBe('sfjwt cert generate');
      expect(await run('key-file', { key: dir })).toMatchObject({ status: 'fail', code: 'key-unreadable' });
    });
  });

  it('key-file: the PEM may come from SFJWT_KEY; no key at all fails with how to give one', async () => {
    expect(await run('key-file', {}, { SFJWT_KEY: pair.keyPem })).toMatchObject({ status: 'pass', summary: expect.stringContaining('SFJWT_KEY') });
    const none = await run('key-file', { loginUrl: 'https://acme.my.salesforce.com' });
    expect(none).toMatchObject({ status: 'fail', code: 'key-missing' });
    expect(none.fix?.hint).toContain('--key');
  });

  it('key-format: PKCS#8 and PKCS#1 pass; encrypted, EC, certificate-as-key and garbage fail with their codes', async () => {
    await withTempDir(async (dir) => {
      const write = async (name: string, text: string) => {
        const file = path.join(dir, name);
        await fs.writeFile(file, text, { mode: 0o600 });
        return file;
      };
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      expect(await run('key-format', { key: await write('a.key', pair.keyPem) })).toMatchObject({ status: 'pass', summary: expect.stringContaining('PKCS#8') });
      expect(await run('key-format', { key: await write('b.key', privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) })).toMatchObject({ status: 'pass', summary: expect.stringContaining('PKCS#1') });
      const encrypted = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
      const enc = await run('key-format', { key: await write('c.key', encrypted) });
      expect(enc).toMatchObject({ status: 'fail', code: 'key-encrypted' });
      // The repair is --fix's: no shell command that could write over the key (SPEC §10).
      expect(enc.fix?.hint).toContain('--fix');
      expect(enc.fix?.hint).not.toContain('-out');
      expect(enc.fix?.auto?.description).toContain('remove the passphrase');
      const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expect(await run('key-format', { key: await write('d.key', ec) })).toMatchObject({ status: 'fail', code: 'key-not-rsa' });
      const cert = await run('key-format', { key: await write('e.key', pair.certPem) });
      expect(cert).toMatchObject({ status: 'fail', code: 'key-invalid' });
      expect(cert.summary).toMatch(/certificate, not the private key/);
      expect(await run('key-format', { key: await write('f.key', 'hello') })).toMatchObject({ status: 'fail', code: 'key-invalid' });
    });
  });

  it('key-format: CI-secret damage (one-line base64, CRLF, quotes) is repaired with a warning that still lets the key be used', async () => {
    const base64 = Buffer.from(pair.keyPem).toString('base64');
    const warned = await run('key-format', {}, { SFJWT_KEY: base64 });
    expect(warned).toMatchObject({ status: 'warn', code: 'key-invalid', satisfies: true });
    expect(warned.summary).toContain('decoded the base64-encoded PEM');
    expect(warned.fix?.hint).toContain('base64');
    const crlf = await run('key-format', {}, { SFJWT_KEY: `"${pair.keyPem.replace(/\n/g, '\r\n')}"` });
    expect(crlf.status).toBe('warn');
    expect(crlf.summary).toMatch(/quotes.*CRLF/);
    // The dependent size check still runs on the repaired key.
    expect(await run('key-size', {}, { SFJWT_KEY: base64 })).toMatchObject({ status: 'pass', summary: '2048 bits' });
  });

  it('key-size: 2048 passes, 1024 fails with the command to make a new key; skipped when the key is unusable', async () => {
    expect(await run('key-size', {}, { SFJWT_KEY: pair.keyPem })).toMatchObject({ status: 'pass' });
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const result = await run('key-size', {}, { SFJWT_KEY: small });
    expect(result).toMatchObject({ status: 'fail', code: 'key-size' });
    expect(result.fix?.command).toContain('--key-size');
    expect(await run('key-size', {}, { SFJWT_KEY: 'garbage' })).toMatchObject({ status: 'skip', summary: expect.stringContaining('Private key format') });
  });

  it.skipIf(process.platform === 'win32')('key-permissions: 0600 passes, 0640 warns, 0644 fails; the automatic fix makes it 0600', async () => {
    await withTempDir(async (dir) => {
      const { keyPath } = await writePair(dir, pair, 0o600);
      expect(await run('key-permissions', { key: keyPath })).toMatchObject({ status: 'pass' });
      await fs.chmod(keyPath, 0o640);
      expect(await run('key-permissions', { key: keyPath })).toMatchObject({ status: 'warn', code: 'key-permissions' });
      await fs.chmod(keyPath, 0o644);
      const open = await run('key-permissions', { key: keyPath });
      expect(open).toMatchObject({ status: 'fail', code: 'key-permissions' });
      expect(open.fix?.command).toBe(`chmod 600 ${keyPath}`);
      await open.fix!.auto!.apply(noIo);
      expect(await modeOf(keyPath)).toBe(0o600);
      expect(await run('key-permissions', { key: keyPath })).toMatchObject({ status: 'pass' });
      expect(await run('key-permissions', {}, { SFJWT_KEY: pair.keyPem })).toMatchObject({ status: 'skip', satisfies: true });
    });
  });

  it('key-in-git: outside a repository passes; not ignored warns and --fix adds it to .gitignore; committed fails', async () => {
    await withTempDir(async (dir) => {
      const { keyPath } = await writePair(dir, pair);
      expect(await run('key-in-git', { key: keyPath })).toMatchObject({ status: 'pass', summary: 'not inside a git work tree' });
      const { runGit } = await import('../../../src/doctor/git.js');
      await runGit(['init', '-q'], dir);
      const loose = await run('key-in-git', { key: keyPath });
      expect(loose).toMatchObject({ status: 'warn', code: 'key-in-git' });
      expect(loose.fix?.auto).toBeDefined();
      await loose.fix!.auto!.apply(noIo);
      expect(await fs.readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('/server.key\n');
      expect(await run('key-in-git', { key: keyPath })).toMatchObject({ status: 'pass', summary: expect.stringContaining('ignored') });
      await fs.writeFile(path.join(dir, '.gitignore'), '');
      await runGit(['add', 'server.key'], dir);
      const tracked = await run('key-in-git', { key: keyPath });
      expect(tracked).toMatchObject({ status: 'fail', code: 'key-in-git' });
      expect(tracked.fix?.hint).toContain('sfjwt cert rotate');
    });
  });

  it('key-in-git: without git installed it warns instead of guessing', async () => {
    await withTempDir(async (dir) => {
      const { keyPath } = await writePair(dir, pair);
      await fs.mkdir(path.join(dir, '.git'));
      const noGit = () => Promise.reject(Object.assign(new Error('spawn git ENOENT'), { code: 'ENOENT' }));
      const result = await run('key-in-git', { key: keyPath }, {}, { git: noGit });
      expect(result).toMatchObject({ status: 'warn', code: 'key-in-git', summary: expect.stringContaining('git is not installed') });
    });
  });
});

describe('certificate checks', () => {
  it('cert-file: pass, warn when the file is missing, skip when none is given', async () => {
    await withTempDir(async (dir) => {
      const { certPath } = await writePair(dir, pair);
      expect(await run('cert-file', { cert: certPath })).toMatchObject({ status: 'pass' });
      const missing = await run('cert-file', { cert: path.join(dir, 'gone.crt') });
      expect(missing).toMatchObject({ status: 'warn', code: 'cert-missing' });
      expect(missing.fix?.hint).toContain('sfjwt cert renew');
      expect(await run('cert-file', {})).toMatchObject({ status: 'skip' });
    });
  });

  it('cert-format: a certificate passes with its fingerprint; a key or garbage in its place fails with cert-invalid', async () => {
    await withTempDir(async (dir) => {
      const { certPath, keyPath } = await writePair(dir, pair);
      const ok = await run('cert-format', { cert: certPath });
      expect(ok).toMatchObject({ status: 'pass', summary: expect.stringContaining('2048-bit RSA') });
      expect(ok.details.join(' ')).toMatch(/SHA-256 fingerprint [0-9A-F:]{95}/);
      const key = await run('cert-format', { cert: keyPath });
      expect(key).toMatchObject({ status: 'fail', code: 'cert-invalid' });
      expect(key.summary).toContain('never upload a private key');
      await fs.writeFile(path.join(dir, 'bad.crt'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      expect(await run('cert-format', { cert: path.join(dir, 'bad.crt') })).toMatchObject({ status: 'fail', code: 'cert-invalid' });
    });
  });

  it('cert-size: a single certificate passes; a 4 KB+ file fails with the command that keeps only the leaf', async () => {
    await withTempDir(async (dir) => {
      const { certPath } = await writePair(dir, pair);
      expect(await run('cert-size', { cert: certPath })).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^\d+ bytes$/) });
      const chain = path.join(dir, 'chain.crt');
      await fs.writeFile(chain, pair.certPem.repeat(4));
      const big = await run('cert-size', { cert: chain });
      expect(big).toMatchObject({ status: 'fail', code: 'cert-too-large' });
      expect(big.fix?.command).toContain('openssl x509');
    });
  });

  it('cert-expiry: valid passes; expiring and expired only warn, saying Salesforce does not enforce it', async () => {
    await withTempDir(async (dir) => {
      const { certPath } = await writePair(dir, pair);
      expect(await run('cert-expiry', { cert: certPath })).toMatchObject({ status: 'pass' });
      const soon = makePair(2048, 10);
      const { certPath: soonPath } = await writePair(await fs.mkdtemp(path.join(dir, 's')), soon);
      const expiring = await run('cert-expiry', { cert: soonPath });
      expect(expiring).toMatchObject({ status: 'warn', code: 'cert-expiring' });
      expect(expiring.summary).toContain('does not enforce');
      const old = makePair(2048, 30, new Date(Date.now() - 400 * 86_400_000));
      const { certPath: oldPath } = await writePair(await fs.mkdtemp(path.join(dir, 'o')), old);
      const expired = await run('cert-expiry', { cert: oldPath });
      expect(expired).toMatchObject({ status: 'warn', code: 'cert-expired' });
      expect(expired.summary).toMatch(/cannot explain invalid_grant/);
      expect(expired.fix?.command).toBe('sfjwt cert renew');
    });
  });

  it('key-cert-match: the pair passes; another key\'s certificate fails with key-cert-mismatch', async () => {
    await withTempDir(async (dir) => {
      const { keyPath, certPath } = await writePair(dir, pair);
      expect(await run('key-cert-match', { key: keyPath, cert: certPath })).toMatchObject({ status: 'pass' });
      const otherCert = path.join(dir, 'other.crt');
      await fs.writeFile(otherCert, other.certPem);
      const mismatch = await run('key-cert-match', { key: keyPath, cert: otherCert });
      expect(mismatch).toMatchObject({ status: 'fail', code: 'key-cert-mismatch' });
      expect(mismatch.summary).toContain('invalid assertion');
      expect(mismatch.fix?.command).toBe('sfjwt cert renew');
    });
  });
});

describe('settings checks', () => {
  it('login-url: a misspelt Salesforce domain warns as the wizard does (one judgement)', async () => {
    expect(await run('login-url', { loginUrl: 'https://acme.my.salesforc.com' })).toMatchObject({
      status: 'warn',
      code: 'login-url-invalid',
      summary: 'acme.my.salesforc.com is not a Salesforce host; is it a misspelling of salesforce.com?',
    });
  });

  it('login-url: My Domain passes; a Lightning host fails naming the My Domain URL; a generic host warns for an ECA', async () => {
    expect(await run('login-url', { loginUrl: 'https://acme.my.salesforce.com/' })).toMatchObject({ status: 'pass', summary: expect.stringContaining('My Domain') });
    const lightning = await run('login-url', { loginUrl: 'https://acme.lightning.force.com/lightning/page/home' });
    expect(lightning).toMatchObject({ status: 'fail', code: 'login-url-invalid' });
    expect(lightning.fix?.hint).toContain('https://acme.my.salesforce.com');
    expect(lightning.fix?.url).toBeUndefined();
    expect(await run('login-url', { loginUrl: 'http://acme.my.salesforce.com' })).toMatchObject({ status: 'fail', code: 'login-url-invalid' });
    const generic = await run('login-url', { loginUrl: 'https://login.salesforce.com', app: 'eca' });
    expect(generic).toMatchObject({ status: 'warn', code: 'login-url-invalid' });
    expect(await run('login-url', { loginUrl: 'https://login.salesforce.com', app: 'connected-app' })).toMatchObject({ status: 'pass' });
    expect(await run('login-url', {})).toMatchObject({ status: 'fail', summary: 'no login URL given' });
  });

  it('username: an email-shaped name passes, spaces fail, surrounding whitespace warns', async () => {
    expect(await run('username', { username: USERNAME })).toMatchObject({ status: 'pass' });
    expect(await run('username', { username: 'integration user' })).toMatchObject({ status: 'fail', code: 'username-invalid' });
    expect(await run('username', { username: ` ${USERNAME}\n` })).toMatchObject({ status: 'warn', code: 'username-invalid' });
  });

  it('username-org: a .uat username against production, or a plain one against the uat sandbox, warns (a heuristic)', async () => {
    const prod = await run('username-org', { username: 'ci@acme.com.uat', loginUrl: 'https://acme.my.salesforce.com' });
    expect(prod).toMatchObject({ status: 'warn', code: 'username-org-mismatch', satisfies: true });
    expect(prod.fix?.hint).toContain('acme--uat.sandbox.my.salesforce.com');
    expect(await run('username-org', { username: 'ci@acme.com.uat', loginUrl: 'https://login.salesforce.com' })).toMatchObject({ status: 'warn' });
    const plain = await run('username-org', { username: 'ci@acme.com', loginUrl: 'https://acme--uat.sandbox.my.salesforce.com' });
    expect(plain).toMatchObject({ status: 'warn', code: 'username-org-mismatch' });
    expect(plain.fix?.hint).toContain('ci@acme.com.uat');
    expect(await run('username-org', { username: 'ci@acme.com.uat', loginUrl: 'https://acme--uat.sandbox.my.salesforce.com' })).toMatchObject({ status: 'pass' });
    expect(await run('username-org', { username: 'ci@acme.com', loginUrl: 'https://acme.my.salesforce.com' })).toMatchObject({ status: 'pass' });
  });

  it.each([
    ['ci@acme.com.uat', 'uat'],
    ['ci@acme.com.dev', 'dev'],
    ['ci@acme.io.qa', 'qa'],
    ['ci@acme.com', undefined],
    ['ci@acme.co.uk', undefined],
    ['ci@acme.com.au', undefined],
    ['ci@mail.acme.com', undefined],
    ['ci@acme.us.com', undefined],
  ])('sandboxSuffix(%s) = %s', (name, expected) => {
    expect(sandboxSuffix(name)).toBe(expected);
  });

  it('client-id: a consumer key passes; spaces or a 64-hex consumer secret fail; short or padded keys warn', async () => {
    expect(await run('client-id', { clientId: CLIENT_ID })).toMatchObject({ status: 'pass' });
    expect(await run('client-id', { clientId: '3MVG9abc def' })).toMatchObject({ status: 'fail', code: 'client-id-format', summary: expect.stringContaining('spaces') });
    const secret = await run('client-id', { clientId: 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90' });
    expect(secret).toMatchObject({ status: 'fail', code: 'client-id-format', summary: expect.stringContaining('consumer secret') });
    expect(await run('client-id', { clientId: '3MVG9short' })).toMatchObject({ status: 'warn', code: 'client-id-format' });
    expect(await run('client-id', { clientId: `${CLIENT_ID}\n` })).toMatchObject({ status: 'warn', code: 'client-id-format' });
    const none = await run('client-id', {});
    expect(none).toMatchObject({ status: 'fail', summary: 'no consumer key given' });
  });
});
