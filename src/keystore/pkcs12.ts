/**
 * PKCS#12 (.p12/.pfx, and what keytool writes by default since Java 9) through node-forge, which
 * handles both the legacy (RC2/3DES, SHA-1 MAC) and the OpenSSL 3 / Java 17 (PBES2 AES-256, SHA-256
 * MAC) encodings. node:crypto has no PKCS#12 reader.
 *
 * node-forge derives keys in synchronous JavaScript (about 2 s per million rounds), and the file
 * chooses the number of rounds: a crafted one asks for 2^31. So the parsing runs in a worker thread
 * that Ctrl-C/SIGTERM can stop (exit 130), and every key derivation is refused before it starts when
 * its round count is over the cap.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Forge from 'node-forge';
import { KeystoreError, type KeystoreEntry } from './types.js';

/** Real files use 2,048 (OpenSSL) to 10,000 (Java 17+) rounds. */
export const MAX_PKCS12_ITERATIONS = 10_000_000;

/** One safe bag, as plain data (what crosses back from the worker). */
interface Bag {
  kind: 'key' | 'cert';
  der?: Uint8Array;
  localKeyId?: string;
  friendlyName?: string;
}

type Decoded = { ok: true; bags: Bag[] } | { ok: false; iterations: number } | { ok: false; message: string };

interface DecodeInput {
  data: Uint8Array;
  password: string;
  maxIterations: number;
}

/**
 * Runs in the worker, started from this function's source text: it may use nothing but its
 * arguments (no imports, no module-level names). Patching node-forge is safe there: the worker has
 * its own copy, thrown away afterwards.
 */
function decodePkcs12(forge: typeof Forge, input: DecodeInput): Decoded {
  const { asn1, pki } = forge;
  const kdfs = forge as unknown as Record<'pbe' | 'pkcs12' | 'pkcs5', Record<string, (...args: unknown[]) => unknown>>;
  const cap = (owner: Record<string, (...args: unknown[]) => unknown>, name: string, countAt: number) => {
    const original = owner[name]!;
    owner[name] = function capped(this: unknown, ...args: unknown[]) {
      const count = args[countAt] as number;
      if (!(count <= input.maxIterations)) throw { tooManyIterations: count };
      return original.apply(this, args);
    };
  };
  cap(kdfs.pbe!, 'generatePkcs12Key', 3); // PKCS#12 PBE (3DES, RC2): (password, salt, id, iterations, …)
  cap(kdfs.pkcs12!, 'generateKey', 3); // the MAC key: same function, its own reference
  cap(kdfs.pkcs5!, 'pbkdf2', 2); // PBES2 (AES): (password, salt, iterations, …)

  const toDer = (node: Forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
  try {
    // Strict outer parsing: a truncated file fails here instead of as a misleading MAC/password error.
    const p12 = forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(Buffer.from(input.data).toString('binary'), true), false, input.password);
    const bags: Bag[] = [];
    for (const bag of p12.safeContents.flatMap((contents) => contents.safeBags)) {
      const isKey = bag.type === pki.oids.pkcs8ShroudedKeyBag || bag.type === pki.oids.keyBag;
      if (!isKey && bag.type !== pki.oids.certBag) continue;
      let der: Buffer | undefined;
      // forge decodes RSA keys into its own objects; any other key type is left as the PrivateKeyInfo ASN.1.
      if (isKey && bag.key) der = toDer(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(bag.key as Forge.pki.rsa.PrivateKey)));
      // certificateToAsn1 reuses the parsed TBSCertificate, so the DER (and fingerprint) is the original's.
      else if (!isKey && bag.cert) der = toDer(pki.certificateToAsn1(bag.cert));
      else if (bag.asn1) der = toDer(bag.asn1);
      const id = bag.attributes?.localKeyId?.[0];
      const name = bag.attributes?.friendlyName?.[0];
      bags.push({
        kind: isKey ? 'key' : 'cert',
        ...(der ? { der } : {}),
        ...(typeof id === 'string' ? { localKeyId: Buffer.from(id, 'binary').toString('hex') } : {}),
        ...(typeof name === 'string' ? { friendlyName: name } : {}),
      });
    }
    return { ok: true, bags };
  } catch (error) {
    const iterations = (error as { tooManyIterations?: number } | undefined)?.tooManyIterations;
    if (iterations !== undefined) return { ok: false, iterations };
    return { ok: false, message: String((error as Error)?.message ?? error) };
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.postMessage((${decodePkcs12.toString()})(require(workerData.forgePath), workerData.input));
`;

/** Runs decodePkcs12 in a worker; an abort terminates it at once and rejects with the signal's reason. */
function decodeInWorker(input: DecodeInput, signal: AbortSignal | undefined): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const forgePath = createRequire(import.meta.url).resolve('node-forge');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { forgePath, input } });
    const settle = (fn: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => settle(() => {
      void worker.terminate();
      reject(signal!.reason);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (decoded: Decoded) => settle(() => resolve(decoded)));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the PKCS#12 worker stopped (exit code ${code})`))));
  });
}

function failure(message: string): KeystoreError {
  if (/password|MAC could not be verified|Failed to decrypt/i.test(message)) {
    return new KeystoreError('wrong-passphrase', 'wrong passphrase (the PKCS#12 integrity check or decryption failed)');
  }
  if (/Too few bytes|DER|ASN\.1|Cannot read|PKCS#12|Unsupported|Invalid|length/i.test(message)) {
    return new KeystoreError('malformed', `not a readable PKCS#12 file (${message.replace(/\.$/, '')}; damaged or truncated?)`);
  }
  return new KeystoreError('malformed', `not a readable PKCS#12 file (${message})`);
}

/** Key entries (paired with their certificates by localKeyId), then any certificate-only entries. */
export async function readPkcs12(data: Buffer, password: string, signal?: AbortSignal): Promise<KeystoreEntry[]> {
  const decoded = await decodeInWorker({ data, password, maxIterations: MAX_PKCS12_ITERATIONS }, signal);
  if (!decoded.ok) {
    if ('iterations' in decoded) {
      throw new KeystoreError(
        'too-costly',
        `asks for ${decoded.iterations.toLocaleString('en-US')} key-derivation rounds; sfjwt refuses more than ${MAX_PKCS12_ITERATIONS.toLocaleString('en-US')} (a crafted or damaged file?)`,
      );
    }
    throw failure(decoded.message);
  }
  const certs = decoded.bags.filter((b) => b.kind === 'cert');
  const entries: KeystoreEntry[] = [];
  decoded.bags
    .filter((b) => b.kind === 'key')
    .forEach((bag, index) => {
      if (!bag.der) return;
      const id = bag.localKeyId;
      const own = certs.filter((c) => id !== undefined && c.localKeyId === id);
      const others = certs.filter((c) => !own.includes(c));
      entries.push({
        alias: bag.friendlyName ?? (id ? `localKeyId ${id}` : `key ${index + 1}`),
        privateKeyDer: Buffer.from(bag.der),
        certificates: [...own, ...others].flatMap((c) => (c.der ? [Buffer.from(c.der)] : [])),
      });
    });
  if (entries.length === 0) {
    certs.forEach((c, index) => {
      if (c.der) entries.push({ alias: c.friendlyName ?? `certificate ${index + 1}`, certificates: [Buffer.from(c.der)] });
    });
  }
  return entries;
}
