import { readJks } from './jks.js';
import { KeystoreError, detectKeystoreFormat, type KeystoreEntry } from './types.js';

export { KeystoreError, detectKeystoreFormat, type KeystoreEntry, type KeystoreFormat, type KeystoreFailure } from './types.js';

export interface ReadKeystore {
  format: 'jks' | 'pkcs12';
  entries: KeystoreEntry[];
}

/**
 * Reads a JKS or PKCS#12 keystore, whichever the bytes say it is (a `.jks` from a current keytool is
 * usually PKCS#12, and people swap the two flags). PKCS#12 support (node-forge) loads only when needed;
 * its CPU-heavy part stops when `signal` aborts (Ctrl-C), rejecting with the signal's reason.
 */
export async function readKeystore(data: Buffer, password: string, signal?: AbortSignal): Promise<ReadKeystore> {
  const format = detectKeystoreFormat(data);
  switch (format) {
    case 'jks':
      return { format, entries: readJks(data, password) };
    case 'pkcs12': {
      const { readPkcs12 } = await import('./pkcs12.js');
      return { format, entries: await readPkcs12(data, password, signal) };
    }
    case 'jceks':
      throw new KeystoreError('unsupported', 'this is a JCEKS keystore; convert it to PKCS#12 first: `keytool -importkeystore -srckeystore <file> -srcstoretype JCEKS -destkeystore out.p12 -deststoretype PKCS12`');
    case 'pem':
      throw new KeystoreError('unsupported', 'this is PEM text, not a keystore; pass it with --key (and its certificate with --cert)');
    default:
      throw new KeystoreError('malformed', data.length === 0 ? 'the file is empty' : 'neither a JKS nor a PKCS#12 keystore (unknown header)');
  }
}
