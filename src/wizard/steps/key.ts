import fs from 'node:fs/promises';
import path from 'node:path';
import { generateKeyPairFiles, writeCertificateForKey } from '../../certs/generate.js';
import { readCertFile, readKeyFile, readSalesforceKeyFile } from '../../certs/read.js';
import { keyMatchesCertificate } from '../../crypto/inspect.js';
import type { RsaKeySize } from '../../crypto/keys.js';
import { CliError, isCliError, UsageError } from '../../errors.js';
import { exists } from '../../store/files.js';
import { backupDir, keyDir, keyPaths, userPath } from '../../store/paths.js';
import type { Effect, Step, StepResult, WizardContext } from '../context.js';
import { promptProblem, problemText } from '../resolve.js';

export const DEFAULT_KEY_SIZE: RsaKeySize = 2048;
export const DEFAULT_DAYS = 730;

interface Target {
  dir: string;
  keyPath: string;
  certPath: string;
  backupDir: string;
}

type KeyContext = Pick<
  WizardContext,
  'options' | 'given' | 'alias' | 'deps' | 'ui' | 'configDir' | 'interactive' | 'yes' | 'warn' | 'answers' | 'stored' | 'generatedKeys' | 'fingerprint' | 'written'
>;

function targetFor(ctx: KeyContext): Target {
  const { deps, configDir } = ctx;
  const now = deps.now();
  if (ctx.options.outDir) {
    const dir = userPath(ctx.options.outDir, deps);
    return { dir, ...keyPaths(dir), backupDir: path.join(dir, 'backup', now.toISOString().replace(/[:.]/g, '-')) };
  }
  const dir = keyDir(configDir, ctx.alias);
  return { dir, ...keyPaths(dir), backupDir: backupDir(configDir, ctx.alias, now) };
}

/** Group or other permission bits on a key file, as an octal mode ("0644"); undefined when only the owner can read it. */
async function looseMode(ctx: KeyContext, file: string): Promise<string | undefined> {
  if (ctx.deps.platform === 'win32') return undefined;
  const mode = (await fs.stat(file)).mode & 0o777;
  return mode & 0o077 ? `0${mode.toString(8)}` : undefined;
}

/**
 * A key the user brings: says what sfjwt repairs when reading it (other tools may not), and
 * offers to restrict a key others can read (chmod 600; asked, or only reported when not
 * interactive). The mode the key has once the effects ran, and the chmod when agreed.
 */
async function checkBroughtKey(ctx: KeyContext, keyFile: string): Promise<{ mode: string; effects: Effect[] }> {
  const parsed = await readKeyFile(keyFile);
  for (const repair of parsed.repairs) {
    ctx.warn('key-invalid', `${keyFile}: sfjwt ${repair} when reading it; other tools (sf, jsforce) may refuse the file as it is: save it again as a plain PEM`);
  }
  const loose = await looseMode(ctx, keyFile);
  if (!loose) return { mode: ctx.deps.platform === 'win32' ? 'stays on this machine' : '0600', effects: [] };
  const fix = `chmod 600 ${keyFile}`;
  const agreed = ctx.interactive
    ? ctx.yes ||
      (await ctx.deps.prompter.confirm({ id: 'keyChmod', message: `${keyFile} can be read by other users (mode ${loose}). Restrict it to you (${fix})?`, default: true }))
    : false;
  if (!agreed) {
    ctx.warn('key-permissions', `${keyFile} can be read by other users (mode ${loose}); restrict it: ${fix}`);
    return { mode: loose, effects: [] };
  }
  const chmod: Effect = {
    describe: [{ action: 'write', detail: `${keyFile}: mode ${loose} → 0600` }],
    async apply() {
      await fs.chmod(keyFile, 0o600);
      ctx.ui.success(`Restricted ${keyFile} to you (0600; it was ${loose})`);
    },
  };
  return { mode: '0600', effects: [chmod] };
}

type PairCheck = { ok: true; fingerprint: string } | { ok: false; problem: string };

/** Whether key + certificate at these paths are usable together (parse, match). */
async function checkPair(keyPath: string, certPath: string): Promise<PairCheck> {
  try {
    if (!(await exists(keyPath))) return { ok: false, problem: `${certPath} exists but ${keyPath} does not` };
    if (!(await exists(certPath))) return { ok: false, problem: `${keyPath} exists but has no certificate at ${certPath}` };
    const key = await readSalesforceKeyFile(keyPath);
    const cert = await readCertFile(certPath);
    if (!keyMatchesCertificate(key, cert.x509)) return { ok: false, problem: `${certPath} was not made from ${keyPath}` };
    return { ok: true, fingerprint: cert.x509.fingerprint256.toUpperCase() };
  } catch (error) {
    if (isCliError(error)) return { ok: false, problem: problemText(error) };
    throw error;
  }
}

