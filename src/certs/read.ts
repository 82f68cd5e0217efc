import { parseCertificate, parsePrivateKey, type ParsedCertificate, type ParsedPrivateKey } from '../crypto/pem.js';
import { readFileFor } from '../store/key-files.js';

/** Reads and parses a key file; every failure is an exit-2 error naming the file (SPEC §7 codes). */
export async function readKeyFile(file: string): Promise<ParsedPrivateKey> {
  return parsePrivateKey(await readFileFor('private key', file), file);
}

export async function readCertFile(file: string): Promise<ParsedCertificate> {
  return parseCertificate(await readFileFor('certificate', file), file);
}
