import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isCliError } from '../../../src/errors.js';
import { createSelfSignedCertificate } from '../../../src/crypto/cert.js';
import { classifyPem, normalizeKeyText, parseCertificate, parsePrivateKey, pemBlocks, type PemKind } from '../../../src/crypto/pem.js';
import { counterRandom, FAKE_CSR, fakeOpenSshKey, FIXED_NOW, rsaPems } from './fixtures.js';

let rsa: ReturnType<typeof rsaPems>;
let cert: string;
const inputs: Record<string, string> = {};

beforeAll(() => {
  rsa = rsaPems(2048);
  cert = createSelfSignedCertificate({ privateKeyPem: rsa.pkcs8, commonName: 't', days: 30, now: FIXED_NOW, random: counterRandom() });
  const rsaKey = createPrivateKey(rsa.pkcs8);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  Object.assign(inputs, {
    pkcs1: rsa.pkcs1,
    pkcs8: rsa.pkcs8,
    encryptedPkcs8: rsaKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString(),
    encryptedPkcs1: rsaKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString(),
    ecSec1: ec.export({ type: 'sec1', format: 'pem' }).toString(),
    ecPkcs8: ec.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ed25519: ed.export({ type: 'pkcs8', format: 'pem' }).toString(),
    dsa: generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    opensshRsa: fakeOpenSshKey('ssh-rsa'),
    opensshEd25519: fakeOpenSshKey('ssh-ed25519'),
    opensshEncrypted: fakeOpenSshKey('ssh-rsa', 'aes256-ctr'),
    certificate: cert,
    publicKey: rsa.publicKey,
    rsaPublicKey: createPrivateKey(rsa.pkcs8).export({ type: 'pkcs1', format: 'pem' }).toString().replace(/PRIVATE/g, 'PUBLIC'),
    sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZha2Uga2V5IGZvciB0ZXN0cyBvbmx5IG5vdCByZWFs user@host\n',
    csr: FAKE_CSR,
    empty: '',
    blank: '  \n\n',
    garbage: 'hello world\n',
    der: Buffer.from(rsa.pkcs8.split('\n').slice(1, -2).join(''), 'base64').toString('latin1'),
    damaged: rsa.pkcs8.replace(/-----END PRIVATE KEY-----\n$/, ''),
    ppk: 'PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n',
    pkcs7: '-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n',
  });
});

