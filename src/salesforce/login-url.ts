import { inputError, quoteInput } from '../errors.js';
import type { OrgKind } from './types.js';

export const LOGIN_HOST = 'https://login.salesforce.com';
export const TEST_HOST = 'https://test.salesforce.com';

export type LoginUrlKind = 'my-domain' | 'sandbox-my-domain' | 'generic-login' | 'generic-test' | 'site' | 'loopback' | 'other';

/**
 * A login URL parsed and judged once (normalizeLoginUrl): everything below the settings reads these
 * fields instead of parsing the URL again.
 */
export interface NormalizedLoginUrl {
  /** Origin without a trailing slash; for an Experience Cloud site, origin + site path. */
  readonly url: string;
  /** `scheme://host[:port]`, lower-case, without the site path. */
  readonly origin: string;
  /** The host name, lower-case, without a trailing dot. */
  readonly host: string;
  /** `host[:port]` as in the origin (what messages about the connection name). */
  readonly authority: string;
  readonly kind: LoginUrlKind;
  readonly orgKindHint?: OrgKind;
  /** `acme` for acme.my.salesforce.com and for acme--uat.sandbox.my.salesforce.com. */
  readonly myDomainName?: string;
  /** `uat` for acme--uat.sandbox.my.salesforce.com (usernames there usually end in `.uat`). */
  readonly sandboxName?: string;
  /** The My Domain partition label: `sandbox`, `develop`, `scratch`, `demo`, `patch`, `trailblaze`, `free`. */
  readonly partition?: string;
  /** Where Setup pages live: `https://<name>.my.salesforce-setup.com` for a My Domain (and its site host), the origin otherwise. */
  readonly setupHost: string;
  /** `<url>/services/oauth2/token`. */
  readonly tokenUrl: string;
  /** 127.0.0.0/8, localhost or ::1 (the emulator). */
  readonly loopback: boolean;
  /** https to a Salesforce domain (README: "What sfjwt trusts"): may be sent an assertion with a generic aud. */
  readonly salesforceHttps: boolean;
}

/**
 * My Domain partitions. A plain `<name>.my.salesforce.com` has none.
 * `demo`, `patch` and `free` orgs exist but their kind is not one of ours, so no hint.
 */
const PARTITIONS: Record<string, OrgKind | undefined> = {
  sandbox: 'sandbox',
  develop: 'developer',
  scratch: 'scratch',
  trailblaze: 'developer',
  demo: undefined,
  patch: undefined,
  free: undefined,
};

const MY_DOMAIN = /^([a-z0-9][a-z0-9-]*)\.(?:([a-z]+)\.)?my\.salesforce\.com$/;
const LIGHTNING = /^([a-z0-9][a-z0-9-]*)\.(?:([a-z]+)\.)?lightning\.force\.com$/;
const SETUP = /^([a-z0-9][a-z0-9-]*)\.(?:([a-z]+)\.)?my\.salesforce-setup\.com$/;
const MY_SITE = /^([a-z0-9][a-z0-9-]*)\.(?:([a-z]+)\.)?my\.site\.com$/;
const OAUTH_TOKEN_PATH = '/services/oauth2/token';
// Matched against the lower-cased path: a case-insensitive (/i) regex costs V8 a Unicode case-folding
// set on first use, a few tenths of a millisecond on every start.
const TOKEN_PATH_AT_END = /\/services\/oauth2\/token\/?$/;
const NOT_A_LOGIN_PATH = /^\/(lightning|one|setup|services|_ui|apex|home|secur)(\/|$)/;

/**
 * 127.x.y.z with parts of 1 to `maxDigits` digits. Without a regular expression: counted
 * repetitions such as \d{1,3} are slow for V8 to compile, and this runs on every start.
 */
function isDottedLoopback(host: string, maxDigits: number): boolean {
  const parts = host.split('.');
  const digits = (part: string) => part.length >= 1 && part.length <= maxDigits && [...part].every((c) => c >= '0' && c <= '9');
  return parts.length === 4 && parts[0] === '127' && parts.every(digits);
}

