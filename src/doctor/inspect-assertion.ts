import type { KeyObject } from 'node:crypto';
import { decodeJwt, JwtFormatError, verifyRs256, type DecodedJwt } from '../crypto/assertion.js';
import type { FindingCode } from '../salesforce/codes.js';
import { findingFor, type FindingContext } from '../salesforce/findings.js';
import { LOGIN_HOST, normalizeLoginUrl, TEST_HOST } from '../salesforce/login-url.js';
import type { OrgKind } from '../salesforce/types.js';
import type { CheckOutcome, CheckResult } from './types.js';

export interface AssertionExpectations {
  clientId?: string;
  username?: string;
  /** Normalised login URL of the profile / flags. */
  loginUrl?: string;
  orgKind?: OrgKind;
}

export interface AssertionInspection {
  now: Date;
  /** What to verify the signature with: the certificate (preferred) or the key's public half. */
  verifier?: { key: string | KeyObject; label: string };
  /** Why there is no verifier (no cert/key given, or it could not be read). */
  verifierProblem?: string;
  expected: AssertionExpectations;
  findingContext: FindingContext;
}

const USERNAME = /^[^\s@]+@[^\s@]+$/;
/** Beyond this, exp is surely milliseconds (year 5138 in seconds). */
const MS_THRESHOLD = 100_000_000_000;

/**
 * `doctor --assertion <jwt>`: decodes a JWT made by another tool and checks what Salesforce
 * checks: RS256, iss, sub, aud (one string with scheme), exp in seconds and
 * in the future, and the signature against the certificate. The JWT itself is never echoed.
 */
export function inspectAssertion(jwt: string, input: AssertionInspection): CheckResult[] {
  const results: CheckResult[] = [];
  const add = (id: string, title: string, outcome: CheckOutcome) => {
    results.push({
      id,
      title,
      category: 'assertion',
      status: outcome.status,
      ...(outcome.code ? { code: outcome.code } : {}),
      summary: outcome.summary,
      details: outcome.details ?? [],
      causes: outcome.causes ?? [],
      ...(outcome.fix ? { fix: outcome.fix } : {}),
      satisfies: outcome.status === 'pass' || outcome.status === 'warn',
    });
  };
  const bad = (status: 'warn' | 'fail', code: FindingCode | undefined, summary: string, hint?: string): CheckOutcome => {
    const info = code ? findingFor(code, input.findingContext) : undefined;
    return {
      status,
      ...(code ? { code } : {}),
      summary,
      causes: info?.causes ?? [],
      fix: { hint: hint ?? info?.fixes[0] ?? summary, ...(info?.setupUrl ? { url: info.setupUrl } : {}) },
    };
  };
  const ok = (summary: string, details: string[] = []): CheckOutcome => ({ status: 'pass', summary, details });

  let decoded: DecodedJwt;
  try {
    decoded = decodeJwt(jwt);
  } catch (error) {
    if (!(error instanceof JwtFormatError)) throw error;
    add('assertion-format', 'JWT structure', bad('fail', 'invalid-assertion', `not a decodable JWT: ${error.message}`, 'Send a compact JWS: base64url(header).base64url(claims).base64url(signature), no padding or line breaks.'));
    return results;
  }
  const { header, claims } = decoded;
  add('assertion-format', 'JWT structure', ok('three base64url parts with JSON header and claims', [`header ${JSON.stringify(header)}`, `claims ${JSON.stringify(claims)}`]));

  // Header
  if (header.alg !== 'RS256') {
    add('assertion-alg', 'Algorithm', bad('fail', 'invalid-assertion', `alg is ${JSON.stringify(header.alg ?? null)}; Salesforce accepts RS256 only`, 'Sign with RS256 (RSA + SHA-256) and an RSA key.'));
  } else add('assertion-alg', 'Algorithm', ok('RS256'));

  // iss
  const iss = claims.iss;
  if (typeof iss !== 'string' || iss === '') add('assertion-iss', 'Issuer (iss)', bad('fail', 'client-id-invalid', 'iss is missing: it must be the consumer key'));
  else if (/\s/.test(iss)) add('assertion-iss', 'Issuer (iss)', bad('fail', 'client-id-invalid', 'iss contains whitespace (a consumer key copied with a space or line break)', 'Trim the consumer key where it is stored.'));
  else if (/^[0-9A-Fa-f]{64}$/.test(iss)) add('assertion-iss', 'Issuer (iss)', bad('fail', 'client-id-invalid', 'iss looks like the consumer secret (64 hex digits), not the consumer key'));
  else if (input.expected.clientId && iss !== input.expected.clientId.trim()) {
    add('assertion-iss', 'Issuer (iss)', bad('warn', 'client-id-invalid', `iss ${iss.slice(0, 8)}… is not the profile's consumer key ${input.expected.clientId.trim().slice(0, 8)}…: it was made for another app`));
  } else add('assertion-iss', 'Issuer (iss)', ok(`${iss.slice(0, 8)}… (${iss.length} characters)`));

  // sub (prn wins when both are present)
  const sub = claims.prn ?? claims.sub;
  if (typeof sub !== 'string' || sub === '') add('assertion-sub', 'Subject (sub)', bad('fail', 'username-invalid', 'sub is missing: it must be the run-as username'));
  else if (!USERNAME.test(sub)) add('assertion-sub', 'Subject (sub)', bad('fail', 'username-invalid', `sub "${sub}" is not a Salesforce username (name@domain, no spaces)`));
  else if (input.expected.username && sub.toLowerCase() !== input.expected.username.trim().toLowerCase()) {
    add('assertion-sub', 'Subject (sub)', bad('warn', 'username-org-mismatch', `sub ${sub} is not the profile's username ${input.expected.username.trim()}`));
  } else add('assertion-sub', 'Subject (sub)', ok(sub));

  // aud
  add('assertion-aud', 'Audience (aud)', checkAudience(claims.aud, input, bad, ok));

  // exp
  add('assertion-exp', 'Expiry (exp)', checkExpiry(claims, input.now, bad, ok));

  // signature
  if (!input.verifier) {
    add('assertion-signature', 'Signature', { status: 'skip', summary: input.verifierProblem ?? 'no certificate to verify against (pass --cert or -a <alias>)' });
  } else if (verifyRs256(decoded, input.verifier.key)) {
    add('assertion-signature', 'Signature', ok(`verifies with ${input.verifier.label}`));
  } else {
    add('assertion-signature', 'Signature', bad('fail', 'invalid-assertion', `does not verify with ${input.verifier.label}: it was signed with another key (or is damaged)`, 'Sign with the private key whose certificate is uploaded to the app, or upload the certificate of the key the tool uses.'));
  }
  return results;
}

