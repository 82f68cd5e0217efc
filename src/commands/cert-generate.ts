import { explicitAlias } from '../core/select-profile.js';
import path from 'node:path';
import type { CommandHandler } from '../command.js';
import { generateKeyPairFiles, type GeneratedPair } from '../certs/generate.js';
import type { RsaKeySize } from '../crypto/keys.js';
import { backupDir, keyDir, validateAlias } from '../store/paths.js';
import { userPath } from '../store/paths.js';

export interface CertGenerateOptions {
  outDir?: string;
  keySize: string;
  days: number;
  cn?: string;
  force: boolean;
}

export const runCertGenerate: CommandHandler<CertGenerateOptions> = async (options, ctx) => {
  const alias = explicitAlias(ctx);
  const validAlias = alias === undefined ? undefined : validateAlias(alias.value, alias.from);
  const dir = options.outDir
    ? userPath(options.outDir, ctx.deps)
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
