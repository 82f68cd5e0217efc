/**
 * The `aud` rule, per app kind (see salesforce/audience-matrix.ts for the client side).
 *
 * The emulator's base URL plays the org's My Domain. A loopback audience matches it when it has an
 * http or https scheme, host 127.0.0.1 or localhost, the emulator's port, and no path beyond an
 * optional trailing slash (the sf CLI sends `https://127.0.0.1:<port>/` for
 * `--instance-url http://127.0.0.1:<port>`).
 *
 * - External Client App: aud must be the My Domain. `https://login.salesforce.com` /
 *   `https://test.salesforce.com` → 400 `app_not_found` "External client app is not installed in
 *   this org" (the 2026 reports, [REP S30–S32]); anything else → "audience is invalid".
 * - Connected App: aud must be `https://login.salesforce.com` in production or
 *   `https://test.salesforce.com` in a sandbox. The other generic host, or the My Domain, →
 *   "audience is invalid" (the 2023–24 reports, [REP S33–S37]).
 * - Any kind: an array, a non-string, or a value without a scheme → "audience is invalid" [SRC/REP S14].
 *
 * With these rules the audience matrix is meaningful: attempt 1 (My Domain, My Domain) works for an
 * ECA; attempt 2 (My Domain, login|test) works for a Connected App.
 */
import type { AppKind } from './types.js';

export const LOGIN_AUDIENCE = 'https://login.salesforce.com';
export const TEST_AUDIENCE = 'https://test.salesforce.com';

export type AudienceVerdict = 'ok' | 'audience-invalid' | 'app-not-installed';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

function parseUrl(value: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function effectivePort(url: URL): string {
  if (url.port) return url.port;
  return url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '';
}

function isBareOrigin(url: URL): boolean {
  return (url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '' && !url.username;
}

/** Whether `aud` designates the emulator's base URL (its My Domain). */
export function isMyDomainAudience(aud: string, baseUrl: string): boolean {
  const audUrl = parseUrl(aud);
  const base = parseUrl(baseUrl);
  if (!audUrl || !base || !isBareOrigin(audUrl)) return false;
  if (audUrl.protocol !== 'http:' && audUrl.protocol !== 'https:') return false;
  const baseHost = base.hostname.toLowerCase();
  const audHost = audUrl.hostname.toLowerCase();
  if (LOOPBACK_HOSTS.has(baseHost)) {
    // Loopback: either scheme, either loopback name, same port.
    return LOOPBACK_HOSTS.has(audHost) && audUrl.port === base.port;
  }
  return audUrl.protocol === base.protocol && audHost === baseHost && effectivePort(audUrl) === effectivePort(base);
}

/** `login` / `test` when `aud` is one of the generic hosts (https, optional trailing slash). */
export function genericAudience(aud: string): 'login' | 'test' | undefined {
  const url = parseUrl(aud);
  if (!url || url.protocol !== 'https:' || !isBareOrigin(url) || url.port) return undefined;
  const host = url.hostname.toLowerCase();
  if (host === 'login.salesforce.com') return 'login';
  if (host === 'test.salesforce.com') return 'test';
  return undefined;
}

export function checkAudience(aud: unknown, kind: AppKind, ctx: { baseUrl: string; isSandbox: boolean }): AudienceVerdict {
  if (typeof aud !== 'string' || aud.trim() === '') return 'audience-invalid';
  if (!parseUrl(aud)) return 'audience-invalid';
  const generic = genericAudience(aud);
  if (kind === 'eca') {
    if (isMyDomainAudience(aud, ctx.baseUrl)) return 'ok';
    if (generic) return 'app-not-installed';
    return 'audience-invalid';
  }
  if (generic === (ctx.isSandbox ? 'test' : 'login')) return 'ok';
  return 'audience-invalid';
}
