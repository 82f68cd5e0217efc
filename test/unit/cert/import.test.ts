import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, runInProcess } from '../../helpers/deps.js';
import { modeOf, withTempDir } from '../../helpers/temp-dir.js';
import { forgeP12, HAS_KEYTOOL, HAS_OPENSSL, makePair, p12WithRounds, readProfile, run as sh, scriptedPrompter, snapshot, writeProfile, type Pem } from './helpers.js';

const PASS = 'export-pass-1';
let pair: Pem;
let old: Pem;
let other: Pem;

beforeAll(() => {
  pair = makePair('imported');
  old = makePair('prod');
  other = makePair('other');
});

function cli(home: string, argv: string[], env: Record<string, string> = {}) {
  return runInProcess(argv, createTestDeps({ env: { SFJWT_HOME: home, ...env }, cwd: home }));
}

const pkcs8Der = (pem: string) => createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });

async function expectImported(home: string, alias: string, source: Pem) {
  const key = await fs.readFile(path.join(home, 'keys', alias, 'server.key'), 'utf8');
  expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  expect(pkcs8Der(key).equals(pkcs8Der(source.key))).toBe(true);
  expect(await modeOf(path.join(home, 'keys', alias, 'server.key'))).toBe(0o600);
  const cert = await fs.readFile(path.join(home, 'keys', alias, 'server.crt'), 'utf8');
  expect(new X509Certificate(cert).fingerprint256).toBe(new X509Certificate(source.cert).fingerprint256);
  expect(await modeOf(path.join(home, 'keys', alias, 'server.crt'))).toBe(0o644);
}

/** Runs a failing import and checks: exit 2, the code, the input named, nothing on disk changed. */
async function expectRefused(home: string, argv: string[], code: string, named: string | RegExp, env: Record<string, string> = {}) {
  const before = await snapshot(home);
  const run = await cli(home, [...argv, '--json'], env);
  expect(run.code, run.stdout).toBe(2);
  const { error } = run.json();
  expect(error.code).toBe(code);
  expect(`${error.message} ${error.hint}`).toMatch(named);
  expect(await snapshot(home)).toEqual(before);
  return error as { message: string; hint: string };
}

