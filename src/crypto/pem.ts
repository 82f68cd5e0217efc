import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { inputError } from '../errors.js';
import type { FindingCode } from '../salesforce/codes.js';
import { wrapBase64 } from './der.js';
import { certificateDate } from './inspect.js';

export type PemKind =
  | 'rsa-pkcs1'
  | 'rsa-pkcs8'
  | 'encrypted'
  | 'openssh'
  | 'ec'
  /** DSA, DH, X25519/X448, RSA-PSS-only keys: private keys that cannot sign RS256 either. */
  | 'unsupported-key'
  | 'certificate'
  | 'public-key'
  | 'csr'
  | 'empty'
  | 'garbage';

export interface PemClassification {
  kind: PemKind;
  /** Human description, e.g. "an RSA private key (PKCS#1)". Never contains key material. */
  label: string;
}

export interface PemBlock {
  /** The word(s) between BEGIN and the dashes, e.g. "RSA PRIVATE KEY". */
  type: string;
  /** RFC 1421 headers (Proc-Type, DEK-Info) of legacy encrypted keys. */
  headers: Record<string, string>;
  /** Canonical PEM text of the block (64-column body, LF, final newline). */
  pem: string;
  der: Buffer;
}

const PRIVATE_KINDS: readonly PemKind[] = ['rsa-pkcs1', 'rsa-pkcs8', 'encrypted', 'openssh', 'ec', 'unsupported-key'];
/** A BEGIN or END marker; `[A-Z0-9 ]` cannot run past the next dash, so one pass over the text is linear. */
const MARKER = /-----(BEGIN|END) ([A-Z0-9 ]+)-----/g;

interface BlockSpan {
  type: string;
  start: number;
  end: number;
  /** The text between the BEGIN and the END marker. */
  inner: string;
}

/**
 * Each BEGIN marker paired with the first END marker of its type after it, going on after each
 * block: what `/-----BEGIN (T)-----([\s\S]*?)-----END \1-----/g` finds, in linear time (that regex
 * rescans the rest of the text for every BEGIN without an END: 42 s for 1 MB of BEGIN lines).
 */
