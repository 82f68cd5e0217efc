import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
// Only forge's ASN.1 module (~7 ms to load, vs ~30 ms for forge/lib/x509 and ~50 ms for all of forge):
// forge builds the certificate structure, node:crypto (OpenSSL) signs the TBSCertificate natively.
import asn1 from 'node-forge/lib/asn1.js';
import { inputError } from '../errors.js';
import { derToPem, fromBinaryString, toBinaryString } from './der.js';

export interface SelfSignedCertificateInput {
  privateKeyPem: string | KeyObject;
  commonName: string;
  days: number;
  now: Date;
  random: (n: number) => Uint8Array;
  /** Defaults to "sfjwt". */
  organization?: string;
}

/** Certificates start a minute in the past so a peer whose clock runs slightly behind accepts them. */
export const BACKDATE_SECONDS = 60;
export const DEFAULT_ORGANIZATION = 'sfjwt';
export const MAX_CERT_DAYS = 36500;

const OID = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

const { Class, Type } = asn1;
type Asn1 = ReturnType<typeof asn1.create>;

const seq = (items: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
const oid = (id: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (bytes: Buffer): Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, toBinaryString(bytes));
const bits = (bytes: Buffer): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, '\u0000' + toBinaryString(bytes));

function sha256WithRsa(): Asn1 {
  return seq([oid(OID.sha256WithRSAEncryption), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]);
}

function name(commonName: string, organization: string): Asn1 {
  const rdn = (type: string, value: string): Asn1 =>
    asn1.create(Class.UNIVERSAL, Type.SET, true, [
      seq([oid(type), asn1.create(Class.UNIVERSAL, Type.UTF8, false, toBinaryString(Buffer.from(value, 'utf8')))]),
    ]);
  return seq([rdn(OID.organizationName, organization), rdn(OID.commonName, commonName)]);
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function time(date: Date): Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function extension(id: string, critical: boolean, value: Asn1): Asn1 {
  const parts = [oid(id)];
  if (critical) parts.push(asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\u00ff'));
  parts.push(asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, asn1.toDer(value).getBytes()));
  return seq(parts);
}

/**
 * A positive serial of exactly 16 bytes: the top bit is cleared (a DER INTEGER with it set would be
 * negative) and the next one set, so the first byte is never zero and DER needs no padding or trimming.
 * 126 random bits remain.
 */
export function serialFromRandom(random: (n: number) => Uint8Array): Buffer {
  const serial = Buffer.from(random(16));
  if (serial.length !== 16) throw new RangeError('random(16) must return 16 bytes');
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  return serial;
}

/** A self-signed X.509 v3 certificate (SHA-256 with RSA) for the key, as PEM. */
export function createSelfSignedCertificate(input: SelfSignedCertificateInput): string {
  const { commonName, days, now } = input;
  const organization = input.organization ?? DEFAULT_ORGANIZATION;
  if (!commonName.trim()) throw new RangeError('the certificate common name must not be empty');
  if (!Number.isInteger(days) || days < 1 || days > MAX_CERT_DAYS) {
    throw new RangeError(`certificate validity must be a whole number of days from 1 to ${MAX_CERT_DAYS}`);
  }
  if (Number.isNaN(now.getTime())) throw new RangeError('invalid clock value');

  const privateKey = typeof input.privateKeyPem === 'string' ? createPrivateKey(input.privateKeyPem) : input.privateKeyPem;
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw inputError('key-not-rsa', `the key is ${privateKey.asymmetricKeyType ?? 'not RSA'}; Salesforce accepts RSA keys only`);
  }
  const spkiDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  // decodeBitStrings: false keeps the BIT STRING as raw bytes (forge would otherwise parse it into children).
  const spki = (asn1.fromDer as unknown as (bytes: string, options: object) => Asn1)(toBinaryString(spkiDer), { decodeBitStrings: false });
  // RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents (after the unused-bits byte).
  const publicKeyBits = fromBinaryString((spki.value as Asn1[])[1]!.value as string).subarray(1);
  const keyId = createHash('sha1').update(publicKeyBits).digest();

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const notBefore = new Date((nowSeconds - BACKDATE_SECONDS) * 1000);
  const notAfter = new Date((nowSeconds + days * 86_400) * 1000);
  const subject = name(commonName, organization);

  const tbs = seq([
    asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(2).getBytes()),
    ]),
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, toBinaryString(serialFromRandom(input.random))),
    sha256WithRsa(),
    subject,
    seq([time(notBefore), time(notAfter)]),
    name(commonName, organization),
    spki,
    asn1.create(Class.CONTEXT_SPECIFIC, 3, true, [
      seq([
        extension(OID.basicConstraints, false, seq([])),
        extension(OID.keyUsage, true, asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, '\u0007\u0080')), // digitalSignature only (bit 0; 7 unused bits)
        extension(OID.subjectKeyIdentifier, false, octets(keyId)),
        extension(OID.authorityKeyIdentifier, false, seq([asn1.create(Class.CONTEXT_SPECIFIC, 0, false, toBinaryString(keyId))])),
      ]),
    ]),
  ]);
  const tbsDer = fromBinaryString(asn1.toDer(tbs).getBytes());
  const signature = sign('sha256', tbsDer, privateKey);
  const certificate = seq([tbs, sha256WithRsa(), bits(signature)]);
  return derToPem(fromBinaryString(asn1.toDer(certificate).getBytes()), 'CERTIFICATE');
}
