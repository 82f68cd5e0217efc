/**
 * A reader for Sun's JKS keystore format (magic 0xFEEDFEED, versions 1 and 2), the format of the
 * keystores Salesforce's Certificate and Key Management exports ("Export to Keystore").
 *
 * Layout: magic, version, entry count; per entry a tag (1 = private key, 2 = trusted certificate),
 * a modified-UTF-8 alias, a timestamp, then either an EncryptedPrivateKeyInfo and its certificate
 * chain or one certificate (version 2 puts the certificate type "X.509" before each). The file ends
 * with SHA-1(password as UTF-16BE ‖ "Mighty Aphrodite" ‖ everything before), its integrity check.
 */
import { createHash } from 'node:crypto';
import { quoteInput } from '../errors.js';
import { KeystoreError, type KeystoreEntry } from './types.js';

const JKS_MAGIC = 0xfeedfeed;
const DIGEST_LENGTH = 20;
/** Sun's KeyProtector algorithm identifier (1.3.6.1.4.1.42.2.17.1.1), DER-encoded. */
const KEY_PROTECTOR_OID_DER = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x11, 0x01, 0x01]);

/** Java chars are UTF-16 code units; JKS feeds them to SHA-1 big-endian, two bytes each. */
function passwordBytes(password: string): Buffer {
  const bytes = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) bytes.writeUInt16BE(password.charCodeAt(i), i * 2);
  return bytes;
}

class Reader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}

  get position(): number {
    return this.offset;
  }

  private take(length: number, what: string): Buffer {
    if (length < 0 || this.offset + length > this.data.length) {
      throw new KeystoreError('malformed', `the keystore ends early while reading ${what} (truncated or damaged file)`);
    }
    const slice = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  u16(what: string): number {
    return this.take(2, what).readUInt16BE(0);
  }

  u32(what: string): number {
    return this.take(4, what).readUInt32BE(0);
  }

  bytes(what: string): Buffer {
    return this.take(this.u32(`the length of ${what}`), what);
  }

  utf(what: string): string {
    return this.take(this.u16(`the length of ${what}`), what).toString('utf8');
  }

  skip(length: number, what: string): void {
    this.take(length, what);
  }
}

/** Minimal DER walk: the tag's content and where the element ends. */
function derElement(data: Buffer, offset: number, expectedTag: number): { content: Buffer; end: number } {
  if (data[offset] !== expectedTag) throw new KeystoreError('malformed', 'a private key entry is not an EncryptedPrivateKeyInfo');
  let length = data[offset + 1];
  let header = 2;
  if (length === undefined) throw new KeystoreError('malformed', 'a private key entry is truncated');
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || offset + 2 + count > data.length) throw new KeystoreError('malformed', 'a private key entry has a bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + data[offset + 2 + i]!;
    header += count;
  }
  const start = offset + header;
  if (start + length > data.length) throw new KeystoreError('malformed', 'a private key entry is truncated');
  return { content: data.subarray(start, start + length), end: start + length };
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING } → the algorithm OID and the octets. */
function splitEncryptedPrivateKeyInfo(der: Buffer): { oid: Buffer; encrypted: Buffer } {
  const outer = derElement(der, 0, 0x30).content;
  const algorithm = derElement(outer, 0, 0x30);
  const oid = derElement(algorithm.content, 0, 0x06);
  const encrypted = derElement(outer, algorithm.end, 0x04).content;
  return { oid: algorithm.content.subarray(0, oid.end), encrypted };
}

/**
 * Sun's KeyProtector: data = salt(20) ‖ ciphertext ‖ check(20). The keystream is
 * SHA-1(password ‖ previous digest), starting from the salt; check = SHA-1(password ‖ plaintext).
 */