function blockSpans(text: string): BlockSpan[] {
  const markers: { begin: boolean; type: string; start: number; end: number }[] = [];
  const marker = new RegExp(MARKER);
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    markers.push({ begin: m[1] === 'BEGIN', type: m[2]!, start: m.index, end: m.index + m[0].length });
    marker.lastIndex -= 5; // a marker's closing dashes may open the next one, as they may for the regex
  }
  // Per type, the END markers in order, and how many of them lie behind the scan.
  const ends = new Map<string, { list: typeof markers; next: number }>();
  for (const marker of markers) {
    if (marker.begin) continue;
    const entry = ends.get(marker.type) ?? { list: [], next: 0 };
    entry.list.push(marker);
    ends.set(marker.type, entry);
  }
  const spans: BlockSpan[] = [];
  let cursor = 0;
  for (const begin of markers) {
    if (!begin.begin || begin.start < cursor) continue;
    const entry = ends.get(begin.type);
    if (!entry) continue;
    while (entry.next < entry.list.length && entry.list[entry.next]!.start < begin.end) entry.next++;
    const end = entry.list[entry.next];
    if (!end) continue;
    spans.push({ type: begin.type, start: begin.start, end: end.end, inner: text.slice(begin.end, end.start) });
    cursor = end.end;
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------
// Repair

export interface NormalizedText {
  text: string;
  /** What was repaired, in order, in short human phrases ("removed surrounding quotes"). */
  repairs: string[];
}

function looksLikeBase64OfPem(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 16 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined;
  const decoded = Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
  return decoded.toString('latin1').includes('-----BEGIN ') ? decoded : undefined;
}

function canonicalBlock(type: string, inner: string): { pem: string; rebuilt: boolean } | undefined {
  const lines = inner.split('\n').map((line) => line.trim());
  // Legacy encrypted PEM headers: keep them as they are, they cannot be reflowed reliably.
  if (/\bProc-Type:/.test(inner)) return undefined;
  const body = lines.join('').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return undefined;
  const wellFormed = inner.startsWith('\n') && inner.endsWith('\n') && lines.every((line) => !/\s/.test(line) && line.length <= 76);
  return { pem: `-----BEGIN ${type}-----\n${wrapBase64(body)}\n-----END ${type}-----`, rebuilt: !wellFormed };
}

/**
 * Undoes what CI secret stores and copy-paste do to PEM text: quotes, literal "\n", CRLF, one-line
 * base64 of the whole PEM (SFJWT_KEY), bodies collapsed onto one line, indentation, a missing final
 * newline. Pure: returns the repaired text and a list of what was done.
 */
export function normalizeKeyText(input: string): NormalizedText {
  const repairs: string[] = [];
  let text = input;
  if (text.startsWith('\uFEFF')) {
    text = text.slice(1);
    repairs.push('removed a byte-order mark');
  }
  for (let round = 0; round < 2; round++) {
    const trimmed = text.trim();
    const quote = trimmed[0];
    if (trimmed.length >= 2 && (quote === '"' || quote === "'") && trimmed.endsWith(quote)) {
      text = trimmed.slice(1, -1);
      repairs.push('removed surrounding quotes');
    }
    if (/\\r\\n|\\n/.test(text) && (text.includes('-----BEGIN') || !text.includes('\n'))) {
      const replaced = text.replace(/\\r\\n|\\n/g, '\n');
      if (replaced !== text) {
        text = replaced;
        repairs.push('turned literal \\n sequences into line breaks');
      }
    }
    if (text.includes('\r')) {
      text = text.replace(/\r\n?/g, '\n');
      repairs.push('converted CRLF line endings to LF');
    }
    if (round === 0 && !text.includes('-----BEGIN')) {
      const decoded = looksLikeBase64OfPem(text);
      if (!decoded) break;
      text = decoded.toString('utf8');
      repairs.push('decoded the base64-encoded PEM');
      continue; // the decoded text may itself carry quotes, \n or CRLF
    }
    break;
  }
  if (!text.includes('-----BEGIN')) return { text, repairs };

  if (/^[ \t]+-----BEGIN/m.test(text)) {
    text = text.replace(/^[ \t]+/gm, '');
    repairs.push('removed indentation');
  }
  let rebuilt = false;
  let rebuiltText = '';
  let copied = 0;
  for (const span of blockSpans(text)) {
    const canonical = canonicalBlock(span.type, span.inner);
    if (!canonical) continue;
    rebuilt ||= canonical.rebuilt;
    rebuiltText += text.slice(copied, span.start) + canonical.pem;
    copied = span.end;
  }
  text = rebuiltText + text.slice(copied);
  if (rebuilt) repairs.push('restored the line breaks of the PEM body');
  // trim(), not /\s+$/: a regex anchored at the end retries from every space of a long run (quadratic).
  if (!text.endsWith('\n') && text.trimEnd().endsWith('-----')) repairs.push('added the missing final newline');
  text = text.trim() + '\n';
  return { text, repairs };
}

// ---------------------------------------------------------------------------------------------
// Classification

/** All PEM blocks in already-normalized text, in order. */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const { type, inner, start, end } of blockSpans(text)) {
    const whole = text.slice(start, end);
    const headers: Record<string, string> = {};
    const bodyLines: string[] = [];
    for (const line of inner.split('\n')) {
      const header = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
      if (header) headers[header[1]!] = header[2]!;
      else bodyLines.push(line.trim());
    }
    const der = Buffer.from(bodyLines.join(''), 'base64');
    blocks.push({ type, headers, der, pem: `${whole}\n` });
  }
  return blocks;
}

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function describeNonRsa(key: KeyObject): PemClassification {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return { kind: 'ec', label: `an EC private key${curve ? ` (${CURVE_NAMES[curve] ?? curve})` : ''}` };
  }
  if (type === 'ed25519' || type === 'ed448') return { kind: 'ec', label: `an ${type === 'ed25519' ? 'Ed25519' : 'Ed448'} private key` };
  if (type === 'rsa-pss') return { kind: 'unsupported-key', label: 'an RSA-PSS private key (restricted to PSS signatures; RS256 needs plain RSA)' };
  return { kind: 'unsupported-key', label: `a ${type.toUpperCase()} private key` };
}

