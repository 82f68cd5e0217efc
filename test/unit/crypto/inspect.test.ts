import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../../src/crypto/cert.js';
import { describeCertificate, fingerprintSha256, keyMatchesCertificate, publicKeyFingerprint } from '../../../src/crypto/inspect.js';
import { counterRandom, FIXED_NOW, rsaPems } from './fixtures.js';

let key: ReturnType<typeof rsaPems>;
let other: ReturnType<typeof rsaPems>;
let cert: string;

beforeAll(() => {
  key = rsaPems(2048);
  other = rsaPems(2048);
  cert = createSelfSignedCertificate({ privateKeyPem: key.pkcs8, commonName: 'inspect', days: 365, now: FIXED_NOW, random: counterRandom(0x12) });
});

describe('describeCertificate', () => {
  it('describes a fresh certificate', () => {
    const d = describeCertificate(cert, FIXED_NOW);
    expect(d).toMatchObject({
      subject: 'O=sfjwt, CN=inspect',
      issuer: 'O=sfjwt, CN=inspect',
      serialNumber: '52131415161718191A1B1C1D1E1F2021',
      notBefore: '2025-03-04T05:05:07.000Z',
      notAfter: '2026-03-04T05:06:07.000Z',
      daysLeft: 364, // FIXED_NOW has 890 ms past the second; validity is in whole seconds
      keySize: 2048,
      keyType: 'rsa',
      sizeBytes: Buffer.byteLength(cert),
      selfSigned: true,
    });
    expect(d.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('counts days left down to negative once expired', () => {
    expect(describeCertificate(cert, new Date('2025-03-04T05:06:07Z')).daysLeft).toBe(365);
    expect(describeCertificate(cert, new Date('2026-03-03T05:06:08Z')).daysLeft).toBe(0);
    expect(describeCertificate(cert, new Date('2026-03-04T05:06:08Z')).daysLeft).toBe(-1);
    expect(describeCertificate(cert, new Date('2026-04-04T00:00:00Z')).daysLeft).toBe(-31);
  });
});

describe('fingerprints and key/cert match', () => {
  it('fingerprintSha256 matches node:crypto', () => {
    expect(fingerprintSha256(cert)).toBe(new X509Certificate(cert).fingerprint256);
    expect(fingerprintSha256(new X509Certificate(cert))).toBe(describeCertificate(cert, FIXED_NOW).fingerprintSha256);
  });

  it('publicKeyFingerprint is the same for the private key, its public key and its certificate', () => {
    const expected = publicKeyFingerprint(key.pkcs8);
    expect(expected).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(publicKeyFingerprint(key.pkcs1)).toBe(expected);
    expect(publicKeyFingerprint(createPrivateKey(key.pkcs8))).toBe(expected);
    expect(publicKeyFingerprint(createPublicKey(key.publicKey))).toBe(expected);
    expect(publicKeyFingerprint(cert)).toBe(expected);
    expect(publicKeyFingerprint(other.pkcs8)).not.toBe(expected);
  });

  it('keyMatchesCertificate accepts every form of the right key and rejects another key', () => {
    expect(keyMatchesCertificate(key.pkcs8, cert)).toBe(true);
    expect(keyMatchesCertificate(key.pkcs1, cert)).toBe(true);
    expect(keyMatchesCertificate(createPrivateKey(key.pkcs8), new X509Certificate(cert))).toBe(true);
    expect(keyMatchesCertificate(createPublicKey(key.publicKey), cert)).toBe(true);
    expect(keyMatchesCertificate(other.pkcs8, cert)).toBe(false);
    expect(keyMatchesCertificate(createPrivateKey(other.pkcs1), cert)).toBe(false);
  });
});
