import { describe, expect, it } from 'vitest';
import { classifyTokenResponse } from '../../../src/salesforce/classify.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';
import { acceptServerUrl, cleanServerText, isSalesforceHost, mayReceiveToken } from '../../../src/salesforce/trust.js';

describe('isSalesforceHost', () => {
  it.each([
    ['login.salesforce.com', true],
    ['acme.my.salesforce.com', true],
    ['acme--uat.sandbox.my.salesforce.com', true],
    ['acme.my.site.com', true],
    ['na1.force.com', true],
    ['acme.my.salesforce.mil', true],
    ['ACME.MY.SALESFORCE.COM.', true],
    ['acme.my.salesforce.co', false],
    ['salesforce.com.evil.example', false],
    ['evilsalesforce.com', false],
    ['127.0.0.1', false],
  ])('%s → %s', (host, expected) => expect(isSalesforceHost(host)).toBe(expected));
});

describe('mayReceiveToken', () => {
  it('https Salesforce hosts only, for a Salesforce login URL', () => {
    const login = normalizeLoginUrl('https://acme.my.salesforce.com');
    expect(mayReceiveToken('https://acme.my.salesforce.com/services/data/', login)).toBe(true);
    expect(mayReceiveToken('https://login.salesforce.com/id/00D/005', login)).toBe(true);
    expect(mayReceiveToken('http://acme.my.salesforce.com/id/00D/005', login)).toBe(false);
    expect(mayReceiveToken('https://attacker.example/id', login)).toBe(false);
    expect(mayReceiveToken('https://u:p@acme.my.salesforce.com/', login)).toBe(false);
  });

  it("the emulator's own host and port only, for a loopback login URL", () => {
    const login = normalizeLoginUrl('http://127.0.0.1:8080');
    expect(mayReceiveToken('http://127.0.0.1:8080/id/00D/005', login)).toBe(true);
    expect(mayReceiveToken('http://127.0.0.2:8080/id/00D/005', login)).toBe(false);
    expect(mayReceiveToken('http://127.0.0.1:8081/id', login)).toBe(false);
    expect(mayReceiveToken('https://127.0.0.1:8080/id', login)).toBe(false);
    expect(mayReceiveToken('https://acme.my.salesforce.com/', login)).toBe(false);
  });
});

describe('acceptServerUrl', () => {
  const login = normalizeLoginUrl('https://acme.my.salesforce.com');
  it.each([
    ['https://acme.my.salesforce.com', 'origin', { ok: true, url: 'https://acme.my.salesforce.com' }],
    ['https://acme.my.salesforce.com/', 'origin', { ok: true, url: 'https://acme.my.salesforce.com' }],
    ['https://acme.my.salesforce.com\ntouch /tmp/x #', 'origin', { ok: false, why: 'it holds control characters' }],
    ['https://acme.my.salesforce.com/x', 'origin', { ok: false, why: 'it is not an origin (scheme, host and port only)' }],
    ['http://acme.my.salesforce.com', 'origin', { ok: false, why: 'it is not an https URL' }],
    ['javascript:alert(1)', 'url', { ok: false, why: 'it is not an https URL' }],
    ['$(touch x)', 'url', { ok: false, why: 'it is not a URL' }],
    ['https://login.salesforce.com/id/00D/005', 'url', { ok: true, url: 'https://login.salesforce.com/id/00D/005' }],
  ] as const)('%j as %s', (value, kind, expected) => expect(acceptServerUrl(value, login, kind)).toEqual(expected));

  it('http for a loopback login URL (the emulator)', () => {
    expect(acceptServerUrl('http://127.0.0.1:9/', normalizeLoginUrl('http://127.0.0.1:9'), 'origin')).toEqual({ ok: true, url: 'http://127.0.0.1:9' });
  });
});

describe('cleanServerText', () => {
  it('removes CSI, OSC, BEL and bidi controls; line breaks become spaces; long text is capped', () => {
    expect(cleanServerText('\u001b[2J\u001b]0;pwned\u0007audience is invalid\r\n\u001b[32m✔ Login OK\u001b[0m\u0007')).toBe('audience is invalid ✔ Login OK');
    expect(cleanServerText('abc\u202edcba\u009b31m')).toBe('abc dcba');
    expect(cleanServerText('x'.repeat(400))).toBe(`${'x'.repeat(300)}…`);
  });
});

describe('classifyTokenResponse and hostile answers', () => {
  const url = 'https://acme.my.salesforce.com/services/oauth2/token';
  const login = normalizeLoginUrl(url);
  it('a 3xx is not-token-endpoint naming the Location, even with a token-shaped JSON body', () => {
    const answer = classifyTokenResponse({ status: 302, headers: { location: 'https://evil.example/\u001b[2Jx' }, body: '{"access_token":"t"}', url, login });
    expect(answer).toMatchObject({ outcome: 'not-token-endpoint', message: expect.stringContaining('redirecting to https://evil.example/x') });
  });

  it('error and error_description come back clean', () => {
    const answer = classifyTokenResponse({ status: 400, headers: {}, body: JSON.stringify({ error: 'invalid_grant\u0007', error_description: 'user hasn\u2019t approved\u001b[2J this consumer' }), url, login });
    expect(answer).toMatchObject({ outcome: 'user-not-approved', error: 'invalid_grant', errorDescription: 'user hasn’t approved this consumer' });
  });

  it('a token whose id points outside Salesforce is refused', () => {
    const answer = classifyTokenResponse({
      status: 200,
      headers: {},
      body: JSON.stringify({ access_token: 't', instance_url: 'https://acme.my.salesforce.com', id: 'https://collector.example/id/00D/005' }),
      url,
      login,
    });
    expect(answer).toMatchObject({ outcome: 'not-token-endpoint', message: expect.stringContaining('with an id sfjwt will not use') });
  });
});
