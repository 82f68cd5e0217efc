import type { KeyObject } from 'node:crypto';
import { parseCertificate, parsePrivateKey, requireSalesforceKeySize, type ParsedCertificate, type ParsedPrivateKey } from '../crypto/pem.js';
import { readFileFor } from '../store/key-files.js';

/** Reads and parses a key file; every failure is an exit-2 error naming the file and its finding code. */
export async function readKeyFile(file: string): Promise<ParsedPrivateKey> {
  return parsePrivateKey(await readFileFor('private key', file), file);
}

export async function readCertFile(file: string): Promise<ParsedCertificate> {
  return parseCertificate(await readFileFor('certificate', file), file);
}

/** A key Salesforce accepts (unencrypted RSA of 2048 bits or more), or an exit-2 error naming the file. */
export async function readSalesforceKeyFile(file: string): Promise<KeyObject> {
  const parsed = await readKeyFile(file);
  requireSalesforceKeySize(parsed, file);
  return parsed.key;
}