/** 127.0.0.0/8, localhost (and *.localhost), ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  if (host.startsWith('::ffff:')) return isDottedLoopback(host.slice('::ffff:'.length), Infinity);
  return isDottedLoopback(host, 3);
}

/** Registrable domains of Salesforce token and site hosts: a near miss is a typo. */
const SALESFORCE_DOMAINS = ['salesforce.com', 'force.com', 'site.com', 'salesforce-sites.com', 'cloudforce.com', 'database.com', 'salesforce.mil', 'sfcrmproducts.cn'];

/** A host under one of the domains where Salesforce serves token and API hosts. */
export function isSalesforceHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return SALESFORCE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

function invalid(message: string, hint?: string): never {
  throw inputError('login-url-invalid', message, hint);
}

function myDomainHost(label: string, partition: string | undefined): string {
  return `https://${label}.${partition ? `${partition}.` : ''}my.salesforce.com`;
}

function splitLabel(label: string): { myDomainName: string; sandboxName?: string } {
  const at = label.indexOf('--');
  if (at <= 0) return { myDomainName: label };
  return { myDomainName: label.slice(0, at), sandboxName: label.slice(at + 2) || undefined };
}

/**
 * Validates and normalises a login URL. Accepts a bare host. Throws
 * `inputError('login-url-invalid', ...)` with the URL to use instead where one can be inferred.
 */