const OPENSSH_KEY_TYPES = /^(ssh-(rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/;

/** Reads the key type and cipher out of an "openssh-key-v1" blob, without decrypting anything. */
function describeOpenSsh(der: Buffer): { keyType?: string; encrypted: boolean } {
  const magic = 'openssh-key-v1\0';
  if (der.subarray(0, magic.length).toString('latin1') !== magic) return { encrypted: false };
  let offset = magic.length;
  const readString = (): Buffer | undefined => {
    if (offset + 4 > der.length) return undefined;
    const length = der.readUInt32BE(offset);
    const value = der.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return value;
  };
  const cipher = readString()?.toString('latin1');
  readString(); // kdf name
  readString(); // kdf options
  offset += 4; // number of keys
  const publicKey = readString();
  let keyType: string | undefined;
  if (publicKey && publicKey.length >= 4) {
    const length = publicKey.readUInt32BE(0);
    const named = publicKey.subarray(4, 4 + length).toString('latin1');
    // Only a known name is repeated: a damaged length would otherwise echo the key's own bytes.
    if (OPENSSH_KEY_TYPES.test(named)) keyType = named;
  }
  return { keyType, encrypted: cipher !== undefined && cipher !== 'none' };
}

export function classifyBlock(block: PemBlock): PemClassification {
  return classifyBlockKeeping(block).classification;
}

/** classifyBlock, keeping the key object it had to decode, so parsing does not decode it twice. */
function classifyBlockKeeping(block: PemBlock): { classification: PemClassification; key?: KeyObject } {
  const classified = (kind: PemKind, label: string) => ({ classification: { kind, label } });
  switch (block.type) {
    case 'RSA PRIVATE KEY':
    case 'EC PRIVATE KEY':
    case 'DSA PRIVATE KEY': {
      if (/ENCRYPTED/.test(block.headers['Proc-Type'] ?? '')) {
        return classified('encrypted', 'an encrypted (passphrase-protected) private key');
      }
      if (block.type === 'RSA PRIVATE KEY') return classified('rsa-pkcs1', 'an RSA private key (PKCS#1)');
      if (block.type === 'DSA PRIVATE KEY') return classified('unsupported-key', 'a DSA private key');
      try {
        return { classification: describeNonRsa(createPrivateKey(block.pem)) };
      } catch {
        return classified('ec', 'an EC private key');
      }
    }
    case 'PRIVATE KEY': {
      let key: KeyObject;
      try {
        key = createPrivateKey(block.pem);
      } catch {
        return classified('garbage', 'a damaged PKCS#8 private key (its contents do not decode)');
      }
      if (key.asymmetricKeyType === 'rsa') return { classification: { kind: 'rsa-pkcs8', label: 'an RSA private key (PKCS#8)' }, key };
      return { classification: describeNonRsa(key), key };
    }
    case 'ENCRYPTED PRIVATE KEY':
      return classified('encrypted', 'an encrypted (passphrase-protected) PKCS#8 private key');
    case 'OPENSSH PRIVATE KEY': {
      const { keyType, encrypted } = describeOpenSsh(block.der);
      const details = [keyType, encrypted ? 'passphrase-protected' : undefined].filter(Boolean).join(', ');
      return classified('openssh', `an OpenSSH private key${details ? ` (${details})` : ''}`);
    }
    case 'CERTIFICATE':
    case 'X509 CERTIFICATE':
    case 'TRUSTED CERTIFICATE':
      return classified('certificate', 'a certificate');
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      return classified('public-key', 'a public key');
    case 'CERTIFICATE REQUEST':
    case 'NEW CERTIFICATE REQUEST':
      return classified('csr', 'a certificate signing request (CSR)');
    default:
      return classified('garbage', `a PEM block of type "${block.type}"`);
  }
}

function classifyNonPem(text: string): PemClassification {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'empty', label: 'empty' };
  if (/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+) AAAA/.test(trimmed)) return { kind: 'public-key', label: 'an OpenSSH public key' };
  if (trimmed.startsWith('PuTTY-User-Key-File')) return { kind: 'garbage', label: 'a PuTTY private key (.ppk), not PEM' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text) || text.includes('\uFFFD')) {
    return { kind: 'garbage', label: text.charCodeAt(0) === 0x30 ? 'binary DER data, not PEM text' : 'binary data, not PEM text' };
  }
  if (trimmed.includes('-----BEGIN')) return { kind: 'garbage', label: 'a damaged PEM block (BEGIN line without a matching END line)' };
  return { kind: 'garbage', label: 'not PEM text (no -----BEGIN line)' };
}

