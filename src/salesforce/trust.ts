import { isLoopbackHost, isSalesforceHost, type NormalizedLoginUrl } from './login-url.js';

/**
 * What sfjwt believes of a server (README: "What sfjwt trusts"): where an access token or an assertion may go, which
 * URLs from a token answer it accepts, and how server text is made safe to print. No I/O.
 */

export { isSalesforceHost } from './login-url.js';

/** The side a decision trusts: a login URL (normalised once), or the admin instance (serverOrigin). */
export type TrustAnchor = Pick<NormalizedLoginUrl, 'origin' | 'loopback'>;

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** The anchor for a URL that is not a login URL (the admin instance): parsed, as any server-given URL is. */
export function serverOrigin(url: string): TrustAnchor | undefined {
  const parsed = parse(url);
  return parsed && { origin: parsed.origin, loopback: isLoopbackHost(parsed.hostname) };
}

/**
 * May a request carrying the access token (or a generic-audience assertion) go to `url` (server-given,
 * so parsed here)? Only over https to a Salesforce host, or, when the login URL is a loopback one
 * (the emulator), to that very origin: never to another loopback host or port, never from https down to http.
 */
export function mayReceiveToken(url: string, login: TrustAnchor): boolean {
  const target = parse(url);
  if (!target || target.username || target.password) return false;
  if (login.loopback) return target.origin === login.origin;
  return target.protocol === 'https:' && isSalesforceHost(target.hostname);
}

/** May an assertion whose `aud` is a generic host (login/test) be posted to this login URL? */
export function mayReceiveGenericAssertion(login: Pick<NormalizedLoginUrl, 'loopback' | 'salesforceHttps'>): boolean {
  return login.loopback || login.salesforceHttps;
}

// C0 and C1 controls and DEL; Unicode bidi overrides and isolates, which reorder what a terminal shows.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * `instance_url` / `id` from a token answer, accepted only as https URLs without control
 * characters or credentials (http too when the login URL is a loopback one, the emulator). An
 * instance URL must be an origin. Returns the URL to use, or why it is refused.
 */
export function acceptServerUrl(value: string, login: Pick<TrustAnchor, 'loopback'>, kind: 'origin' | 'url'): { ok: true; url: string } | { ok: false; why: string } {
  if (CONTROL.test(value)) return { ok: false, why: 'it holds control characters' };
  const url = parse(value);
  if (!url) return { ok: false, why: 'it is not a URL' };
  if (url.protocol !== 'https:' && !(login.loopback && url.protocol === 'http:')) return { ok: false, why: 'it is not an https URL' };
  if (url.username || url.password) return { ok: false, why: 'it carries credentials' };
  if (kind === 'origin') {
    if (url.pathname !== '/' || url.search || url.hash) return { ok: false, why: 'it is not an origin (scheme, host and port only)' };
    return { ok: true, url: url.origin };
  }
  return { ok: true, url: url.href };
}

// ANSI/VT escape sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u001b[@-_]?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * Server text (an `error_description`, a page title, a REST message) made safe for a terminal
 * and a log line: escape sequences removed, other control characters (line breaks included)
 * become one space, and the length is capped.
 */
export function cleanServerText(text: string, max = 300): string {
  const clean = text.replace(ESCAPES, '').replace(CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
