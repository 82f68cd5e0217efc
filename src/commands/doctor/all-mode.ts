import { setMaxListeners } from 'node:events';
import os from 'node:os';
import type { CommandContext, CommandOutcome } from '../../command.js';
import { CliError, UsageError } from '../../errors.js';
import { renderAllTable, reportJson, topFinding, type ProfileRow } from '../../doctor/render.js';
import { exitCodeFor, runDoctor, summarize } from '../../doctor/run-checks.js';
import { gatherSettings } from '../../doctor/settings.js';
import { isFindingCode } from '../../salesforce/codes.js';
import { readConfig } from '../../store/config-store.js';
import { checkDeps, renderOptions, selectionOf, sharedForRun, type DoctorOptions } from './common.js';

// `doctor --all`: every profile at once, one table row each.

/** Profiles diagnosed at once by --all: enough to hide latency, few enough for sockets and CPU. */
export const ALL_CONCURRENCY = 16;

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

export async function allMode(options: DoctorOptions, ctx: CommandContext): Promise<CommandOutcome> {
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