/**
 * What the text is. Repairs CI-secret damage first. When a file holds several blocks (a key and its
 * certificate together), the private key wins.
 */
export function classifyPem(text: string): PemClassification {
  return classifyRepaired(normalizeKeyText(text).text, text).classification;
}

/** classifyPem on already repaired text; `original` describes text that holds no PEM block. */
function classifyRepaired(repaired: string, original: string): { classification: PemClassification; block?: PemBlock; key?: KeyObject } {
  const blocks = pemBlocks(repaired);
  if (blocks.length === 0) return { classification: classifyNonPem(original.startsWith('\uFEFF') ? original.slice(1) : original) };
  // A key file holds a key and a few certificates: decoding thousands of blocks (1 MiB of tiny
  // damaged keys) would take seconds, so only the first ones are looked at.
  const kinds = blocks.slice(0, MAX_CLASSIFIED_BLOCKS).map((block) => ({ block, ...classifyBlockKeeping(block) }));
  return kinds.find((k) => PRIVATE_KINDS.includes(k.classification.kind)) ?? kinds[0]!;
}

const MAX_CLASSIFIED_BLOCKS = 16;

// ---------------------------------------------------------------------------------------------
// Parsing, with finding codes in the errors

export interface ParsedPrivateKey {
  key: KeyObject;
  /** PKCS#8 PEM, whatever the input format. */
  pem: string;
  bits: number;
  format: 'pkcs1' | 'pkcs8';
  repairs: string[];
}

function fail(code: FindingCode, source: string | undefined, message: string, hint?: string): never {
  throw inputError(code, source ? `${source}: ${message}` : message, hint);
}

/** The input as a suggested command names it; outputs go to `<input>.pem`, never over the input. */
function fileRef(source: string | undefined): string {
  return source && !/\s/.test(source) && source !== 'SFJWT_KEY' ? source : '<file>';
}

function parsedKey(key: KeyObject, format: ParsedPrivateKey['format'], repairs: string[]): ParsedPrivateKey {
  let pem: string | undefined;
  return {
    key,
    // Exported on first use: verify and token never need it.
    get pem() {
      return (pem ??= key.export({ type: 'pkcs8', format: 'pem' }).toString());
    },
    bits: key.asymmetricKeyDetails?.modulusLength ?? 0,
    format,
    repairs,
  };
}

/**
 * A key exactly as openssl and sfjwt write it: one PKCS#1 or PKCS#8 block, LF line ends, base64
 * lines no longer than normalizeKeyText leaves as they are (76), a final newline, nothing else.
 * Such a key has nothing to repair or tell apart, so it skips that work on every start.
 */
const CANONICAL_KEY = /^-----BEGIN (RSA )?PRIVATE KEY-----\n(?:[A-Za-z0-9+/]+\n)*[A-Za-z0-9+/]+={0,2}\n-----END \1PRIVATE KEY-----\n$/;
const KEPT_LINE_LENGTH = 76;

