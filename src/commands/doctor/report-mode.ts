import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../../command.js';
import { buildClaims, signAssertion } from '../../crypto/assertion.js';
import { UsageError } from '../../errors.js';
import { autoFixes } from '../../doctor/render.js';
import { runDoctor, type Selection } from '../../doctor/run-checks.js';
import { type DoctorSettings } from '../../doctor/settings.js';
import type { DoctorReport, FixIo } from '../../doctor/types.js';
import { audienceMatrix, pairText } from '../../salesforce/audience-matrix.js';
import { tokenUrlOf } from '../../salesforce/login-url.js';
import { readConfig } from '../../store/config-store.js';
import { backupDir } from '../../store/paths.js';
import { checkDeps, outcomeFor, renderOptions, selectedSettings, selectionOf, sharedForRun, type DoctorOptions } from './common.js';

// `doctor` for one profile or ad-hoc values: the checks, --fix, --show-assertion, --admin.

async function showAssertion(ctx: CommandContext, settings: DoctorSettings, report: DoctorReport, run: Awaited<ReturnType<typeof runDoctor>>['ctx']): Promise<DoctorReport['assertion']> {
  const key = await run.memo.key();
  const url = run.memo.loginUrl();
  if (!key.ok) return { error: `no assertion: the private key is not usable (${key.message})` };
  if (!url.ok) return { error: `no assertion: ${url.message}` };
  if (!settings.username || !settings.clientId) return { error: 'no assertion: the username and consumer key are needed' };
  const pair =
    report.working ??
    pairText(
      audienceMatrix({
        login: url.normalized,
        orgKind: run.memo.orgKind(),
        ...(settings.fixedAudience ? { fixedAudience: settings.fixedAudience } : {}),
        ...(settings.remembered ? { remembered: settings.remembered } : {}),
      })[0]!,
    );
  const claims = buildClaims({ clientId: settings.clientId.trim(), username: settings.username.trim(), audience: pair.audience, now: ctx.deps.now() });
  return {
    jwt: signAssertion(claims, key.parsed.key),
    tokenUrl: tokenUrlOf(pair.loginUrl),
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
  const [{ openAdminSession }, { readOrgRecords }] = await Promise.all([import('../../admin/session.js'), import('../../admin/org-records.js')]);
  const session = (await openAdminSession(options, { env: ctx.deps.env, http: ctx.deps.http, signal: ctx.deps.signal, timeoutMs: settings.timeoutMs }))!;
  const username = settings.username;
  if (!username) throw new UsageError('the Org checks need the run-as username', 'pass --username or -a <alias>');
  const appName = typeof settings.profile?.appName === 'string' ? settings.profile.appName : undefined;
  return () => readOrgRecords(session, { username, ...(appName ? { appName } : {}) });
}

export async function reportMode(options: DoctorOptions, ctx: CommandContext): Promise<CommandOutcome> {
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