type Bad = (status: 'warn' | 'fail', code: FindingCode | undefined, summary: string, hint?: string) => CheckOutcome;
type Ok = (summary: string, details?: string[]) => CheckOutcome;

function checkAudience(aud: unknown, input: AssertionInspection, bad: Bad, ok: Ok): CheckOutcome {
  if (aud === undefined) return bad('fail', 'audience-invalid', 'aud is missing');
  if (Array.isArray(aud)) return bad('fail', 'audience-invalid', 'aud is an array; Salesforce wants a single string', 'Send aud as one string, e.g. "https://login.salesforce.com" or the My Domain URL.');
  if (typeof aud !== 'string') return bad('fail', 'audience-invalid', `aud is a ${typeof aud}; Salesforce wants a single string`);
  if (!/^https?:\/\//i.test(aud)) return bad('fail', 'audience-invalid', `aud "${aud}" has no scheme; Salesforce wants https://…`, `Use "https://${aud.replace(/\/+$/, '')}".`);
  const trimmed = aud.replace(/\/+$/, '');
  const expected = input.expected.loginUrl?.replace(/\/+$/, '');
  const sandboxLike = input.expected.orgKind === 'sandbox' || input.expected.orgKind === 'scratch';
  if (trimmed.toLowerCase() === LOGIN_HOST) {
    if (sandboxLike) return bad('warn', 'audience-invalid', `aud is ${LOGIN_HOST}, but the profile's org is a ${input.expected.orgKind}: sandboxes want ${TEST_HOST} or their My Domain`);
    return ok(`${aud} (generic production host)`);
  }
  if (trimmed.toLowerCase() === TEST_HOST) {
    if (input.expected.orgKind && !sandboxLike) return bad('warn', 'audience-invalid', `aud is ${TEST_HOST}, but the profile's org is ${input.expected.orgKind}: it wants ${LOGIN_HOST} or its My Domain`);
    return ok(`${aud} (generic sandbox host)`);
  }
  if (expected && trimmed.toLowerCase() === expected.toLowerCase()) return ok(`${aud} (the login URL)`);
  let kind: string;
  try {
    kind = normalizeLoginUrl(aud).kind;
  } catch {
    return bad('fail', 'audience-invalid', `aud "${aud}" is not a Salesforce login host (a Lightning or Setup host, or a URL with a path)`);
  }
  if (kind === 'my-domain' || kind === 'sandbox-my-domain' || kind === 'site' || kind === 'loopback') {
    if (expected && kind !== 'loopback' && kind !== 'site') return bad('warn', 'audience-invalid', `aud ${aud} is a My Domain, but not this profile's (${expected})`);
    return ok(`${aud} (${kind === 'site' ? 'Experience Cloud site' : 'My Domain'})`);
  }
  return bad('warn', 'audience-invalid', `aud ${aud} is neither login.salesforce.com, test.salesforce.com nor a My Domain`);
}

function checkExpiry(claims: Record<string, unknown>, now: Date, bad: Bad, ok: Ok): CheckOutcome {
  const raw = claims.exp;
  if (raw === undefined) return bad('fail', 'invalid-assertion', 'exp is missing', 'Set exp to the current UTC time in seconds plus 180.');
  const exp = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return bad('fail', 'invalid-assertion', `exp is ${JSON.stringify(raw)}, not a number of seconds`);
  const nowSeconds = now.getTime() / 1000;
  if (exp > MS_THRESHOLD) {
    const left = Math.round(exp / 1000 - nowSeconds);
    return bad('warn', 'assertion-expired', `exp ${exp} is in milliseconds${left > 0 ? ` (as seconds it is thousands of years away)` : ' and already past'}: Salesforce accepts it in practice, but the claim is defined in seconds`, 'Use Math.floor(Date.now() / 1000) + 180 (seconds, UTC).');
  }
  const left = Math.round(exp - nowSeconds);
  const when = new Date(exp * 1000).toISOString();
  if (left <= 0) {
    return bad('fail', 'assertion-expired', `exp ${when} is ${-left} s in the past: Salesforce answers "expired authorization code"`, 'Make a new assertion with exp = now (UTC, seconds) + 180; if it was just made, the clock or time zone of the machine that made it is off.');
  }
  const details = typeof raw === 'string' ? ['exp was a JSON string; send a number'] : [];
  if (typeof raw === 'string') return bad('warn', 'invalid-assertion', `exp is the string "${raw}"; send a JSON number`);
  return ok(`${when} (in ${left} s)`, details);
}
