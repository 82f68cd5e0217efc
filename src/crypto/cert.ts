import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import asn1 from 'node-forge/lib/asn1.js';
import util from 'node-forge/lib/util.js';
import pki from 'node-forge/lib/x509.js';
import { inputError } from '../errors.js';

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
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();

  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = serialFromRandom(input.random).toString('hex');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  cert.validity.notBefore = new Date((nowSeconds - BACKDATE_SECONDS) * 1000);
  cert.validity.notAfter = new Date((nowSeconds + days * 86_400) * 1000);
  const name = [
    { name: 'organizationName', value: organization, valueTagClass: asn1.Type.UTF8 },
    { name: 'commonName', value: commonName, valueTagClass: asn1.Type.UTF8 },
  ] as unknown as forge.pki.CertificateField[];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: true },
  ]);
  // forge lays out the certificate; OpenSSL signs it (forge's signer would need the key as a forge object).
  cert.signatureOid = cert.siginfo.algorithmOid = pki.oids.sha256WithRSAEncryption!;
  const tbs = (pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  (cert as { tbsCertificate?: forge.asn1.Asn1 }).tbsCertificate = tbs;
  cert.signature = util.binary.raw.encode(new Uint8Array(sign('sha256', tbsDer, privateKey)));
  return pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}