describe('classifyPem', () => {
  it.each<[string, PemKind, RegExp]>([
    ['pkcs1', 'rsa-pkcs1', /RSA private key \(PKCS#1\)/],
    ['pkcs8', 'rsa-pkcs8', /RSA private key \(PKCS#8\)/],
    ['encryptedPkcs8', 'encrypted', /encrypted/],
    ['encryptedPkcs1', 'encrypted', /encrypted/],
    ['ecSec1', 'ec', /EC private key \(P-256\)/],
    ['ecPkcs8', 'ec', /EC private key \(P-256\)/],
    ['ed25519', 'ec', /Ed25519/],
    ['dsa', 'unsupported-key', /DSA/],
    ['opensshRsa', 'openssh', /OpenSSH private key \(ssh-rsa\)/],
    ['opensshEd25519', 'openssh', /ssh-ed25519/],
    ['opensshEncrypted', 'openssh', /passphrase-protected/],
    ['certificate', 'certificate', /certificate/],
    ['publicKey', 'public-key', /public key/],
    ['rsaPublicKey', 'public-key', /public key/],
    ['sshPublicKey', 'public-key', /OpenSSH public key/],
    ['csr', 'csr', /CSR/],
    ['empty', 'empty', /empty/],
    ['blank', 'empty', /empty/],
    ['garbage', 'garbage', /no -----BEGIN/],
    ['der', 'garbage', /DER/],
    ['damaged', 'garbage', /damaged/],
    ['ppk', 'garbage', /PuTTY/],
    ['pkcs7', 'garbage', /PKCS7/],
  ])('%s -> %s', (name, kind, label) => {
    const result = classifyPem(inputs[name]!);
    expect(result.kind).toBe(kind);
    expect(result.label).toMatch(label);
  });

  it('prefers the private key in a file holding a certificate and a key', () => {
    expect(classifyPem(cert + rsa.pkcs8).kind).toBe('rsa-pkcs8');
  });
});

describe('normalizeKeyText', () => {
  const body = () => rsa.pkcs8;
  it('leaves a clean PEM alone', () => {
    expect(normalizeKeyText(body())).toEqual({ text: body(), repairs: [] });
  });

  it.each<[string, (pem: string) => string, string]>([
    ['double quotes', (p) => `"${p}"`, 'removed surrounding quotes'],
    ['single quotes', (p) => `'${p.trimEnd()}'`, 'removed surrounding quotes'],
    ['literal \\n', (p) => p.replace(/\n/g, '\\n'), 'turned literal \\n sequences into line breaks'],
    ['CRLF', (p) => p.replace(/\n/g, '\r\n'), 'converted CRLF line endings to LF'],
    ['missing final newline', (p) => p.trimEnd(), 'added the missing final newline'],
    ['base64 of the PEM', (p) => Buffer.from(p).toString('base64'), 'decoded the base64-encoded PEM'],
    ['base64 of the PEM, wrapped', (p) => Buffer.from(p).toString('base64').replace(/(.{76})/g, '$1\n'), 'decoded the base64-encoded PEM'],
    ['body collapsed with spaces', (p) => p.trimEnd().replace(/\n/g, ' '), 'restored the line breaks of the PEM body'],
    ['body on one long line', (p) => p.replace(/\n(?!-----)/g, '').replace(/-----BEGIN PRIVATE KEY-----/, '$&\n'), 'restored the line breaks of the PEM body'],
    ['indentation (YAML)', (p) => p.replace(/^/gm, '    '), 'removed indentation'],
    ['byte-order mark', (p) => `\uFEFF${p}`, 'removed a byte-order mark'],
  ])('repairs %s', (_name, damage, repair) => {
    const damaged = damage(body());
    const result = normalizeKeyText(damaged);
    expect(result.repairs).toContain(repair);
    expect(result.text).toBe(body());
    expect(normalizeKeyText(result.text).repairs).toEqual([]);
    const parsed = parsePrivateKey(damaged);
    expect(parsed.repairs).toEqual(result.repairs);
    expect(parsed.pem).toBe(body());
  });

  it('repairs several kinds of damage at once (quoted base64 of a CRLF PEM with literal \\n)', () => {
    const damaged = `"${Buffer.from(body().replace(/\n/g, '\r\n')).toString('base64')}"`;
    const result = normalizeKeyText(damaged);
    expect(result.text).toBe(body());
    expect(result.repairs).toEqual(['removed surrounding quotes', 'decoded the base64-encoded PEM', 'converted CRLF line endings to LF']);
    const literal = normalizeKeyText(`'${body().replace(/\n/g, '\\r\\n')}'`);
    expect(literal.text).toBe(body());
    expect(literal.repairs).toEqual(['removed surrounding quotes', 'turned literal \\n sequences into line breaks']);
  });

  it('does not invent repairs for text that is not PEM', () => {
    expect(normalizeKeyText('hello').repairs).toEqual([]);
    expect(normalizeKeyText('').repairs).toEqual([]);
  });
});

describe('suggested commands never write over their own input (SPEC §10)', () => {
  // `openssl pkey -in …/server.key -out server.key`, run in the key's folder, truncated the key.
  it('for every input, as a key named server.key and as a certificate named server.crt', () => {
    const commands: string[] = [];
    for (const [name, text] of Object.entries(inputs)) {
      for (const [parse, file] of [[parsePrivateKey, 'server.key'], [parseCertificate, 'server.crt']] as const) {
        let hint: string | undefined;
        try {
          parse(text, file);
        } catch (error) {
          if (!isCliError(error)) throw error;
          hint = error.hint;
        }
        for (const [, input, output] of (hint ?? '').matchAll(/-in (\S+)[^`]*?-out ([^\s`]+)/g)) {
          commands.push(`${name}: -in ${input} -out ${output}`);
          expect(output, `${name} read as ${file}: ${hint}`).not.toBe(input);
        }
      }
    }
    expect(commands.length).toBeGreaterThan(2);
  });
});

describe('an OpenSSH private key in SFJWT_KEY: said what it is, none of its bytes repeated', () => {
  /** An openssh-key-v1 blob whose public-key "type" length runs over the rest: the private key bytes. */
  function damagedOpenSsh(secret: Buffer): { pem: string; blob: Buffer } {
    const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    const str = (b: Buffer | string) => Buffer.concat([u32(Buffer.byteLength(b)), Buffer.from(b)]);
    const publicKey = Buffer.concat([u32(0xffff), Buffer.from('ssh-ed25519'), secret]);
    const blob = Buffer.concat([Buffer.from('openssh-key-v1\0', 'latin1'), str('none'), str('none'), str(''), u32(1), str(publicKey), str(secret)]);
    return { pem: `-----BEGIN OPENSSH PRIVATE KEY-----\n${blob.toString('base64').replace(/(.{70})/g, '$1\n')}\n-----END OPENSSH PRIVATE KEY-----\n`, blob };
  }

  // Before: "this is an OpenSSH private key (ssh-ed25519<the private key bytes>)".
  it.each(['as PEM', 'base64-encoded on one line'])('%s', (form) => {
    const secret = Buffer.from('SECRET-KEY-MATERIAL-0123456789abcdefghijklmnopqrstuvwxyz', 'latin1');
    const { pem, blob } = damagedOpenSsh(secret);
    const error = errorOf(() => parsePrivateKey(form === 'as PEM' ? pem : Buffer.from(pem).toString('base64'), 'SFJWT_KEY'));
    expect(error.code).toBe('key-invalid');
    expect(error.message).toBe('SFJWT_KEY: this is an OpenSSH private key; an RSA private key in PEM format is needed');
    expect(error.hint).toMatch(/ssh-keygen -p -m PKCS8 -f <file>/);
    const said = `${error.message} ${error.hint}`;
    // No run of 4 bytes of the key material, decoded or as the base64 text, appears in what is said.
    const text = secret.toString('latin1');
    for (let i = 0; i + 4 <= text.length; i++) expect(said).not.toContain(text.slice(i, i + 4));
    const body = blob.toString('base64');
    for (let i = 0; i + 8 <= body.length; i++) expect(said).not.toContain(body.slice(i, i + 8));
  });
});

describe('pemBlocks: BEGIN/END pairing, in time linear in the text', () => {
  const block = (type: string, body = 'MAA=') => `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`;

  it('pairs each BEGIN with the first END of its type, skipping BEGIN lines that never end', () => {
    const text = `-----BEGIN PRIVATE KEY-----\n${block('CERTIFICATE')}-----BEGIN X-----\n${block('PUBLIC KEY')}`;
    expect(pemBlocks(text).map((b) => b.type)).toEqual(['CERTIFICATE', 'PUBLIC KEY']);
    // A block of one type may contain the markers of another: it ends at its own END line.
    expect(pemBlocks(`-----BEGIN A-----\n${block('B')}-----END A-----\n`).map((b) => b.type)).toEqual(['A']);
    // Closing dashes shared with the next marker, as the regex this replaced allowed.
    expect(pemBlocks('-----BEGIN A----------END A-----').map((b) => b.pem)).toEqual(['-----BEGIN A----------END A-----\n']);
  });

  // 1 MB of BEGIN lines took 42 s in the regex this replaced (it rescanned the rest for each line).
  it('1 MB of BEGIN lines without an END: no block, and the key error says so', { timeout: 10_000 }, () => {
    const text = '-----BEGIN PRIVATE KEY-----\n'.repeat((1 << 20) / 28);
    expect(pemBlocks(text)).toEqual([]);
    expect(errorOf(() => parsePrivateKey(text, '/k.pem')).message).toMatch(/BEGIN line without a matching END line/);
    expect(errorOf(() => parseCertificate(text, '/c.pem')).code).toBe('cert-invalid');
  });

  it('a megabyte of whitespace inside or after a block is repaired away, not scanned again per character', { timeout: 10_000 }, () => {
    const spaced = `${rsa.pkcs8}${' \t\n'.repeat(1 << 18)}${cert}`;
    expect(parsePrivateKey(spaced).pem).toBe(rsa.pkcs8);
    expect(parseCertificate(spaced).pem).toBe(cert);
    expect(classifyPem(`-----BEGIN A-----\n${'\n'.repeat(1 << 20)}x`).kind).toBe('garbage');
  });

  it('thousands of small damaged key blocks are not each decoded', { timeout: 10_000 }, () => {
    const text = block('PRIVATE KEY').repeat((1 << 20) / 60);
    expect(errorOf(() => parsePrivateKey(text, '/k.pem')).message).toMatch(/damaged PKCS#8 private key/);
  });
});

function errorOf(fn: () => unknown): { code: string; message: string; hint?: string; exitCode: number } {
  try {
    fn();
  } catch (error) {
    if (isCliError(error)) return { code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode };
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('parsePrivateKey', () => {
  it('reads PKCS#1 and PKCS#8 and always returns PKCS#8', () => {
    const one = parsePrivateKey(inputs.pkcs1!);
    expect(one).toMatchObject({ format: 'pkcs1', bits: 2048, pem: rsa.pkcs8, repairs: [] });
    expect(one.key.asymmetricKeyType).toBe('rsa');
    expect(parsePrivateKey(inputs.pkcs8!)).toMatchObject({ format: 'pkcs8', bits: 2048, pem: rsa.pkcs8 });
  });

  it('a key exactly as openssl writes it reads the same as through the repair path', () => {
    const rewrap = (pem: string, width: number) => {
      const [header, ...rest] = pem.trim().split('\n');
      const footer = rest.pop()!;
      const body = rest.join('');
      const lines = body.match(new RegExp(`.{1,${width}}`, 'g'))!;
      return [header, ...lines, footer, ''].join('\n');
    };
    for (const [pem, format] of [[rsa.pkcs1, 'pkcs1'], [rsa.pkcs8, 'pkcs8']] as const) {
      // A leading blank line takes the repair path without a repair to report.
      const repaired = parsePrivateKey(`\n${pem}`);
      for (const text of [pem, rewrap(pem, 76)]) {
        const direct = parsePrivateKey(text);
        expect(direct).toMatchObject({ format, bits: 2048, repairs: [], pem: repaired.pem });
        expect(direct.key.equals(repaired.key)).toBe(true);
      }
      // Longer lines than normalizeKeyText keeps are still read, with the repair reported.
      expect(parsePrivateKey(rewrap(pem, 80)).repairs).toEqual(['restored the line breaks of the PEM body']);
    }
  });

  it('takes the key out of a combined certificate + key file', () => {
    expect(parsePrivateKey(cert + rsa.pkcs1).pem).toBe(rsa.pkcs8);
  });

  it.each<[string, string, RegExp, RegExp?]>([
    ['empty', 'key-invalid', /empty/],
    ['garbage', 'key-invalid', /not a PEM private key/],
    ['der', 'key-invalid', /binary DER/, /openssl pkey -inform DER -in server\.key -out server\.key\.pem/],
    ['damaged', 'key-invalid', /damaged/],
    ['certificate', 'key-invalid', /this is a certificate, not the private key/],
    ['publicKey', 'key-invalid', /public key, not the private key/],
    ['sshPublicKey', 'key-invalid', /OpenSSH public key, not the private key/],
    ['csr', 'key-invalid', /certificate signing request \(CSR\), not the private key/],
    ['opensshRsa', 'key-invalid', /OpenSSH private key/, /ssh-keygen -p -m PKCS8 -f server\.key/],
    ['opensshEncrypted', 'key-invalid', /OpenSSH private key/, /ssh-keygen -p -m PKCS8/],
    ['opensshEd25519', 'key-not-rsa', /RSA keys only/],
    ['encryptedPkcs8', 'key-encrypted', /encrypted with a passphrase/, /openssl pkey -in server\.key -out server\.key\.pem/],
    ['encryptedPkcs1', 'key-encrypted', /encrypted with a passphrase/, /openssl pkey/],
    ['ecSec1', 'key-not-rsa', /EC private key \(P-256\); Salesforce accepts RSA keys only/],
    ['ecPkcs8', 'key-not-rsa', /EC private key/],
    ['ed25519', 'key-not-rsa', /Ed25519/],
    ['dsa', 'key-not-rsa', /DSA/],
  ])('%s -> %s', (name, code, message, hint) => {
    const error = errorOf(() => parsePrivateKey(inputs[name]!, 'server.key'));
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^server\.key: /);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    // No key material: no long base64 run in message or hint.
    expect(`${error.message} ${error.hint ?? ''}`).not.toMatch(/[A-Za-z0-9+/]{40,}/);
    if (hint) expect(error.hint).toMatch(hint);
  });

  it('uses a <file> placeholder in hints when the key came from SFJWT_KEY', () => {
    const error = errorOf(() => parsePrivateKey(inputs.encryptedPkcs8!, 'SFJWT_KEY'));
    expect(error.message).toMatch(/^SFJWT_KEY: /);
    expect(error.hint).toContain('openssl pkey -in <file>');
    expect(errorOf(() => parsePrivateKey('')).message).toBe('the private key is empty');
  });
});

describe('parseCertificate', () => {
  it('reads a certificate, repairing CI damage', () => {
    const parsed = parseCertificate(`"${cert.replace(/\n/g, '\\n')}"`);
    expect(parsed.pem).toBe(cert);
    expect(parsed.x509.subject).toContain('CN=t');
    expect(parsed.repairs).toEqual(['removed surrounding quotes', 'turned literal \\n sequences into line breaks']);
  });

  it('takes the certificate out of a combined key + certificate file', () => {
    expect(parseCertificate(rsa.pkcs8 + cert).pem).toBe(cert);
  });

  it.each<[string, RegExp]>([
    ['pkcs8', /RSA private key \(PKCS#8\), not the certificate; never upload a private key/],
    ['pkcs1', /not the certificate/],
    ['encryptedPkcs8', /not the certificate/],
    ['publicKey', /public key, not a certificate/],
    ['csr', /CSR\), not a certificate/],
    ['empty', /empty/],
    ['garbage', /not a PEM certificate/],
    ['der', /binary DER/],
  ])('%s -> cert-invalid', (name, message) => {
    const error = errorOf(() => parseCertificate(inputs[name]!, 'server.crt'));
    expect(error.code).toBe('cert-invalid');
    expect(error.message).toMatch(/^server\.crt: /);
    expect(error.message).toMatch(message);
    expect(`${error.message} ${error.hint ?? ''}`).not.toMatch(/[A-Za-z0-9+/]{40,}/);
  });

  it('reports a damaged certificate body', () => {
    const broken = cert.replace(/\n[A-Za-z0-9+/]{64}\n/, '\nAAAA\n');
    expect(errorOf(() => parseCertificate(broken)).message).toMatch(/does not decode/);
  });
});

describe('parsePrivateKey with a damaged body', () => {
  it('says the key does not decode, without echoing it', () => {
    const lines = rsa.pkcs1.split('\n');
    const broken = [...lines.slice(0, 3), ...lines.slice(6)].join('\n');
    const error = errorOf(() => parsePrivateKey(broken, 'server.key'));
    expect(error.code).toBe('key-invalid');
    expect(error.message).toBe('server.key: the key looks like an RSA private key (PKCS#1) but does not decode (the file is damaged or truncated)');
  });
});
