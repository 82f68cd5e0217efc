import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../src/crypto/cert.js';
import { classifyPem, normalizeKeyText, parseCertificate, parsePrivateKey, type PemKind } from '../../src/crypto/pem.js';
import { resultOrInputError } from './expect.js';
import { gen, hostileInputs, hugeInputs, truncations } from './gen.js';

/** PEM parsing under hostile input: a result or a CliError (exit 2, a key-* / cert-* code), never another exception. */
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const cert = createSelfSignedCertificate({ privateKeyPem: pkcs8, commonName: 'fuzz', days: 30, now: new Date(), random: (n) => new Uint8Array(n).fill(9) });
const VALID = [
  pkcs8,
  pkcs1,
  cert,
  spki,
  `${pkcs8}${cert}`,
  Buffer.from(pkcs8).toString('base64'),
  `"${pkcs1.replace(/\n/g, '\\n')}"`,
  pkcs8.replace(/\n/g, '\r\n'),
];
const KEY_CODES = ['key-invalid', 'key-encrypted', 'key-not-rsa'];
const CERT_CODES = ['cert-invalid'];
const KINDS: readonly PemKind[] = ['rsa-pkcs1', 'rsa-pkcs8', 'encrypted', 'openssh', 'ec', 'unsupported-key', 'certificate', 'public-key', 'csr', 'empty', 'garbage'];
/** A base64 run of the key body: error messages must never carry key material. */
const KEY_MATERIAL = pkcs8.split('\n')[5]!.slice(0, 32);

function exercise(name: string, input: string): void {
  const normalized = normalizeKeyText(input);
  expect(typeof normalized.text, name).toBe('string');
  expect(Array.isArray(normalized.repairs), name).toBe(true);
  expect(KINDS, `${name}: classifyPem kind`).toContain(classifyPem(input).kind);

  const key = resultOrInputError(`${name} parsePrivateKey`, () => parsePrivateKey(input, 'SFJWT_KEY'), KEY_CODES);
  if (key.ok) {
    expect(key.value.key.asymmetricKeyType, name).toBe('rsa');
    expect(key.value.bits, name).toBeGreaterThan(0);
  } else {
    expect(`${key.error.message} ${key.error.hint ?? ''}`, `${name}: no key material in the error`).not.toContain(KEY_MATERIAL);
    expect(key.error.message.startsWith('SFJWT_KEY: '), `${name}: names the source`).toBe(true);
  }
  const parsed = resultOrInputError(`${name} parseCertificate`, () => parseCertificate(input, '/tmp/server.crt'), CERT_CODES);
  if (!parsed.ok) expect(`${parsed.error.message} ${parsed.error.hint ?? ''}`, name).not.toContain(KEY_MATERIAL);
}

describe('PEM parser fuzz (seeded)', () => {
  it('valid samples parse (the fuzz starts from real inputs)', () => {
    expect(parsePrivateKey(pkcs8).bits).toBe(2048);
    expect(parsePrivateKey(pkcs1).format).toBe('pkcs1');
    expect(parseCertificate(cert).x509.subject).toContain('fuzz');
    expect(parsePrivateKey(VALID[5]!).repairs).toContain('decoded the base64-encoded PEM');
  });

  it('500 random and mutated inputs', () => {
    for (const { name, input } of hostileInputs(20260101, 500, VALID)) exercise(name, input);
  });

  it('every 1/24th truncation of each valid sample', () => {
    for (const [i, sample] of VALID.entries()) for (const input of truncations(sample)) exercise(`sample ${i} cut at ${input.length}`, input);
  });

  it('bit flips inside the base64 body of the key and the certificate', () => {
    const g = gen(99);
    for (const sample of [pkcs8, pkcs1, cert]) {
      const start = sample.indexOf('\n') + 1;
      const end = sample.lastIndexOf('-----END');
      for (let i = 0; i < 60; i++) {
        const at = start + g.int(end - start);
        const flipped = sample.slice(0, at) + String.fromCharCode(sample.charCodeAt(at) ^ (1 << g.int(8))) + sample.slice(at + 1);
        exercise(`flip at ${at}`, flipped);
      }
    }
  });

  it('1 MB inputs', () => {
    for (const [i, input] of hugeInputs(pkcs8).entries()) exercise(`huge #${i}`, input);
  });

  // Each took from 40 s to hours in the BEGIN/END regex and the /\s+$/ trims the scanner replaced.
  it('1 MB of BEGIN/END shapes: linear time (the test timeout is the check)', { timeout: 20_000 }, () => {
    const mb = 1 << 20;
    const shapes = [
      '-----BEGIN PRIVATE KEY-----\n'.repeat(mb / 28),
      '-----BEGIN X-----\n'.repeat(mb / 18),
      `-----BEGIN A-----${' '.repeat(mb)}x`,
      `-----BEGIN A-----\n${'\n'.repeat(mb)}x`,
      `${pkcs8}${' \t\n'.repeat(mb / 3)}${cert}`,
      '-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n'.repeat(mb / 52),
      '-----BEGIN A----------END A-----'.repeat(mb / 32),
    ];
    for (const [i, input] of shapes.entries()) exercise(`huge shape #${i}`, input);
  });

  it('BEGIN/END shapes that regexes trip on', () => {
    const shapes = [
      '-----BEGIN PRIVATE KEY-----',
      '-----END PRIVATE KEY-----',
      '-----BEGIN PRIVATE KEY----------END PRIVATE KEY-----',
      '-----BEGIN PRIVATE KEY-----\n=\n-----END PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n-----END RSA PRIVATE KEY-----',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA/////w==\n-----END OPENSSH PRIVATE KEY-----',
      `-----BEGIN CERTIFICATE-----\n${'A'.repeat(5000)}\n-----END CERTIFICATE-----`,
      '-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----',
      '-----BEGIN  PRIVATE KEY-----\nMAA=\n-----END  PRIVATE KEY-----',
      `${'-----BEGIN X-----\n'.repeat(2000)}`,
      '"\'"\'"\'',
      '\\n\\n\\n',
      '\uFEFF\uFEFF-----BEGIN PRIVATE KEY-----',
      Buffer.from('-----BEGIN PRIVATE KEY-----\n').toString('base64'),
      Buffer.from(Buffer.from(pkcs8).toString('base64')).toString('base64'),
    ];
    for (const [i, input] of shapes.entries()) exercise(`shape #${i}`, input);
  });
});
