import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { genericLoginFor, isLoopbackHost, normalizeLoginUrl, setupHost } from '../../../src/salesforce/login-url.js';

describe('normalizeLoginUrl accepts', () => {
  it.each([
    ['https://acme.my.salesforce.com', 'https://acme.my.salesforce.com', 'my-domain', 'production', 'acme'],
    ['acme.my.salesforce.com', 'https://acme.my.salesforce.com', 'my-domain', 'production', 'acme'],
    ['  HTTPS://Acme.My.Salesforce.com/  ', 'https://acme.my.salesforce.com', 'my-domain', 'production', 'acme'],
    ['https://acme.my.salesforce.com/services/oauth2/token', 'https://acme.my.salesforce.com', 'my-domain', 'production', 'acme'],
    ['https://acme.my.salesforce.com:443', 'https://acme.my.salesforce.com', 'my-domain', 'production', 'acme'],
    ['https://acme--uat.sandbox.my.salesforce.com', 'https://acme--uat.sandbox.my.salesforce.com', 'sandbox-my-domain', 'sandbox', 'acme'],
    ['https://acme--uat.my.salesforce.com', 'https://acme--uat.my.salesforce.com', 'sandbox-my-domain', 'sandbox', 'acme'],
    ['https://acme-dev-ed.develop.my.salesforce.com', 'https://acme-dev-ed.develop.my.salesforce.com', 'my-domain', 'developer', 'acme-dev-ed'],
    ['https://ability-power-1234.scratch.my.salesforce.com', 'https://ability-power-1234.scratch.my.salesforce.com', 'my-domain', 'scratch', 'ability-power-1234'],
    ['https://fun-play-42.trailblaze.my.salesforce.com', 'https://fun-play-42.trailblaze.my.salesforce.com', 'my-domain', 'developer', 'fun-play-42'],
    ['https://login.salesforce.com', 'https://login.salesforce.com', 'generic-login', 'production', undefined],
    ['login.salesforce.com/', 'https://login.salesforce.com', 'generic-login', 'production', undefined],
    ['https://test.salesforce.com/services/oauth2/token', 'https://test.salesforce.com', 'generic-test', 'sandbox', undefined],
    ['https://acme.my.site.com/customers', 'https://acme.my.site.com/customers', 'site', 'site', 'acme'],
    ['https://acme.my.site.com/customers/services/oauth2/token', 'https://acme.my.site.com/customers', 'site', 'site', 'acme'],
    ['https://acme--uat.sandbox.my.site.com', 'https://acme--uat.sandbox.my.site.com', 'site', 'site', 'acme'],
    ['http://127.0.0.1:8443', 'http://127.0.0.1:8443', 'loopback', undefined, undefined],
    ['http://localhost:3000/', 'http://localhost:3000', 'loopback', undefined, undefined],
    ['http://[::1]:9000', 'http://[::1]:9000', 'loopback', undefined, undefined],
    ['https://127.0.0.5', 'https://127.0.0.5', 'loopback', undefined, undefined],
    ['https://login.example.com', 'https://login.example.com', 'other', undefined, undefined],
    // The token path in any case is dropped; the rest of a site path keeps its case.
    ['https://acme.my.salesforce.com/Services/OAuth2/TOKEN/', 'https://acme.my.salesforce.com', 'my-domain', 'production', 'acme'],
    ['https://acme.my.site.com/Partners/SERVICES/oauth2/token', 'https://acme.my.site.com/Partners', 'site', 'site', 'acme'],
    ['https://sso.example.com/Portal', 'https://sso.example.com/Portal', 'other', undefined, undefined],
  ])('%s → %s (%s)', (input, url, kind, hint, name) => {
    const result = normalizeLoginUrl(input);
    expect(result.url).toBe(url);
    expect(result.kind).toBe(kind);
    expect(result.orgKindHint).toBe(hint);
    expect(result.myDomainName).toBe(name);
  });

  it('splits the sandbox name out of an enhanced sandbox host, and derives what the layers below need', () => {
    expect(normalizeLoginUrl('acme--uat.sandbox.my.salesforce.com')).toEqual({
      url: 'https://acme--uat.sandbox.my.salesforce.com',
      origin: 'https://acme--uat.sandbox.my.salesforce.com',
      host: 'acme--uat.sandbox.my.salesforce.com',
      authority: 'acme--uat.sandbox.my.salesforce.com',
      kind: 'sandbox-my-domain',
      orgKindHint: 'sandbox',
      myDomainName: 'acme',
      sandboxName: 'uat',
      partition: 'sandbox',
      setupHost: 'https://acme--uat.sandbox.my.salesforce-setup.com',
      tokenUrl: 'https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token',
      loopback: false,
      salesforceHttps: true,
    });
  });

  it.each([
    ['https://acme.my.site.com/customers', 'https://acme.my.site.com', 'https://acme.my.salesforce-setup.com', false, true],
    ['http://127.0.0.1:8443', 'http://127.0.0.1:8443', 'http://127.0.0.1:8443', true, false],
    ['https://acme.my.salesforce.co', 'https://acme.my.salesforce.co', 'https://acme.my.salesforce.co', false, false],
    ['https://acme.my.salesforce.mil', 'https://acme.my.salesforce.mil', 'https://acme.my.salesforce.mil', false, true],
  ])('%s: origin %s, Setup host %s, loopback %s, Salesforce over https %s', (input, origin, setup, loopback, salesforceHttps) => {
    expect(normalizeLoginUrl(input)).toMatchObject({ origin, setupHost: setup, loopback, salesforceHttps });
  });

  it('the authority keeps a port and drops a trailing dot, as the origin does', () => {
    expect(normalizeLoginUrl('http://LOCALHOST.:8443').authority).toBe('localhost:8443');
    expect(normalizeLoginUrl('https://acme.my.salesforce.com:443').authority).toBe('acme.my.salesforce.com');
  });
});

