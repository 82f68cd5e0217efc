import fs from 'node:fs/promises';
import path from 'node:path';
import { createSelfSignedCertificate } from '../../src/crypto/cert.js';
import { generateRsaKeyPair } from '../../src/crypto/keys.js';
import { writeFileAtomic } from '../../src/store/files.js';
import { singleAppConfig, startEmulator, type RunningEmulator, type SingleAppOptions } from '../../src/emulator/index.js';
import { afterAll, beforeAll } from 'vitest';
import { makeTempDir } from './temp-dir.js';

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

export interface EmulatorFixture {
  dir: string;
  keys: KeyFiles;
  emulator: RunningEmulator;
}

/**
 * Registers beforeAll/afterAll for a test file: a temp dir, a real key pair, and the emulator with
 * that certificate "uploaded" to one app. Read the fields inside tests (they are set in beforeAll).
 */
export function useEmulatorFixture(app: Omit<SingleAppOptions, 'certPem'>): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  beforeAll(async () => {
    fixture.dir = await makeTempDir();
    fixture.keys = await makeKeyFiles(path.join(fixture.dir, 'keys'));
    fixture.emulator = await startEmulator(singleAppConfig({ ...app, certPem: fixture.keys.certPem }), { port: 0 });
  });
  afterAll(async () => {
    await fixture.emulator?.stop();
    if (fixture.dir) await fs.rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
