import type { Style } from '../ui/style.js';
import type { Symbols } from '../ui/symbols.js';
import { describeAttempt } from './checks/token-exchange.js';
import { summarize } from './run-checks.js';
import { CATEGORY_TITLES, type CheckFix, type CheckResult, type CheckStatus, type DoctorReport, type Summary } from './types.js';

export interface RenderOptions {
  color: Style;
  symbols: Symbols;
  verbose: boolean;
  /** How to re-run this report (`sfjwt doctor -a acme`). */
  command: string;
  /** --fix was given (the next-step line then does not suggest it). */
  fixing?: boolean;
}

export function symbolFor(status: CheckStatus, o: Pick<RenderOptions, 'color' | 'symbols'>): string {
  const { color: c, symbols: s } = o;
  switch (status) {
    case 'pass':
      return c.green(s.pass);
    case 'warn':
      return c.yellow(s.warn);
    case 'fail':
      return c.red(s.fail);
    case 'crash':
      return c.red(s.crash);
    default:
      return c.dim(s.skip);
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "7 passed, 1 warning, 1 failed (9 checks)". */
export function renderSummaryLine(summary: Summary): string {
  const parts = [`${summary.pass} passed`];
  if (summary.warn) parts.push(plural(summary.warn, 'warning'));
  if (summary.fail) parts.push(`${summary.fail} failed`);
  if (summary.crash) parts.push(`${summary.crash} crashed`);
  if (summary.skip) parts.push(`${summary.skip} skipped`);
  const total = summary.pass + summary.warn + summary.fail + summary.crash + summary.skip;
  return `${parts.join(', ')} (${plural(total, 'check')})`;
}

export function autoFixes(checks: readonly CheckResult[]): CheckResult[] {
  return checks.filter((c) => (c.status === 'warn' || c.status === 'fail') && c.fix?.auto);
}

/** The closing line: what to run next. */
export function renderNextStep(report: DoctorReport, options: Pick<RenderOptions, 'command' | 'fixing'>): string {
  const summary = summarize(report.checks);
  const fixes = autoFixes(report.checks).length;
  if (summary.crash > 0) return `A check crashed: this is a bug in sfjwt, please report it (with \`${options.command} --verbose --json\`).`;
  if (fixes > 0 && !options.fixing) {
    const byHand = report.checks.some((c) => (c.status === 'warn' || c.status === 'fail') && !c.fix?.auto);
    return `Run \`${options.command} --fix\` to apply ${plural(fixes, 'automatic fix', 'automatic fixes')}${byHand ? ', then fix the rest by hand' : ''}.`;
  }
  if (summary.fail > 0 || summary.warn > 0) return `Re-run \`${options.command}\` after fixing.`;
  const alias = report.alias ? ` -a ${report.alias}` : '';
  return report.working ? `All good. Next: \`sfjwt export --format sf${alias}\` (or \`sfjwt token${alias}\`).` : `No problems found. Re-run \`${options.command}\` without --offline/--only to test the login too.`;
}

/**
 * A fix, each thing said once: the hint, the command unless the hint already spells it, the automatic
 * fix unless it is that same command (then the hint says --fix does it) or the hint already offers --fix.
 */
function renderFix(fix: CheckFix, o: RenderOptions, indent: string): string[] {
  const { color: c } = o;
  const lines = [`${c.dim(o.symbols.hint)} ${fix.hint}`];
  if (fix.url) lines.push(`  Setup: ${fix.url}`);
  if (fix.command && !fix.hint.includes(fix.command)) lines.push(`  Run: ${fix.command}`);
  if (fix.auto) {
    const said = lines.some((line) => line.includes(fix.auto!.description));
    if (said) lines[lines.length - 1] += c.dim(' (--fix does this)');
    else if (!fix.hint.includes('--fix')) lines.push(`  Automatic fix (--fix): ${fix.auto.description}`);
  }
  return lines.map((line) => `${indent}${line}`);
}

function renderCheck(check: CheckResult, o: RenderOptions, report: DoctorReport): string[] {
  const { color: c } = o;
  const lines = [`  ${symbolFor(check.status, o)} ${c.bold(check.title)}: ${check.status === 'skip' ? c.dim(check.summary) : check.summary}`];
  const indent = '      ';
  const nonPass = check.status === 'warn' || check.status === 'fail' || check.status === 'crash';
  if (nonPass && check.fix) lines.push(...renderFix(check.fix, o, indent));
  // Every attempt of a failed exchange is the evidence: always shown.
  const attempts = check.id === 'token-exchange' && (check.status === 'fail' || o.verbose) ? report.attempts : [];
  if (attempts.length > 0) {
    lines.push(`${indent}Attempts:`);
    for (const attempt of attempts) lines.push(`${indent}  ${attempt.outcome === 'ok' ? c.green(o.symbols.pass) : c.red(o.symbols.fail)} ${describeAttempt(attempt)}`);
  }
  if (o.verbose) {
    const details = check.id === 'token-exchange' ? [] : check.details;
    for (const detail of details) lines.push(c.dim(`${indent}${detail}`));
    if (nonPass) for (const cause of check.causes) lines.push(c.dim(`${indent}cause: ${cause}`));
  }
  return lines;
}

/** The flutter-doctor style report: categories, one line per check, fixes under non-passes, diagnosis, summary, next step. */
export function renderReport(report: DoctorReport, o: RenderOptions): string {
  const { color: c } = o;
  const lines: string[] = [];
  const target = [report.alias ? `profile ${report.alias}` : 'no profile (flags and environment)', report.loginUrl].filter(Boolean).join(' · ');
  lines.push(c.bold(`sfjwt doctor · ${target}`));
  let category: string | undefined;
  for (const check of report.checks) {
    if (check.category !== category) {
      category = check.category;
      lines.push('', c.bold(CATEGORY_TITLES[check.category]));
    }
    lines.push(...renderCheck(check, o, report));
  }
  if (report.working) lines.push('', `Working pair: token endpoint ${report.working.loginUrl}, aud ${report.working.audience}`);
  if (report.diagnosis.length > 0) {
    lines.push('', c.bold('Diagnosis (most likely first)'));
    // A local failure's fix was printed under its check: the diagnosis only ranks it.
    const shown = new Set(report.checks.filter((check) => check.status !== 'pass' && check.fix).map((check) => check.fix!.hint));
    report.diagnosis.forEach((d, i) => {
      lines.push(`  ${i + 1}. ${d.cause} ${c.dim(`[${d.code}]`)}`);
      if (shown.has(d.fix)) return;
      lines.push(`     ${c.dim(o.symbols.hint)} ${d.fix}`);
      if (d.setupUrl) lines.push(`     Setup: ${d.setupUrl}`);
      if (d.command && !d.fix.includes(d.command)) lines.push(`     Run: ${d.command}`);
    });
  }
  if (report.fixed && report.fixed.length > 0) {
    lines.push('', c.bold('Applied'));
    for (const fix of report.fixed) lines.push(`  ${c.green(o.symbols.pass)} ${fix}`);
  }
  if (report.assertion) {
    lines.push('', c.bold('Assertion (a credential for 180 s: do not share it)'));
    if ('error' in report.assertion) lines.push(`  ${report.assertion.error}`);
    else {
      lines.push(`  token URL: ${report.assertion.tokenUrl}`);
      lines.push(`  header: ${JSON.stringify(report.assertion.header)}`);
      lines.push(`  claims: ${JSON.stringify(report.assertion.claims)}`);
      lines.push(report.assertion.jwt);
    }
  }
  lines.push('', renderSummaryLine(summarize(report.checks)), renderNextStep(report, o));
  return lines.join('\n');
}

/** The doctor result (README: "sfjwt doctor"): `fix` is always an object (all null on a pass) so scripts can read fix.hint. */
export function reportJson(report: DoctorReport): Record<string, unknown> {
  return {
    alias: report.alias,
    loginUrl: report.loginUrl,
    summary: summarize(report.checks),
    checks: report.checks.map((check) => ({
      id: check.id,
      title: check.title,
      category: check.category,
      status: check.status,
      ...(check.code ? { code: check.code } : {}),
      summary: check.summary,
      details: check.details,
      causes: check.causes,
      fix: {
        hint: check.fix?.hint ?? null,
        url: check.fix?.url ?? null,
        command: check.fix?.command ?? null,
        auto: Boolean(check.fix?.auto),
      },
    })),
    attempts: report.attempts,
    working: report.working,
    diagnosis: report.diagnosis,
    clockSkewSeconds: report.clockSkewSeconds,
    ...(report.fixed ? { fixed: report.fixed } : {}),
    ...(report.assertion ? { assertion: report.assertion } : {}),
  };
}

export interface ProfileRow {
  alias: string;
  report?: DoctorReport;
  /** The profile could not be diagnosed at all (e.g. unreadable settings). */
  error?: string;
}

export function topFinding(report: DoctorReport): { code: string; summary: string } | null {
  const top = report.diagnosis[0];
  if (top) return { code: top.code, summary: top.cause };
  const warn = report.checks.find((c) => c.status === 'warn' || c.status === 'crash');
  return warn ? { code: warn.code ?? warn.id, summary: warn.summary } : null;
}

function statusOf(summary: Summary): CheckStatus {
  if (summary.crash) return 'crash';
  if (summary.fail) return 'fail';
  if (summary.warn) return 'warn';
  return 'pass';
}

/** `doctor --all`: one row per profile and a closing count. */
export function renderAllTable(rows: readonly ProfileRow[], o: RenderOptions): string {
  const width = Math.max(5, ...rows.map((r) => r.alias.length));
  const lines = [o.color.bold(`${'ALIAS'.padEnd(width)}  STATUS  PASS WARN FAIL SKIP  TOP FINDING`)];
  let failing = 0;
  let warning = 0;
  for (const row of rows) {
    if (!row.report) {
      failing += 1;
      lines.push(`${row.alias.padEnd(width)}  ${symbolFor('fail', o)} ${'fail'.padEnd(5)}  ${''.padEnd(19)}  ${row.error ?? ''}`);
      continue;
    }
    const summary = summarize(row.report.checks);
    const status = statusOf(summary);
    if (status === 'fail' || status === 'crash') failing += 1;
    else if (status === 'warn') warning += 1;
    const top = topFinding(row.report);
    const label = `${symbolFor(status, o)} ${status.padEnd(5)}`;
    const counts = [summary.pass, summary.warn, summary.fail + summary.crash, summary.skip].map((n) => String(n).padEnd(4)).join(' ');
    const finding = top ? `${top.code}: ${top.summary}` : '-';
    lines.push(`${row.alias.padEnd(width)}  ${label}  ${counts}  ${finding.length > 110 ? `${finding.slice(0, 107)}...` : finding}`);
  }
  const ok = rows.length - failing - warning;
  lines.push('', `${plural(rows.length, 'profile')}: ${ok} ok, ${warning} with warnings, ${failing} failing.`);
  lines.push(failing + warning > 0 ? `Run \`sfjwt doctor -a <alias>\` for the details and fixes of one profile.` : 'All profiles log in.');
  return lines.join('\n');
}