function refusal(input: string): UsageError {
  try {
    normalizeLoginUrl(input);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`expected ${input} to be refused`);
}

describe('normalizeLoginUrl refuses', () => {
  it.each([
    ['acme.lightning.force.com', 'https://acme.my.salesforce.com'],
    ['https://acme.lightning.force.com/lightning/page/home', 'https://acme.my.salesforce.com'],
    ['https://acme--uat.sandbox.lightning.force.com', 'https://acme--uat.sandbox.my.salesforce.com'],
    ['https://acme-dev-ed.develop.lightning.force.com', 'https://acme-dev-ed.develop.my.salesforce.com'],
    ['https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home', 'https://acme.my.salesforce.com'],
    ['https://acme--uat.sandbox.my.salesforce-setup.com', 'https://acme--uat.sandbox.my.salesforce.com'],
  ])('%s (Lightning/Setup host) and hints %s', (input, use) => {
    const error = refusal(input);
    expect(error.code).toBe('login-url-invalid');
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBe(`Use the My Domain URL instead: ${use}`);
  });

  it.each([
    ['', undefined],
    ['not a url', undefined],
    ['https://', undefined],
    ['ftp://acme.my.salesforce.com', undefined],
    ['acme', 'https://acme.my.salesforce.com'],
    ['http://acme.my.salesforce.com', 'https://acme.my.salesforce.com'],
    ['https://acme.my.salesforce.com?startURL=/home', 'https://acme.my.salesforce.com'],
    ['https://acme.my.salesforce.com/lightning/setup/SetupOneHome/home', 'https://acme.my.salesforce.com'],
    ['https://acme.my.salesforce.com/home/home.jsp', 'https://acme.my.salesforce.com'],
    ['https://sso.example.com/Lightning/page/home', 'https://sso.example.com'],
    ['https://sso.example.com/SERVICES/data/v66.0', 'https://sso.example.com'],
    ['https://login.salesforce.com/services/oauth2/authorize', 'https://login.salesforce.com'],
    ['https://user:pw@acme.my.salesforce.com', undefined],
  ])('%s', (input, hintUrl) => {
    const error = refusal(input);
    expect(error.code).toBe('login-url-invalid');
    if (hintUrl) expect(error.hint).toContain(hintUrl);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['[::1]', true],
    ['::1', true],
    ['127.255.255.254.', true],
    ['sub.localhost', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:127.0.0.0001', true],
    ['::ffff:128.0.0.1', false],
    ['128.0.0.1', false],
    ['127.0.0', false],
    ['127.0.0.1.5', false],
    ['127.0.0.1000', false],
    ['127.0..1', false],
    ['127.0.0.x', false],
    ['localhost.example.com', false],
    ['acme.my.salesforce.com', false],
  ])('%s → %s', (host, expected) => expect(isLoopbackHost(host)).toBe(expected));
});

describe('setupHost', () => {
  it.each([
    ['https://acme.my.salesforce.com', 'https://acme.my.salesforce-setup.com'],
    ['https://acme--uat.sandbox.my.salesforce.com', 'https://acme--uat.sandbox.my.salesforce-setup.com'],
    ['https://acme-dev-ed.develop.my.salesforce.com', 'https://acme-dev-ed.develop.my.salesforce-setup.com'],
    ['https://acme.my.site.com/customers', 'https://acme.my.salesforce-setup.com'],
    ['https://login.salesforce.com', 'https://login.salesforce.com'],
    ['https://test.salesforce.com', 'https://test.salesforce.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['https://login.example.com', 'https://login.example.com'],
  ])('%s → %s', (loginUrl, expected) => expect(setupHost(loginUrl)).toBe(expected));
});

describe('genericLoginFor', () => {
  it.each([
    ['production', 'https://login.salesforce.com'],
    ['developer', 'https://login.salesforce.com'],
    ['site', 'https://login.salesforce.com'],
    ['sandbox', 'https://test.salesforce.com'],
    ['scratch', 'https://test.salesforce.com'],
  ] as const)('%s → %s', (kind, host) => expect(genericLoginFor(kind)).toEqual(normalizeLoginUrl(host)));
});
