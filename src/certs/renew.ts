import type { KeyObject, X509Certificate } from 'node:crypto';
import { createSelfSignedCertificate, DEFAULT_ORGANIZATION } from '../crypto/cert.js';

/** One attribute of a Node X509Certificate subject ("O=sfjwt\nCN=prod"); the last wins, as in a DN's most specific RDN. */
export function subjectAttribute(x509: X509Certificate, name: 'CN' | 'O'): string | undefined {
  const values = x509.subject
    .split('\n')
    .filter((line) => line.startsWith(`${name}=`))
    .map((line) => line.slice(name.length + 1));
  return values[values.length - 1] || undefined;
}

/**
 * A new self-signed certificate for the same key: same CN (and O), new random serial, new validity.
 * The public key is unchanged, so a Salesforce app holding the old certificate keeps accepting the key.
 */
export function renewCertificate(input: {
  privateKey: KeyObject;
  previous?: X509Certificate;
  fallbackCommonName: string;
  days: number;
  now: Date;
  random: (n: number) => Uint8Array;
}): string {
  return createSelfSignedCertificate({
    privateKeyPem: input.privateKey,
    commonName: (input.previous && subjectAttribute(input.previous, 'CN')) ?? input.fallbackCommonName,
    organization: (input.previous && subjectAttribute(input.previous, 'O')) ?? DEFAULT_ORGANIZATION,
    days: input.days,
    now: input.now,
    random: input.random,
  });
}
