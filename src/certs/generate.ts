import type { KeyObject } from 'node:crypto';
import { CancelledError } from '../errors.js';
import { describeCertificate } from '../crypto/inspect.js';
import { generateRsaKeyPair, type RsaKeySize } from '../crypto/keys.js';
import { writeKeyPair } from '../store/key-files.js';
import { keyPaths } from '../store/paths.js';

export interface GeneratedPair {
  keyPath: string;
  certPath: string;
  keySize: number;
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  fingerprintSha256: string;
  backedUp: string[];
}

/** The self-signed certificate to make, and how to treat files already in the way. */
export interface CertificateWrite {
  days: number;
  commonName: string;
  /** Replace files in the way, after backing them up to `backupDir`. */
  force: boolean;
  backupDir: string;
  now: Date;
  random: (n: number) => Uint8Array;
}

/** Generates and writes a key pair; shared by `cert generate`, `init` and `cert rotate`. */
export async function generateKeyPairFiles(
  input: CertificateWrite & {
    dir: string;
    keySize: RsaKeySize;
    /** Ctrl-C before the files are written: nothing is written. */
    signal?: AbortSignal;
  },
): Promise<GeneratedPair> {
  // Start the prime search first; load the certificate code (node-forge's ASN.1) while it runs.
  const [pair, { createSelfSignedCertificate }] = await Promise.all([generateRsaKeyPair(input.keySize), import('../crypto/cert.js')]);
  const certPem = createSelfSignedCertificate({
    privateKeyPem: pair.privateKeyPem,
    commonName: input.commonName,
    days: input.days,
    now: input.now,
    random: input.random,
  });
  if (input.signal?.aborted) throw new CancelledError('Cancelled; nothing was written.');
  const files = keyPaths(input.dir);
  const { backedUp } = await writeKeyPair({ ...files, keyPem: pair.privateKeyPem, certPem, force: input.force, backupDir: input.backupDir });
  const described = describeCertificate(certPem, input.now);
  return {
    ...files,
    keySize: input.keySize,
    notBefore: described.notBefore,
    notAfter: described.notAfter,
    serialNumber: described.serialNumber,
    fingerprintSha256: described.fingerprintSha256,
    backedUp,
  };
}

/** A self-signed certificate for a key the user brings, written beside the target (the key file stays as it is); shared by `init`. */
export async function writeCertificateForKey(input: CertificateWrite & { key: KeyObject; keyPath: string; certPath: string }): Promise<{ fingerprintSha256: string; backedUp: string[] }> {
  const { createSelfSignedCertificate } = await import('../crypto/cert.js');
  const certPem = createSelfSignedCertificate({ privateKeyPem: input.key, commonName: input.commonName, days: input.days, now: input.now, random: input.random });
  const { backedUp } = await writeKeyPair({ keyPath: input.keyPath, certPath: input.certPath, certPem, force: input.force, backupDir: input.backupDir });
  return { fingerprintSha256: describeCertificate(certPem, input.now).fingerprintSha256, backedUp };
}