describe('cert import --key [--cert]', () => {
  it('makes a certificate from the key when none is given; --force backs the old pair up and updates the profile', async () => {
    await withTempDir(async (home) => {
      const profile = await writeProfile(home, 'prod', old);
      await fs.writeFile(path.join(home, 'in.key'), createPrivateKey(pair.key).export({ type: 'pkcs1', format: 'pem' }));
      const run = await cli(home, ['cert', 'import', '-a', 'prod', '--key', 'in.key', '--days', '90', '--force', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const { result } = run.json();
      expect(result).toMatchObject({ alias: 'prod', format: 'pem', certificateCreated: true, profileUpdated: true, keySize: 2048, subject: 'O=sfjwt, CN=prod' });
      const key = await fs.readFile(profile.keyPath, 'utf8');
      expect(pkcs8Der(key).equals(pkcs8Der(pair.key))).toBe(true);
      const cert = new X509Certificate(await fs.readFile(profile.certPath!, 'utf8'));
      expect(cert.checkPrivateKey(createPrivateKey(pair.key))).toBe(true);
      expect(result.daysLeft).toBeGreaterThanOrEqual(89);
      expect(result.backedUp).toHaveLength(2);
      for (const file of result.backedUp) expect(await modeOf(file)).toBe(0o600);
      expect(await fs.readFile(result.backedUp.find((f: string) => f.endsWith('.key')), 'utf8')).toBe(old.key);
      expect(await readProfile(home, 'prod')).toMatchObject({ keyPath: profile.keyPath, certPath: profile.certPath });
    });
  });

  it('takes a matching certificate as it is', async () => {
    await withTempDir(async (home) => {
      await fs.writeFile(path.join(home, 'k.pem'), pair.key);
      await fs.writeFile(path.join(home, 'c.pem'), pair.cert);
      const run = await cli(home, ['cert', 'import', '-a', 'fresh', '--key', 'k.pem', '--cert', 'c.pem']);
      expect(run.code, run.stderr).toBe(0);
      await expectImported(home, 'fresh', pair);
      // No profile yet: files written, config untouched, and the next command named.
      expect(run.stdout).toContain(`sfjwt init -a fresh --key ${path.join(home, 'keys/fresh/server.key')}`);
      await expect(fs.access(path.join(home, 'config.json'))).rejects.toThrow();
    });
  });

  it('refuses to replace existing key files without --force', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', old);
      await fs.writeFile(path.join(home, 'k.pem'), pair.key);
      const error = await expectRefused(home, ['cert', 'import', '-a', 'prod', '--key', 'k.pem'], 'usage', /server\.key/);
      expect(error.hint).toMatch(/--force/);
    });
  });

  it('bad input: mismatched pair, encrypted key, EC key, a certificate as the key: exit 2 naming the input, nothing changed', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', old);
      await fs.writeFile(path.join(home, 'k.pem'), pair.key);
      await fs.writeFile(path.join(home, 'other.crt'), other.cert);
      await fs.writeFile(path.join(home, 'enc.pem'), createPrivateKey(pair.key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }));
      await fs.writeFile(path.join(home, 'ec.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
      await fs.writeFile(path.join(home, 'c.pem'), pair.cert);
      const force = ['--force'];
      await expectRefused(home, ['cert', 'import', '-a', 'prod', '--key', 'k.pem', '--cert', 'other.crt', ...force], 'key-cert-mismatch', /other\.crt.*k\.pem/);
      await expectRefused(home, ['cert', 'import', '-a', 'prod', '--key', 'enc.pem', ...force], 'key-encrypted', /enc\.pem/);
      await expectRefused(home, ['cert', 'import', '-a', 'prod', '--key', 'ec.pem', ...force], 'key-not-rsa', /ec\.pem.*EC private key/);
      await expectRefused(home, ['cert', 'import', '-a', 'prod', '--key', 'c.pem', ...force], 'key-invalid', /c\.pem.*certificate, not the private key/);
      await expectRefused(home, ['cert', 'import', '-a', 'prod', '--key', 'missing.pem', ...force], 'key-missing', /missing\.pem/);
    });
  });

  it('flag mistakes are usage errors; a PEM key given as a keystore is pointed to --key', async () => {
    await withTempDir(async (home) => {
      await fs.writeFile(path.join(home, 'k.pem'), pair.key);
      await expectRefused(home, ['cert', 'import', '-a', 'x', '--p12', 'k.pem'], 'key-invalid', /k\.pem: this is PEM text.*--key/);
      await expectRefused(home, ['cert', 'import', '-a', 'x', '--p12', 'k.pem', '--cert', 'k.pem'], 'usage', /--cert goes with --key/);
      await expectRefused(home, ['cert', 'import', '-a', 'x'], 'usage', /--key <pem>/);
      await expectRefused(home, ['cert', 'import', '-a', 'x', '--key', 'k.pem', '--p12', 'a.p12'], 'usage', /only one of/);
      await expectRefused(home, ['cert', 'import', '-a', 'x', '--key', 'k.pem', '--passphrase-env', 'P'], 'usage', /must be unencrypted/);
      await expectRefused(home, ['cert', 'import', '--key', 'k.pem'], 'usage', /-a <alias>/);
    });
  });
});

