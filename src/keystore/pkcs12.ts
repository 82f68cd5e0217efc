/**
 * PKCS#12 (.p12/.pfx, and what keytool writes by default since Java 9) through node-forge, which
 * handles both the legacy (RC2/3DES, SHA-1 MAC) and the OpenSSL 3 / Java 17 (PBES2 AES-256, SHA-256
 * MAC) encodings. node:crypto has no PKCS#12 reader.
 */
import forge from 'node-forge';
import { KeystoreError, type KeystoreEntry } from './types.js';

const { asn1, pki } = forge;

function toDer(node: forge.asn1.Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

function keyDer(bag: forge.pkcs12.Bag): Buffer | undefined {
  // forge decodes RSA keys into its own objects; any other key type is left as the PrivateKeyInfo ASN.1.
  if (bag.key) return toDer(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey)));
  return bag.asn1 ? toDer(bag.asn1) : undefined;
}

function certDer(bag: forge.pkcs12.Bag): Buffer | undefined {
  // certificateToAsn1 reuses the parsed TBSCertificate, so the DER (and fingerprint) is the original's.
  if (bag.cert) return toDer(pki.certificateToAsn1(bag.cert));
  return bag.asn1 ? toDer(bag.asn1) : undefined;
}

function localKeyId(bag: forge.pkcs12.Bag): string | undefined {
  const id = bag.attributes?.localKeyId?.[0];
  return typeof id === 'string' ? Buffer.from(id, 'binary').toString('hex') : undefined;
}

function failure(error: unknown): KeystoreError {
  const message = (error as Error)?.message ?? String(error);
  if (/password|MAC could not be verified|Failed to decrypt/i.test(message)) {
    return new KeystoreError('wrong-passphrase', 'wrong passphrase (the PKCS#12 integrity check or decryption failed)');
  }
  if (/Too few bytes|DER|ASN\.1|Cannot read|PKCS#12|Unsupported|Invalid|length/i.test(message)) {
    return new KeystoreError('malformed', `not a readable PKCS#12 file (${message.replace(/\.$/, '')}; damaged or truncated?)`);
  }
  return new KeystoreError('malformed', `not a readable PKCS#12 file (${message})`);
}

/** Key entries (paired with their certificates by localKeyId), then any certificate-only entries. */
export function readPkcs12(data: Buffer, password: string): KeystoreEntry[] {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    // Strict outer parsing: a truncated file fails here instead of as a misleading MAC/password error.
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(data.toString('binary'), true), false, password);
  } catch (error) {
    throw failure(error);
  }
  const bags = p12.safeContents.flatMap((contents) => contents.safeBags);
  const keyBags = bags.filter((b) => b.type === pki.oids.pkcs8ShroudedKeyBag || b.type === pki.oids.keyBag);
  const certBags = bags.filter((b) => b.type === pki.oids.certBag);
  const certs = certBags.map((bag) => ({ bag, der: certDer(bag), id: localKeyId(bag) }));
  const entries: KeystoreEntry[] = [];
  keyBags.forEach((bag, index) => {
    const der = keyDer(bag);
    if (!der) return;
    const id = localKeyId(bag);
    const own = certs.filter((c) => id !== undefined && c.id === id);
    const others = certs.filter((c) => !own.includes(c));
    entries.push({
      alias: bag.attributes?.friendlyName?.[0] ?? (id ? `localKeyId ${id}` : `key ${index + 1}`),
      privateKeyDer: der,
      certificates: [...own, ...others].flatMap((c) => (c.der ? [c.der] : [])),
    });
  });
  if (entries.length === 0) {
    certs.forEach((c, index) => {
      if (c.der) entries.push({ alias: c.bag.attributes?.friendlyName?.[0] ?? `certificate ${index + 1}`, certificates: [c.der] });
    });
  }
  return entries;
}
