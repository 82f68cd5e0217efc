import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, serialFromRandom } from '../../../src/crypto/cert.js';
import { keyMatchesCertificate } from '../../../src/crypto/inspect.js';
import { generateRsaKeyPair, type RsaKeyPair } from '../../../src/crypto/keys.js';
import { counterRandom, FIXED_NOW, hasOpenssl } from './fixtures.js';

let pair: RsaKeyPair;
beforeAll(async () => {
  pair = await generateRsaKeyPair(2048);
});

const nowSeconds = Math.floor(FIXED_NOW.getTime() / 1000);

describe('generateRsaKeyPair', () => {
  it('returns a PKCS#8 private key and its SPKI public key', () => {
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const key = createPrivateKey(pair.privateKeyPem);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    expect(createPublicKey(key).export({ type: 'spki', format: 'pem' })).toBe(pair.publicKeyPem);
  });

  it('assembles a consistent key from two primes (FIPS 186-4 style checks)', () => {
    const jwk = createPrivateKey(pair.privateKeyPem).export({ format: 'jwk' });
    const big = (v: string | undefined) => BigInt(`0x${Buffer.from(v!, 'base64url').toString('hex')}`);
    const [n, e, d, p, q] = [big(jwk.n), big(jwk.e), big(jwk.d), big(jwk.p), big(jwk.q)];
    expect(p * q).toBe(n);
    expect(n.toString(2)).toHaveLength(2048);
    expect(p.toString(2)).toHaveLength(1024);
    expect(q.toString(2)).toHaveLength(1024);
    expect(e).toBe(65537n);
    expect(p - q > 1n << 924n || q - p > 1n << 924n).toBe(true);
    expect(d > 1n << 1024n).toBe(true);
    expect((e * d) % (p - 1n)).toBe(1n);
    expect((e * d) % (q - 1n)).toBe(1n);
    expect(big(jwk.qi) * q % p).toBe(1n);
  });

  it.skipIf(!hasOpenssl())('passes openssl rsa -check', () => {
    const check = spawnSync('openssl', ['rsa', '-check', '-noout'], { input: pair.privateKeyPem, encoding: 'utf8' });
    expect(check.stdout.trim()).toBe('RSA key ok');
  });

  it('makes a 3072-bit key', async () => {
    const mid = await generateRsaKeyPair(3072);
    expect(createPrivateKey(mid.privateKeyPem).asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it('refuses sizes other than 2048, 3072 and 4096', async () => {
    await expect(generateRsaKeyPair(1024 as 2048)).rejects.toThrow(/2048, 3072 or 4096/);
  });

  it('makes a 4096-bit key whose certificate stays under 4 KB', async () => {
    const big = await generateRsaKeyPair(4096);
    const pem = createSelfSignedCertificate({ privateKeyPem: big.privateKeyPem, commonName: 'big', days: 365, now: FIXED_NOW, random: counterRandom() });
    const cert = new X509Certificate(pem);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(Buffer.byteLength(pem)).toBeLessThan(4096);
  });
});

describe('serialFromRandom', () => {
  it.each([
    ['all zero', 0x00, '40'],
    ['top bit set', 0xff, '7F'],
    ['0x80', 0x80, '40'],
    ['0x3c', 0x3c, '7C'],
  ])('keeps 16 bytes and a positive first byte (%s)', (_name, first, expected) => {
    const serial = serialFromRandom((n) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? first : 0)));
    expect(serial.length).toBe(16);
    expect(serial.toString('hex').slice(0, 2).toUpperCase()).toBe(expected);
  });
});

describe('createSelfSignedCertificate', () => {
  const make = (overrides: Partial<Parameters<typeof createSelfSignedCertificate>[0]> = {}) =>
    createSelfSignedCertificate({ privateKeyPem: pair.privateKeyPem, commonName: 'sfjwt-test', days: 730, now: FIXED_NOW, random: counterRandom(0xf0), ...overrides });

  it('parses back with node:crypto under a fixed clock and random source', () => {
    const pem = make();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/);
    const cert = new X509Certificate(pem);
    // random bytes f0 f1 f2 ...: first byte 0xf0 -> top bit cleared, next set -> 0x70.
    expect(cert.serialNumber.toUpperCase()).toBe('70F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF');
    expect(cert.serialNumber).toHaveLength(32);
    expect(new Date(cert.validFrom).getTime()).toBe((nowSeconds - 60) * 1000);
    expect(new Date(cert.validTo).getTime()).toBe((nowSeconds + 730 * 86_400) * 1000);
    expect(cert.subject.split('\n')).toEqual(['O=sfjwt', 'CN=sfjwt-test']);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(false);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(keyMatchesCertificate(pair.privateKeyPem, pem)).toBe(true);
  });

  it('is deterministic for the same key, clock and random source', () => {
    expect(make()).toBe(make());
    expect(make({ random: counterRandom(1) })).not.toBe(make());
  });

  it('accepts a KeyObject, an organization and a non-ASCII common name', () => {
    const cert = new X509Certificate(make({ privateKeyPem: createPrivateKey(pair.privateKeyPem), organization: 'Acme', commonName: 'Zürich integration' }));
    expect(cert.subject.split('\n')).toEqual(['O=Acme', 'CN=Zürich integration']);
  });

  it('switches to GeneralizedTime for dates from 2050', () => {
    const cert = new X509Certificate(make({ days: 36_500 }));
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2125);
    expect(cert.verify(cert.publicKey)).toBe(true);
  });

  it('refuses a non-RSA key with key-not-rsa', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => make({ privateKeyPem: ec })).toThrow(expect.objectContaining({ code: 'key-not-rsa', exitCode: 2 }));
  });

  it('refuses bad validity and an empty common name', () => {
    expect(() => make({ days: 0 })).toThrow(RangeError);
    expect(() => make({ days: 1.5 })).toThrow(RangeError);
    expect(() => make({ commonName: '  ' })).toThrow(RangeError);
  });

  it.skipIf(!hasOpenssl())('shows the expected fields in openssl x509 -text', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sfjwt-cert-'));
    try {
      const file = path.join(dir, 'server.crt');
      writeFileSync(file, make());
      const text = spawnSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
      expect(text.status).toBe(0);
      expect(text.stdout).toContain('Version: 3 (0x2)');
      expect(text.stdout).toContain('Signature Algorithm: sha256WithRSAEncryption');
      expect(text.stdout).toMatch(/Subject: O ?= ?sfjwt, CN ?= ?sfjwt-test/);
      expect(text.stdout).toMatch(/Not Before: Mar {2}4 05:05:07 2025 GMT/);
      expect(text.stdout).toMatch(/Not After : Mar {2}4 05:06:07 2027 GMT/);
      expect(text.stdout).toMatch(/X509v3 Basic Constraints: *\n *CA:FALSE/);
      expect(text.stdout).toMatch(/X509v3 Key Usage: critical *\n *Digital Signature\n/);
      expect(text.stdout).toContain('X509v3 Subject Key Identifier');
      const verify = spawnSync('openssl', ['verify', '-CAfile', file, file], { encoding: 'utf8' });
      expect(verify.stdout.trim()).toBe(`${file}: OK`);
      const strict = spawnSync('openssl', ['asn1parse', '-in', file, '-strictpem'], { encoding: 'utf8' });
      expect(strict.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