describe('cert import --p12', () => {
  it('imports a PKCS#12 file with the passphrase from --passphrase-env', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', old);
      await fs.writeFile(path.join(home, 'in.p12'), forgeP12(pair, PASS, { friendlyName: 'salesforce_jwt' }));
      const run = await cli(home, ['cert', 'import', '-a', 'prod', '--p12', 'in.p12', '--passphrase-env', 'P12_PASS', '--force', '--json'], { P12_PASS: PASS });
      expect(run.code, run.stderr).toBe(0);
      expect(run.json().result).toMatchObject({ format: 'pkcs12', entryAlias: 'salesforce_jwt', certificateCreated: false, profileUpdated: true });
      await expectImported(home, 'prod', pair);
      expect(run.stdout).not.toContain(PASS);
    });
  });

  it('an empty passphrase is tried when --passphrase-env is not given', async () => {
    await withTempDir(async (home) => {
      await fs.writeFile(path.join(home, 'open.p12'), forgeP12(pair, ''));
      const run = await cli(home, ['cert', 'import', '-a', 'x', '--p12', 'open.p12']);
      expect(run.code, run.stderr).toBe(0);
      await expectImported(home, 'x', pair);
    });
  });

  it('wrong, missing or unset passphrase and a truncated file: exit 2 with a clear message, nothing changed', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', old);
      const data = forgeP12(pair, PASS);
      await fs.writeFile(path.join(home, 'in.p12'), data);
      await fs.writeFile(path.join(home, 'cut.p12'), data.subarray(0, 700));
      const args = ['cert', 'import', '-a', 'prod', '--force'];
      const wrong = await expectRefused(home, [...args, '--p12', 'in.p12', '--passphrase-env', 'P12_PASS'], 'key-encrypted', /in\.p12: wrong passphrase/, { P12_PASS: 'nope' });
      expect(wrong.hint).toMatch(/\$P12_PASS/);
      const none = await expectRefused(home, [...args, '--p12', 'in.p12'], 'key-encrypted', /in\.p12/);
      expect(none.hint).toMatch(/--passphrase-env VAR/);
      await expectRefused(home, [...args, '--p12', 'in.p12', '--passphrase-env', 'NOT_SET_ANYWHERE'], 'usage', /NOT_SET_ANYWHERE .*not set/);
      const literal = await expectRefused(home, [...args, '--p12', 'in.p12', '--passphrase-env', 'hunter 2!'], 'usage', /NAME of an environment variable/);
      expect(JSON.stringify(literal)).not.toContain('hunter 2!');
      await expectRefused(home, [...args, '--p12', 'cut.p12', '--passphrase-env', 'P12_PASS'], 'key-invalid', /cut\.p12: not a readable PKCS#12 file/, { P12_PASS: PASS });
    });
  });

  it('a crafted file asking for 2^31-1 MAC rounds: exit 2 naming it, refused before the work, nothing changed', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', old);
      await fs.writeFile(path.join(home, 'slow.p12'), p12WithRounds(pair, 'mac', 2 ** 31 - 1));
      const error = await expectRefused(home, ['cert', 'import', '-a', 'prod', '--force', '--p12', 'slow.p12'], 'key-invalid', /slow\.p12: asks for 2,147,483,647 key-derivation rounds/);
      expect(error.hint).toMatch(/export it again/);
    });
  });

  it.skipIf(!HAS_OPENSSL)('a PKCS#12 with an EC key is refused as not RSA (openssl fixture)', async () => {
    await withTempDir(async (home) => {
      sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ec.key', '-out', 'ec.crt', '-days', '5', '-subj', '/CN=ec'], home);
      sh('openssl', ['pkcs12', '-export', '-inkey', 'ec.key', '-in', 'ec.crt', '-out', 'ec.p12', '-passout', `pass:${PASS}`], home);
      await expectRefused(home, ['cert', 'import', '-a', 'x', '--p12', 'ec.p12', '--passphrase-env', 'P'], 'key-not-rsa', /ec\.p12 \(entry .*EC private key/, { P: PASS });
    });
  });
});

