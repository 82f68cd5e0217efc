import { genericLoginFor, LOGIN_HOST, TEST_HOST, type NormalizedLoginUrl } from './login-url.js';
import { mayReceiveGenericAssertion } from './trust.js';
import type { OrgKind } from './types.js';

/** One token-endpoint / `aud` combination as text: what output shows and a profile remembers. */
export interface AudiencePair {
  loginUrl: string;
  audience: string;
}

/** One token-endpoint / `aud` combination to try: the endpoint as the login URL value object. */
export interface LoginPair {
  login: NormalizedLoginUrl;
  audience: string;
}

export interface AudienceMatrixInput {
  login: NormalizedLoginUrl;
  orgKind: OrgKind;
  /** `--audience` / SFJWT_AUDIENCE: fixes `aud`, only the endpoint varies. */
  fixedAudience?: string;
  /** The pair that last worked (core/settings.ts rememberedPair): tried first. */
  remembered?: LoginPair;
}

/** The pair as text (for output and the profile). */
export function pairText(pair: LoginPair): AudiencePair {
  return { loginUrl: pair.login.url, audience: pair.audience };
}

function key(pair: LoginPair): string {
  return `${pair.login.url.toLowerCase()} ${pair.audience.toLowerCase()}`;
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
export function audienceMatrix(input: AudienceMatrixInput): LoginPair[] {
  const login = input.login;
  const generic = genericLoginFor(input.orgKind);
  const endpoints = login.loopback ? [login] : [login, generic];

  const pairs: LoginPair[] = [];
  const fixedAudience = input.fixedAudience?.trim();
  if (fixedAudience) {
    for (const endpoint of endpoints) pairs.push({ login: endpoint, audience: fixedAudience });
  } else {
    pairs.push({ login, audience: login.url });
    if (mayReceiveGenericAssertion(login)) pairs.push({ login, audience: generic.url });
    if (!login.loopback) pairs.push({ login: generic, audience: generic.url });
  }

  const remembered = input.remembered;
  if (remembered) {
    const pair = { login: remembered.login, audience: remembered.audience.trim() };
    const endpointOk = endpoints.some((endpoint) => endpoint.url.toLowerCase() === pair.login.url.toLowerCase());
    const audienceOk = fixedAudience === undefined ? !isGenericAudience(pair.audience) || mayReceiveGenericAssertion(pair.login) : fixedAudience === pair.audience;
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

/** An `aud` naming login or test.salesforce.com; an audience is text, not a login URL, so it is compared loosely. */
function isGenericAudience(audience: string): boolean {
  const value = audience.trim().replace(/\/+$/, '').toLowerCase();
  return value === LOGIN_HOST || value === TEST_HOST;
}
