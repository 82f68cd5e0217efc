/** What a keystore reader hands back: raw DER, no CLI errors (the import command names the file). */
export interface KeystoreEntry {
  alias: string;
  /** PKCS#8 PrivateKeyInfo DER (decrypted), when the entry holds a private key. */
  privateKeyDer?: Buffer;
  /** X.509 DER, the entry's own certificate first. */
  certificates: Buffer[];
}

/** `too-costly`: a PKCS#12 key derivation over the round cap. */
export type KeystoreFailure = 'wrong-passphrase' | 'malformed' | 'unsupported' | 'too-costly';

export class KeystoreError extends Error {
  constructor(
    readonly reason: KeystoreFailure,
    message: string,
  ) {
    super(message);
    this.name = 'KeystoreError';
  }
}

export type KeystoreFormat = 'jks' | 'jceks' | 'pkcs12' | 'pem' | 'unknown';

/** By content, not by file name: modern keytool writes PKCS#12 even for files called *.jks. */
export function detectKeystoreFormat(data: Buffer): KeystoreFormat {
  if (data.length >= 4) {
    const magic = data.readUInt32BE(0);
    if (magic === 0xfeedfeed) return 'jks';
    if (magic === 0xcececece) return 'jceks';
  }
  if (data[0] === 0x30) return 'pkcs12';
  if (data.subarray(0, 200).toString('latin1').trimStart().startsWith('-----BEGIN')) return 'pem';
  return 'unknown';
}
