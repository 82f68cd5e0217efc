/** What every export format is rendered from: one profile (or ad-hoc SFJWT_* values), resolved. */
import { audienceMatrix, type LoginPair } from '../salesforce/audience-matrix.js';
import { LOGIN_HOST, TEST_HOST, type NormalizedLoginUrl } from '../salesforce/login-url.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';

export interface AccessGrant {
  kind: 'profile' | 'permission-set';
  names: string[];
}

export interface ExportValues {
  alias?: string;
  /** Normalised login URL (My Domain, login/test, site, loopback). */
  loginUrl: string;
  orgKind: OrgKind;
  appKind: AppKind;
  username: string;
  clientId?: string;
  /** Absolute key path; undefined when the key only exists in SFJWT_KEY. */
  keyPath?: string;
  /** Token endpoint host of the pair to use, and the `aud` that goes with it. */
  endpoint: string;
  audience: string;
  /** verified: `sfjwt verify` saw it work; fixed: SFJWT_AUDIENCE; default: the likely pair, untested. */
  audienceSource: AudienceSource;
  /** Base64 of the PEM on one line; only with --include-key. */
  keyBase64?: string;
  /** The certificate PEM (metadata formats). */
  certPem?: string;
  /** API name of the app in metadata. */
  appName: string;
  contactEmail: string;
  /** Where REST calls go (the last verified instance URL, else the login URL). */
  instanceUrl: string;
  /** `uat` for acme--uat.sandbox.my.salesforce.com. */
  sandboxName?: string;
  /** Who is pre-authorised; undefined → a placeholder in the metadata. */
  access?: AccessGrant;
  /** The sfjwt version writing the file (CI exports install exactly this one). */
  sfjwtVersion: string;
}

export type AudienceSource = 'verified' | 'fixed' | 'default';

export interface WorkingPair {
  endpoint: string;
  audience: string;
  source: AudienceSource;
}

/**
 * The pair a snippet should use: the fixed audience (SFJWT_AUDIENCE), else the pair `verify`
 * remembered, else the first pair of the audience matrix that fits the app kind (an ECA wants the
 * My Domain as aud; a Connected App wants login/test), flagged as not verified.
 */
export function workingPair(input: {
  login: NormalizedLoginUrl;
  orgKind: OrgKind;
  appKind: AppKind;
  fixedAudience?: string;
  remembered?: LoginPair;
}): WorkingPair {
  const pairs = audienceMatrix({ login: input.login, orgKind: input.orgKind, fixedAudience: input.fixedAudience, remembered: input.remembered });
  const first = pairs[0];
  if (input.remembered && first && sameUrl(first.login.url, input.remembered.login.url) && sameUrl(first.audience, input.remembered.audience)) {
    return { endpoint: first.login.url, audience: first.audience, source: 'verified' };
  }
  if (input.fixedAudience && first) return { endpoint: first.login.url, audience: first.audience, source: 'fixed' };
  const generic = (url: string) => sameUrl(url, LOGIN_HOST) || sameUrl(url, TEST_HOST);
  const guess =
    input.appKind === 'connected-app' ? pairs.find((p) => generic(p.audience)) : pairs.find((p) => sameUrl(p.audience, p.login.url));
  const pair = guess ?? first ?? { login: input.login, audience: input.login.url };
  return { endpoint: pair.login.url, audience: pair.audience, source: 'default' };
}

export function sameUrl(a: string, b: string): boolean {
  return a.trim().replace(/\/+$/, '').toLowerCase() === b.trim().replace(/\/+$/, '').toLowerCase();
}

/**
 * A metadata API name (letters, digits, single underscores, starting with a letter, at most 40):
 * `sfjwt_prod` for alias "prod".
 */
export function appNameFor(alias: string | undefined): string {
  const base = `sfjwt_${alias ?? 'integration'}`
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return base.slice(0, 40).replace(/_$/, '');
}

/**
 * A mailbox for the app's contact email: the username minus a sandbox suffix
 * (`ops@acme.com.uat` → `ops@acme.com`) — a guess the README asks to check.
 */
export function contactEmailFor(username: string, sandboxName?: string): string {
  if (sandboxName && username.toLowerCase().endsWith(`.${sandboxName.toLowerCase()}`)) {
    return username.slice(0, -(sandboxName.length + 1));
  }
  return username;
}
