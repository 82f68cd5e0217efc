import fs from 'node:fs/promises';
import path from 'node:path';
import { createSelfSignedCertificate } from '../../src/crypto/cert.js';
import { generateRsaKeyPair } from '../../src/crypto/keys.js';
import { writeFileAtomic } from '../../src/store/files.js';

export interface KeyFiles {
  keyPem: string;
  certPem: string;
  keyPath: string;
  certPath: string;
}

/** A real RSA key and self-signed certificate, written 0600/0644 into dir. */
export async function makeKeyFiles(dir: string, name = 'server', commonName = 'sfjwt-test'): Promise<KeyFiles> {
  const pair = await generateRsaKeyPair(2048);
  const certPem = createSelfSignedCertificate({
    privateKeyPem: pair.privateKeyPem,
    commonName,
    days: 730,
    now: new Date(),
    random: (n) => new Uint8Array(Buffer.alloc(n, 7)),
  });
  await fs.mkdir(dir, { recursive: true });
  const keyPath = path.join(dir, `${name}.key`);
  const certPath = path.join(dir, `${name}.crt`);
  await writeFileAtomic(keyPath, pair.privateKeyPem, 0o600);
  await writeFileAtomic(certPath, certPem, 0o644);
  return { keyPem: pair.privateKeyPem, certPem, keyPath, certPath };
}
