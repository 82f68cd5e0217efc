import type { AudiencePair } from '../salesforce/audience-matrix.js';
import type { FindingCode } from '../salesforce/codes.js';
import type { PublicAttempt } from '../salesforce/exchange.js';
import { findingFor, type FindingContext } from '../salesforce/findings.js';
import type { NormalizedLoginUrl } from '../salesforce/login-url.js';
import { setupPageUrl } from '../salesforce/setup-pages.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';
import { AFTER_TOKEN, EXCHANGE_FAILED, type Facts, type Row } from './diagnosis-table.js';
import { aliasFlag } from './outcome.js';
import type { CheckResult, Diagnosis } from './types.js';

export interface DiagnosisInput {
  attempts: readonly PublicAttempt[];
  working: AudiencePair | null;
  /** The verification's reported failure (the most informative attempt, or the API step). */
  failure?: { code: FindingCode; message: string };
  checks: readonly Pick<CheckResult, 'id' | 'status' | 'code' | 'summary' | 'fix'>[];
  appKind?: AppKind;
  login?: NormalizedLoginUrl;
  orgKind?: OrgKind;
  fixedAudience?: string;
  clockSkewSeconds: number | null;
  certPath?: string;
  /** The profile in use: suggested commands then carry `-a <alias>`. */
  alias?: string | null;
}

/**
 * Combines the token attempts with the local findings into the most likely causes, most likely
 * first, each with its fix and the Setup page on the org's own host. The ranking is the table in
 * diagnosis-table.ts; this evaluates it. Pure: data in, data out.
 */
export function diagnose(input: DiagnosisInput): Diagnosis[] {
  const out: Diagnosis[] = [];
  const push = (d: Diagnosis) => {
    if (!out.some((o) => o.code === d.code && o.cause === d.cause)) out.push(d);
  };
  // Worked out once: every finding of the diagnosis links Setup pages on it.
  const context: FindingContext = {
    ...(input.login ? { setupHost: input.login.setupHost } : {}),
    ...(input.appKind ? { appKind: input.appKind } : {}),
    ...(input.alias ? { alias: input.alias } : {}),
  };
  const fromFinding = (code: FindingCode, over: Partial<Diagnosis> = {}): Diagnosis => {
    const info = findingFor(code, context);
    return {
      code,
      cause: over.cause ?? info.causes[0] ?? info.title,
      fix: over.fix ?? info.fixes[0] ?? info.title,
      setupUrl: over.setupUrl !== undefined ? over.setupUrl : info.setupUrl ?? null,
      command: over.command ?? null,
    };
  };

  const failure = input.failure;
  if (failure) {
    const facts = factsFor(input, failure, context);
    const table = input.working ? AFTER_TOKEN : EXCHANGE_FAILED;
    for (const row of table.rows[failure.code] ?? table.otherwise) {
      if (row.when && !row.when(facts)) continue;
      if (row.expand) {
        for (const d of row.expand(facts)) push(d);
        continue;
      }
      const code = row.code ?? failure.code;
      const info = findingFor(code, context);
      const text = (spec: Row['cause'], list: string[]) => (typeof spec === 'number' ? list[spec] ?? list[0] : spec?.(facts));
      push(fromFinding(code, {
        ...optional('cause', text(row.cause, info.causes)),
        ...optional('fix', text(row.fix, info.fixes)),
        ...(row.setupUrl ? { setupUrl: row.setupUrl(facts) } : {}),
        ...optional('command', row.command?.(facts) ?? undefined),
      }));
    }
  }

  // Local failures (alone when offline or when they kept the exchange from running).
  for (const check of input.checks) {
    if ((check.status !== 'fail' && check.status !== 'crash') || !check.code) continue;
    // The exchange's own failure was diagnosed above, with the local evidence.
    if (check.id === 'token-exchange' || check.id === 'api-access') continue;
    if (out.some((d) => d.code === check.code)) continue;
    push(fromFinding(check.code, { cause: check.summary, ...(check.fix ? { fix: check.fix.hint } : {}), ...(check.fix?.command ? { command: check.fix.command } : {}) }));
  }
  return out;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** The questions the table's rows ask of one input, answered once. */
function factsFor(input: DiagnosisInput, failure: Facts['failure'], context: FindingContext): Facts {
  const a = aliasFlag(input.alias);
  const failed = input.attempts.filter((attempt) => attempt.outcome !== 'ok');
  const ca = input.appKind === 'connected-app';
  return {
    input,
    failure,
    context,
    failed,
    flagged: (code) => input.checks.find((c) => c.code === code && (c.status === 'warn' || c.status === 'fail')),
    statusOf: (id) => input.checks.find((c) => c.id === id)?.status,
    every: (...codes) => failed.length > 0 && failed.every((attempt) => (codes as string[]).includes(attempt.outcome)),
    page: (eca, connected = eca) => (context.setupHost ? setupPageUrl(ca ? connected : eca, context.setupHost) : null),
    byApp: (eca, connected) =>
      input.appKind === 'eca' ? eca : ca ? connected : `External Client App: ${eca} Connected App: ${connected}`,
    // Trying a changed value: verify takes it as a flag on top of the profile (never doctor inside doctor).
    tryWith: (flags) => `sfjwt verify${a} ${flags}`,
    waitCommand: `sfjwt verify${a} --wait 600`,
    renewCommand: `sfjwt cert renew${a}`,
    uploadPage: findingFor('invalid-assertion', context).setupUrl ?? null,
    myDomainHint: input.login?.myDomainName ? `https://${input.login.myDomainName}.my.salesforce.com` : 'https://<MyDomain>.my.salesforce.com',
    certLabel: input.certPath ?? 'the certificate',
    finding: (code) => findingFor(code, context),
  };
}
