import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unprotectJksKey, readJks } from '../../../src/keystore/jks.js';
import { detectKeystoreFormat, KeystoreError, readKeystore } from '../../../src/keystore/index.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { forgeP12, HAS_KEYTOOL, makePair, p12WithRounds, run, type Pem } from './helpers.js';

const PASS = 'change-it-42';
let pair: Pem;
let other: Pem;
let dir: string;

function samePrivateKey(der: Buffer | undefined, pem: string): boolean {
  if (!der) return false;
  const a = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'der' });
  return a.equals(createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' }));
}

function failure(fn: () => unknown): KeystoreError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeystoreError) return error;
    throw error;
  }
  throw new Error('expected a KeystoreError');
}

async function failureOf(promise: Promise<unknown>): Promise<KeystoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KeystoreError) return error;
    throw error;
  }
  throw new Error('expected a KeystoreError');
}

beforeAll(async () => {
  pair = makePair('imported');
  other = makePair('other');
  dir = await makeTempDir();
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('PKCS#12 (node-forge fixtures)', () => {
  it('reads the key and the certificate byte for byte (same fingerprint)', async () => {
    const read = await readKeystore(forgeP12(pair, PASS), PASS);
    expect(read.format).toBe('pkcs12');
    expect(read.entries).toHaveLength(1);
    const [entry] = read.entries;
    expect(entry!.alias).toBe('mykey');
    expect(samePrivateKey(entry!.privateKeyDer, pair.key)).toBe(true);
    expect(new X509Certificate(entry!.certificates[0]!).fingerprint256).toBe(new X509Certificate(pair.cert).fingerprint256);
  });

  it('reads a 3DES-encrypted (legacy) file and an empty passphrase', async () => {
    const legacy = await readKeystore(forgeP12(pair, PASS, { algorithm: '3des' }), PASS);
    expect(samePrivateKey(legacy.entries[0]!.privateKeyDer, pair.key)).toBe(true);
    const empty = await readKeystore(forgeP12(pair, ''), '');
    expect(samePrivateKey(empty.entries[0]!.privateKeyDer, pair.key)).toBe(true);
  });

  it('a wrong or missing passphrase is "wrong-passphrase"', async () => {
    expect((await failureOf(readKeystore(forgeP12(pair, PASS), 'nope'))).reason).toBe('wrong-passphrase');
    expect((await failureOf(readKeystore(forgeP12(pair, PASS), ''))).reason).toBe('wrong-passphrase');
  });

  it('a truncated file is "malformed"', async () => {
    const data = forgeP12(pair, PASS);
    for (const length of [1, 40, Math.floor(data.length / 2), data.length - 3]) {
      expect((await failureOf(readKeystore(data.subarray(0, length), PASS))).reason).toBe('malformed');
    }
  });
});

describe('PKCS#12 round limit and interruption (SPEC §10)', () => {
  // Before: 2^31-1 MAC rounds spun for over 11 minutes, deaf to Ctrl-C.
  it('a MAC asking for 2^31-1 rounds is refused before any round runs', async () => {
    const error = await failureOf(readKeystore(p12WithRounds(pair, 'mac', 2 ** 31 - 1), ''));
    expect(error.reason).toBe('too-costly');
    expect(error.message).toMatch(/2,147,483,647 key-derivation rounds; sfjwt refuses more than 10,000,000/);
  });

  it.each(['aes256', '3des'] as const)('a key encrypted (%s) with 10,000,001 rounds is refused', async (algorithm) => {
    // The same file with its rounds left alone reads, so the rewrite itself breaks nothing.
    expect((await readKeystore(p12WithRounds(pair, 'key', 2048, algorithm), '')).entries).toHaveLength(1);
    expect((await failureOf(readKeystore(p12WithRounds(pair, 'key', 10_000_001, algorithm), ''))).reason).toBe('too-costly');
  });

  it('an abort stops a long derivation under the cap (9,000,000 MAC rounds, ~20 s of work) at once', async () => {
    const controller = new AbortController();
    const reading = readKeystore(p12WithRounds(pair, 'mac', 9_000_000), '', controller.signal);
    setTimeout(() => controller.abort(new Error('stopped by the test')), 300);
    await expect(reading).rejects.toThrow('stopped by the test');
  }, 10_000);
});

describe('format detection', () => {
  it('by content, whatever the file name', () => {
    expect(detectKeystoreFormat(Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]))).toBe('jks');
    expect(detectKeystoreFormat(Buffer.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]))).toBe('jceks');
    expect(detectKeystoreFormat(forgeP12(pair, PASS))).toBe('pkcs12');
    expect(detectKeystoreFormat(Buffer.from(pair.key))).toBe('pem');
    expect(detectKeystoreFormat(Buffer.from('hello'))).toBe('unknown');
  });

  it('PEM text and JCEKS are refused with what to do instead', async () => {
    expect((await failureOf(readKeystore(Buffer.from(pair.key), ''))).message).toMatch(/--key/);
    expect((await failureOf(readKeystore(Buffer.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]), ''))).message).toMatch(/keytool -importkeystore/);
    expect((await failureOf(readKeystore(Buffer.alloc(0), ''))).message).toMatch(/empty/);
  });
});

