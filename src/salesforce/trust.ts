import { isLoopbackHost } from './login-url.js';

/**
 * What sfjwt believes of a server (README: "What sfjwt trusts"): where an access token or an assertion may go, which
 * URLs from a token answer it accepts, and how server text is made safe to print. No I/O.
 */

/** Domains under which Salesforce serves token and API hosts. */
const SALESFORCE_DOMAINS = [
  'salesforce.com',
  'force.com',
  'site.com',
  'salesforce-sites.com',
  'cloudforce.com',
  'database.com',
  'salesforce.mil',
  'sfcrmproducts.cn',
];

export function isSalesforceHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return SALESFORCE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * May a request carrying the access token (or a generic-audience assertion) go to `url`? Only over
 * https to a Salesforce host, or, when the login URL is a loopback one (the emulator), to that very
 * host and port: never to another loopback host or port, never from https down to http.
 */
export function mayReceiveToken(url: string, loginUrl: string): boolean {
  const target = parse(url);
  const login = parse(loginUrl);
  if (!target || !login || target.username || target.password) return false;
  if (isLoopbackHost(login.hostname)) return target.protocol === login.protocol && target.host.toLowerCase() === login.host.toLowerCase();
  return target.protocol === 'https:' && isSalesforceHost(target.hostname);
}

/** May an assertion whose `aud` is a generic host (login/test) be posted to this login URL? */
export function mayReceiveGenericAssertion(loginUrl: string): boolean {
  const login = parse(loginUrl);
  if (!login) return false;
  return isLoopbackHost(login.hostname) || (login.protocol === 'https:' && isSalesforceHost(login.hostname));
}

// C0 and C1 controls and DEL; Unicode bidi overrides and isolates, which reorder what a terminal shows.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * `instance_url` / `id` from a token answer, accepted only as https URLs without control
 * characters or credentials (http too when the login URL is a loopback one, the emulator). An
 * instance URL must be an origin. Returns the URL to use, or why it is refused.
 */
export function acceptServerUrl(value: string, loginUrl: string, kind: 'origin' | 'url'): { ok: true; url: string } | { ok: false; why: string } {
  if (CONTROL.test(value)) return { ok: false, why: 'it holds control characters' };
  const url = parse(value);
  if (!url) return { ok: false, why: 'it is not a URL' };
  const loopbackLogin = isLoopbackHost(parse(loginUrl)?.hostname ?? '');
  if (url.protocol !== 'https:' && !(loopbackLogin && url.protocol === 'http:')) return { ok: false, why: 'it is not an https URL' };
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
