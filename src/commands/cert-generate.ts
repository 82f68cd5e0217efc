import path from 'node:path';
import type { CommandHandler } from '../command.js';
import { describeCertificate } from '../crypto/inspect.js';
import { CancelledError } from '../errors.js';
import { generateRsaKeyPair, type RsaKeySize } from '../crypto/keys.js';
import { writeKeyPair } from '../store/key-files.js';
import { backupDir, keyDir, keyPaths, validateAlias } from '../store/paths.js';

export interface CertGenerateOptions {
  outDir?: string;
  keySize: string;
  days: number;
  cn?: string;
  force: boolean;
}

export interface GeneratedPair {
  keyPath: string;
  certPath: string;
  keySize: number;
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  fingerprintSha256: string;
  backedUp: string[];
}

/** Generates and writes a key pair; shared by `cert generate`, `init` and `cert rotate`. */
export async function generateKeyPairFiles(input: {
  dir: string;
  keySize: RsaKeySize;
  days: number;
  commonName: string;
  force: boolean;
  backupDir: string;
  now: Date;
  random: (n: number) => Uint8Array;
  /** Ctrl-C before the files are written: nothing is written. */
  signal?: AbortSignal;
}): Promise<GeneratedPair> {
  // Start the prime search first; load the certificate code (node-forge's ASN.1) while it runs.
  const [pair, { createSelfSignedCertificate }] = await Promise.all([generateRsaKeyPair(input.keySize), import('../crypto/cert.js')]);
  const certPem = createSelfSignedCertificate({
    privateKeyPem: pair.privateKeyPem,
    commonName: input.commonName,
    days: input.days,
    now: input.now,
    random: input.random,
  });
  if (input.signal?.aborted) throw new CancelledError('Cancelled; nothing was written.');
  const files = keyPaths(input.dir);
  const { backedUp } = await writeKeyPair({ ...files, keyPem: pair.privateKeyPem, certPem, force: input.force, backupDir: input.backupDir });
  const described = describeCertificate(certPem, input.now);
  return {
    ...files,
    keySize: input.keySize,
    notBefore: described.notBefore,
    notAfter: described.notAfter,
    serialNumber: described.serialNumber,
    fingerprintSha256: described.fingerprintSha256,
    backedUp,
  };
}

export const run: CommandHandler<CertGenerateOptions> = async (options, ctx) => {
  const alias = ctx.globals.alias ?? ctx.deps.env.SFJWT_ALIAS;
  const validAlias = alias === undefined ? undefined : validateAlias(alias);
  const dir = options.outDir
    ? path.resolve(ctx.deps.cwd, options.outDir)
    : validAlias
      ? keyDir(ctx.configDir, validAlias)
      : ctx.deps.cwd;
  const now = ctx.deps.now();
  const spinner = ctx.ui.spinner(`Generating a ${options.keySize}-bit RSA key and a self-signed certificate`);
  let generated: GeneratedPair;
  try {
    generated = await generateKeyPairFiles({
      dir,
      keySize: Number(options.keySize) as RsaKeySize,
      days: options.days,
      commonName: options.cn ?? validAlias ?? 'sfjwt',
      force: options.force,
      backupDir: validAlias && !options.outDir ? backupDir(ctx.configDir, validAlias, now) : path.join(dir, 'backup', now.toISOString().replace(/[:.]/g, '-')),
      now,
      random: ctx.deps.random,
      signal: ctx.deps.signal,
    });
  } finally {
    spinner.stop();
  }
  for (const file of generated.backedUp) ctx.ui.info(`  previous file backed up to ${file}`);
  const { backedUp: _b, ...result } = generated;
  const human = [
    `Private key   ${generated.keyPath}  (mode 0600: keep it secret, never upload it)`,
    `Certificate   ${generated.certPath}  (upload this one to the app)`,
    `Valid         ${generated.notBefore} → ${generated.notAfter}`,
    `Serial        ${generated.serialNumber}`,
    `SHA-256       ${generated.fingerprintSha256}`,
  ].join('\n');
  return { result, human };
};
