import { describe, expect, it } from 'vitest';
import { TransportError } from '../../../src/net/types.js';
import { classifyTokenResponse, classifyTransportError, codeForOAuthError } from '../../../src/salesforce/classify.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';

const URL_ = 'https://acme.my.salesforce.com/services/oauth2/token';
const LOGIN = normalizeLoginUrl(URL_);
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  classifyTokenResponse({ status, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers }, body: JSON.stringify(body), url: URL_, login: LOGIN });

describe('classifyTokenResponse: every error of SALESFORCE.md §4', () => {
  it.each([
    ['invalid_grant', "user hasn't approved this consumer", 'user-not-approved'],
    ['invalid_grant', 'user hasn\u2019t approved this consumer', 'user-not-approved'],
    ['invalid_app_access', 'user is not admin approved to access this app', 'user-not-admin-approved'],
    ['app_not_found', 'External client app is not installed in this org', 'app-not-installed'],
    ['OAUTH_APPROVAL_ERROR_GENERIC', 'An unexpected error has occurred during authentication. The app must be installed.', 'app-not-installed'],
    ['invalid_grant', 'audience is invalid', 'audience-invalid'],
    ['invalid_grant', 'Audience validation failed', 'audience-invalid'],
    ['invalid_grant', 'invalid assertion', 'invalid-assertion'],
    ['invalid_grant', 'expired authorization code', 'assertion-expired'],
    ['invalid_client_id', 'client identifier invalid', 'client-id-invalid'],
    ['unsupported_grant_type', 'grant type not supported', 'unsupported-grant-type'],
    ['invalid_grant', 'ip restricted', 'ip-restricted'],
    ['invalid_grant', 'IP restricted or invalid login hours', 'ip-restricted'],
    ['invalid_grant', 'login rate exceeded', 'login-rate-exceeded'],
    ['rate_limit_exceeded', 'rate limit exceeded', 'login-rate-exceeded'],
    ['invalid_grant', 'inactive user', 'inactive-user'],
    ['inactive_org', 'organization is inactive', 'inactive-org'],
    ['invalid_grant', 'authentication failure', 'authentication-failure'],
    ['invalid_scope', 'the requested scope is not allowed', 'oauth-error'],
    ['invalid_grant', 'something new Salesforce says', 'oauth-error'],
  ])('%s / %s → %s', (error, description, code) => {
    const result = json(400, { error, error_description: description });
    expect(result.outcome).toBe(code);
    if (result.outcome === 'ok') throw new Error('unexpected ok');
    expect(result.httpStatus).toBe(400);
    expect(result.error).toBe(error);
    expect(result.errorDescription).toBe(description);
    expect(result.message).toContain(description);
  });

  it.each([
    ['invalid_client_id', 'client-id-invalid'],
    ['app_not_found', 'app-not-installed'],
    ['inactive_org', 'inactive-org'],
    ['unsupported_grant_type', 'unsupported-grant-type'],
    ['invalid_app_access', 'user-not-admin-approved'],
    ['invalid_grant', 'oauth-error'],
  ])('error %s without a description → %s', (error, code) => {
    expect(json(400, { error }).outcome).toBe(code);
  });

  it('matches case-insensitively and loosely', () => {
    expect(codeForOAuthError('INVALID_GRANT', "User Hasn't Approved This Consumer.")).toBe('user-not-approved');
    expect(codeForOAuthError('invalid_grant', 'invalid  assertion ')).toBe('invalid-assertion');
    expect(codeForOAuthError(undefined, 'Audience is invalid')).toBe('audience-invalid');
  });
});

