import path from 'node:path';
import type { CommandHandler } from '../command.js';
import { archiveFiles } from '../certs/archive.js';
import { readImportSource, type ImportSource } from '../certs/import-source.js';
import { uploadGuide } from '../certs/upload-guide.js';
import { chosenAlias } from '../core/select-profile.js';
import { createSelfSignedCertificate } from '../crypto/cert.js';
import { describeCertificate, keyMatchesCertificate, publicKeyFingerprint } from '../crypto/inspect.js';
import { inputError, UsageError } from '../errors.js';
import { readConfig, updateConfig } from '../store/config-store.js';
import { ensureDir, exists, writeFileAtomic, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE } from '../store/files.js';
import { checkWriteTargets } from '../store/key-files.js';
import { backupDir, keyDir, keyPaths } from '../store/paths.js';
import { userPath } from '../store/paths.js';

export interface CertImportOptions {
  key?: string;
  cert?: string;
  p12?: string;
  jks?: string;
  passphraseEnv?: string;
  keyAlias?: string;
  days: number;
  force: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Flags → what to read. The passphrase only ever comes from the environment, never argv. */
function importSource(options: CertImportOptions, env: Readonly<Record<string, string | undefined>>, where: { cwd: string; homedir?: string }): ImportSource {
  const given = (['key', 'p12', 'jks'] as const).filter((flag) => options[flag] !== undefined);
  if (given.length === 0) throw new UsageError('nothing to import', 'pass --key <pem> [--cert <pem>], --p12 <file> or --jks <file>');
  if (given.length > 1) throw new UsageError(`pass only one of --key, --p12 and --jks (got ${given.map((f) => `--${f}`).join(' and ')})`, 'import one key at a time');
  const resolve = (file: string) => userPath(file, where);
  if (options.key !== undefined) {
    if (options.passphraseEnv !== undefined) {
      throw new UsageError('--passphrase-env is for --p12 and --jks; a PEM key must be unencrypted', 'decrypt it first: `openssl pkey -in <key> -out <key>.pem`, then import <key>.pem');
    }
    if (options.keyAlias !== undefined) throw new UsageError('--key-alias chooses an entry of a keystore (--p12 or --jks)', 'drop --key-alias');
    return { kind: 'pem', keyPath: resolve(options.key), ...(options.cert !== undefined ? { certPath: resolve(options.cert) } : {}) };
  }
  if (options.cert !== undefined) throw new UsageError('--cert goes with --key; a keystore carries its own certificate', 'drop --cert');
  let passphrase = '';
  if (options.passphraseEnv !== undefined) {
    const name = options.passphraseEnv;
    if (!ENV_NAME.test(name)) {
      throw new UsageError('--passphrase-env takes the NAME of an environment variable, not a passphrase', 'e.g. KEYSTORE_PASS=... sfjwt cert import --p12 file.p12 --passphrase-env KEYSTORE_PASS');
    }
    const value = env[name];
    if (value === undefined) throw new UsageError(`environment variable ${name} (--passphrase-env) is not set`, `set it to the keystore passphrase (${name}= for an empty one)`);
    passphrase = value;
  }
  return {
    kind: options.p12 !== undefined ? 'pkcs12' : 'jks',
    file: resolve((options.p12 ?? options.jks)!),
    passphrase,
    ...(options.passphraseEnv !== undefined ? { passphraseEnv: options.passphraseEnv } : {}),
    ...(options.keyAlias !== undefined ? { keyAlias: options.keyAlias } : {}),
  };
}

export const runCertImport: CommandHandler<CertImportOptions> = async (options, ctx) => {
  const source = importSource(options, ctx.deps.env, ctx.deps);
  const config = await readConfig(ctx.configDir);
  const alias = chosenAlias(ctx, config);
  if (alias === undefined) throw new UsageError('no profile to import into', 'pass -a <alias> (the key goes to <config dir>/keys/<alias>/)');
  const profile = config.profiles[alias];
  const now = ctx.deps.now();

  // Read and check everything before writing anything.
  const imported = await readImportSource(source, ctx.interactive ? ctx.deps.prompter : undefined, ctx.deps.signal);
  for (const note of imported.notes) ctx.ui.info(`  ${note}`);
  if (imported.cert && !keyMatchesCertificate(imported.key.key, imported.cert.x509)) {
    throw inputError(
      'key-cert-mismatch',
      `${imported.certSource} was not made from the key ${imported.keySource} (their public keys differ)`,
      'pass the certificate that belongs to this key, or leave out --cert to make one from the key',
    );
  }
  const live = keyPaths(keyDir(ctx.configDir, alias));
  const current = [live.keyPath, live.certPath, profile?.keyPath, profile?.certPath].filter((f): f is string => f !== undefined);
  const present: string[] = [];
  for (const file of new Set(current)) if (await exists(file)) present.push(file);
  if (present.length > 0 && !options.force) {
    throw new UsageError(
      `${alias} already has key files (${present.join(', ')}); refusing to replace them`,
      'pass --force to replace them (they are backed up first to keys/<alias>/backup/)',
    );
  }
  const certCreated = imported.cert === undefined;
  const certPem =
    imported.cert?.pem ??
    createSelfSignedCertificate({ privateKeyPem: imported.key.key, commonName: alias, days: options.days, now, random: ctx.deps.random });

  const described = describeCertificate(certPem, now);
  const archive = backupDir(ctx.configDir, alias, now);
  await checkWriteTargets([live.keyPath, live.certPath, ...present.map((file) => path.join(archive, path.basename(file)))]);

  const backedUp = present.length > 0 ? await archiveFiles(present, archive) : [];
  await ensureDir(keyDir(ctx.configDir, alias));
  await writeFileAtomic(live.keyPath, imported.key.pem, PRIVATE_FILE_MODE);
  await writeFileAtomic(live.certPath, certPem, PUBLIC_FILE_MODE);
  if (profile) {
    await updateConfig(ctx.configDir, (doc) => {
      const p = doc.profiles[alias];
      return p ? { ...doc, profiles: { ...doc.profiles, [alias]: { ...p, keyPath: live.keyPath, certPath: live.certPath } } } : doc;
    });
  }

  const guide = profile ? uploadGuide(profile.appKind, profile.loginUrl, live.certPath) : undefined;
  const result = {
    alias,
    keyPath: live.keyPath,
    certPath: live.certPath,
    format: imported.format,
    source: source.kind === 'pem' ? source.keyPath : source.file,
    entryAlias: imported.entryAlias,
    certificateCreated: certCreated,
    keySize: imported.key.bits,
    subject: described.subject,
    serialNumber: described.serialNumber,
    notBefore: described.notBefore,
    notAfter: described.notAfter,
    daysLeft: described.daysLeft,
    fingerprintSha256: described.fingerprintSha256,
    publicKeyFingerprintSha256: publicKeyFingerprint(imported.key.key),
    profileUpdated: profile !== undefined,
    backedUp,
    setupUrl: guide?.setupUrl ?? null,
  };

  for (const file of backedUp) ctx.ui.info(`  previous file backed up to ${file}`);
  const lines = [
    `Imported     ${imported.keySource}`,
    `Private key  ${live.keyPath}  (unencrypted PKCS#8, mode 0600: keep it secret)`,
    `Certificate  ${live.certPath}${certCreated ? `  (made from the key, valid ${options.days} days)` : ''}`,
    `Subject      ${described.subject}`,
    `Valid        ${described.notBefore} → ${described.notAfter}`,
    `SHA-256      ${described.fingerprintSha256}`,
    '',
  ];
  if (profile && guide) {
    lines.push(
      `Profile ${alias} now uses this key. Salesforce accepts it once the app holds its certificate; if it does not yet, upload it:`,
      ...guide.steps.map((step, i) => `  ${i + 1}. ${step}`),
      `Then check: sfjwt verify -a ${alias}`,
    );
  } else {
    lines.push(`No profile "${alias}" yet: create it with this key: sfjwt init -a ${alias} --key ${live.keyPath}`);
  }
  return { result, human: lines.join('\n') };
};
