import { genericHostFor, isLoopbackUrl, LOGIN_HOST, TEST_HOST } from './login-url.js';
import { mayReceiveGenericAssertion } from './trust.js';
import type { OrgKind } from './types.js';

/** One token-endpoint / `aud` combination to try. */
export interface AudiencePair {
  loginUrl: string;
  audience: string;
}

export interface AudienceMatrixInput {
  /** A normalised login URL (see normalizeLoginUrl). */
  loginUrl: string;
  orgKind: OrgKind;
  /** `--audience` / SFJWT_AUDIENCE: fixes `aud`, only the endpoint varies. */
  fixedAudience?: string;
  /** The pair that last worked (profile `loginUrl` + `audience`): tried first. */
  remembered?: AudiencePair;
}

function trimSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function key(pair: AudiencePair): string {
  return `${pair.loginUrl.toLowerCase()} ${pair.audience.toLowerCase()}`;
}

/**
 * The ordered list of (endpoint, aud) pairs a token exchange tries until one succeeds (README: "verify and token"):
 * 1. login URL / login URL; 2. login URL / login-or-test; 3. login-or-test as both.
 * Step 3 is skipped for a loopback login URL (the emulator). Step 2 only for a Salesforce or a
 * loopback host: any other host (a typo such as acme.my.salesforce.co) must not hold an assertion
 * the real login host would accept (README: "What sfjwt trusts"). With a fixed audience only the
 * endpoint varies (login URL, then the generic host unless loopback). The remembered pair goes
 * first, provided its endpoint is one this matrix would use at all (so a profile whose login URL
 * was overridden on the command line does not send the assertion to the old host) and, with a
 * fixed audience, its audience is that audience. Duplicates are dropped (first one wins).
 */
export function audienceMatrix(input: AudienceMatrixInput): AudiencePair[] {
  const loginUrl = trimSlash(input.loginUrl);
  const generic = genericHostFor(input.orgKind);
  const loopback = isLoopbackUrl(loginUrl);
  const endpoints = loopback ? [loginUrl] : [loginUrl, generic];

  const pairs: AudiencePair[] = [];
  if (input.fixedAudience !== undefined && input.fixedAudience.trim() !== '') {
    const audience = input.fixedAudience.trim();
    for (const endpoint of endpoints) pairs.push({ loginUrl: endpoint, audience });
  } else {
    pairs.push({ loginUrl, audience: loginUrl });
    if (mayReceiveGenericAssertion(loginUrl)) pairs.push({ loginUrl, audience: generic });
    if (!loopback) pairs.push({ loginUrl: generic, audience: generic });
  }

  const remembered = input.remembered;
  if (remembered) {
    const pair = { loginUrl: trimSlash(remembered.loginUrl), audience: remembered.audience.trim() };
    const endpointOk = endpoints.some((endpoint) => endpoint.toLowerCase() === pair.loginUrl.toLowerCase());
    const audienceOk =
      input.fixedAudience === undefined ? !isGenericAudience(pair.audience) || mayReceiveGenericAssertion(pair.loginUrl) : input.fixedAudience.trim() === pair.audience;
    if (endpointOk && audienceOk && pair.audience !== '') pairs.unshift(pair);
  }

  const seen = new Set<string>();
  return pairs.filter((pair) => {
    const k = key(pair);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function isGenericAudience(audience: string): boolean {
  const value = trimSlash(audience).toLowerCase();
  return value === LOGIN_HOST || value === TEST_HOST;
}

/** `<loginUrl>/services/oauth2/token`. */
export function tokenUrl(loginUrl: string): string {
  return `${trimSlash(loginUrl)}/services/oauth2/token`;
}