function summary(ctx: Pick<WizardContext, 'ui'>, keyPath: string, certPath: string, fingerprint: string | undefined, note?: string, mode = '0600'): void {
  const { ui } = ctx;
  if (note) ui.success(note);
  ui.info(`  Private key   ${keyPath}  ${ui.color.dim(`(${mode}; stays on this machine: never upload it)`)}`);
  ui.info(`  Certificate   ${certPath}  ${ui.color.dim('(upload this one to the app)')}`);
  if (fingerprint) ui.info(`  SHA-256       ${fingerprint}`);
}

/** A new key pair at the target (the old files backed up first when `force`). */
function generateEffect(ctx: KeyContext, target: Target, force: boolean): Effect {
  const keySize = Number(ctx.options.keySize ?? DEFAULT_KEY_SIZE) as RsaKeySize;
  const days = ctx.options.days ?? DEFAULT_DAYS;
  return {
    describe: [
      { action: 'write', detail: `${target.keyPath} (0600): a new ${keySize}-bit RSA private key${force ? ' (the old files backed up first)' : ''}` },
      { action: 'write', detail: `${target.certPath} (0644): a self-signed certificate, CN=${ctx.alias}, valid ${days} days` },
    ],
    async apply() {
      const { deps, ui } = ctx;
      const spinner = ui.spinner(`Generating a ${keySize}-bit RSA key and a self-signed certificate`);
      let generated;
      try {
        generated = await generateKeyPairFiles({
          dir: target.dir,
          keySize,
          days,
          commonName: ctx.alias,
          force,
          backupDir: target.backupDir,
          now: deps.now(),
          random: deps.random,
        });
      } finally {
        spinner.stop();
      }
      for (const file of generated.backedUp) ui.info(`  previous file backed up to ${file}`);
      ctx.written.push(generated.keyPath, generated.certPath);
      ctx.generatedKeys = { keyPath: generated.keyPath, certPath: generated.certPath };
      ctx.fingerprint = generated.fingerprintSha256;
      summary(ctx, generated.keyPath, generated.certPath, generated.fingerprintSha256, `Generated a ${keySize}-bit RSA key and a certificate valid until ${generated.notAfter.slice(0, 10)}`);
    },
  };
}

function generate(ctx: KeyContext, target: Target, force: boolean): StepResult {
  ctx.answers.keyPath = target.keyPath;
  ctx.answers.certPath = target.certPath;
  return { outcome: 'next', effects: [generateEffect(ctx, target, force)] };
}

/** The key file the user brings: flag, env, a prompt, or (on resume/profile) the one chosen before. */
async function existingKeyFile(ctx: KeyContext, target: Target): Promise<string | undefined> {
  const { deps } = ctx;
  // A key in SFJWT_KEY (text, not a file) cannot go in a profile; init reads --key or SFJWT_KEY_FILE.
  const given = ctx.given.key?.value.kind === 'file' ? { file: ctx.given.key.value.path, from: ctx.given.key.from } : undefined;
  if (given) {
    try {
      await readSalesforceKeyFile(given.file);
    } catch (error) {
      if (isCliError(error)) throw new UsageError(`${given.from}: ${error.message}`, error.hint, error.code === 'internal' ? 'usage' : error.code);
      throw error;
    }
    return given.file;
  }
  const stored = ctx.stored.keyPath;
  if (stored && path.resolve(stored) !== target.keyPath) return stored;
  if (!ctx.interactive || ctx.yes || stored) return undefined;
  // Files already at the target get their own question (reuse or replace).
  if ((await exists(target.keyPath)) || (await exists(target.certPath))) return undefined;
  const source = await deps.prompter.select<'generate' | 'existing'>({
    id: 'keySource',
    message: 'Key pair',
    choices: [
      { value: 'generate', name: 'Generate a new RSA key and certificate (recommended)' },
      { value: 'existing', name: 'Use an existing private key file (unencrypted RSA PEM)' },
    ],
    default: 'generate',
  });
  if (source === 'generate') return undefined;
  const fileOf = (answer: string) => userPath(answer, deps);
  // Checked inside the prompt, so a refused path is asked again without a ✔ printed for it.
  const answer = await deps.prompter.input({
    id: 'keyFile',
    message: 'Path of the private key file',
    validate: async (raw) => {
      if (raw.trim() === '') return 'Type the path of an unencrypted RSA private key (PEM) file; ~ is your home folder.';
      try {
        await readSalesforceKeyFile(fileOf(raw));
        return true;
      } catch (error) {
        if (!isCliError(error)) throw error;
        return promptProblem(error, 'Type the path of an unencrypted RSA private key (PEM) file; ~ is your home folder');
      }
    },
  });
  return fileOf(answer);
}

