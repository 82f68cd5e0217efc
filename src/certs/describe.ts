import type { KeyObject, X509Certificate } from 'node:crypto';
import { describeCertificate, keyMatchesCertificate, publicKeyFingerprint } from '../crypto/inspect.js';

export interface PairReport {
  keyPath: string | null;
  certPath: string | null;
  subject: string | null;
  issuer: string | null;
  serialNumber: string | null;
  notBefore: string | null;
  notAfter: string | null;
  daysLeft: number | null;
  expired: boolean | null;
  /** From the key when there is one, else from the certificate. */
  keySize: number | null;
  /** SHA-256 of the certificate DER (what Salesforce shows). */
  fingerprintSha256: string | null;
  /** SHA-256 of the public key: equal for a key and every certificate made from it (renewals). */
  publicKeyFingerprintSha256: string;
  certSizeBytes: number | null;
  selfSigned: boolean | null;
  /** null when only one half is known. */
  keyMatchesCertificate: boolean | null;
}

/** Pure: what `cert show` reports about a key, a certificate, or both. */
export function describePair(input: {
  key?: { key: KeyObject; bits: number; path: string };
  cert?: { x509: X509Certificate; pem: string; path: string };
  now: Date;
}): PairReport {
  const { key, cert } = input;
  if (!key && !cert) throw new RangeError('describePair needs a key or a certificate');
  const described = cert ? describeCertificate(cert.pem, input.now) : undefined;
  return {
    keyPath: key?.path ?? null,
    certPath: cert?.path ?? null,
    subject: described?.subject ?? null,
    issuer: described?.issuer ?? null,
    serialNumber: described?.serialNumber ?? null,
    notBefore: described?.notBefore ?? null,
    notAfter: described?.notAfter ?? null,
    daysLeft: described?.daysLeft ?? null,
    expired: described ? described.daysLeft < 0 : null,
    keySize: key?.bits ?? described?.keySize ?? null,
    fingerprintSha256: described?.fingerprintSha256 ?? null,
    publicKeyFingerprintSha256: publicKeyFingerprint(key ? key.key : cert!.x509.publicKey),
    certSizeBytes: described?.sizeBytes ?? null,
    selfSigned: described?.selfSigned ?? null,
    keyMatchesCertificate: key && cert ? keyMatchesCertificate(key.key, cert.x509) : null,
  };
}

export function renderPairReport(report: PairReport): string[] {
  const rows: [string, string | null][] = [
    ['Key', report.keyPath],
    ['Certificate', report.certPath],
    ['Subject', report.subject],
    ['Serial', report.serialNumber],
    ['Valid from', report.notBefore],
    ['Valid until', report.notAfter === null ? null : `${report.notAfter}  (${daysLeftText(report.daysLeft!)})`],
    ['Key size', report.keySize === null ? null : `${report.keySize}-bit RSA`],
    ['SHA-256', report.fingerprintSha256],
    ['Public key', report.publicKeyFingerprintSha256],
    ['Key matches', report.keyMatchesCertificate === null ? null : report.keyMatchesCertificate ? 'yes' : 'NO: this certificate was made from another key'],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== null).map(([k, v]) => `${k.padEnd(13)} ${v}`);
}

export function daysLeftText(daysLeft: number): string {
  if (daysLeft < 0) return `expired ${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago`;
  return `${daysLeft} day${daysLeft === 1 ? '' : 's'} left`;
}
