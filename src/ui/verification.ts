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

export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
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
    ['time', `${result.elapsedMs} ms, ${result.attempts.length} attempt${result.attempts.length === 1 ? '' : 's'}`],
  ];
  return [`Verified: JWT bearer login works.`, ...rows.map(([k, v]) => `  ${k.padEnd(15)} ${v}`)].join('\n');
}

export function renderAttempts(attempts: PublicAttempt[]): string[] {
  return attempts.map(
    (a) => `${a.outcome === 'ok' ? 'ok' : a.outcome.padEnd(0)}  ${a.loginUrl} aud=${a.audience}${a.httpStatus ? ` HTTP ${a.httpStatus}` : ''}${a.errorDescription ? `: ${a.error ?? ''} ${a.errorDescription}` : ''}`,
  );
}
