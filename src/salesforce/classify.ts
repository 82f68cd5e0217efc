import type { TransportError } from '../net/types.js';
import type { FindingCode, TokenCode, TransportCode } from './codes.js';
import { acceptServerUrl, cleanServerText, mayReceiveToken, type TrustAnchor } from './trust.js';

/** The token endpoint's success body. No refresh token, no expires_in. */
export interface TokenResponse {
  accessToken: string;
  instanceUrl: string | null;
  /** Identity URL: `…/id/<orgId>/<userId>`. */
  id: string | null;
  tokenType: string | null;
  scope: string | null;
  issuedAt: string | null;
}

export type TokenClassification =
  | { outcome: 'ok'; httpStatus: number; token: TokenResponse }
  | {
      outcome: TokenCode | TransportCode;
      httpStatus: number;
      error?: string;
      errorDescription?: string;
      /** One line for a person: what happened, with Salesforce's own words kept. */
      message: string;
    };

export interface TokenHttpAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** The URL that was called, named in messages. */
  url: string;
  /** The login URL it belongs to: where instance_url and id may point. */
  login: TrustAnchor;
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[_\s]+/g, ' ')
    .trim();
}

/**
 * Maps Salesforce's `error` / `error_description` to a finding code.
 * Matching is loose and case-insensitive; the order matters where texts overlap.
 */