function parseCanonicalRsaKey(text: string): ParsedPrivateKey | undefined {
  const match = CANONICAL_KEY.exec(text);
  // Line lengths checked apart: a counted repetition ({1,76}) costs V8 several times more to compile.
  if (!match || text.split('\n').some((line) => line.length > KEPT_LINE_LENGTH)) return undefined;
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    return undefined; // damaged: the full path says how
  }
  return key.asymmetricKeyType === 'rsa' ? parsedKey(key, match[1] ? 'pkcs1' : 'pkcs8', []) : undefined;
}

/**
 * Parses an unencrypted RSA private key (PKCS#1 or PKCS#8, PEM, possibly damaged by a CI secret
 * store). `source` (a path, or "SFJWT_KEY") prefixes error messages. Errors never echo key material.
 */
export function parsePrivateKey(text: string, source?: string): ParsedPrivateKey {
  const canonical = parseCanonicalRsaKey(text);
  if (canonical) return canonical;
  const { text: repaired, repairs } = normalizeKeyText(text);
  const file = fileRef(source);
  const found = classifyRepaired(repaired, repaired);
  const { kind, label } = found.classification;
  const generate = 'or generate a new key pair with `sfjwt cert generate` (then upload its certificate)';
  switch (kind) {
    case 'rsa-pkcs1':
    case 'rsa-pkcs8':
      break;
    case 'empty':
      fail('key-invalid', source, 'the private key is empty', `expected PEM text beginning with -----BEGIN PRIVATE KEY-----; ${generate}`);
    case 'certificate':
      fail('key-invalid', source, 'this is a certificate, not the private key (a certificate holds only the public key)', 'use the private key file (server.key, -----BEGIN PRIVATE KEY-----); the certificate is what you upload to Salesforce');
    case 'public-key':
      fail('key-invalid', source, `this is ${label}, not the private key`, 'the JWT must be signed with the private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)');
    case 'csr':
      fail('key-invalid', source, 'this is a certificate signing request (CSR), not the private key', 'use the private key the CSR was made from (-----BEGIN PRIVATE KEY-----)');
    case 'openssh':
      if (/\((ssh-rsa)/.test(label) || !/\(ssh-/.test(label)) {
        fail('key-invalid', source, `this is ${label}; an RSA private key in PEM format is needed`, `convert it in place with \`ssh-keygen -p -m PKCS8 -f ${file}\` (keep a copy first), ${generate}`);
      }
      fail('key-not-rsa', source, `this is ${label}; Salesforce accepts RSA keys only`, `generate an RSA key pair with \`sfjwt cert generate\` (then upload its certificate)`);
    case 'encrypted':
      fail('key-encrypted', source, `the private key is encrypted with a passphrase (${label})`, `remove the passphrase: \`openssl pkey -in ${file} -out ${file}.pem\` (it asks for the passphrase once), then use ${file}.pem`);
    case 'ec':
    case 'unsupported-key':
      fail('key-not-rsa', source, `this is ${label}; Salesforce accepts RSA keys only (RS256)`, `generate an RSA key pair with \`sfjwt cert generate\` (then upload its certificate)`);
    case 'garbage':
      fail('key-invalid', source, `this is ${label}, not a PEM private key`, /DER/.test(label)
        ? `convert it to PEM: \`openssl pkey -inform DER -in ${file} -out ${file}.pem\``
        : `expected PEM text beginning with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----; ${generate}`);
  }
  let key: KeyObject;
  try {
    key = found.key ?? createPrivateKey(found.block!.pem);
  } catch {
    fail('key-invalid', source, `the key looks like ${label} but does not decode (the file is damaged or truncated)`, generate);
  }
  if (key.asymmetricKeyType !== 'rsa') fail('key-not-rsa', source, `this is ${describeNonRsa(key).label}; Salesforce accepts RSA keys only`);
  return parsedKey(key, kind === 'rsa-pkcs1' ? 'pkcs1' : 'pkcs8', repairs);
}

/** Salesforce accepts RSA keys of 2048 bits or more (SALESFORCE.md: "Key size", and the local checks). */
export const MIN_RSA_BITS = 2048;

/**
 * For a key about to sign or be imported: under 2048 bits is exit 2 naming `source`, with how to
 * make a key Salesforce accepts. parsePrivateKey itself still reads such a key, so that `doctor`
 * and `cert show` can report its size.
 */
export function requireSalesforceKeySize(parsed: Pick<ParsedPrivateKey, 'bits'>, source: string): void {
  if (parsed.bits >= MIN_RSA_BITS) return;
  fail(
    'key-size',
    source,
    `a ${parsed.bits}-bit RSA key; Salesforce requires ${MIN_RSA_BITS} bits or more`,
    'make a 2048-bit key pair with `sfjwt cert generate` (or `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out new-server.key`) and upload its certificate',
  );
}

export interface ParsedCertificate {
  x509: X509Certificate;
  /** Canonical PEM of the certificate block. */
  pem: string;
  repairs: string[];
}

/** Parses an X.509 certificate (PEM). Detects a private key, public key or CSR given in its place. */
export function parseCertificate(text: string, source?: string): ParsedCertificate {
  const { text: repaired, repairs } = normalizeKeyText(text);
  const block = pemBlocks(repaired).find((b) => b.type === 'CERTIFICATE' || b.type === 'X509 CERTIFICATE');
  const file = fileRef(source);
  if (!block) {
    const { kind, label } = classifyPem(repaired);
    if (kind === 'empty') fail('cert-invalid', source, 'the certificate is empty', 'expected PEM text beginning with -----BEGIN CERTIFICATE-----');
    if (PRIVATE_KINDS.includes(kind)) {
      fail('cert-invalid', source, `this is ${label}, not the certificate; never upload a private key to Salesforce`, 'use the certificate file (server.crt, -----BEGIN CERTIFICATE-----); `sfjwt cert renew` makes one from the key');
    }
    if (kind === 'public-key') fail('cert-invalid', source, `this is ${label}, not a certificate`, 'Salesforce needs an X.509 certificate; `sfjwt cert renew` makes one from the private key');
    if (kind === 'csr') fail('cert-invalid', source, 'this is a certificate signing request (CSR), not a certificate', 'have it signed, or make a self-signed certificate from the key with `sfjwt cert renew`');
    fail('cert-invalid', source, `this is ${label}, not a PEM certificate`, /DER/.test(label)
      ? `convert it to PEM: \`openssl x509 -inform DER -in ${file} -out ${file}.pem\``
      : 'expected PEM text beginning with -----BEGIN CERTIFICATE-----');
  }
  const x509 = decodeCertificate(block.pem, source);
  const pem = block.type === 'CERTIFICATE' ? block.pem : x509.toString();
  return { x509, pem, repairs };
}

/**
 * A certificate (PEM or DER) whose every part sfjwt reads later decodes: X509Certificate accepts a
 * certificate whose dates read "Bad time value" or whose public key does not decode, and each of
 * those would crash a command halfway (after `cert import` had written the key). Exit 2 naming `source`.
 */
export function decodeCertificate(certificate: string | Buffer, source?: string): X509Certificate {
  const redo = 'export it again, or make a new one from the key with `sfjwt cert renew` (move this one away first)';
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certificate);
  } catch {
    fail('cert-invalid', source, 'the certificate does not decode (the file is damaged or truncated)', redo);
  }
  try {
    certificateDate(x509.validFrom);
    certificateDate(x509.validTo);
  } catch {
    fail('cert-invalid', source, 'the certificate\'s validity dates do not read (a damaged file, or one made by a broken tool)', redo);
  }
  try {
    void x509.publicKey;
  } catch {
    fail('cert-invalid', source, 'the certificate\'s public key does not decode (a damaged file, or a key type Node.js cannot read)', redo);
  }
  return x509;
}
