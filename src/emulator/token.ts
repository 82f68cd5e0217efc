/**
 * `POST /services/oauth2/token` with the JWT bearer grant, validated in the order of Salesforce's checks
 * (the "most informative attempt" ranking of salesforce/rank.ts: furthest check last):
 *
 *   1. POST, form-urlencoded body            → unsupported_grant_type
 *   2. grant_type = JWT bearer URN           → unsupported_grant_type
 *   3. assertion is a compact JWS, RS256     → invalid_grant "invalid assertion"
 *   4. iss → a known, propagated app         → invalid_client_id "client identifier invalid"
 *   5. app installed in the org              → app_not_found
 *   6. aud rule of the app kind              → invalid_grant "audience is invalid" | app_not_found
 *   7. signature vs the app's current cert   → invalid_grant "invalid assertion"
 *   8. exp a number, > server now            → invalid_grant "expired authorization code"
 *   9. sub (prn wins) → a user of this org   → invalid_grant "user hasn't approved this consumer"
 *  10. org active                            → inactive_org (uncertain, see ERRORS)
 *  11. Permitted Users policy + assignment   → invalid_app_access | "user hasn't approved this consumer"
 *  12. user active                           → invalid_grant "inactive user"
 *  13. profile IP ranges (ipRelaxation)      → invalid_grant "ip restricted"
 *  14. High Assurance session policy         → invalid_grant (text unknown, see ERRORS)
 *  15. login rate per user per hour          → invalid_grant "login rate exceeded"
 */
import { createHash, createHmac, createPublicKey, type KeyObject } from 'node:crypto';
import { decodeJwt, JWT_BEARER_GRANT, verifyRs256, type DecodedJwt } from '../crypto/assertion.js';
import { checkAudience } from './audience.js';
import { currentCertificate, findApp, findUser, isAppVisible } from './state.js';
import type { EmulatorState, OAuthError, RequestLogEntry } from './types.js';

/** Access-token lifetime: the default session timeout. */
const publicKeys = new Map<string, KeyObject | string>();

/**
 * The certificate's public key, decoded once per certificate rather than per request (doctor --all
 * sends hundreds). A certificate that does not decode stays a string, which verifyRs256 rejects.
 */
function publicKeyOf(certPem: string): KeyObject | string {
  let key = publicKeys.get(certPem);
  if (key === undefined) {
    try {
      key = createPublicKey(certPem);
    } catch {
      key = certPem;
    }
    if (publicKeys.size >= 64) publicKeys.clear();
    publicKeys.set(certPem, key);
  }
  return key;
}

export const SESSION_SECONDS = 2 * 60 * 60;
const HOUR_MS = 60 * 60 * 1000;

function oauthError(error: string, description: string, status = 400): OAuthError {
  return { status, error, description };
}

/** Salesforce's own `error` / `error_description` pairs. */
export const ERRORS = {
  /** [INF] what Salesforce answers to a GET on the token endpoint. */
  mustPost: oauthError('invalid_request', 'must use HTTP POST'),
  unsupportedGrantType: oauthError('unsupported_grant_type', 'grant type not supported'),
  invalidAssertion: oauthError('invalid_grant', 'invalid assertion'),
  clientIdInvalid: oauthError('invalid_client_id', 'client identifier invalid'),
  /** For ECAs (reported). For Connected Apps the real answer to an uninstalled app is uncertain. */
  appNotInstalled: oauthError('app_not_found', 'External client app is not installed in this org'),
  audienceInvalid: oauthError('invalid_grant', 'audience is invalid'),
  expired: oauthError('invalid_grant', 'expired authorization code'),
  userNotApproved: oauthError('invalid_grant', "user hasn't approved this consumer"),
  notAdminApproved: oauthError('invalid_app_access', 'user is not admin approved to access this app'),
  inactiveUser: oauthError('invalid_grant', 'inactive user'),
  /** Uncertain: `inactive_org` comes from general OAuth error lists; the JWT-flow text is unverified. */
  inactiveOrg: oauthError('inactive_org', 'organization is inactive'),
  ipRestricted: oauthError('invalid_grant', 'ip restricted'),
  /** The exact text for a High-Assurance block is unknown; this is a plausible one. */
  highAssurance: oauthError('invalid_grant', 'high assurance session required'),
  loginRateExceeded: oauthError('invalid_grant', 'login rate exceeded'),
} as const;

export type TokenOutcome =
  | { ok: true; body: Record<string, string> }
  | { ok: false; error: OAuthError };