export function normalizeLoginUrl(input: string): NormalizedLoginUrl {
  const raw = input.trim();
  if (raw === '') invalid('The login URL is empty.', `Pass your My Domain URL, e.g. https://acme.my.salesforce.com`);
  if (/\s/.test(raw)) invalid(`${quoteInput(raw)} is not a URL: it contains spaces.`, 'Pass your My Domain URL, e.g. https://acme.my.salesforce.com');
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw) ? raw : `https://${raw}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return invalid(`${quoteInput(raw)} is not a URL.`, 'Pass your My Domain URL, e.g. https://acme.my.salesforce.com');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    invalid(`${quoteInput(raw)} uses ${parsed.protocol.replace(/:$/, '')}://; a login URL is https:// (http:// only on loopback).`);
  }
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  const loopback = isLoopbackHost(host);
  if (host === '') invalid(`${quoteInput(raw)} has no host name.`);
  if (!loopback && !host.includes('.') && !host.includes(':')) {
    invalid(`${quoteInput(raw)} is not a full host name.`, `If "${host}" is your My Domain name, use https://${host}.my.salesforce.com`);
  }
  if (parsed.username || parsed.password) invalid(`${quoteInput(raw)} contains a user name or password; a login URL never does.`);

  const lightning = LIGHTNING.exec(host);
  if (lightning) {
    const use = myDomainHost(lightning[1]!, lightning[2]);
    invalid(`${parsed.origin} is a Lightning Experience host, not a login URL.`, `Use the My Domain URL instead: ${use}`);
  }
  const setup = SETUP.exec(host);
  if (setup) {
    const use = myDomainHost(setup[1]!, setup[2]);
    invalid(`${parsed.origin} is a Setup host, not a login URL.`, `Use the My Domain URL instead: ${use}`);
  }
  if (parsed.protocol === 'http:' && !loopback) {
    invalid(`${parsed.origin} uses http://; Salesforce login URLs are https:// (http:// is only allowed on loopback).`, `Use https://${parsed.host}`);
  }
  if (parsed.search || raw.includes('?')) {
    invalid(`${quoteInput(raw)} has a query string; a login URL is just the host.`, `Use ${parsed.origin}`);
  }
  if (parsed.hash) invalid(`${quoteInput(raw)} has a #fragment; a login URL is just the host.`, `Use ${parsed.origin}`);

  // Origin (lower-case host, default port dropped) and the path left after the token path is stripped.
  const authority = parsed.host.toLowerCase().replace(/\.(?=:|$)/, '');
  const origin = `${parsed.protocol}//${authority}`;
  // The path is ASCII (percent-encoded), so lower-casing keeps every index.
  const tokenPathAt = parsed.pathname.toLowerCase().search(TOKEN_PATH_AT_END);
  const path = (tokenPathAt >= 0 ? parsed.pathname.slice(0, tokenPathAt) : parsed.pathname).replace(/\/+$/, '');

  const refusePath = (what: string): never =>
    invalid(`${raw} has a path (${parsed.pathname}); ${what} is just the origin.`, `Use ${origin}`);
  if (NOT_A_LOGIN_PATH.test(path.toLowerCase())) refusePath('a login URL');

  // What every kind shares, derived here once for everything below the settings.
  const valueOf = (url: string, kind: LoginUrlKind, hints: LoginUrlHints = {}): NormalizedLoginUrl => ({
    url,
    origin,
    host,
    authority,
    kind,
    ...hints,
    setupHost: setupHostOf(host, origin),
    tokenUrl: tokenUrlOf(url),
    loopback,
    salesforceHttps: parsed.protocol === 'https:' && isSalesforceHost(host),
  });

  const myDomain = MY_DOMAIN.exec(host);
  if (myDomain) {
    if (path) refusePath('a My Domain login URL');
    const label = myDomain[1]!;
    const partition = myDomain[2];
    if (partition !== undefined && !(partition in PARTITIONS)) return valueOf(origin, 'other');
    const { myDomainName, sandboxName } = splitLabel(label);
    // Legacy (non-enhanced) sandbox My Domains: acme--uat.my.salesforce.com.
    const sandbox = partition === 'sandbox' || (partition === undefined && sandboxName !== undefined);
    const hint = partition === undefined ? (sandbox ? 'sandbox' : 'production') : PARTITIONS[partition];
    return valueOf(origin, sandbox ? 'sandbox-my-domain' : 'my-domain', {
      ...(hint ? { orgKindHint: hint } : {}),
      myDomainName,
      ...(sandboxName ? { sandboxName } : {}),
      ...(partition ? { partition } : {}),
    });
  }
  if (host === 'login.salesforce.com') {
    if (path) refusePath('a login URL');
    return valueOf(origin, 'generic-login', { orgKindHint: 'production' });
  }
  if (host === 'test.salesforce.com') {
    if (path) refusePath('a login URL');
    return valueOf(origin, 'generic-test', { orgKindHint: 'sandbox' });
  }
  if (loopback) {
    if (path) refusePath('a loopback login URL');
    return valueOf(origin, 'loopback');
  }
  const site = MY_SITE.exec(host);
  if (site || /\.force\.com$/.test(host)) {
    const names = site ? splitLabel(site[1]!) : undefined;
    return valueOf(`${origin}${path}`, 'site', {
      orgKindHint: 'site',
      ...(names ? { myDomainName: names.myDomainName } : {}),
      ...(names?.sandboxName ? { sandboxName: names.sandboxName } : {}),
      ...(site?.[2] ? { partition: site[2] } : {}),
    });
  }
  // A custom domain or an instance host: keep a path, which may be an Experience Cloud site path.
  return valueOf(`${origin}${path}`, 'other');
}

/** The token endpoint of a normalised `url` held as text (a working pair's, an export's endpoint). */
export function tokenUrlOf(url: string): string {
  return `${url}${OAUTH_TOKEN_PATH}`;
}

type LoginUrlHints = Pick<NormalizedLoginUrl, 'orgKindHint' | 'myDomainName' | 'sandboxName' | 'partition'>;

/** normalizeLoginUrl for a value that was valid once (a profile's): undefined when it no longer is (edited by hand). */
export function normalizedOrUndefined(input: string): NormalizedLoginUrl | undefined {
  try {
    return normalizeLoginUrl(input);
  } catch {
    return undefined;
  }
}