describe('classifyTokenResponse: other answers', () => {
  it('a token answer is ok', () => {
    const result = json(200, {
      access_token: '00Dxx0000001gPL!AR8AQ',
      scope: 'web openid api id',
      instance_url: 'https://acme.my.salesforce.com',
      id: 'https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS',
      token_type: 'Bearer',
      issued_at: '1700000000000',
    });
    expect(result).toEqual({
      outcome: 'ok',
      httpStatus: 200,
      token: {
        accessToken: '00Dxx0000001gPL!AR8AQ',
        instanceUrl: 'https://acme.my.salesforce.com',
        id: 'https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS',
        tokenType: 'Bearer',
        scope: 'web openid api id',
        issuedAt: '1700000000000',
      },
    });
  });

  it('200 without access_token is not-token-endpoint', () => {
    const result = json(200, { hello: 'world' });
    expect(result.outcome).toBe('not-token-endpoint');
  });

  it.each([500, 502, 503, 504])('HTTP %i is server-error whatever the body', (status) => {
    expect(json(status, { error: 'invalid_grant', error_description: 'invalid assertion' }).outcome).toBe('server-error');
    expect(classifyTokenResponse({ status, headers: {}, body: '<html>Bad gateway</html>', url: URL_, login: LOGIN }).outcome).toBe('server-error');
  });

  it('an HTML login page is not-token-endpoint, naming the URL and the status', () => {
    const result = classifyTokenResponse({
      status: 200,
      headers: { 'content-type': 'text/html; charset=UTF-8' },
      body: '<!DOCTYPE html><html><head><title>Login | Salesforce</title></head><body>...</body></html>',
      url: URL_,
      login: LOGIN,
    });
    expect(result.outcome).toBe('not-token-endpoint');
    if (result.outcome === 'ok') throw new Error('unexpected ok');
    expect(result.httpStatus).toBe(200);
    expect(result.message).toContain(URL_);
    expect(result.message).toContain('HTTP 200');
    expect(result.message).toContain('Login | Salesforce');
    expect(result.message).not.toMatch(/JSON\.parse|Unexpected token/);
  });

  it('a proxy page, a redirect and an empty body are not-token-endpoint', () => {
    expect(classifyTokenResponse({ status: 407, headers: {}, body: 'Proxy Authentication Required', url: URL_, login: LOGIN }).outcome).toBe('not-token-endpoint');
    const redirect = classifyTokenResponse({ status: 302, headers: { location: 'https://acme.my.salesforce.com/' }, body: '', url: URL_, login: LOGIN });
    expect(redirect.outcome).toBe('not-token-endpoint');
    if (redirect.outcome !== 'ok') expect(redirect.message).toContain('redirecting to https://acme.my.salesforce.com/');
    const empty = classifyTokenResponse({ status: 400, headers: {}, body: '', url: URL_, login: LOGIN });
    expect(empty.outcome).toBe('not-token-endpoint');
    if (empty.outcome !== 'ok') expect(empty.message).toContain('an empty body');
  });

  it('a REST error array or broken JSON is not-token-endpoint', () => {
    expect(json(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]).outcome).toBe('not-token-endpoint');
    expect(classifyTokenResponse({ status: 400, headers: {}, body: '{"error": ', url: URL_, login: LOGIN }).outcome).toBe('not-token-endpoint');
  });
});

describe('classifyTransportError', () => {
  it.each([
    [new TransportError('network', 'getaddrinfo ENOTFOUND acme.my.salesforce.com', 'ENOTFOUND'), 'network-error', /does not resolve/],
    [new TransportError('network', 'connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), 'network-error', /Nothing accepts connections/],
    [new TransportError('network', 'read ECONNRESET', 'ECONNRESET'), 'network-error', /reset/],
    [new TransportError('tls', 'unable to get local issuer certificate', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'), 'tls-error', /NODE_EXTRA_CA_CERTS/],
    [new TransportError('tls', 'self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'), 'tls-error', /NODE_EXTRA_CA_CERTS/],
    [new TransportError('tls', 'write EPROTO wrong version number', 'EPROTO'), 'tls-error', /http:\/\/ URL in HTTPS_PROXY/],
    [new TransportError('tls', "Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), 'tls-error', /another host/],
    [new TransportError('timeout', 'no answer within 30 s', 'ETIMEDOUT'), 'timeout', /--timeout/],
    [new TransportError('proxy', 'proxy CONNECT failed: 403', undefined), 'network-error', /HTTPS_PROXY/],
  ] as const)('%s', (error, code, hint) => {
    const result = classifyTransportError(error);
    expect(result.outcome).toBe(code);
    expect(result.hint).toMatch(hint);
    expect(result.message).toBe(error.message);
  });
});