function isFormEncoded(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function mintAccessToken(state: EmulatorState): string {
  state.tokenCounter += 1;
  const digest = createHash('sha512').update(`${state.seed}:${state.tokenCounter}`).digest('base64');
  const body = digest.replace(/\+/g, '.').replace(/\//g, '_').replace(/=+$/, '');
  return `${state.org.orgId.slice(0, 15)}!AQ${body}`;
}

function subjectOf(claims: Record<string, unknown>): unknown {
  // `prn` is accepted for backward compatibility, and wins over `sub` when both are present.
  return claims.prn !== undefined ? claims.prn : claims.sub;
}

function pruneLogins(state: EmulatorState, key: string, nowMs: number): number[] {
  const recent = (state.logins[key] ?? []).filter((t) => t > nowMs - HOUR_MS);
  state.logins[key] = recent;
  return recent;
}

/**
 * Validates one token request and, on success, issues and remembers a token.
 * `now` is the real time (propagation, login rate); `serverNow` the offset server clock (exp, issued_at).
 */
export function handleTokenRequest(
  state: EmulatorState,
  request: { method: string; contentType: string | undefined; body: string },
  now: Date,
  serverNow: Date,
  log: RequestLogEntry,
): TokenOutcome {
  const fail = (error: OAuthError): TokenOutcome => ({ ok: false, error });

  if (request.method !== 'POST') return fail(ERRORS.mustPost);
  // A JSON body, or a proxy that dropped the form, reads as a missing grant type.
  if (!isFormEncoded(request.contentType)) return fail(ERRORS.unsupportedGrantType);
  const form = Object.fromEntries(new URLSearchParams(request.body));
  log.form = form;
  if (form.grant_type !== JWT_BEARER_GRANT) return fail(ERRORS.unsupportedGrantType);

  let jwt: DecodedJwt;
  try {
    jwt = decodeJwt(form.assertion ?? '');
  } catch {
    return fail(ERRORS.invalidAssertion);
  }
  log.assertionHeader = jwt.header;
  log.claims = jwt.claims;
  const { header, claims } = jwt;
  if (header.alg !== 'RS256') return fail(ERRORS.invalidAssertion);

  const app = typeof claims.iss === 'string' ? findApp(state, claims.iss) : undefined;
  if (!app || !isAppVisible(app, now)) return fail(ERRORS.clientIdInvalid);
  if (!app.config.installed) return fail(ERRORS.appNotInstalled);

  const audience = checkAudience(claims.aud, app.config.kind, { baseUrl: state.baseUrl, isSandbox: state.org.isSandbox });
  if (audience === 'app-not-installed') return fail(ERRORS.appNotInstalled);
  if (audience === 'audience-invalid') return fail(ERRORS.audienceInvalid);

  const cert = currentCertificate(app, now);
  if (!cert || !verifyRs256(jwt, publicKeyOf(cert))) return fail(ERRORS.invalidAssertion);

  // exp is compared as NumericDate seconds with no upper bound: a value in milliseconds (the sf CLI's
  // `Date.now() + 300`) is simply far in the future and accepted, as Salesforce does. A missing or
  // non-numeric exp is treated as a malformed assertion [INF].
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return fail(ERRORS.invalidAssertion);
  if (claims.exp <= serverNow.getTime() / 1000) return fail(ERRORS.expired);

  const subject = subjectOf(claims);
  if (typeof subject !== 'string' || subject.trim() === '') return fail(ERRORS.invalidAssertion);
  // A username of another org (e.g. a sandbox suffix sent to production) reads as not approved.
  const user = findUser(state, subject);
  if (!user) return fail(ERRORS.userNotApproved);

  if (!state.org.active) return fail(ERRORS.inactiveOrg);

  const inList = (list: string[]): boolean => list.some((u) => u.toLowerCase() === user.username.toLowerCase());
  if (app.config.policy === 'admin' && !inList(app.config.assignedUsernames)) return fail(ERRORS.notAdminApproved);
  if (app.config.policy === 'self' && !inList(app.config.approvedUsernames)) return fail(ERRORS.userNotApproved);

  if (!user.active) return fail(ERRORS.inactiveUser);
  // JWT logins honour the profile's login IP ranges unless the app relaxes them.
  if (user.ipRestricted && app.config.ipRelaxation === 'enforce') return fail(ERRORS.ipRestricted);
  // A High Assurance session requirement blocks flows without a user step, JWT included.
  if (app.config.highAssurance) return fail(ERRORS.highAssurance);

  const key = user.username.toLowerCase();
  const recent = pruneLogins(state, key, now.getTime());
  if (recent.length >= state.simulate.loginRateLimitPerHour) return fail(ERRORS.loginRateExceeded);
  recent.push(now.getTime());

  const accessToken = mintAccessToken(state);
  const issuedAtMs = serverNow.getTime();
  const scopes = [...app.config.scopes];
  state.tokens[accessToken] = {
    username: user.username,
    userId: user.userId,
    clientId: app.config.clientId,
    scopes,
    issuedAtMs,
    expiresAtMs: issuedAtMs + SESSION_SECONDS * 1000,
  };
  const id = `${state.baseUrl}/id/${state.org.orgId}/${user.userId}`;
  const issuedAt = String(issuedAtMs);
  // Salesforce signs id + issued_at with the consumer secret; the emulator has none, so it uses the key.
  const signature = createHmac('sha256', app.config.clientId).update(id + issuedAt).digest('base64');
  return {
    ok: true,
    body: {
      access_token: accessToken,
      signature,
      scope: scopes.join(' '),
      instance_url: state.baseUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    },
  };
}