/** `https://<name>.my.salesforce-setup.com` for a My Domain or its site host; the origin otherwise. */
function setupHostOf(host: string, origin: string): string {
  const match = MY_DOMAIN.exec(host) ?? MY_SITE.exec(host);
  if (match && (match[2] === undefined || match[2] in PARTITIONS)) {
    return `https://${match[1]}.${match[2] ? `${match[2]}.` : ''}my.salesforce-setup.com`;
  }
  return origin;
}

/**
 * The Setup host for a login URL held only as text (a report's `loginUrl`, the wizard's answers).
 * Whoever holds a NormalizedLoginUrl reads its `setupHost` instead.
 */
export function setupHost(loginUrl: string): string {
  return normalizedOrUndefined(loginUrl)?.setupHost ?? loginUrl.replace(/\/+$/, '');
}

let genericLogin: NormalizedLoginUrl | undefined;
let genericTest: NormalizedLoginUrl | undefined;

/** The generic login host for an org kind: test for sandboxes and scratch orgs, login otherwise. */
export function genericLoginFor(orgKind: OrgKind): NormalizedLoginUrl {
  // Normalised on first use, not at import: every command starts by importing this module.
  return orgKind === 'sandbox' || orgKind === 'scratch' ? (genericTest ??= normalizeLoginUrl(TEST_HOST)) : (genericLogin ??= normalizeLoginUrl(LOGIN_HOST));
}

/** Edit distance (insert, delete, substitute, swap neighbours) at most `max`; stops early past it. */
function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    if (Math.min(...row) > max) return false;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]! <= max;
}

/** For a host that is not a Salesforce one: the Salesforce domain it is probably a misspelling of. */
function misspeltSalesforceDomain(host: string): string | undefined {
  const labels = host.split('.');
  // The last two and three labels; a short domain allows one slip only, so fewer real domains look like typos.
  for (const n of [2, 3]) {
    if (labels.length < n) continue;
    const tail = labels.slice(-n).join('.');
    const near = SALESFORCE_DOMAINS.find((d) => d !== tail && !host.endsWith(`.${d}`) && withinEdits(tail, d, d.length >= 12 ? 2 : 1));
    if (near) return near;
  }
  return undefined;
}

export interface LoginUrlConcern {
  /** One line: what is odd about the URL. */
  message: string;
  /** Why it matters. */
  cause: string;
  /** What to use instead. */
  hint: string;
}

/**
 * The one judgement of a valid login URL, shared by doctor (a warning) and the wizard (asks to
 * confirm): a generic login host with an External Client App (or an app kind not chosen yet,
 * whose default is one), and a host that looks like a misspelt Salesforce domain.
 */
export function loginUrlConcern(url: NormalizedLoginUrl, appKind: 'eca' | 'connected-app' | undefined): LoginUrlConcern | undefined {
  if ((url.kind === 'generic-login' || url.kind === 'generic-test') && appKind !== 'connected-app') {
    return {
      message: `${url.url} is a generic login host; External Client Apps are often only found through the org's My Domain`,
      cause: 'login.salesforce.com and test.salesforce.com cannot always resolve an External Client App, which then answers "External client app is not installed in this org"; its Setup pages are on the My Domain too.',
      hint: 'Use the My Domain URL (Setup → My Domain), e.g. https://acme.my.salesforce.com',
    };
  }
  if (url.kind === 'other') {
    const near = misspeltSalesforceDomain(url.host);
    if (near) {
      return {
        message: `${url.host} is not a Salesforce host; is it a misspelling of ${near}?`,
        cause: 'My Domain login URLs end in .my.salesforce.com (sandboxes: .sandbox.my.salesforce.com); a misspelt host fails to resolve or answers with something that is not Salesforce.',
        hint: 'Check the spelling against Setup → My Domain, e.g. https://acme.my.salesforce.com',
      };
    }
  }
  return undefined;
}
