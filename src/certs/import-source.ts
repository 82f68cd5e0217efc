import { createPrivateKey } from 'node:crypto';
import { derToPem } from '../crypto/der.js';
import { keyMatchesCertificate } from '../crypto/inspect.js';
import { decodeCertificate, normalizeKeyText, parseCertificate, parsePrivateKey, pemBlocks, requireSalesforceKeySize, type ParsedCertificate, type ParsedPrivateKey } from '../crypto/pem.js';
import { CliError, inputError, quoteInput, UsageError } from '../errors.js';
import { KeystoreError, readKeystore, type KeystoreEntry } from '../keystore/index.js';
import { readFileFor, readInputFile } from '../store/key-files.js';
import type { Prompter } from '../ui/prompter.js';

export type ImportSource =
  | { kind: 'pem'; keyPath: string; certPath?: string }
  | { kind: 'pkcs12' | 'jks'; file: string; passphrase: string; passphraseEnv?: string; keyAlias?: string };

export interface ImportedPair {
  key: ParsedPrivateKey;
  /** Absent when only a key was given: the caller makes a certificate for it. */
  cert?: ParsedCertificate;
  /** What the key came from, for messages: a path, or `file (entry "x")`. */
  keySource: string;
  certSource?: string;
  format: 'pem' | 'pkcs12' | 'jks';
  entryAlias: string | null;
  notes: string[];
}

function keystoreError(error: KeystoreError, file: string, passphraseEnv: string | undefined): CliError {
  if (error.reason === 'wrong-passphrase') {
    return inputError(
      'key-encrypted',
      `${file}: ${error.message}`,
      passphraseEnv
        ? `check the passphrase in $${passphraseEnv} (the one chosen when the keystore was exported)`
        : 'put the passphrase in an environment variable and pass its name: --passphrase-env VAR (never the passphrase itself on the command line)',
    );
  }
  const hints: Partial<Record<KeystoreError['reason'], string>> = {
    malformed: 'export the keystore again (the file may be truncated or damaged)',
    'too-costly': 'export it again with the usual settings (openssl pkcs12 -export and keytool use 2,048 to 10,000 rounds)',
  };
  return inputError('key-invalid', `${file}: ${error.message}`, hints[error.reason]);
}

async function chooseEntry(entries: KeystoreEntry[], file: string, keyAlias: string | undefined, ask: Prompter | undefined): Promise<KeystoreEntry> {
  const withKeys = entries.filter((e) => e.privateKeyDer);
  const names = (list: KeystoreEntry[]) => list.map((e) => quoteInput(e.alias)).join(', ');
  if (withKeys.length === 0) {
    throw inputError(
      'key-missing',
      `${file} holds no private key${entries.length > 0 ? ` (only certificates: ${names(entries)})` : ''}`,
      'export it again with the private key (Certificate and Key Management → Export to Keystore)',
    );
  }
  if (keyAlias !== undefined) {
    const found = withKeys.find((e) => e.alias === keyAlias) ?? withKeys.find((e) => e.alias.toLowerCase() === keyAlias.toLowerCase());
    if (!found) throw new UsageError(`${file} has no key entry ${quoteInput(keyAlias)}`, `pass --key-alias with one of: ${names(withKeys)}`);
    return found;
  }
  if (withKeys.length === 1) return withKeys[0]!;
  if (!ask) throw new UsageError(`${file} holds ${withKeys.length} keys: ${names(withKeys)}`, 'pass --key-alias <name> to choose one');
  const alias = await ask.select({
    id: 'key-alias',
    message: `${file} holds several keys; which one?`,
    choices: withKeys.map((e) => ({ value: e.alias, name: e.alias })),
  });
  return withKeys.find((e) => e.alias === alias)!;
}

/**
 * Reads what `cert import` was given into an unencrypted RSA key (PKCS#8) and, when there is one,
 * its certificate. Reads only: every problem is an exit-2 error naming the input, before any write.
 */
export async function readImportSource(source: ImportSource, ask: Prompter | undefined, signal?: AbortSignal): Promise<ImportedPair> {
  if (source.kind === 'pem') {
    const text = await readFileFor('private key', source.keyPath);
    const key = parsePrivateKey(text, source.keyPath);
    requireSalesforceKeySize(key, source.keyPath);
    const notes = key.repairs.map((r) => `${source.keyPath}: ${r}`);
    if (source.certPath !== undefined) {
      const cert = parseCertificate(await readFileFor('certificate', source.certPath), source.certPath);
      return { key, cert, keySource: source.keyPath, certSource: source.certPath, format: 'pem', entryAlias: null, notes };
    }
    // A bundle (key and certificate in one file) brings its own certificate.
    const bundled = pemBlocks(normalizeKeyText(text).text).some((b) => b.type === 'CERTIFICATE');
    return bundled
      ? { key, cert: parseCertificate(text, source.keyPath), keySource: source.keyPath, certSource: source.keyPath, format: 'pem', entryAlias: null, notes }
      : { key, keySource: source.keyPath, format: 'pem', entryAlias: null, notes };
  }

  const { data } = await readInputFile('keystore', source.file);
  let read;
  try {
    read = await readKeystore(data, source.passphrase, signal);
  } catch (error) {
    if (error instanceof KeystoreError) throw keystoreError(error, source.file, source.passphraseEnv);
    throw error;
  }
  const notes: string[] = [];
  if (read.format !== source.kind) {
    notes.push(
      read.format === 'pkcs12'
        ? `${source.file} is a PKCS#12 keystore (keytool's default format since Java 9), read as such`
        : `${source.file} is a JKS keystore, read as such`,
    );
  }
  const entry = await chooseEntry(read.entries, source.file, source.keyAlias, ask);
  const keySource = `${source.file} (entry ${quoteInput(entry.alias)})`;
  // Through PEM so the usual checks apply with their messages (RSA only, decodes).
  let keyPem: string;
  try {
    keyPem = createPrivateKey({ key: entry.privateKeyDer!, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch {
    keyPem = derToPem(entry.privateKeyDer!, 'PRIVATE KEY');
  }
  const key = parsePrivateKey(keyPem, keySource);
  requireSalesforceKeySize(key, keySource);
  // The entry's own certificate comes first: a damaged one is refused, not silently replaced by a
  // new certificate the app does not hold; damaged chain certificates are left out.
  const certs = entry.certificates.flatMap((der, index) => {
    try {
      return [decodeCertificate(der, keySource)];
    } catch (error) {
      if (index === 0) throw error;
      return [];
    }
  });
  const own = certs.find((c) => keyMatchesCertificate(key.key, c)) ?? certs[0];
  if (!own) return { key, keySource, format: read.format, entryAlias: entry.alias, notes };
  return {
    key,
    cert: { x509: own, pem: own.toString(), repairs: [] },
    keySource,
    certSource: keySource,
    format: read.format,
    entryAlias: entry.alias,
    notes,
  };
}