const RULES: ReadonlyArray<[TokenCode, RegExp]> = [
  ['login-rate-exceeded', /login rate exceeded|rate limit exceeded|login rate limit/],
  ['ip-restricted', /ip restricted|invalid login hours|restricted ip/],
  ['inactive-org', /inactive org|org(anization)? (is )?(inactive|locked|suspended)/],
  ['inactive-user', /inactive user|user (is )?(inactive|frozen|deactivated)/],
  ['user-not-admin-approved', /invalid app access|not admin approved/],
  ['user-not-approved', /(hasn't|hasnt|has not) approved/],
  ['app-not-installed', /app not found|(external )?client app (is )?not installed|not installed in this org|must be installed|oauth approval error generic|oauth ec app not found/],
  ['audience-invalid', /audience (is )?invalid|audience validation failed|invalid audience/],
  ['assertion-expired', /expired authori[sz]ation code|assertion (has )?expired|jwt (has )?expired/],
  ['invalid-assertion', /invalid assertion|invalid signature|assertion (is )?invalid/],
  ['client-id-invalid', /invalid client id|client identifier invalid|invalid client identifier/],
  ['unsupported-grant-type', /unsupported grant type|grant type not supported/],
  ['authentication-failure', /authentication failure/],
];

/** The finding code for an OAuth error answer; `oauth-error` when nothing matches. */
export function codeForOAuthError(error: string | undefined, description: string | undefined): TokenCode {
  const text = normalise(`${error ?? ''} ${description ?? ''}`);
  // Description first (it tells the cases apart), then the error code alone.
  const desc = normalise(description ?? '');
  for (const [code, rule] of RULES) if (desc && rule.test(desc)) return code;
  for (const [code, rule] of RULES) if (rule.test(text)) return code;
  return 'oauth-error';
}

function describeBody(body: string, contentType: string | undefined): string {
  const trimmed = body.trim();
  if (trimmed === '') return 'an empty body';
  if (/html/i.test(contentType ?? '') || /^<(!doctype|html|head|body|\?xml)?/i.test(trimmed)) {
    const title = cleanServerText(/<title[^>]*>([^<]{1,120})<\/title>/i.exec(trimmed)?.[1] ?? '', 120);
    return title ? `an HTML page ("${title}")` : 'an HTML page';
  }
  return 'a non-JSON body';
}

function parseJson(body: string): unknown {
  const trimmed = body.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Classifies the token endpoint's answer: 2xx with an access token is `ok`; a status
 * of 500 or more is `server-error` whatever the body; a JSON error is mapped by codeForOAuthError;
 * anything else (HTML login page, proxy page, empty body, 200 without a token) is
 * `not-token-endpoint`, naming the URL and the status. Never throws.
 */
export function classifyTokenResponse(answer: TokenHttpAnswer): TokenClassification {
  const { status, url } = answer;
  const httpStatus = status;
  if (status >= 500) {
    return { outcome: 'server-error', httpStatus, message: `${url} answered HTTP ${status} (server error).` };
  }
  // Redirects are never followed (README: "What sfjwt trusts"): the assertion was meant for this URL only.
  if (status >= 300 && status < 400) {
    const location = answer.headers.location ? `, redirecting to ${cleanServerText(answer.headers.location, 200)}` : '';
    return { outcome: 'not-token-endpoint', httpStatus, message: `${url} answered HTTP ${status}${location}: not a Salesforce token endpoint (sfjwt follows no redirects).` };
  }
  const json = parseJson(answer.body);
  const object = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (!object) {
    const what = json !== undefined ? 'JSON that is not a token answer' : describeBody(answer.body, answer.headers['content-type']);
    return {
      outcome: 'not-token-endpoint',
      httpStatus,
      message: `${url} answered HTTP ${status} with ${what}: not a Salesforce token endpoint.`,
    };
  }
  const rawError = str(object.error);
  const rawDescription = str(object.error_description);
  const error = rawError === null ? undefined : cleanServerText(rawError, 100);
  const errorDescription = rawDescription === null ? undefined : cleanServerText(rawDescription);
  if (status >= 200 && status < 300 && typeof object.access_token === 'string' && object.access_token !== '' && !error) {
    // instance_url and id become request targets and land in profiles and exported scripts.
    const urls: Record<'instance_url' | 'id', string | null> = { instance_url: null, id: null };
    for (const field of ['instance_url', 'id'] as const) {
      const value = str(object[field]);
      if (value === null) continue;
      const checked = acceptServerUrl(value, answer.login, field === 'instance_url' ? 'origin' : 'url');
      const accepted: typeof checked =
        checked.ok && !mayReceiveToken(checked.url, answer.login)
          ? { ok: false, why: "sfjwt sends an access token only to Salesforce hosts over https, or to the emulator's own address" }
          : checked;
      if (!accepted.ok) {
        return {
          outcome: 'not-token-endpoint',
          httpStatus,
          message: `${url} issued a token with an ${field} sfjwt will not use (${accepted.why}): ${JSON.stringify(cleanServerText(value, 120))}. Not a Salesforce token endpoint.`,
        };
      }
      urls[field] = accepted.url;
    }
    return {
      outcome: 'ok',
      httpStatus,
      token: {
        accessToken: object.access_token,
        instanceUrl: urls.instance_url,
        id: urls.id,
        tokenType: str(object.token_type),
        scope: str(object.scope),
        issuedAt: str(object.issued_at),
      },
    };
  }
  if (error === undefined && errorDescription === undefined) {
    return {
      outcome: 'not-token-endpoint',
      httpStatus,
      message: `${url} answered HTTP ${status} with JSON that has neither an access token nor an OAuth error: not a Salesforce token endpoint.`,
    };
  }
  const outcome = codeForOAuthError(error, errorDescription);
  const said = [error, errorDescription].filter(Boolean).join(': ');
  return {
    outcome,
    httpStatus,
    ...(error !== undefined ? { error } : {}),
    ...(errorDescription !== undefined ? { errorDescription } : {}),
    message: `Salesforce refused the token request (HTTP ${status}): ${said}`,
  };
}

export interface TransportClassification {
  outcome: TransportCode;
  message: string;
  hint?: string;
}

/** Maps a request that never got an HTTP answer to a transport finding, with a specific hint. */
export function classifyTransportError(error: TransportError): TransportClassification {
  const errno = error.errno ?? '';
  const text = `${errno} ${error.message}`;
  switch (error.kind) {
    case 'timeout':
      return { outcome: 'timeout', message: error.message, hint: 'Retry with a longer --timeout, and check proxy settings (HTTPS_PROXY, NO_PROXY).' };
    case 'tls': {
      let hint = 'Check the login URL, any proxy in the way, and the system clock.';
      if (/UNABLE_TO_GET_ISSUER_CERT|unable to get (local )?issuer certificate|SELF_SIGNED_CERT_IN_CHAIN|self[- ]signed certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT/i.test(text)) {
        // Node reads NODE_EXTRA_CA_CERTS once, at start-up: it must be in the environment sfjwt starts with.
        hint =
          "A proxy or antivirus is intercepting TLS with its own CA (or the server's CA is private): export NODE_EXTRA_CA_CERTS=/path/to/that-ca.pem (PEM) before running sfjwt, and retry.";
      } else if (/does not speak TLS/.test(text)) {
        hint = 'Check the scheme and port of the login URL: Salesforce is https:// on port 443; the emulator and other local servers are plain http://.';
      } else if (/EPROTO|wrong version number|ERR_SSL_WRONG_VERSION_NUMBER/i.test(text)) {
        hint = 'The proxy probably speaks plain HTTP: use an http:// URL in HTTPS_PROXY.';
      } else if (/ALTNAME|does not match certificate|Hostname\/IP/i.test(text)) {
        hint = "The server's certificate is for another host: check the login URL.";
      } else if (/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|certificate has expired|not yet valid/i.test(text)) {
        hint = 'The certificate looks expired or not yet valid: check the system clock, or a TLS-intercepting proxy.';
      }
      return { outcome: 'tls-error', message: error.message, hint };
    }
    case 'proxy': {
      let hint = 'The proxy failed: check HTTPS_PROXY / HTTP_PROXY (an http:// proxy URL) and NO_PROXY.';
      if (errno === 'PROXY_AUTH_REQUIRED') {
        hint = /refused the credentials/.test(error.message)
          ? 'Check the user name and password in the proxy URL (URL-encode special characters, e.g. @ as %40).'
          : 'Put the credentials in the proxy URL: HTTPS_PROXY=http://user:password@host:port (URL-encode special characters, e.g. @ as %40).';
      } else if (errno === 'PROXY_REFUSED' && /HTTP 50[234]\b/.test(error.message)) {
        hint = 'The proxy could not reach the host: check the spelling of the My Domain name in the login URL, or the proxy\'s own network.';
      } else if (errno === 'PROXY_REFUSED') {
        hint = 'The proxy does not allow this host: ask for it to be allowed, or list it in NO_PROXY if it is reachable directly.';
      } else if (errno === 'PROXY_URL_INVALID') {
        hint = 'Use an http:// proxy URL, e.g. HTTPS_PROXY=http://proxy.example.com:3128.';
      } else if (/ENOTFOUND|EAI_AGAIN/.test(errno)) {
        hint = 'The proxy host name does not resolve: check HTTPS_PROXY / HTTP_PROXY.';
      } else if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/.test(errno)) {
        hint = 'Nothing accepts connections at the proxy address: check the host and port in HTTPS_PROXY / HTTP_PROXY, or unset them.';
      }
      return { outcome: 'network-error', message: error.message, hint };
    }
    default: {
      let hint = 'Check the network, the login URL, and proxy settings (HTTPS_PROXY, NO_PROXY).';
      if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(text)) {
        hint = 'The host name does not resolve: check the spelling of the My Domain name in the login URL (Setup > My Domain), and DNS or VPN.';
      } else if (/ECONNREFUSED/i.test(text)) hint = 'Nothing accepts connections there: check the host and port of the login URL.';
      else if (/ECONNRESET|socket hang up/i.test(text)) hint = 'The connection was reset: a firewall or proxy may be interfering (HTTPS_PROXY, NO_PROXY).';
      else if (/ENETUNREACH|EHOSTUNREACH/i.test(text)) hint = 'The network is unreachable: check the connection or VPN.';
      else if (errno === 'ERR_INVALID_HTTP_RESPONSE') hint = 'Something other than Salesforce answered: check the host and port of the login URL, and any proxy in the way (HTTPS_PROXY, NO_PROXY).';
      return { outcome: 'network-error', message: error.message, hint };
    }
  }
}

// ---- free text ----------------------------------------------------------------------------------

export interface ExplainedError {
  code: FindingCode;
  /** The OAuth `error` when the text carried one. */
  error: string | null;
  /** Salesforce's description (or the phrase found). */
  errorDescription: string | null;
  /** How many times it appeared (the sf CLI prints one line per tried combination). */
  count: number;
  /** The line it was found on, trimmed. */
  excerpt: string;
  /** From the sf CLI's ` [audience=<aud> login=<host>]` suffix, when present. */
  audience?: string;
  loginUrl?: string;
}

export interface ExplainedText {
  /** Distinct codes, in order of first appearance. */
  codes: FindingCode[];
  matches: ExplainedError[];
}

/** Phrases found in free text (sf CLI output, logs) beyond the OAuth descriptions. */
const PHRASES: ReadonlyArray<[FindingCode, RegExp]> = [
  ['user-not-approved', /user (hasn['\u2019]?t|has not) approved this consumer/gi],
  ['user-not-admin-approved', /user is not admin approved to access this app|invalid_app_access/gi],
  ['app-not-installed', /external client app is not installed in this org|app_not_found|OAUTH_EC_APP_NOT_FOUND|OAUTH_APPROVAL_ERROR_GENERIC/gi],
  ['audience-invalid', /audience is invalid|audience validation failed/gi],
  ['invalid-assertion', /invalid assertion/gi],
  ['assertion-expired', /expired authorization code/gi],
  ['client-id-invalid', /client identifier invalid|invalid_client_id/gi],
  ['unsupported-grant-type', /grant type not supported|unsupported_grant_type/gi],
  ['ip-restricted', /ip restricted(?: or invalid login hours)?/gi],
  ['login-rate-exceeded', /login rate exceeded|rate_limit_exceeded|LOGIN_RATE_EXCEEDED/gi],
  ['inactive-user', /inactive user/gi],
  ['inactive-org', /inactive_org/gi],
  ['authentication-failure', /authentication failure/gi],
  ['api-access-denied', /INVALID_SESSION_ID|API_DISABLED_FOR_ORG|API_CURRENTLY_DISABLED|session is not valid for use with the REST API/gi],
  ['tls-error', /unable to get local issuer certificate|self[- ]signed certificate in certificate chain|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|EPROTO/gi],
  ['network-error', /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|socket hang up/gi],
  ['timeout', /ETIMEDOUT|ESOCKETTIMEDOUT|timed out/gi],
  ['not-token-endpoint', /HTTP response contains html content|ERROR_HTTP_\d{3}/gi],
  ['login-url-invalid', /It should NOT be a lightning domain/gi],
  ['key-invalid', /PEM_read_bio(?:_PrivateKey)?:no start line|no start line|DECODER routines::unsupported/gi],
  ['key-encrypted', /bad decrypt|passphrase required|Passphrase required/gi],
  ['key-missing', /ENOENT[^\n]*\.(?:key|pem)/gi],
];

const QUOTED = String.raw`(["'])((?:\\.|(?!\1)[^\\\n])*)\1`;
const ERROR_FIELD = new RegExp(String.raw`["']error["']\s*:\s*${QUOTED}`, 'g');
const DESCRIPTION_FIELD = new RegExp(String.raw`["']error_description["']\s*:\s*${QUOTED}`, 'g');
const CLI_AUDIENCE = /\[audience=(\S+) login=(\S+?)\]/;

/** The line around `index`, at most ~1000 characters each side (a 1 MB log on one line stays linear). */
function lineAround(text: string, index: number): string {
  const from = Math.max(0, index - 1000);
  const start = from + text.slice(from, index).lastIndexOf('\n') + 1;
  const ahead = text.slice(index, index + 1000);
  const end = ahead.indexOf('\n');
  return text.slice(start, index + (end === -1 ? ahead.length : end)).trim();
}

function unescape(value: string): string {
  return value.replace(/\\(["'\\/])/g, '$1').replace(/\\u([0-9a-f]{4})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Finds Salesforce errors in free text pasted from any tool (`doctor --error`): sf CLI
 * output (§4.2), a JSON body, a Python dict print (`{'error': 'invalid_grant', ...}`), a log line.
 * Returns every code found, in order of first appearance.
 */
export function explainErrorText(text: string): ExplainedText {
  type Hit = { index: number; end: number; code: FindingCode; error: string | null; description: string | null };
  const hits: Hit[] = [];
  const covered: Array<[number, number]> = [];

  // 1. Structured `error` fields (JSON or Python repr), each with the nearest following description.
  const descriptions = [...text.matchAll(DESCRIPTION_FIELD)].map((m) => ({ index: m.index, end: m.index + m[0].length, value: unescape(m[2] ?? '') }));
  const usedDescriptions = new Set<number>();
  let nearFrom = 0; // descriptions before this one are too far behind every later error field
  for (const match of text.matchAll(ERROR_FIELD)) {
    const error = unescape(match[2] ?? '');
    const start = match.index;
    let end = start + match[0].length;
    // The description of the same object: within the next/previous ~400 characters, not used yet.
    while (nearFrom < descriptions.length && descriptions[nearFrom]!.index <= start - 400) nearFrom += 1;
    let at = -1;
    for (let i = nearFrom; i < descriptions.length && descriptions[i]!.index < start + 400; i++) {
      if (!usedDescriptions.has(i)) {
        at = i;
        break;
      }
    }
    const description = at === -1 ? undefined : descriptions[at];
    if (description) usedDescriptions.add(at);
    if (description) end = Math.max(end, description.end);
    const from = description ? Math.min(start, description.index) : start;
    hits.push({ index: from, end, code: codeForOAuthError(error, description?.value), error, description: description?.value ?? null });
    covered.push([from, end]);
  }
  descriptions.forEach((d, i) => {
    if (usedDescriptions.has(i)) return;
    hits.push({ index: d.index, end: d.end, code: codeForOAuthError(undefined, d.value), error: null, description: d.value });
    covered.push([d.index, d.end]);
  });

  // 2. Known phrases anywhere else.
  const mask = new Uint8Array(text.length);
  for (const [from, to] of covered) mask.fill(1, from, to);
  const isCovered = (index: number) => mask[index] === 1;
  for (const [code, pattern] of PHRASES) {
    for (const match of text.matchAll(pattern)) {
      if (isCovered(match.index)) continue;
      hits.push({ index: match.index, end: match.index + match[0].length, code, error: null, description: match[0] });
    }
  }
  // A bare `invalid_grant` (e.g. "invalid_grant - invalid assertion" is caught above) with nothing else.
  if (hits.length === 0) {
    const bare = /\binvalid_grant\b|\binvalid_client\b|\binvalid_request\b/i.exec(text);
    if (bare) hits.push({ index: bare.index, end: bare.index + bare[0].length, code: 'oauth-error', error: bare[0], description: null });
  }

  hits.sort((a, b) => a.index - b.index);
  const matches: ExplainedError[] = [];
  const byKey = new Map<string, ExplainedError>(); // same code, description and CLI suffix: counted once
  for (const hit of hits) {
    const excerpt = lineAround(text, hit.index);
    const cli = CLI_AUDIENCE.exec(excerpt);
    const key = [hit.code, (hit.description ?? '').toLowerCase(), cli?.[1] ?? '', cli?.[2] ?? '', cli ? 'cli' : ''].join('\u0000');
    const same = byKey.get(key);
    if (same) {
      same.count += 1;
      continue;
    }
    const match: ExplainedError = {
      code: hit.code,
      error: hit.error,
      errorDescription: hit.description,
      count: 1,
      excerpt: excerpt.length > 300 ? `${excerpt.slice(0, 297)}...` : excerpt,
      ...(cli ? { audience: cli[1], loginUrl: cli[2] } : {}),
    };
    byKey.set(key, match);
    matches.push(match);
  }
  const codes: FindingCode[] = [];
  for (const match of matches) if (!codes.includes(match.code)) codes.push(match.code);
  return { codes, matches };
}
