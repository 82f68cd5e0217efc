import type { PublicAttempt } from '../salesforce/exchange.js';
import type { VerificationEvent, VerificationResult } from '../salesforce/verify.js';
import type { Narrator } from './output.js';

/** Live narration of a verification: one line per attempt, a countdown while waiting for propagation. */
export function verificationProgress(ui: Narrator, verbose: boolean): (event: VerificationEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'attempt':
        if (event.attempt.outcome === 'ok') ui.debug(`  token endpoint ${event.attempt.loginUrl} with aud ${event.attempt.audience}: ok`);
        else if (verbose || event.round === 1) {
          ui.info(`  ${ui.color.dim(`${event.attempt.loginUrl} aud=${event.attempt.audience}:`)} ${event.message}`);
        }
        break;
      case 'waiting':
        ui.info(
          `  ${ui.color.yellow(ui.symbols.warn)} ${event.code}: may be propagation (2-10 min after a change); retrying in ${event.seconds} s (${formatDuration(event.remainingSeconds)} left; Ctrl-C to stop)`,
        );
        break;
      case 'identity':
        ui.debug(`  identity from ${event.source}${event.url ? ` (${event.url})` : ''}`);
        break;
      case 'api':
        ui.debug(`  API call ${event.url}: ${event.ok ? 'ok' : `HTTP ${event.httpStatus ?? 'no answer'}`}`);
        break;
      default:
        break;
    }
  };
}

/** Whole seconds as "45 s" or, from a minute on, "m:ss" ("10:00"). */
export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}:${String(s).padStart(2, '0')}` : `${s} s`;
}

/** Milliseconds as "0.8 s", "12.3 s" or, from a minute on, "m:ss". */
export function formatElapsed(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(Math.round(ms / 1000));
}

const tries = (n: number) => `${n} ${n === 1 ? 'try' : 'tries'}`;

/** How long the verification took and how often it asked: rounds only when the propagation wait made more than one. */
export function renderEffort(result: Pick<VerificationResult, 'elapsedMs' | 'rounds' | 'attempts'>): string {
  const time = formatElapsed(result.elapsedMs);
  if (result.rounds <= 1) return `${time}, ${tries(result.attempts.length)}`;
  return `${time}, ${result.rounds} rounds while the change propagated (${tries(result.attempts.length)} in the last)`;
}

export function renderVerificationSuccess(result: VerificationResult): string {
  const rows: [string, string][] = [
    ['user', `${result.username}${result.displayName ? ` (${result.displayName})` : ''}${result.userId ? `, ${result.userId}` : ''}`],
    ['org', `${result.organizationId ?? 'unknown'}${result.isSandbox === null ? '' : result.isSandbox ? ' (sandbox)' : ' (production)'}`],
    ['instance URL', result.instanceUrl],
    ['token endpoint', result.tokenUrl],
    ['audience', result.audience],
    ['scope', result.scope ?? '-'],
    ['REST API', result.apiVersion ? `${result.apiVersion} answered with the token` : 'not called (`sfjwt doctor` checks API access)'],
    ['clock skew', result.clockSkewSeconds === null ? 'unknown' : `${result.clockSkewSeconds} s`],
    ['time', renderEffort(result)],
  ];
  return [`Verified: JWT bearer login works.`, ...rows.map(([k, v]) => `  ${k.padEnd(15)} ${v}`)].join('\n');
}

export function renderAttempts(attempts: PublicAttempt[]): string[] {
  return attempts.map(
    (a) => `${a.outcome === 'ok' ? 'ok' : a.outcome.padEnd(0)}  ${a.loginUrl} aud=${a.audience}${a.httpStatus ? ` HTTP ${a.httpStatus}` : ''}${a.errorDescription ? `: ${a.error ?? ''} ${a.errorDescription}` : ''}`,
  );
}