export function unprotectJksKey(encryptedKeyInfo: Buffer, password: string, alias: string): Buffer {
  const { oid, encrypted } = splitEncryptedPrivateKeyInfo(encryptedKeyInfo);
  if (!oid.equals(KEY_PROTECTOR_OID_DER)) {
    throw new KeystoreError('unsupported', `the key of entry ${quoteInput(alias)} is protected with an algorithm other than JKS's own (a JCEKS or PKCS#12 key in a JKS file)`);
  }
  if (encrypted.length < DIGEST_LENGTH * 2) throw new KeystoreError('malformed', `the key of entry ${quoteInput(alias)} is truncated`);
  const pwd = passwordBytes(password);
  const salt = encrypted.subarray(0, DIGEST_LENGTH);
  const ciphertext = encrypted.subarray(DIGEST_LENGTH, encrypted.length - DIGEST_LENGTH);
  const check = encrypted.subarray(encrypted.length - DIGEST_LENGTH);
  const plain = Buffer.alloc(ciphertext.length);
  let digest: Buffer = salt;
  for (let offset = 0; offset < ciphertext.length; offset += DIGEST_LENGTH) {
    digest = createHash('sha1').update(pwd).update(digest).digest();
    for (let i = 0; i < DIGEST_LENGTH && offset + i < ciphertext.length; i++) plain[offset + i] = ciphertext[offset + i]! ^ digest[i]!;
  }
  if (!createHash('sha1').update(pwd).update(plain).digest().equals(check)) {
    throw new KeystoreError('wrong-passphrase', `the passphrase does not unlock the key of entry ${quoteInput(alias)} (a key password different from the keystore's?)`);
  }
  return plain;
}

/** Reads every entry; checks the keystore's integrity digest with `password` first. */
export function readJks(data: Buffer, password: string): KeystoreEntry[] {
  const reader = new Reader(data);
  if (data.length < 12 || reader.u32('the magic number') !== JKS_MAGIC) throw new KeystoreError('malformed', 'not a JKS keystore (no 0xFEEDFEED header)');
  const version = reader.u32('the version');
  if (version !== 1 && version !== 2) throw new KeystoreError('unsupported', `JKS version ${version} is not supported (expected 1 or 2)`);
  const count = reader.u32('the entry count');
  const raw: { alias: string; encryptedKey?: Buffer; certificates: Buffer[] }[] = [];
  const certificate = (what: string): Buffer => {
    if (version === 2) {
      const type = reader.utf(`the certificate type of ${what}`);
      if (type !== 'X.509') throw new KeystoreError('unsupported', `${what} holds a ${quoteInput(type, 20)} certificate, not X.509`);
    }
    return reader.bytes(what);
  };
  for (let i = 0; i < count; i++) {
    const tag = reader.u32(`the tag of entry ${i + 1}`);
    const alias = reader.utf(`the alias of entry ${i + 1}`);
    reader.skip(8, `the timestamp of entry ${quoteInput(alias)}`);
    if (tag === 1) {
      const encryptedKey = reader.bytes(`the key of entry ${quoteInput(alias)}`);
      const chainLength = reader.u32(`the chain length of entry ${quoteInput(alias)}`);
      const certificates: Buffer[] = [];
      for (let c = 0; c < chainLength; c++) certificates.push(certificate(`certificate ${c + 1} of entry ${quoteInput(alias)}`));
      raw.push({ alias, encryptedKey, certificates });
    } else if (tag === 2) {
      raw.push({ alias, certificates: [certificate(`the certificate of entry ${quoteInput(alias)}`)] });
    } else {
      throw new KeystoreError(tag === 3 ? 'unsupported' : 'malformed', tag === 3 ? `entry ${quoteInput(alias)} is a secret key (JCEKS), not a key pair` : `entry ${i + 1} has an unknown tag ${tag}`);
    }
  }
  const signed = data.subarray(0, reader.position);
  reader.skip(DIGEST_LENGTH, 'the integrity digest');
  const stored = data.subarray(signed.length, signed.length + DIGEST_LENGTH);
  const expected = createHash('sha1').update(passwordBytes(password)).update('Mighty Aphrodite', 'utf8').update(signed).digest();
  if (!expected.equals(stored)) {
    throw new KeystoreError('wrong-passphrase', password === ''
        ? 'the keystore is protected by a passphrase'
        : 'wrong passphrase, or the file was modified (the keystore integrity check failed)');
  }
  return raw.map((entry) => ({
    alias: entry.alias,
    certificates: entry.certificates,
    ...(entry.encryptedKey ? { privateKeyDer: unprotectJksKey(entry.encryptedKey, password, entry.alias) } : {}),
  }));
}
