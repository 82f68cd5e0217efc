import type { KeyObject } from 'node:crypto';
import { parseCertificate, parsePrivateKey, requireSalesforceKeySize, type ParsedCertificate, type ParsedPrivateKey } from '../crypto/pem.js';
import { inputError } from '../errors.js';
import { MAX_INPUT_FILE_BYTES, readFileFor, readInputFile } from '../store/key-files.js';

/** Where a private key is: a file (its path resolved against the working directory) or the SFJWT_KEY text. */
export type KeyRef = { kind: 'file'; path: string } | { kind: 'env'; text: string };

export interface KeyText {
  text: string;
  /** The file, or SFJWT_KEY: what messages about the key name. */
  label: string;
  path?: string;
  /** The file's permission bits. */
  mode?: number;
}

/**
 * The one key reader (commands, export and doctor): a file through store/key-files.ts (a regular
 * file or a pipe, at most 1 MiB), or SFJWT_KEY's text held to the same limit.
 */
export async function readKeyText(ref: KeyRef): Promise<KeyText> {
  if (ref.kind === 'env') {
    if (Buffer.byteLength(ref.text) > MAX_INPUT_FILE_BYTES) {
      throw inputError('key-invalid', 'SFJWT_KEY is larger than 1 MiB: not a private key', 'set SFJWT_KEY to the PEM text of the key (a few KB), or pass --key <file>');
    }
    return { text: ref.text, label: 'SFJWT_KEY' };
  }
  const { data, stat } = await readInputFile('private key', ref.path);
  return { text: data.toString('utf8'), label: ref.path, path: ref.path, mode: stat.mode & 0o777 };
}

/** Reads and parses a key file; every failure is an exit-2 error naming the file and its finding code. */
export async function readKeyFile(file: string): Promise<ParsedPrivateKey> {
  return parsePrivateKey((await readKeyText({ kind: 'file', path: file })).text, file);
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