describe.skipIf(!HAS_KEYTOOL)('JKS written by keytool', () => {
  let jks: Buffer;
  beforeAll(async () => {
    await fs.writeFile(path.join(dir, 'in.p12'), forgeP12(pair, PASS));
    await fs.writeFile(path.join(dir, 'other.crt'), other.cert);
    run('keytool', ['-importkeystore', '-noprompt', '-srckeystore', 'in.p12', '-srcstoretype', 'PKCS12', '-srcstorepass', PASS,
      '-destkeystore', 'out.jks', '-deststoretype', 'JKS', '-deststorepass', PASS, '-destkeypass', PASS], dir);
    run('keytool', ['-importcert', '-noprompt', '-alias', 'trusted', '-file', 'other.crt', '-keystore', 'out.jks', '-storepass', PASS], dir);
    jks = await fs.readFile(path.join(dir, 'out.jks'));
  });

  it('reads the private key (Sun KeyProtector) and its certificate chain, and a trusted certificate entry', () => {
    const entries = readJks(jks, PASS);
    const key = entries.find((e) => e.privateKeyDer);
    expect(key?.alias).toBe('mykey');
    expect(samePrivateKey(key?.privateKeyDer, pair.key)).toBe(true);
    expect(new X509Certificate(key!.certificates[0]!).fingerprint256).toBe(new X509Certificate(pair.cert).fingerprint256);
    const trusted = entries.find((e) => e.alias === 'trusted');
    expect(trusted?.privateKeyDer).toBeUndefined();
    expect(new X509Certificate(trusted!.certificates[0]!).fingerprint256).toBe(new X509Certificate(other.cert).fingerprint256);
  });

  it('checks the integrity digest: wrong passphrase, no passphrase, a modified byte', () => {
    expect(failure(() => readJks(jks, 'wrong-one')).reason).toBe('wrong-passphrase');
    expect(failure(() => readJks(jks, '')).message).toMatch(/protected by a passphrase/);
    const tampered = Buffer.from(jks);
    tampered[200] = tampered[200]! ^ 0xff; // inside the encrypted key
    expect(failure(() => readJks(tampered, PASS)).reason).toBe('wrong-passphrase');
  });

  it('a truncated keystore is malformed, wherever it is cut', () => {
    for (const length of [3, 20, 100, Math.floor(jks.length / 2), jks.length - 5]) {
      expect(failure(() => readJks(jks.subarray(0, length), PASS)).reason).toBe('malformed');
    }
  });

  it('a key password different from the store password is named', async () => {
    run('keytool', ['-importkeystore', '-noprompt', '-srckeystore', 'in.p12', '-srcstoretype', 'PKCS12', '-srcstorepass', PASS,
      '-destkeystore', 'twopass.jks', '-deststoretype', 'JKS', '-deststorepass', PASS, '-destkeypass', 'another-pass'], dir);
    const twoPass = await fs.readFile(path.join(dir, 'twopass.jks'));
    const error = failure(() => readJks(twoPass, PASS));
    expect(error.reason).toBe('wrong-passphrase');
    expect(error.message).toMatch(/entry "mykey".*key password different/);
  });

  it('unprotectJksKey refuses a key protected by another algorithm', () => {
    // EncryptedPrivateKeyInfo with pbeWithSHA1And3-KeyTripleDES-CBC (1.2.840.113549.1.12.1.3) instead of Sun's OID.
    const oid = Buffer.from('060a2a864886f70d010c0103', 'hex');
    const algorithm = Buffer.concat([Buffer.from([0x30, oid.length + 2]), oid, Buffer.from([0x05, 0x00])]);
    const octets = Buffer.concat([Buffer.from([0x04, 48]), Buffer.alloc(48)]);
    const body = Buffer.concat([algorithm, octets]);
    const info = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    expect(failure(() => unprotectJksKey(info, PASS, 'x')).reason).toBe('unsupported');
  });
});
