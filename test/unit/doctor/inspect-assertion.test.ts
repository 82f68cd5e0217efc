import { createPrivateKey, createSign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { base64url, buildClaims, signAssertion } from '../../../src/crypto/assertion.js';
import { inspectAssertion, type AssertionInspection } from '../../../src/doctor/inspect-assertion.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';
import { CLIENT_ID, USERNAME, makePair, type Pair } from './fixtures.js';

const NOW = new Date();
const MY = 'https://acme.my.salesforce.com';
let pair: Pair;
let other: Pair;
beforeAll(() => {
  pair = makePair();
  other = makePair();
});

function jwt(claims: Record<string, unknown>, options: { header?: Record<string, unknown>; key?: string } = {}): string {
  const input = `${base64url(JSON.stringify(options.header ?? { alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${base64url(createSign('RSA-SHA256').update(input).sign(createPrivateKey(options.key ?? pair.keyPem)))}`;
}

const good = () => ({ iss: CLIENT_ID, sub: USERNAME, aud: MY, exp: Math.floor(NOW.getTime() / 1000) + 180 });

function inspect(token: string, over: Partial<AssertionInspection> = {}) {
  return inspectAssertion(token, {
    now: NOW,
    verifier: { key: pair.certPem, label: 'the certificate server.crt' },
    expected: { clientId: CLIENT_ID, username: USERNAME, loginUrl: MY, orgKind: 'production' },
    findingContext: { setupHost: normalizeLoginUrl(MY).setupHost, appKind: 'eca' },
    ...over,
  });
}
const byId = (results: ReturnType<typeof inspect>) => Object.fromEntries(results.map((r) => [r.id, r]));

describe('doctor --assertion', () => {
  it('a good assertion made by sfjwt passes every check, and no result contains the JWT', () => {
    const token = signAssertion(buildClaims({ clientId: CLIENT_ID, username: USERNAME, audience: MY, now: NOW }), pair.keyPem);
    const results = inspect(token);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['assertion-format', 'pass'],
      ['assertion-alg', 'pass'],
      ['assertion-iss', 'pass'],
      ['assertion-sub', 'pass'],
      ['assertion-aud', 'pass'],
      ['assertion-exp', 'pass'],
      ['assertion-signature', 'pass'],
    ]);
    const signature = token.split('.')[2]!;
    expect(JSON.stringify(results)).not.toContain(signature);
  });

  it.each<[string, () => Record<string, unknown>, { header?: Record<string, unknown> } | undefined, string, 'warn' | 'fail', string, RegExp]>([
    ['exp in milliseconds (as the sf CLI sends it)', () => ({ ...good(), exp: NOW.getTime() + 300 }), undefined, 'assertion-exp', 'warn', 'assertion-expired', /milliseconds/],
    ['exp in the past', () => ({ ...good(), exp: Math.floor(NOW.getTime() / 1000) - 30 }), undefined, 'assertion-exp', 'fail', 'assertion-expired', /in the past/],
    ['exp missing', () => ({ ...good(), exp: undefined }), undefined, 'assertion-exp', 'fail', 'invalid-assertion', /missing/],
    ['exp as a string', () => ({ ...good(), exp: String(Math.floor(NOW.getTime() / 1000) + 100) }), undefined, 'assertion-exp', 'warn', 'invalid-assertion', /string/],
    ['aud as an array', () => ({ ...good(), aud: [MY] }), undefined, 'assertion-aud', 'fail', 'audience-invalid', /array/],
    ['aud without a scheme', () => ({ ...good(), aud: 'login.salesforce.com' }), undefined, 'assertion-aud', 'fail', 'audience-invalid', /no scheme/],
    ['aud missing', () => ({ ...good(), aud: undefined }), undefined, 'assertion-aud', 'fail', 'audience-invalid', /missing/],
    ['aud some other host', () => ({ ...good(), aud: 'https://example.com' }), undefined, 'assertion-aud', 'warn', 'audience-invalid', /neither/],
    ['aud test for a production org', () => ({ ...good(), aud: 'https://test.salesforce.com' }), undefined, 'assertion-aud', 'warn', 'audience-invalid', /production/],
    ['aud a Lightning host', () => ({ ...good(), aud: 'https://acme.lightning.force.com' }), undefined, 'assertion-aud', 'fail', 'audience-invalid', /not a Salesforce login host/],
    ['iss with whitespace', () => ({ ...good(), iss: `${CLIENT_ID} ` }), undefined, 'assertion-iss', 'fail', 'client-id-invalid', /whitespace/],
    ['iss of another app', () => ({ ...good(), iss: '3MVG9someOtherAppConsumerKey_abcdefghijklmnop' }), undefined, 'assertion-iss', 'warn', 'client-id-invalid', /another app/],
    ['iss missing', () => ({ ...good(), iss: undefined }), undefined, 'assertion-iss', 'fail', 'client-id-invalid', /missing/],
    ['sub not a username', () => ({ ...good(), sub: 'Integration User' }), undefined, 'assertion-sub', 'fail', 'username-invalid', /not a Salesforce username/],
    ['sub of another user', () => ({ ...good(), sub: 'someone@acme.com.uat' }), undefined, 'assertion-sub', 'warn', 'username-org-mismatch', /not the profile's username/],
    ['HS256', () => good(), { header: { alg: 'HS256', typ: 'JWT' } }, 'assertion-alg', 'fail', 'invalid-assertion', /RS256 only/],
  ])('%s', (_name, claims, options, id, status, code, text) => {
    const result = byId(inspect(jwt(claims(), options)))[id]!;
    expect(result).toMatchObject({ status, code });
    expect(result.summary).toMatch(text);
    expect(result.fix?.hint).toBeTruthy();
  });

  it('a signature by another key fails: the tool signs with a key whose certificate is not the uploaded one', () => {
    const result = byId(inspect(jwt(good(), { key: other.keyPem })))['assertion-signature']!;
    expect(result).toMatchObject({ status: 'fail', code: 'invalid-assertion' });
    expect(result.summary).toContain('server.crt');
  });

  it('without a certificate the signature check is skipped with how to give one', () => {
    const result = byId(inspect(jwt(good()), { verifier: undefined, verifierProblem: undefined }))['assertion-signature']!;
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringContaining('--cert') });
  });

  it.each([
    ['a PEM key pasted instead of a JWT', () => pair.keyPem, /PEM key/],
    ['two parts', () => 'abc.def', /3 dot-separated parts/],
    ['claims that are not JSON', () => `${base64url('{"alg":"RS256"}')}.${base64url('not json')}.sig`, /not valid JSON/],
  ])('%s: one failed structure check, nothing else', (_name, token, text) => {
    const results = inspect(token());
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ id: 'assertion-format', status: 'fail', code: 'invalid-assertion' });
    expect(results[0]!.summary).toMatch(text);
    expect(results[0]!.summary).not.toContain('PRIVATE KEY-----\n');
  });
});
