import { setMaxListeners } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext, CommandHandler, CommandOutcome } from '../command.js';
import type { CredentialFlags } from '../core/credentials.js';
import { chosenAlias, requireProfile } from '../core/select-profile.js';
import { buildClaims, signAssertion } from '../crypto/assertion.js';
import { parseCertificate, parsePrivateKey } from '../crypto/pem.js';
import { CliError, UsageError } from '../errors.js';
import { explainError } from '../doctor/explain-error.js';
import { runGit } from '../doctor/git.js';
import { inspectAssertion, type AssertionInspection } from '../doctor/inspect-assertion.js';
import type { RunShared } from '../doctor/memo.js';
import { autoFixes, renderAllTable, renderReport, reportJson, topFinding, type ProfileRow, type RenderOptions } from '../doctor/render.js';
import { exitCodeFor, parseIdList, runDoctor, summarize, type Selection } from '../doctor/run.js';
import { gatherSettings, isEmpty, type DoctorSettings } from '../doctor/settings.js';
import type { CheckContext, DoctorReport, FixIo } from '../doctor/types.js';
import { audienceMatrix, tokenUrl } from '../salesforce/audience-matrix.js';
import { isFindingCode } from '../salesforce/codes.js';
import { normalizeLoginUrl } from '../salesforce/login-url.js';
import { readConfig } from '../store/config-store.js';
import { backupDir } from '../store/paths.js';
import { createStyle } from '../ui/style.js';
import type { ConfigDocument } from '../store/profile.js';

export interface DoctorOptions extends CredentialFlags {
  offline?: boolean;
  only?: string;
  skip?: string;
  error?: string;
  assertion?: string;
  showAssertion?: boolean;
  all?: boolean;
  strict?: boolean;
  fix?: boolean;
  /** --fix on an encrypted key: the NAME of the environment variable holding its passphrase. */
  passphraseEnv?: string;
  /** The org's own records (SPEC §11): the "Org" checks. */
  admin?: boolean;
  adminOrg?: string;
}

/** Profiles diagnosed at once by --all: enough to hide latency, few enough for sockets and CPU. */
export const ALL_CONCURRENCY = 16;

const CREDENTIAL_FLAGS: (keyof CredentialFlags)[] = ['loginUrl', 'username', 'clientId', 'key', 'cert', 'audience', 'orgKind', 'app'];

