import { describe, expect, it } from 'vitest';
import { audienceMatrix as matrixOf, pairText, type AudiencePair } from '../../../src/salesforce/audience-matrix.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';
import type { OrgKind } from '../../../src/salesforce/types.js';

const L = 'https://login.salesforce.com';
const T = 'https://test.salesforce.com';
const PROD = 'https://acme.my.salesforce.com';
const SBX = 'https://acme--uat.sandbox.my.salesforce.com';
const EMU = 'http://127.0.0.1:4567';
const pairs = (...list: [string, string][]) => list.map(([loginUrl, audience]) => ({ loginUrl, audience }));

/** The matrix for login URLs given as text (normalised here, as the settings do), as text. */
function audienceMatrix(input: { loginUrl: string; orgKind: OrgKind; fixedAudience?: string; remembered?: AudiencePair }): AudiencePair[] {
  const { loginUrl, remembered, ...rest } = input;
  return matrixOf({
    ...rest,
    login: normalizeLoginUrl(loginUrl),
    ...(remembered ? { remembered: { login: normalizeLoginUrl(remembered.loginUrl), audience: remembered.audience } } : {}),
  }).map(pairText);
}

describe('audienceMatrix', () => {
  it.each([
    ['production My Domain', { loginUrl: PROD, orgKind: 'production' }, pairs([PROD, PROD], [PROD, L], [L, L])],
    ['developer My Domain', { loginUrl: 'https://d.develop.my.salesforce.com', orgKind: 'developer' }, pairs(['https://d.develop.my.salesforce.com', 'https://d.develop.my.salesforce.com'], ['https://d.develop.my.salesforce.com', L], [L, L])],
    ['site', { loginUrl: 'https://acme.my.site.com/customers', orgKind: 'site' }, pairs(['https://acme.my.site.com/customers', 'https://acme.my.site.com/customers'], ['https://acme.my.site.com/customers', L], [L, L])],
    ['sandbox My Domain', { loginUrl: SBX, orgKind: 'sandbox' }, pairs([SBX, SBX], [SBX, T], [T, T])],
    ['scratch My Domain', { loginUrl: 'https://x-1.scratch.my.salesforce.com', orgKind: 'scratch' }, pairs(['https://x-1.scratch.my.salesforce.com', 'https://x-1.scratch.my.salesforce.com'], ['https://x-1.scratch.my.salesforce.com', T], [T, T])],
    ['generic login host (duplicates dropped)', { loginUrl: L, orgKind: 'production' }, pairs([L, L])],
    ['generic test host (duplicates dropped)', { loginUrl: T, orgKind: 'sandbox' }, pairs([T, T])],
    ['login host for a sandbox', { loginUrl: L, orgKind: 'sandbox' }, pairs([L, L], [L, T], [T, T])],
    ['loopback: no generic step', { loginUrl: EMU, orgKind: 'production' }, pairs([EMU, EMU], [EMU, L])],
    ['trailing slash trimmed', { loginUrl: `${PROD}/`, orgKind: 'production' }, pairs([PROD, PROD], [PROD, L], [L, L])],
    ['fixed audience', { loginUrl: PROD, orgKind: 'production', fixedAudience: 'https://gs1.salesforce.com' }, pairs([PROD, 'https://gs1.salesforce.com'], [L, 'https://gs1.salesforce.com'])],
    ['fixed audience on loopback', { loginUrl: EMU, orgKind: 'sandbox', fixedAudience: T }, pairs([EMU, T])],
    ['remembered first', { loginUrl: PROD, orgKind: 'production', remembered: { loginUrl: L, audience: L } }, pairs([L, L], [PROD, PROD], [PROD, L])],
    ['remembered middle pair first', { loginUrl: SBX, orgKind: 'sandbox', remembered: { loginUrl: SBX, audience: T } }, pairs([SBX, T], [SBX, SBX], [T, T])],
    ['remembered odd audience first', { loginUrl: PROD, orgKind: 'production', remembered: { loginUrl: PROD, audience: 'https://gs1.salesforce.com' } }, pairs([PROD, 'https://gs1.salesforce.com'], [PROD, PROD], [PROD, L], [L, L])],
    ['remembered from another login URL ignored', { loginUrl: PROD, orgKind: 'production', remembered: { loginUrl: 'https://other.my.salesforce.com', audience: 'https://other.my.salesforce.com' } }, pairs([PROD, PROD], [PROD, L], [L, L])],
    ['remembered with a different fixed audience ignored', { loginUrl: PROD, orgKind: 'production', fixedAudience: L, remembered: { loginUrl: PROD, audience: PROD } }, pairs([PROD, L], [L, L])],
    ['remembered with the fixed audience first', { loginUrl: PROD, orgKind: 'production', fixedAudience: L, remembered: { loginUrl: L, audience: L } }, pairs([L, L], [PROD, L])],
  ] as const)('%s', (_name, input, expected) => {
    expect(audienceMatrix(input)).toEqual(expected);
  });
});

describe('tokenUrl', () => {
  it('appends the token path', () => {
    expect(normalizeLoginUrl(PROD).tokenUrl).toBe(`${PROD}/services/oauth2/token`);
    expect(normalizeLoginUrl(`${PROD}/`).tokenUrl).toBe(`${PROD}/services/oauth2/token`);
    expect(normalizeLoginUrl('https://acme.my.site.com/customers').tokenUrl).toBe('https://acme.my.site.com/customers/services/oauth2/token');
  });
});

describe('generic audiences only for Salesforce hosts and loopback (SPEC §10)', () => {
  it.each(['https://acme.my.salesforce.co', 'https://acme.my.salesforc.com', 'https://login.acme.example'])(
    '%s gets its own URL as aud, and the generic host as both endpoint and aud, never a generic aud at the look-alike host',
    (loginUrl) => {
      const pairs = audienceMatrix({ loginUrl, orgKind: 'production' });
      expect(pairs).toEqual([
        { loginUrl, audience: loginUrl },
        { loginUrl: 'https://login.salesforce.com', audience: 'https://login.salesforce.com' },
      ]);
    },
  );

  it('a remembered pair with a generic aud at a look-alike host is not tried (a profile edited by hand, an older sfjwt)', () => {
    const loginUrl = 'https://acme.my.salesforce.co';
    const pairs = audienceMatrix({ loginUrl, orgKind: 'sandbox', remembered: { loginUrl, audience: 'https://test.salesforce.com/' } });
    expect(pairs.some((p) => p.loginUrl === loginUrl && p.audience.startsWith('https://test.salesforce.com'))).toBe(false);
  });

  it('My Domain hosts of every kind keep the generic aud at the login URL', () => {
    for (const loginUrl of ['https://acme.my.salesforce.com', 'https://acme--uat.sandbox.my.salesforce.com', 'https://acme.my.site.com', 'https://acme.my.salesforce.mil']) {
      expect(audienceMatrix({ loginUrl, orgKind: 'production' })[1]).toEqual({ loginUrl, audience: 'https://login.salesforce.com' });
    }
  });
});
