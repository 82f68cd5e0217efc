import { UsageError } from '../errors.js';
import type { AudiencePair } from '../salesforce/audience-matrix.js';
import type { PublicAttempt } from '../salesforce/exchange.js';
import { skewSeconds } from './checks/clock-skew.js';
import { ORG_CHECKS, orgDiagnosis } from './checks/org.js';
import { diagnose } from './diagnose.js';
import { aliasFlag } from './outcome.js';
import { createMemo, type RunShared } from './memo.js';
import { CHECKS } from './registry.js';
import type { DoctorSettings } from './settings.js';
import type { Check, CheckContext, CheckOutcome, CheckResult, DoctorReport, Summary } from './types.js';

/** Local checks only read files: anything slower is a hang, i.e. a bug. */
export const LOCAL_CHECK_TIMEOUT_MS = 10_000;

export interface Selection {
  /** Check ids or finding codes; undefined = all. */
  only?: readonly string[];
  skip?: readonly string[];
  offline: boolean;
}

export function matchesCheck(check: Check, token: string): boolean {
  return check.id === token || (check.codes as readonly string[]).includes(token);
}

/** `a,b , c` → ['a','b','c']; unknown ids or codes are a usage error naming the known ones. */
export function parseIdList(value: string | undefined, flag: string, checks: readonly Check[] = [...CHECKS, ...ORG_CHECKS]): string[] | undefined {
  if (value === undefined) return undefined;
  const tokens = value.split(',').map((t) => t.trim()).filter(Boolean);
  if (tokens.length === 0) throw new UsageError(`${flag} needs at least one check id or finding code`, `e.g. ${flag} key-permissions,token-exchange`);
  const unknown = tokens.filter((t) => !checks.some((c) => matchesCheck(c, t)));
  if (unknown.length > 0) {
    throw new UsageError(`${flag}: unknown check or finding code ${unknown.map((u) => `"${u}"`).join(', ')}`, `checks: ${checks.map((c) => c.id).join(', ')}`);
  }
  return tokens;
}

function result(check: Check, outcome: CheckOutcome | Omit<CheckResult, 'id' | 'title' | 'category'>): CheckResult {
  const status = outcome.status;
  return {
    id: check.id,
    title: check.title,
    category: check.category,
    status,
    ...(outcome.code ? { code: outcome.code } : {}),
    summary: outcome.summary,
    details: outcome.details ?? [],
    causes: outcome.causes ?? [],
    ...(outcome.fix ? { fix: outcome.fix } : {}),
    satisfies: outcome.satisfies ?? (status === 'pass' || status === 'warn'),
  };
}