describe.skipIf(!HAS_KEYTOOL)('cert import --jks (keytool fixtures)', () => {
  async function jksFrom(home: string, sources: { pem: Pem; alias: string }[], storetype: 'JKS' | 'PKCS12', out: string) {
    for (const { pem, alias } of sources) {
      await fs.writeFile(path.join(home, `${alias}.p12`), forgeP12(pem, PASS, { friendlyName: alias }));
      sh('keytool', ['-importkeystore', '-noprompt', '-srckeystore', `${alias}.p12`, '-srcstoretype', 'PKCS12', '-srcstorepass', PASS,
        '-destkeystore', out, '-deststoretype', storetype, '-deststorepass', PASS, '-destkeypass', PASS], home);
    }
  }

  it('imports the key of a JKS keystore (as Certificate and Key Management exports it)', async () => {
    await withTempDir(async (home) => {
      await jksFrom(home, [{ pem: pair, alias: 'jwt_cert' }], 'JKS', 'sf.jks');
      const run = await cli(home, ['cert', 'import', '-a', 'prod', '--jks', 'sf.jks', '--passphrase-env', 'KS', '--json'], { KS: PASS });
      expect(run.code, run.stderr).toBe(0);
      expect(run.json().result).toMatchObject({ format: 'jks', entryAlias: 'jwt_cert' });
      await expectImported(home, 'prod', pair);
    });
  });

  it('a PKCS#12 file passed as --jks (keytool\'s default format) is read as PKCS#12, and says so', async () => {
    await withTempDir(async (home) => {
      await jksFrom(home, [{ pem: pair, alias: 'jwt_cert' }], 'PKCS12', 'modern.jks');
      const run = await cli(home, ['cert', 'import', '-a', 'prod', '--jks', 'modern.jks', '--passphrase-env', 'KS'], { KS: PASS });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/modern\.jks is a PKCS#12 keystore/);
      await expectImported(home, 'prod', pair);
    });
  });

  it('several keys: --key-alias chooses; without it, exit 2 listing them', async () => {
    await withTempDir(async (home) => {
      await jksFrom(home, [{ pem: pair, alias: 'first' }, { pem: other, alias: 'second' }], 'JKS', 'two.jks');
      const error = await expectRefused(home, ['cert', 'import', '-a', 'prod', '--jks', 'two.jks', '--passphrase-env', 'KS'], 'usage', /"first".*"second"|"second".*"first"/, { KS: PASS });
      expect(error.hint).toMatch(/--key-alias/);
      const run = await cli(home, ['cert', 'import', '-a', 'prod', '--jks', 'two.jks', '--passphrase-env', 'KS', '--key-alias', 'SECOND'], { KS: PASS });
      expect(run.code, run.stderr).toBe(0);
      await expectImported(home, 'prod', other);

      // In a terminal, the user picks the entry.
      const prompter = scriptedPrompter({ 'key-alias': (q: any) => (expect(q.choices.map((c: any) => c.value).sort()).toEqual(['first', 'second']), 'first') });
      const deps = createTestDeps({ env: { SFJWT_HOME: home, KS: PASS }, cwd: home, prompter, stdinIsTTY: true });
      deps.stdout = { write: (s) => void (deps.captured.stdout += s), isTTY: true };
      const picked = await runInProcess(['cert', 'import', '-a', 'prod', '--jks', 'two.jks', '--passphrase-env', 'KS', '--force'], deps);
      expect(picked.code, picked.stderr).toBe(0);
      prompter.done();
      await expectImported(home, 'prod', pair);
    });
  });

  it('wrong passphrase and a truncated keystore: exit 2 naming the file, nothing changed', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', old);
      await jksFrom(home, [{ pem: pair, alias: 'jwt_cert' }], 'JKS', 'sf.jks');
      const data = await fs.readFile(path.join(home, 'sf.jks'));
      await fs.writeFile(path.join(home, 'cut.jks'), data.subarray(0, data.length - 30));
      await expectRefused(home, ['cert', 'import', '-a', 'prod', '--force', '--jks', 'sf.jks', '--passphrase-env', 'KS'], 'key-encrypted', /sf\.jks: wrong passphrase/, { KS: 'wrong' });
      await expectRefused(home, ['cert', 'import', '-a', 'prod', '--force', '--jks', 'cut.jks', '--passphrase-env', 'KS'], 'key-invalid', /cut\.jks: .*ends early/, { KS: PASS });
    });
  });
});
