import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

export interface CertificateDescription {
  subject: string;
  issuer: string;
  /** Hex, upper case, as OpenSSL prints it. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter (floor); negative once expired. */
  daysLeft: number;
  /** "AA:BB:..." upper case. */
  fingerprintSha256: string;
  keySize: number;
  keyType: string;
  /** Size of the PEM text in bytes (Salesforce: under 4 KB). */
  sizeBytes: number;
  selfSigned: boolean;
}

const DAY_MS = 86_400_000;

function toX509(cert: string | X509Certificate): X509Certificate {
  return typeof cert === 'string' ? new X509Certificate(cert) : cert;
}

/** "CN=x\nO=y" (Node's form) as "CN=x, O=y". */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** X509Certificate's validFrom/validTo ("Jan  1 00:00:00 2025 GMT") as a Date. */
export function certificateDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`unreadable certificate date "${value}"`);
  return date;
}

export function describeCertificate(pem: string, now: Date): CertificateDescription {
  const x509 = new X509Certificate(pem);
  const notBefore = certificateDate(x509.validFrom);
  const notAfter = certificateDate(x509.validTo);
  const publicKey = x509.publicKey;
  return {
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    serialNumber: x509.serialNumber.toUpperCase(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    fingerprintSha256: x509.fingerprint256.toUpperCase(),
    keySize: publicKey.asymmetricKeyDetails?.modulusLength ?? 0,
    keyType: publicKey.asymmetricKeyType ?? 'unknown',
    sizeBytes: Buffer.byteLength(pem, 'utf8'),
    // Not checkIssued(): OpenSSL's issuer check also demands keyCertSign, which our end-entity certs lack.
    selfSigned: x509.subject === x509.issuer && x509.verify(publicKey),
  };
}

function spkiDer(key: KeyObject | string): Buffer {
  // createPublicKey accepts a private key (KeyObject or PEM), a public key or a certificate PEM.
  const publicKey = typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key);
  return publicKey.export({ type: 'spki', format: 'der' });
}

/** True when the certificate carries the public half of `key` (SPKI DER compared byte for byte). */
export function keyMatchesCertificate(key: KeyObject | string, certPem: string | X509Certificate): boolean {
  return spkiDer(key).equals(spkiDer(toX509(certPem).publicKey));
}

function colonHex(digest: Buffer): string {
  return digest.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** SHA-256 of the certificate DER, "AA:BB:..." (what Salesforce and `openssl x509 -fingerprint -sha256` show). */
export function fingerprintSha256(certPem: string | X509Certificate): string {
  return colonHex(createHash('sha256').update(toX509(certPem).raw).digest());
}

/** SHA-256 of the public key's SPKI DER, "AA:BB:...": the same for a key, its public key and every certificate made from it. */
export function publicKeyFingerprint(key: KeyObject | string): string {
  return colonHex(createHash('sha256').update(spkiDer(key)).digest());
}