function skipped(check: Check, summary: string): CheckResult {
  return result(check, { status: 'skip', summary, satisfies: false });
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RunChecksOutput {
  /** What the report shows, in registry order. */
  shown: CheckResult[];
  /** Everything that ran, including prerequisites run only to decide the shown ones. */
  byId: Map<string, CheckResult>;
}

/**
 * Runs the selected checks (and, silently, their prerequisites) concurrently. Each check waits for
 * its prerequisites and is skipped with the reason when one is not satisfied; each runs under a
 * timeout; a throw becomes `crash`. Results come back in registry order.
 */
export async function runChecks(checks: readonly Check[], ctx: CheckContext, selection: Selection): Promise<RunChecksOutput> {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const userSkipped = new Set(checks.filter((c) => selection.skip?.some((t) => matchesCheck(c, t))).map((c) => c.id));
  const selected = checks.filter((c) => !selection.only || selection.only.some((t) => matchesCheck(c, t)));

  const toRun = new Set<string>();
  const add = (id: string) => {
    if (toRun.has(id) || userSkipped.has(id)) return;
    const check = byId.get(id);
    if (!check) return;
    toRun.add(id);
    for (const dep of check.requires ?? []) add(dep);
  };
  for (const check of selected) add(check.id);

  const running = new Map<string, Promise<CheckResult>>();
  const runOne = (check: Check): Promise<CheckResult> => {
    const existing = running.get(check.id);
    if (existing) return existing;
    const promise = (async (): Promise<CheckResult> => {
      if (check.network && selection.offline) return skipped(check, 'skipped: --offline (run without it to check)');
      for (const dep of check.requires ?? []) {
        const prerequisite = byId.get(dep)!;
        if (!toRun.has(dep)) return skipped(check, `skipped: needs "${prerequisite.title}", which --skip turned off`);
        const before = await runOne(prerequisite);
        if (!before.satisfies) {
          const why = before.status === 'skip' ? 'was skipped' : before.status === 'crash' ? 'crashed' : 'failed';
          return skipped(check, `skipped: "${prerequisite.title}" ${why}`);
        }
      }
      const limit = check.network ? ctx.settings.timeoutMs * 12 + 5_000 : LOCAL_CHECK_TIMEOUT_MS;
      try {
        const outcome = await withTimeout(check.run(ctx), limit);
        if (outcome === 'timeout') {
          return check.network
            ? result(check, { status: 'fail', code: 'timeout', summary: `did not finish within ${Math.round(limit / 1000)} s`, fix: { hint: 'Retry with a longer --timeout, and check proxy settings (HTTPS_PROXY, NO_PROXY).' } })
            : result(check, { status: 'crash', summary: `did not finish within ${limit / 1000} s: this is a bug in sfjwt, please report it`, details: [], causes: [], satisfies: false });
        }
        return result(check, outcome);
      } catch (error) {
        // Ctrl-C is a cancellation (exit 130), not a crash of the check.
        if (ctx.deps.signal.aborted) throw error;
        return result(check, {
          status: 'crash',
          summary: `crashed (${(error as Error)?.message ?? String(error)}): this is a bug in sfjwt, please report it`,
          details: error instanceof Error && error.stack ? error.stack.split('\n').slice(0, 6) : [],
          causes: [],
          satisfies: false,
        });
      }
    })();
    running.set(check.id, promise);
    return promise;
  };

  const ran = new Map<string, CheckResult>();
  await Promise.all([...toRun].map(async (id) => ran.set(id, await runOne(byId.get(id)!))));
  const shown = selected.map((check) => ran.get(check.id) ?? skipped(check, 'skipped: --skip (remove it to run this check)'));
  return { shown, byId: ran };
}

export function summarize(checks: readonly CheckResult[]): Summary {
  const summary: Summary = { pass: 0, warn: 0, fail: 0, skip: 0, crash: 0 };
  for (const check of checks) summary[check.status] += 1;
  return summary;
}

/** 1 on any failure or crash (`--strict`: warnings too), else 0. */
export function exitCodeFor(summary: Summary, strict: boolean): 0 | 1 {
  return summary.fail > 0 || summary.crash > 0 || (strict && summary.warn > 0) ? 1 : 0;
}

export interface DoctorRunInput {
  settings: DoctorSettings;
  deps: CheckContext['deps'];
  shared: RunShared;
  selection: Selection;
  checks?: readonly Check[];
  /** With an admin session: the org's records, and the "Org" checks run after the others. */
  org?: () => Promise<import('../admin/org-records.js').OrgRecords>;
}

/**
 * The key/certificate check runs before the login and cannot tell which side is stale. A token means
 * Salesforce verified this key's signature, so the app holds a certificate of this key: the local
 * certificate file is the stale one, and nothing needs uploading.
 */
export function withLoginEvidence(check: CheckResult, working: AudiencePair | null, settings: Pick<DoctorSettings, 'alias' | 'certPath'>): CheckResult {
  if (check.id !== 'key-cert-match' || check.status !== 'fail' || !working) return check;
  const cert = settings.certPath ?? 'the certificate file';
  const command = `sfjwt cert renew${aliasFlag(settings.alias)}`;
  return {
    ...check,
    status: 'warn',
    summary: `${cert} was not made from this private key, yet Salesforce accepted the key's signature: the app holds a certificate of this key, so the local file is the stale one`,
    causes: ['The certificate file was replaced or regenerated after the upload, or belongs to another key pair; the app still holds the certificate of this key.'],
    fix: { hint: `Replace the local file with a certificate made from this key: \`${command}\`. No upload is needed: the app already holds a certificate of this key.`, command },
    satisfies: true,
  };
}

/** One profile's doctor: its own memo, the checks, then the diagnosis over everything that ran. */
export async function runDoctor(input: DoctorRunInput): Promise<{ report: DoctorReport; ctx: CheckContext }> {
  const memo = createMemo(input.settings, input.deps, input.shared);
  const ctx: CheckContext = { deps: input.deps, settings: input.settings, memo, ...(input.org ? { org: once(input.org) } : {}) };
  const checked = input.checks ?? (input.org ? [...CHECKS, ...ORG_CHECKS] : CHECKS);
  const { shown, byId } = await runChecks(checked, ctx, input.selection);

  let attempts: PublicAttempt[] = [];
  let working: AudiencePair | null = null;
  let failure: Parameters<typeof diagnose>[0]['failure'];
  const exchanged = byId.get('token-exchange');
  if (exchanged && (exchanged.status === 'pass' || exchanged.status === 'fail') && exchanged.code !== 'timeout') {
    const { outcome } = await memo.verification();
    if (outcome.ok) {
      attempts = outcome.result.attempts;
      working = { loginUrl: outcome.result.loginUrl, audience: outcome.result.audience };
    } else {
      attempts = outcome.attempts;
      working = outcome.working;
      failure = { code: outcome.code, message: outcome.message };
    }
  }
  for (const check of checked) {
    const before = byId.get(check.id);
    if (before) byId.set(check.id, withLoginEvidence(before, working, input.settings));
  }
  const reported = shown.map((check) => byId.get(check.id) ?? check);
  let clockSkewSeconds: number | null = null;
  if (byId.get('clock-skew')?.satisfies || byId.get('clock-skew')?.code === 'clock-skew') {
    const probe = await memo.probe();
    clockSkewSeconds = skewSeconds(probe.response?.headers.date, probe.receivedAt);
  }
  const url = memo.loginUrl();
  const guessed = diagnose({
    attempts,
    working,
    ...(failure ? { failure } : {}),
    checks: checked.flatMap((c) => byId.get(c.id) ?? []),
    ...(input.settings.appKind ? { appKind: input.settings.appKind } : {}),
    ...(url.ok ? { login: url.normalized } : {}),
    orgKind: memo.orgKind(),
    ...(input.settings.fixedAudience ? { fixedAudience: input.settings.fixedAudience } : {}),
    clockSkewSeconds,
    ...(input.settings.certPath ? { certPath: input.settings.certPath } : {}),
    alias: input.settings.alias,
  });
  const recorded = orgDiagnosis(reported);
  const diagnosis = [...recorded, ...guessed.filter((d) => !recorded.some((r) => r.code === d.code))];
  return {
    report: {
      alias: input.settings.alias,
      loginUrl: url.ok ? url.normalized.url : null,
      checks: reported,
      attempts,
      working,
      diagnosis,
      clockSkewSeconds,
    },
    ctx,
  };
}

/** The first call's promise, shared by every later call (one read of the org per profile). */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
}