/** Reuses a certificate made from the key (beside it, or at the target) or makes one at the target. */
async function useExistingKey(ctx: KeyContext, keyFile: string, target: Target): Promise<StepResult> {
  const { deps, ui } = ctx;
  const key = await readSalesforceKeyFile(keyFile);
  const brought = await checkBroughtKey(ctx, keyFile);
  const dir = path.dirname(keyFile);
  const candidates = [...new Set([
    ...(ctx.stored.certPath ? [ctx.stored.certPath] : []),
    path.join(dir, `${path.basename(keyFile, path.extname(keyFile))}.crt`),
    path.join(dir, 'server.crt'),
    target.certPath,
  ])];
  ctx.answers.keyPath = keyFile;
  for (const certPath of candidates) {
    if (!(await exists(certPath))) continue;
    try {
      const cert = await readCertFile(certPath);
      if (keyMatchesCertificate(key, cert.x509)) {
        ctx.answers.certPath = certPath;
        ctx.fingerprint = cert.x509.fingerprint256.toUpperCase();
        summary(ctx, keyFile, certPath, ctx.fingerprint, 'Using your key and its certificate', brought.mode);
        return { outcome: 'next', effects: brought.effects };
      }
      ui.debug(`  ${certPath} was not made from ${keyFile}`);
    } catch (error) {
      if (!isCliError(error)) throw error;
      ui.debug(`  ${problemText(error)}`);
    }
  }
  const days = ctx.options.days ?? DEFAULT_DAYS;
  ctx.answers.certPath = target.certPath;
  if (!ctx.options.force && (await exists(target.certPath))) {
    throw new CliError('usage', `${target.certPath} exists and was not made from ${keyFile}; refusing to overwrite it`, { hint: 'pass --force to replace it (backed up first), or --out-dir for another place' }, 2);
  }
  const makeCertificate: Effect = {
    describe: [{ action: 'write', detail: `${target.certPath} (0644): a self-signed certificate made from ${keyFile}, valid ${days} days` }],
    async apply() {
      const made = await writeCertificateForKey({
        key,
        keyPath: keyFile,
        certPath: target.certPath,
        days,
        commonName: ctx.alias,
        force: ctx.options.force,
        backupDir: target.backupDir,
        now: deps.now(),
        random: deps.random,
      });
      for (const file of made.backedUp) ui.info(`  previous file backed up to ${file}`);
      ctx.written.push(target.certPath);
      ctx.fingerprint = made.fingerprintSha256;
      summary(ctx, keyFile, target.certPath, ctx.fingerprint, 'Made a certificate from your key', brought.mode);
    },
  };
  return { outcome: 'next', effects: [...brought.effects, makeCertificate] };
}

function reuse(ctx: KeyContext, target: Target, fingerprint: string, note: string): StepResult {
  ctx.fingerprint = fingerprint;
  summary(ctx, target.keyPath, target.certPath, fingerprint, note);
  return 'next';
}

/** Generate a key pair, or reuse one: never regenerates keys this wizard made, never overwrites without --force. */
export const keyStep: Step = {
  id: 'key',
  title: 'Key and certificate',
  async run(ctx: KeyContext) {
    const { ui } = ctx;
    if (ctx.interactive) {
      ui.info('');
      ui.info(ui.color.bold('Key and certificate'));
    }
    const target = targetFor(ctx);
    const keyFile = await existingKeyFile(ctx, target);
    if (keyFile) return useExistingKey(ctx, keyFile, target);
    ctx.answers.keyPath = target.keyPath;
    ctx.answers.certPath = target.certPath;
    const present = (await exists(target.keyPath)) || (await exists(target.certPath));
    if (!present) return generate(ctx, target, false);
    const check = await checkPair(target.keyPath, target.certPath);
    const ours = ctx.generatedKeys?.keyPath === target.keyPath && ctx.generatedKeys.certPath === target.certPath;
    if (ours && check.ok) return reuse(ctx, target, check.fingerprint, 'Reusing the key pair generated earlier');
    if (ctx.options.force) return generate(ctx, target, true);
    if (ctx.interactive) {
      if (!check.ok) ui.warn(`Key files already exist in ${target.dir}, but ${check.problem}.`);
      const choice = await ctx.deps.prompter.select<'reuse' | 'replace' | 'stop'>({
        id: 'existingKeys',
        message: `Key files already exist in ${target.dir}`,
        choices: [
          ...(check.ok ? [{ value: 'reuse' as const, name: 'Reuse them' }] : []),
          { value: 'replace', name: 'Replace them with a new key pair (the old files are backed up first)' },
          { value: 'stop', name: 'Stop (nothing is changed)' },
        ],
        default: check.ok ? 'reuse' : 'replace',
      });
      if (choice === 'reuse' && check.ok) return reuse(ctx, target, check.fingerprint, 'Reusing the existing key pair');
      if (choice === 'replace') return generate(ctx, target, true);
      throw new CliError('usage', `key files already exist in ${target.dir}`, { hint: 'rerun with --force to replace them (backed up first), or --out-dir for another place' }, 2);
    }
    if (check.ok) return reuse(ctx, target, check.fingerprint, `Reusing the key pair already in ${target.dir} (it matches)`);
    throw new CliError(
      'usage',
      `key files already exist in ${target.dir}, but ${check.problem}; refusing to overwrite them`,
      { hint: 'pass --force to replace them (the old files are backed up first), or --out-dir for another place' },
      2,
    );
  },
};
