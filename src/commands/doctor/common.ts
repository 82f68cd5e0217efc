import type { CommandContext, CommandOutcome } from '../../command.js';
import type { CredentialFlags } from '../../core/credentials.js';
import { requireProfile } from '../../core/select-profile.js';
import { selectProfile } from '../../core/settings.js';
import { CliError } from '../../errors.js';
import { runGit } from '../../doctor/git.js';
import type { RunShared } from '../../doctor/memo.js';
import { renderReport, reportJson, type RenderOptions } from '../../doctor/render.js';
import { exitCodeFor, parseIdList, summarize, type Selection } from '../../doctor/run-checks.js';
import { gatherSettings, isEmpty, type DoctorSettings } from '../../doctor/settings.js';
import type { CheckContext, DoctorReport } from '../../doctor/types.js';
import { createStyle } from '../../ui/style.js';
import type { ConfigDocument } from '../../store/profile.js';

// What the four doctor modes share: the options, settings selection, and turning a report into the command's outcome.

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
  /** The org's own records (--admin): the "Org" checks. */
  admin?: boolean;
  adminOrg?: string;
}

export async function renderOptions(ctx: CommandContext, command: string, fixing = false): Promise<RenderOptions> {
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

export function outcomeFor(ctx: CommandContext, report: DoctorReport, strict: boolean, render: RenderOptions): CommandOutcome {
  const exitCode = exitCodeFor(summarize(report.checks), strict);
  const result = reportJson(report);
  const human = renderReport(report, render);
  if (exitCode === 0) return { result, human };
  return { ok: false, exitCode, result, human, ...(ctx.globals.json ? { error: reportError(report) } : {}) };
}


export async function selectedSettings(ctx: CommandContext, options: DoctorOptions, config: ConfigDocument, required: boolean): Promise<DoctorSettings> {
  const profile = selectProfile(ctx, config);
  const settings = gatherSettings({ flags: options, env: ctx.deps.env, ...(profile ? { profile } : {}), cwd: ctx.deps.cwd, homedir: ctx.deps.homedir, useEnv: true });
  if (required && isEmpty(settings)) requireProfile(config, undefined, ctx.configDir);
  return settings;
}

export function sharedForRun(): RunShared {
  return { git: runGit, gitRoots: new Map(), parsedKeys: new Map(), parsedCerts: new Map(), probes: new Map(), derived: new Map(), files: new Map() };
}

export function checkDeps(ctx: CommandContext): CheckContext['deps'] {
  const { http, now, sleep, signal, platform, env } = ctx.deps;
  return { http, now, sleep, signal, platform, env };
}

export function selectionOf(options: DoctorOptions): Selection {
  const only = parseIdList(options.only, '--only');
  const skip = parseIdList(options.skip, '--skip');
  return { ...(only ? { only } : {}), ...(skip ? { skip } : {}), offline: Boolean(options.offline) };
}
