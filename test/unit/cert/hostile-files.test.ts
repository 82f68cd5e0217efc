import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, runInProcess } from '../../helpers/deps.js';
import { withTempDir } from '../../helpers/temp-dir.js';
import { brokenCertificates, certFor, certPem, forgeP12, makeJks, makePair, snapshot, writeProfile, type Pem } from './helpers.js';

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

describe('certificates that decode only partly, and files in the way: exit 2 naming the file, nothing written', () => {
  const broken = () => {
    const { badDate, badKey } = brokenCertificates(pair.cert);
    return [
      { name: 'bad-date', der: badDate, message: /the certificate's validity dates do not read/ },
      { name: 'bad-key', der: badKey, message: /the certificate's public key does not decode/ },
    ];
  };

  // Before: `cert import` wrote the key and certificate, then crashed on the date; show, renew and
  // import crashed on the key, and doctor's certificate check crashed (☠).
  it.each([0, 1])('cert import, show and renew refuse the certificate (case %i)', async (index) => {
    await withTempDir(async (home) => {
      const { name, der, message } = broken()[index]!;
      await writeProfile(home, 'prod', pair);
      await fs.writeFile(path.join(home, 'in.key'), pair.key);
      await fs.writeFile(path.join(home, `${name}.crt`), certPem(der));
      const named = new RegExp(`${name}\\.crt: ${message.source}`);
      await expectRefused(home, ['cert', 'import', '-a', 'new', '--key', 'in.key', '--cert', `${name}.crt`], 'cert-invalid', named);
      await expectRefused(home, ['cert', 'import', '-a', 'prod', '--force', '--key', 'in.key', '--cert', `${name}.crt`], 'cert-invalid', named);
      await expectRefused(home, ['cert', 'show', '--cert', `${name}.crt`], 'cert-invalid', named);
      await expectRefused(home, ['cert', 'renew', '--key', 'in.key', '--cert', `${name}.crt`], 'cert-invalid', named);
      const doctor = await cli(home, ['doctor', '--offline', '--key', 'in.key', '--cert', `${name}.crt`, '--login-url', 'https://login.salesforce.com', '--username', 'a@b.c', '--client-id', 'clientid123']);
      const format = doctor.json().result.checks.find((c: { id: string }) => c.id === 'cert-format');
      expect(format).toMatchObject({ status: 'fail', code: 'cert-invalid' });
      expect(format.summary).toMatch(message);
      expect(doctor.json().result.checks.filter((c: { status: string }) => c.status === 'crash')).toEqual([]);
    });
  });

  it.each([0, 1])('a keystore whose own certificate is damaged is refused, naming the file and entry (case %i)', async (index) => {
    await withTempDir(async (home) => {
      const { der, message } = broken()[index]!;
      await fs.writeFile(path.join(home, 'in.jks'), makeJks(pair.key, [der], 'pw'));
      const error = await expectRefused(home, ['cert', 'import', '-a', 'new', '--jks', 'in.jks', '--passphrase-env', 'P'], 'cert-invalid', message, { P: 'pw' });
      expect(error.message).toMatch(/in\.jks \(entry "mykey"\): /);
    });
  });

  it('a damaged chain certificate after the entry\'s own is left out; the import goes on', async () => {
    await withTempDir(async (home) => {
      const { badKey } = brokenCertificates(pair.cert);
      await fs.writeFile(path.join(home, 'in.jks'), makeJks(pair.key, [Buffer.from(pair.cert.split('\n').slice(1, -2).join(''), 'base64'), badKey], 'pw'));
      const run = await cli(home, ['cert', 'import', '-a', 'new', '--jks', 'in.jks', '--passphrase-env', 'P'], { P: 'pw' });
      expect(run.code, run.stdout).toBe(0);
      expect(run.json().result).toMatchObject({ format: 'jks', certificateCreated: false });
    });
  });

  it('keys/<alias> is a file: cert import and cert generate say so', async () => {
    await withTempDir(async (home) => {
      await fs.mkdir(path.join(home, 'keys'));
      await fs.writeFile(path.join(home, 'keys', 'prod'), 'not a folder');
      await fs.writeFile(path.join(home, 'in.key'), pair.key);
      const named = new RegExp(`^${path.join(home, 'keys', 'prod')} is a file, not a folder`);
      await expectRefused(home, ['cert', 'import', '-a', 'prod', '--key', 'in.key'], 'usage', named);
      await expectRefused(home, ['cert', 'generate', '-a', 'prod'], 'usage', named);
    });
  });

  it('keys/<alias>/next/server.key is a folder: cert rotate says so before writing anything', async () => {
    await withTempDir(async (home) => {
      await writeProfile(home, 'prod', pair);
      await fs.mkdir(path.join(home, 'keys', 'prod', 'next', 'server.key'), { recursive: true });
      const named = new RegExp(`^${path.join(home, 'keys', 'prod', 'next', 'server.key')} is a folder, not a file`);
      await expectRefused(home, ['cert', 'rotate', '-a', 'prod', '--yes'], 'usage', named);
    });
  });

  it('server.crt is a folder: cert renew says so', async () => {
    await withTempDir(async (home) => {
      await fs.writeFile(path.join(home, 'in.key'), pair.key);
      await fs.mkdir(path.join(home, 'out.crt'));
      await expectRefused(home, ['cert', 'renew', '--key', 'in.key', '--cert', 'out.crt'], 'usage', /out\.crt is a directory/);
    });
  });
});

describe('keys Salesforce cannot use: refused where a key is imported or signs (exit 2 with the fix)', () => {
  const LOGIN = ['--login-url', 'http://127.0.0.1:9', '--username', 'a@b.c', '--client-id', 'clientid123'];

  // Before: 1.1 GB read into memory, 12 s, then "check the file permissions".
  it.skipIf(process.platform === 'win32')('/dev/urandom is a character device, refused before reading', async () => {
    await withTempDir(async (home) => {
      const named = /^\/dev\/urandom is a character device, not a private key file/;
      await expectRefused(home, ['cert', 'show', '--key', '/dev/urandom'], 'key-unreadable', named);
      await expectRefused(home, ['cert', 'import', '-a', 'x', '--key', '/dev/urandom'], 'key-unreadable', named);
      await expectRefused(home, ['cert', 'import', '-a', 'x', '--p12', '/dev/urandom'], 'key-unreadable', /^\/dev\/urandom is a character device, not a keystore file/);
      await expectRefused(home, ['verify', ...LOGIN, '--key', '/dev/urandom'], 'key-unreadable', named);
      const doctor = await cli(home, ['doctor', '--offline', ...LOGIN, '--key', '/dev/urandom']);
      const keyFile = doctor.json().result.checks.find((c: { id: string }) => c.id === 'key-file');
      expect(keyFile).toMatchObject({ status: 'fail', code: 'key-unreadable' });
      expect(keyFile.summary).toMatch(named);
      expect(JSON.stringify(keyFile)).not.toMatch(/chmod/);
    });
  });

  // Before: a 512-bit or 1024-bit key was imported and used without a word.
  it('a 1024-bit RSA key: import (PEM and PKCS#12), renew and verify refuse it with the fix; show and doctor report it', async () => {
    await withTempDir(async (home) => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const small = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const smallPair = { key: small, cert: certFor(small, 'small') };
      await fs.writeFile(path.join(home, 'small.key'), small);
      await fs.writeFile(path.join(home, 'small.p12'), forgeP12(smallPair, ''));
      const message = /a 1024-bit RSA key; Salesforce requires 2048 bits or more$/;
      const imported = await expectRefused(home, ['cert', 'import', '-a', 'x', '--key', 'small.key'], 'key-size', message);
      expect(imported.message.startsWith(path.join(home, 'small.key'))).toBe(true);
      expect(imported.hint).toMatch(/`sfjwt cert generate`.*rsa_keygen_bits:2048/);
      await expectRefused(home, ['cert', 'import', '-a', 'x', '--p12', 'small.p12'], 'key-size', /small\.p12 \(entry "mykey"\): a 1024-bit RSA key/);
      await expectRefused(home, ['cert', 'renew', '--key', 'small.key'], 'key-size', message);
      await expectRefused(home, ['verify', ...LOGIN, '--key', 'small.key'], 'key-size', message);
      await expectRefused(home, ['verify', ...LOGIN], 'key-size', /^SFJWT_KEY: a 1024-bit RSA key/, { SFJWT_KEY: small });

      const shown = await cli(home, ['cert', 'show', '--key', 'small.key']);
      expect(shown.code).toBe(0);
      expect(shown.json().result.keySize).toBe(1024);
      const doctor = await cli(home, ['doctor', '--offline', ...LOGIN, '--key', 'small.key']);
      const checks = doctor.json().result.checks as { id: string; status: string; code?: string }[];
      expect(checks.find((c) => c.id === 'key-format')).toMatchObject({ status: 'pass' });
      expect(checks.find((c) => c.id === 'key-size')).toMatchObject({ status: 'fail', code: 'key-size' });
    });
  });
});