async function renderOptions(ctx: CommandContext, command: string, fixing = false): Promise<RenderOptions> {
  const { env, stdout } = ctx.deps;
  const color =
    ctx.globals.color && env.NO_COLOR === undefined && ((env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') || (stdout.isTTY && !env.CI));
  return { color: await createStyle(color), symbols: ctx.ui.symbols, verbose: ctx.globals.verbose, command, fixing };
}

/** The JSON envelope's error block for a failing report: its most likely cause. */
function reportError(report: DoctorReport): CliError {
  const summary = summarize(report.checks);
  const top = report.diagnosis[0];
  const failing = report.checks.find((c) => c.status === 'fail' || c.status === 'crash' || c.status === 'warn');
  const code = top?.code ?? failing?.code ?? 'internal';
  const message = `doctor found ${summary.fail} failed, ${summary.crash} crashed and ${summary.warn} warning checks${top ? `; most likely: ${top.cause}` : failing ? `; ${failing.title}: ${failing.summary}` : ''}`;
  return new CliError(code, message, {
    ...(top ? { hint: top.fix } : failing?.fix ? { hint: failing.fix.hint } : {}),
    causes: report.diagnosis.map((d) => d.cause),
    fixes: report.diagnosis.map((d) => d.fix),
    ...(top?.setupUrl ? { setupUrl: top.setupUrl } : {}),
  });
}

function outcomeFor(ctx: CommandContext, report: DoctorReport, strict: boolean, render: RenderOptions): CommandOutcome {
  const exitCode = exitCodeFor(summarize(report.checks), strict);
  const result = reportJson(report);
  const human = renderReport(report, render);
  if (exitCode === 0) return { result, human };
  return { ok: false, exitCode, result, human, ...(ctx.globals.json ? { error: reportError(report) } : {}) };
}

function checkConflicts(options: DoctorOptions, ctx: CommandContext): void {
  const modes = (['error', 'assertion', 'all'] as const).filter((m) => options[m] !== undefined && options[m] !== false);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be combined`, 'run them one at a time');
  if (options.all) {
    const given = CREDENTIAL_FLAGS.filter((f) => options[f] !== undefined);
    if (given.length > 0 || ctx.globals.alias) {
      throw new UsageError('--all diagnoses every profile with its own settings; it takes no -a or credential flags', 'drop --all to diagnose one profile or ad-hoc values');
    }
    if (options.fix) throw new UsageError('--fix applies to one profile at a time', 'run `sfjwt doctor -a <alias> --fix`');
    if (options.showAssertion) throw new UsageError('--show-assertion applies to one profile at a time', 'run `sfjwt doctor -a <alias> --show-assertion`');
    if (options.admin || options.adminOrg !== undefined) throw new UsageError('--admin reads one profile\'s org records at a time', 'run `sfjwt doctor -a <alias> --admin-org <org>`');
  }
  if ((options.error !== undefined || options.assertion !== undefined) && (options.fix || options.showAssertion)) {
    throw new UsageError('--fix and --show-assertion do not apply to --error or --assertion');
  }
  if (options.passphraseEnv !== undefined && !options.fix) throw new UsageError('--passphrase-env is for --fix (removing the passphrase of a key)', 'add --fix');
  // STYLE §3: each fix is confirmed; where nobody can be asked, --yes is the consent.
  if (options.fix && !ctx.interactive && !ctx.globals.yes) {
    throw new UsageError('--fix changes files and cannot ask for confirmation here', 'add --yes to apply every automatic fix, or run it in a terminal to confirm each one');
  }
}

async function selectedSettings(ctx: CommandContext, options: DoctorOptions, config: ConfigDocument, required: boolean): Promise<DoctorSettings> {
  const explicitAlias = ctx.globals.alias ?? ctx.deps.env.SFJWT_ALIAS;
  const alias = chosenAlias(ctx, config);
  const profile =
    explicitAlias !== undefined ? requireProfile(config, alias, ctx.configDir) : alias !== undefined ? config.profiles[alias] : undefined;
  const settings = gatherSettings({ flags: options, env: ctx.deps.env, ...(profile ? { profile } : {}), cwd: ctx.deps.cwd, useEnv: true });
  if (required && isEmpty(settings)) requireProfile(config, undefined, ctx.configDir);
  return settings;
}

function sharedForRun(): RunShared {
  return { git: runGit, gitRoots: new Map(), parsedKeys: new Map(), parsedCerts: new Map(), probes: new Map(), derived: new Map(), files: new Map() };
}

function checkDeps(ctx: CommandContext): CheckContext['deps'] {
  const { http, now, sleep, signal, platform, env } = ctx.deps;
  return { http, now, sleep, signal, platform, env };
}

// ---- --error -------------------------------------------------------------------------------

async function explainMode(options: DoctorOptions, ctx: CommandContext): Promise<CommandOutcome> {
  const text = options.error ?? '';
  if (text.trim() === '') throw new UsageError('--error needs the error text', 'e.g. sfjwt doctor --error "invalid_grant: invalid assertion"');
  // A profile or flags only make the Setup links point at the org; never required, never fatal.
  let context: Parameters<typeof explainError>[1] = {};
  try {
    const settings = await selectedSettings(ctx, options, await readConfig(ctx.configDir), false);
    const url = settings.loginUrl ? normalizeLoginUrl(settings.loginUrl) : undefined;
    context = {
      ...(url ? { loginUrl: url.url, loginUrlKind: url.kind } : {}),
      ...(settings.appKind ? { appKind: settings.appKind } : {}),
      ...((settings.orgKind ?? url?.orgKindHint) ? { orgKind: (settings.orgKind ?? url?.orgKindHint)! } : {}),
      ...(settings.alias ? { alias: settings.alias } : {}),
    };
  } catch {
    // no usable profile: generic Setup references
  }
  const report = explainError(text, context);
  return outcomeFor(ctx, report, Boolean(options.strict), await renderOptions(ctx, 'sfjwt doctor'));
}

// ---- --assertion ---------------------------------------------------------------------------

async function verifierFor(settings: DoctorSettings): Promise<Pick<AssertionInspection, 'verifier' | 'verifierProblem'>> {
  if (settings.certPath) {
    try {
      const parsed = parseCertificate(await fs.readFile(settings.certPath, 'utf8'), settings.certPath);
      return { verifier: { key: parsed.pem, label: `the certificate ${settings.certPath}` } };
    } catch (error) {
      return { verifierProblem: `cannot verify: ${(error as Error).message}` };
    }
  }
  if (settings.key) {
    try {
      const text = settings.key.kind === 'env' ? settings.key.text : await fs.readFile(settings.key.path, 'utf8');
      const label = settings.key.kind === 'env' ? 'SFJWT_KEY' : settings.key.path;
      return { verifier: { key: parsePrivateKey(text, label).key, label: `the public half of the key ${label}` } };
    } catch (error) {
      return { verifierProblem: `cannot verify: ${(error as Error).message}` };
    }
  }
  return { verifierProblem: 'no certificate to verify against (pass --cert <file>, or -a <alias>)' };
}

async function assertionMode(options: DoctorOptions, ctx: CommandContext): Promise<CommandOutcome> {
  const jwt = options.assertion ?? '';
  if (jwt.trim() === '') throw new UsageError('--assertion needs the JWT', 'e.g. sfjwt doctor --assertion "$ASSERTION" --cert server.crt');
  const settings = await selectedSettings(ctx, options, await readConfig(ctx.configDir), false);
  let loginUrl: string | undefined;
  let orgKind = settings.orgKind;
  try {
    if (settings.loginUrl) {
      const url = normalizeLoginUrl(settings.loginUrl);
      loginUrl = url.url;
      orgKind ??= url.orgKindHint;
    }
  } catch {
    // reported by a normal doctor run; here it only informs the aud check
  }
  const checks = inspectAssertion(jwt, {
    now: ctx.deps.now(),
    ...(await verifierFor(settings)),
    expected: {
      ...(settings.clientId ? { clientId: settings.clientId } : {}),
      ...(settings.username ? { username: settings.username } : {}),
      ...(loginUrl ? { loginUrl } : {}),
      ...(orgKind ? { orgKind } : {}),
    },
    findingContext: { ...(loginUrl ? { loginUrl } : {}), ...(settings.appKind ? { appKind: settings.appKind } : {}) },
  });
  const failing = checks.filter((c) => (c.status === 'fail' || c.status === 'warn') && c.code);
  const report: DoctorReport = {
    alias: settings.alias,
    loginUrl: loginUrl ?? null,
    checks,
    attempts: [],
    working: null,
    diagnosis: failing.filter((c) => c.status === 'fail').map((c) => ({ code: c.code!, cause: c.summary, fix: c.fix?.hint ?? '', setupUrl: c.fix?.url ?? null, command: null })),
    clockSkewSeconds: null,
  };
  return outcomeFor(ctx, report, Boolean(options.strict), await renderOptions(ctx, 'sfjwt doctor --assertion <jwt>'));
}

// ---- one profile ---------------------------------------------------------------------------

function selectionOf(options: DoctorOptions): Selection {
  const only = parseIdList(options.only, '--only');
  const skip = parseIdList(options.skip, '--skip');
  return { ...(only ? { only } : {}), ...(skip ? { skip } : {}), offline: Boolean(options.offline) };
}

async function showAssertion(ctx: CommandContext, settings: DoctorSettings, report: DoctorReport, run: Awaited<ReturnType<typeof runDoctor>>['ctx']): Promise<DoctorReport['assertion']> {
  const key = await run.memo.key();
  const url = run.memo.loginUrl();
  if (!key.ok) return { error: `no assertion: the private key is not usable (${key.message})` };
  if (!url.ok) return { error: `no assertion: ${url.message}` };
  if (!settings.username || !settings.clientId) return { error: 'no assertion: the username and consumer key are needed' };
  const pair =
    report.working ??
    audienceMatrix({
      loginUrl: url.normalized.url,
      orgKind: run.memo.orgKind(),
      ...(settings.fixedAudience ? { fixedAudience: settings.fixedAudience } : {}),
      ...(settings.remembered ? { remembered: settings.remembered } : {}),
    })[0]!;
  const claims = buildClaims({ clientId: settings.clientId.trim(), username: settings.username.trim(), audience: pair.audience, now: ctx.deps.now() });
  return {
    jwt: signAssertion(claims, key.parsed.key),
    tokenUrl: tokenUrl(pair.loginUrl),
    header: { alg: 'RS256', typ: 'JWT' },
    claims: { ...claims },
  };
}

function fixIo(ctx: CommandContext, settings: DoctorSettings, options: DoctorOptions): FixIo {
  const now = ctx.deps.now();
  return {
    // keys/<alias>/backup/<time>/ for a profile; otherwise beside the file, as `cert generate --out-dir` does.
    backupDir: (file) => (settings.alias ? backupDir(ctx.configDir, settings.alias, now) : path.join(path.dirname(file), 'backup', path.basename(backupDir('', '_', now)))),
    async passphrase(file) {
      const name = options.passphraseEnv;
      if (name !== undefined) {
        const value = ctx.deps.env[name];
        if (value === undefined) throw new UsageError(`environment variable ${name} (--passphrase-env) is not set`, `set it to the passphrase of ${file}`);
        return value;
      }
      if (ctx.interactive) return ctx.deps.prompter.password({ id: 'passphrase', message: `Passphrase of ${file}` });
      throw new UsageError(`${file} is protected by a passphrase, which --fix needs to remove it`, 'put the passphrase in an environment variable and pass its name: --passphrase-env VAR (never the passphrase itself)');
    },
  };
}

async function applyFixes(ctx: CommandContext, report: DoctorReport, io: FixIo): Promise<string[]> {
  const applied: string[] = [];
  for (const check of autoFixes(report.checks)) {
    const auto = check.fix!.auto!;
    const consent = ctx.globals.yes || (await ctx.deps.prompter.confirm({ id: `fix-${check.id}`, message: `Apply: ${auto.description}?`, default: true }));
    if (!consent) continue;
    const done = (await auto.apply(io)) ?? auto.description;
    applied.push(done);
    ctx.ui.success(done);
  }
  return applied;
}

/** With --admin/--admin-org (and the network allowed): a reader of the org's records for the Org checks. */
async function orgReader(ctx: CommandContext, options: DoctorOptions, settings: DoctorSettings, selection: Selection) {
  if (!options.admin && options.adminOrg === undefined) return undefined;
  if (selection.offline) throw new UsageError('--admin reads the org over the network; it cannot be combined with --offline');
  const [{ openAdminSession }, { readOrgRecords }] = await Promise.all([import('../admin/session.js'), import('../admin/org-records.js')]);
  const session = (await openAdminSession(options, { env: ctx.deps.env, http: ctx.deps.http, signal: ctx.deps.signal, timeoutMs: settings.timeoutMs }))!;
  const username = settings.username;
  if (!username) throw new UsageError('the Org checks need the run-as username', 'pass --username or -a <alias>');
  const appName = typeof settings.profile?.appName === 'string' ? settings.profile.appName : undefined;
  return () => readOrgRecords(session, { username, ...(appName ? { appName } : {}) });
}

async function singleMode(options: DoctorOptions, ctx: CommandContext): Promise<CommandOutcome> {
  const selection = selectionOf(options);
  const settings = await selectedSettings(ctx, options, await readConfig(ctx.configDir), true);
  const shared = sharedForRun();
  const deps = checkDeps(ctx);
  const org = await orgReader(ctx, options, settings, selection);
  const spinner = ctx.ui.spinner(`Checking ${settings.alias ? `profile ${settings.alias}` : 'the given settings'}${selection.offline ? ' (offline)' : ''}`);
  let run: Awaited<ReturnType<typeof runDoctor>>;
  try {
    run = await runDoctor({ settings, deps, shared, selection, ...(org ? { org } : {}) });
  } finally {
    spinner.stop();
  }
  let report = run.report;
  if (options.fix) {
    const fixed = await applyFixes(ctx, report, fixIo(ctx, settings, options));
    if (fixed.length > 0) {
      // Everything again from fresh reads: a key that now parses lets the checks that needed it run.
      run = await runDoctor({ settings, deps, shared: sharedForRun(), selection });
    }
    report = { ...run.report, fixed };
  }
  if (options.showAssertion) report = { ...report, assertion: await showAssertion(ctx, settings, report, run.ctx) };
  const command = `sfjwt doctor${settings.alias && (ctx.globals.alias || ctx.deps.env.SFJWT_ALIAS) ? ` -a ${settings.alias}` : ''}`;
  return outcomeFor(ctx, report, Boolean(options.strict), await renderOptions(ctx, command, Boolean(options.fix)));
}

// ---- --all ---------------------------------------------------------------------------------

/** Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the output. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function allMode(options: DoctorOptions, ctx: CommandContext): Promise<CommandOutcome> {
  const selection = selectionOf(options);
  const config = await readConfig(ctx.configDir);
  const aliases = Object.keys(config.profiles).sort();
  if (aliases.length === 0) throw new UsageError(`no profiles in ${ctx.configDir}`, 'create one with `sfjwt init`');
  const shared = sharedForRun();
  const deps = checkDeps(ctx);
  // Every request in flight listens on the run's one abort signal: many at once here, by design.
  setMaxListeners(0, ctx.deps.signal);
  const spinner = ctx.ui.spinner(`Checking ${aliases.length} profiles`);
  let rows: ProfileRow[];
  try {
    rows = await mapLimited(aliases, Math.min(ALL_CONCURRENCY, Math.max(1, os.availableParallelism?.() ?? 4) * 8), async (alias): Promise<ProfileRow> => {
      const settings = gatherSettings({ flags: { ...(options.timeout ? { timeout: options.timeout } : {}) }, env: ctx.deps.env, profile: config.profiles[alias]!, cwd: ctx.deps.cwd, useEnv: false });
      try {
        return { alias, report: (await runDoctor({ settings, deps, shared, selection })).report };
      } catch (error) {
        return { alias, error: (error as Error).message };
      }
    });
  } finally {
    spinner.stop();
  }
  const strict = Boolean(options.strict);
  const profiles = rows.map((row) => {
    if (!row.report) return { alias: row.alias, ok: false, exitCode: 1, summary: null, top: null, working: null, error: row.error, report: null };
    const summary = summarize(row.report.checks);
    const exitCode = exitCodeFor(summary, strict);
    // Each profile's full report goes only into JSON: rendering a hundred of them for the table is wasted.
    const report = ctx.globals.json ? reportJson(row.report) : null;
    return { alias: row.alias, ok: exitCode === 0, exitCode, summary, top: topFinding(row.report), working: row.report.working, report };
  });
  const failing = profiles.filter((p) => !p.ok);
  const result = {
    summary: { profiles: profiles.length, ok: profiles.length - failing.length, failing: failing.length },
    profiles,
  };
  const human = renderAllTable(rows, await renderOptions(ctx, 'sfjwt doctor --all'));
  if (failing.length === 0) return { result, human };
  const first = failing[0]!;
  const code = first.top && isFindingCode(first.top.code) ? first.top.code : 'internal';
  return {
    ok: false,
    exitCode: 1,
    result,
    human,
    ...(ctx.globals.json
      ? { error: new CliError(code, `${failing.length} of ${profiles.length} profiles have problems: ${failing.map((p) => p.alias).join(', ')}`, { hint: 'run `sfjwt doctor -a <alias>` for the details and fixes of one profile' }) }
      : {}),
  };
}

export const run: CommandHandler<DoctorOptions> = async (options, ctx) => {
  checkConflicts(options, ctx);
  if (options.error !== undefined) return explainMode(options, ctx);
  if (options.assertion !== undefined) return assertionMode(options, ctx);
  if (options.all) return allMode(options, ctx);
  return singleMode(options, ctx);
};
