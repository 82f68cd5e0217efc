import type { FindingCode } from './codes.js';

/**
 * "Most informative attempt" (README: "Finding codes"): when several audience attempts fail differently, report the
 * one that got furthest through Salesforce's checks. Furthest first.
 *
 * - The ten specific codes come first, in the order README "Finding codes" gives, except `inactive-org`, which sits right
 *   after `inactive-user`: it means the org was found and its state is known, a definite answer
 *   that no other pair can improve on.
 * - The other token-endpoint answers (`authentication-failure`, `oauth-error`,
 *   `unsupported-grant-type`) sit between `audience-invalid` and `app-not-installed`: they are real
 *   Salesforce answers from a real token endpoint, so they beat transport failures and "this host
 *   does not know the app" (`app-not-installed`, `client-id-invalid`), but they say less about
 *   which check failed than the specific codes above them. `unsupported-grant-type` is last of
 *   the three: the request shape was refused before any credential was looked at.
 * - Transport failures last: an HTTP answer (`not-token-endpoint`, `server-error`) beats none, and
 *   a TLS handshake beats a timeout beats a connection that never opened.
 * - `api-access-denied` never comes from the token endpoint; if it shows up it means a token was
 *   issued, so it ranks above every token failure. `ok` ranks above everything.
 */
export const RANK_ORDER: readonly (FindingCode | 'ok')[] = [
  'ok',
  'api-access-denied',
  'login-rate-exceeded',
  'ip-restricted',
  'inactive-user',
  'inactive-org',
  'user-not-admin-approved',
  'user-not-approved',
  'assertion-expired',
  'invalid-assertion',
  'audience-invalid',
  'authentication-failure',
  'oauth-error',
  'unsupported-grant-type',
  'app-not-installed',
  'client-id-invalid',
  'not-token-endpoint',
  'server-error',
  'tls-error',
  'timeout',
  'network-error',
];

/** Smaller is more informative; codes not in the order (local, usage) rank last. */
export function rankOf(outcome: FindingCode | 'ok'): number {
  const index = RANK_ORDER.indexOf(outcome);
  return index === -1 ? RANK_ORDER.length : index;
}

/**
 * The most informative of the attempts (the earliest one on a tie), or undefined for none.
 * A successful attempt, if any, wins.
 */
export function mostInformative<T extends { outcome: FindingCode | 'ok' }>(attempts: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const attempt of attempts) {
    if (best === undefined || rankOf(attempt.outcome) < rankOf(best.outcome)) best = attempt;
  }
  return best;
}
