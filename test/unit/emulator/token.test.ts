import { beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT } from '../../../src/crypto/assertion.js';
import { handleRequest } from '../../../src/emulator/handler.js';
import { approveUser, assignUser, replaceCertificate, setOrgActive, setSimulation, setUserActive, updateApp, updateUser } from '../../../src/emulator/state.js';
import type { EmulatorResponse } from '../../../src/emulator/types.js';
import {
  assertion,
  BASE,
  baseConfig,
  body,
  CA_CLIENT_ID,
  CLIENT_ID,
  makeKeyPair,
  makeState,
  ORG_ID,
  PORT,
  rawJwt,
  send,
  T0,
  tokenRequest,
  USER_ID,
  USERNAME,
  type KeyPair,
} from './fixtures.js';

let keys: KeyPair;
let otherKeys: KeyPair;

beforeAll(() => {
  keys = makeKeyPair();
  otherKeys = makeKeyPair();
});

function expectError(response: EmulatorResponse, error: string, description: string, status = 400): void {
  expect({ status: response.status, ...body(response) }).toEqual({ status, error, error_description: description });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
}

const exp = (seconds: number) => Math.floor(T0.getTime() / 1000) + seconds;
const claims = (extra: Record<string, unknown> = {}) => ({ iss: CLIENT_ID, sub: USERNAME, aud: BASE, exp: exp(180), ...extra });

describe('token endpoint: success', () => {
  it('answers 200 with the Salesforce token shape and no refresh_token or expires_in', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const response = send(state, tokenRequest(assertion(keys.privateKey)));
    expect(response.status).toBe(200);
    const result = body<Record<string, string>>(response);
    expect(Object.keys(result).sort()).toEqual(['access_token', 'id', 'instance_url', 'issued_at', 'scope', 'signature', 'token_type']);
    expect(result.access_token).toMatch(/^00D000000000001!AQ[A-Za-z0-9._]+$/);
    expect(result).toMatchObject({
      scope: 'api id openid refresh_token',
      instance_url: BASE,
      id: `${BASE}/id/${ORG_ID}/${USER_ID}`,
      token_type: 'Bearer',
      issued_at: String(T0.getTime()),
    });
    expect(result.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(response.headers['cache-control']).toContain('no-store');
    expect(state.tokens[result.access_token!]).toMatchObject({ username: USERNAME, userId: USER_ID, expiresAtMs: T0.getTime() + 7_200_000 });
  });

  it('mints a different token on every login, deterministically from the seed', () => {
    const a = makeState(baseConfig(keys.publicPem));
    const b = makeState(baseConfig(keys.publicPem));
    const first = body(send(a, tokenRequest(assertion(keys.privateKey)))).access_token;
    const second = body(send(a, tokenRequest(assertion(keys.privateKey)))).access_token;
    expect(first).not.toBe(second);
    expect(body(send(b, tokenRequest(assertion(keys.privateKey)))).access_token).toBe(first);
  });

  it('tolerates a client_id field and a charset on the content type', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const request = tokenRequest(assertion(keys.privateKey), { client_id: CLIENT_ID });
    request.headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    expect(send(state, request).status).toBe(200);
  });

  it('matches the username case-insensitively', () => {
    const state = makeState(baseConfig(keys.publicPem));
    expect(send(state, tokenRequest(assertion(keys.privateKey, { username: USERNAME.toUpperCase() }))).status).toBe(200);
  });

  it('works with a real X.509 certificate uploaded', async () => {
    const forge = (await import('node-forge')).default;
    const pem = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const forgeKey = forge.pki.privateKeyFromPem(pem);
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date('2026-01-01T00:00:00Z');
    cert.validity.notAfter = new Date('2028-01-01T00:00:00Z');
    cert.setSubject([{ name: 'commonName', value: 'sfjwt-test' }]);
    cert.setIssuer([{ name: 'commonName', value: 'sfjwt-test' }]);
    cert.sign(forgeKey, forge.md.sha256.create());
    const state = makeState(baseConfig(forge.pki.certificateToPem(cert)));
    expect(send(state, tokenRequest(assertion(keys.privateKey))).status).toBe(200);
  });
});

describe('token endpoint: request shape', () => {
  it('refuses a GET', () => {
    const state = makeState(baseConfig(keys.publicPem));
    expectError(send(state, { method: 'GET', path: '/services/oauth2/token', headers: {}, body: '' }), 'invalid_request', 'must use HTTP POST');
  });

  it('a JSON body is unsupported_grant_type "grant type not supported"', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const request = {
      method: 'POST',
      path: '/services/oauth2/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: JWT_BEARER_GRANT, assertion: assertion(keys.privateKey) }),
    };
    expectError(send(state, request), 'unsupported_grant_type', 'grant type not supported');
  });

  it('a missing content type is unsupported_grant_type', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const request = tokenRequest(assertion(keys.privateKey));
    delete request.headers['content-type'];
    expectError(send(state, request), 'unsupported_grant_type', 'grant type not supported');
  });

  it.each([['password'], ['urn:ietf:params:oauth:grant-type:jwt-bearer '], ['']])('grant_type %j is unsupported_grant_type', (grant) => {
    const state = makeState(baseConfig(keys.publicPem));
    expectError(send(state, tokenRequest(assertion(keys.privateKey), { grant_type: grant })), 'unsupported_grant_type', 'grant type not supported');
  });

  it.each([
    ['missing', undefined],
    ['two parts', 'abc.def'],
    ['not base64url', 'a+b.c/d.e'],
    ['claims not JSON', 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln'],
    ['a PEM key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----'],
  ])('a malformed assertion (%s) is invalid_grant "invalid assertion"', (_name, value) => {
    const state = makeState(baseConfig(keys.publicPem));
    expectError(send(state, tokenRequest(value)), 'invalid_grant', 'invalid assertion');
  });

  it.each([['HS256'], ['none'], ['RS512'], [undefined]])('alg %j is "invalid assertion"', (alg) => {
    const state = makeState(baseConfig(keys.publicPem));
    const jwt = rawJwt(alg === undefined ? { typ: 'JWT' } : { alg, typ: 'JWT' }, claims(), keys.privateKey);
    expectError(send(state, tokenRequest(jwt)), 'invalid_grant', 'invalid assertion');
  });
});

describe('token endpoint: app and audience', () => {
  it('an unknown iss is invalid_client_id "client identifier invalid"', () => {
    const state = makeState(baseConfig(keys.publicPem));
    expectError(send(state, tokenRequest(assertion(keys.privateKey, { clientId: 'nope' }))), 'invalid_client_id', 'client identifier invalid');
  });

  it('a non-string iss is invalid_client_id', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const jwt = rawJwt({ alg: 'RS256' }, claims({ iss: 42 }), keys.privateKey);
    expectError(send(state, tokenRequest(jwt)), 'invalid_client_id', 'client identifier invalid');
  });

  it('an app that is not installed is app_not_found', () => {
    const state = makeState(baseConfig(keys.publicPem, (c) => (c.apps[0]!.installed = false)));
    expectError(send(state, tokenRequest(assertion(keys.privateKey))), 'app_not_found', 'External client app is not installed in this org');
  });

  describe('External Client App', () => {
    it.each([
      [BASE],
      [`${BASE}/`],
      [`https://127.0.0.1:${PORT}`],
      [`https://127.0.0.1:${PORT}/`],
      [`http://localhost:${PORT}`],
      [`https://LOCALHOST:${PORT}/`],
    ])('accepts the My Domain audience %s', (aud) => {
      const state = makeState(baseConfig(keys.publicPem));
      expect(send(state, tokenRequest(assertion(keys.privateKey, { aud }))).status).toBe(200);
    });

    it.each([['https://login.salesforce.com'], ['https://test.salesforce.com/']])('answers %s with app_not_found', (aud) => {
      const state = makeState(baseConfig(keys.publicPem));
      expectError(send(state, tokenRequest(assertion(keys.privateKey, { aud }))), 'app_not_found', 'External client app is not installed in this org');
    });

    it.each([
      [`http://127.0.0.1:${PORT + 1}`],
      [`127.0.0.1:${PORT}`],
      ['https://acme.my.salesforce.com'],
      [`${BASE}/services/oauth2/token`],
      ['http://login.salesforce.com'],
      [''],
    ])('answers %j with "audience is invalid"', (aud) => {
      const state = makeState(baseConfig(keys.publicPem));
      expectError(send(state, tokenRequest(assertion(keys.privateKey, { aud }))), 'invalid_grant', 'audience is invalid');
    });

    it('an aud array is "audience is invalid"', () => {
      const state = makeState(baseConfig(keys.publicPem));
      const jwt = rawJwt({ alg: 'RS256' }, claims({ aud: [BASE] }), keys.privateKey);
      expectError(send(state, tokenRequest(jwt)), 'invalid_grant', 'audience is invalid');
    });

    it('accepts the sf CLI assertion: aud https://127.0.0.1:<port>/, exp in milliseconds, iat', () => {
      const state = makeState(baseConfig(keys.publicPem));
      const jwt = rawJwt(
        { alg: 'RS256', typ: 'JWT' },
        { iss: CLIENT_ID, sub: USERNAME, aud: `https://127.0.0.1:${PORT}/`, exp: T0.getTime() + 300, iat: Math.floor(T0.getTime() / 1000) },
        keys.privateKey,
      );
      expect(send(state, tokenRequest(jwt)).status).toBe(200);
    });
  });

  describe('Connected App', () => {
    const ca = (aud: string) => assertion(keys.privateKey, { clientId: CA_CLIENT_ID, aud });

    it('production: login works, test / My Domain are "audience is invalid"', () => {
      const state = makeState(baseConfig(keys.publicPem));
      expect(send(state, tokenRequest(ca('https://login.salesforce.com'))).status).toBe(200);
      expect(send(state, tokenRequest(ca('https://login.salesforce.com/'))).status).toBe(200);
      expectError(send(state, tokenRequest(ca('https://test.salesforce.com'))), 'invalid_grant', 'audience is invalid');
      expectError(send(state, tokenRequest(ca(BASE))), 'invalid_grant', 'audience is invalid');
      expectError(send(state, tokenRequest(ca('login.salesforce.com'))), 'invalid_grant', 'audience is invalid');
    });

    it('sandbox: test works, login is "audience is invalid"', () => {
      const state = makeState(baseConfig(keys.publicPem, (c) => (c.org.isSandbox = true)));
      expect(send(state, tokenRequest(ca('https://test.salesforce.com'))).status).toBe(200);
      expectError(send(state, tokenRequest(ca('https://login.salesforce.com'))), 'invalid_grant', 'audience is invalid');
    });
  });
});

describe('token endpoint: signature and exp', () => {
  it('a signature from another key is "invalid assertion"', () => {
    const state = makeState(baseConfig(keys.publicPem));
    expectError(send(state, tokenRequest(assertion(otherKeys.privateKey))), 'invalid_grant', 'invalid assertion');
  });

  it('a tampered payload is "invalid assertion"', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const [h, , s] = assertion(keys.privateKey).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'other@acme.com' }))).toString('base64url')}.${s}`;
    expectError(send(state, tokenRequest(forged)), 'invalid_grant', 'invalid assertion');
  });

  it.each([[0], [-1], [-3600]])('exp = now %+d s is "expired authorization code"', (offset) => {
    const state = makeState(baseConfig(keys.publicPem));
    const jwt = rawJwt({ alg: 'RS256' }, claims({ exp: exp(offset) }), keys.privateKey);
    expectError(send(state, tokenRequest(jwt)), 'invalid_grant', 'expired authorization code');
  });

  it('exp one second ahead is accepted; there is no upper bound', () => {
    const state = makeState(baseConfig(keys.publicPem));
    expect(send(state, tokenRequest(rawJwt({ alg: 'RS256' }, claims({ exp: exp(1) }), keys.privateKey))).status).toBe(200);
    expect(send(state, tokenRequest(rawJwt({ alg: 'RS256' }, claims({ exp: exp(86_400 * 365) }), keys.privateKey))).status).toBe(200);
  });

  it.each([['a string', String(exp(180))], ['missing', undefined]])('exp %s is "invalid assertion"', (_name, value) => {
    const state = makeState(baseConfig(keys.publicPem));
    const jwt = rawJwt({ alg: 'RS256' }, claims({ exp: value }), keys.privateKey);
    expectError(send(state, tokenRequest(jwt)), 'invalid_grant', 'invalid assertion');
  });

  it('judges exp by the server clock (clock offset)', () => {
    const state = makeState(baseConfig(keys.publicPem, (c) => (c.simulate = { clockOffsetSeconds: 300 })));
    const response = send(state, tokenRequest(assertion(keys.privateKey)));
    expectError(response, 'invalid_grant', 'expired authorization code');
    expect(response.headers.date).toBe(new Date(T0.getTime() + 300_000).toUTCString());
  });
});

describe('token endpoint: user, org and policy', () => {
  it('an unknown username (e.g. from another org) is "user hasn\'t approved this consumer"', () => {
    const state = makeState(baseConfig(keys.publicPem));
    expectError(send(state, tokenRequest(assertion(keys.privateKey, { username: `${USERNAME}.uat` }))), 'invalid_grant', "user hasn't approved this consumer");
  });

  it('prn wins over sub', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const ok = rawJwt({ alg: 'RS256' }, claims({ sub: 'nobody@acme.com', prn: USERNAME }), keys.privateKey);
    expect(send(state, tokenRequest(ok)).status).toBe(200);
    const bad = rawJwt({ alg: 'RS256' }, claims({ sub: USERNAME, prn: 'nobody@acme.com' }), keys.privateKey);
    expectError(send(state, tokenRequest(bad)), 'invalid_grant', "user hasn't approved this consumer");
  });

  it('a missing subject is "invalid assertion"', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const jwt = rawJwt({ alg: 'RS256' }, claims({ sub: undefined }), keys.privateKey);
    expectError(send(state, tokenRequest(jwt)), 'invalid_grant', 'invalid assertion');
  });

  it('an inactive org is inactive_org', () => {
    const state = makeState(baseConfig(keys.publicPem));
    setOrgActive(state, false);
    expectError(send(state, tokenRequest(assertion(keys.privateKey))), 'inactive_org', 'organization is inactive');
  });

  it('admin-approved policy without assignment is invalid_app_access', () => {
    const state = makeState(baseConfig(keys.publicPem));
    assignUser(state, CLIENT_ID, USERNAME, false);
    expectError(send(state, tokenRequest(assertion(keys.privateKey))), 'invalid_app_access', 'user is not admin approved to access this app');
    assignUser(state, CLIENT_ID, USERNAME);
    expect(send(state, tokenRequest(assertion(keys.privateKey))).status).toBe(200);
  });

  it('self-authorize policy needs a refresh-token approval', () => {
    const state = makeState(baseConfig(keys.publicPem));
    updateApp(state, CLIENT_ID, { policy: 'self' });
    expectError(send(state, tokenRequest(assertion(keys.privateKey))), 'invalid_grant', "user hasn't approved this consumer");
    approveUser(state, CLIENT_ID, USERNAME);
    expect(send(state, tokenRequest(assertion(keys.privateKey))).status).toBe(200);
  });

  it('an inactive user is "inactive user"', () => {
    const state = makeState(baseConfig(keys.publicPem));
    setUserActive(state, USERNAME, false);
    expectError(send(state, tokenRequest(assertion(keys.privateKey))), 'invalid_grant', 'inactive user');
  });

  it('an IP-restricted user is "ip restricted" unless the app relaxes IP restrictions', () => {
    const state = makeState(baseConfig(keys.publicPem));
    updateUser(state, USERNAME, { ipRestricted: true });
    expectError(send(state, tokenRequest(assertion(keys.privateKey))), 'invalid_grant', 'ip restricted');
    updateApp(state, CLIENT_ID, { ipRelaxation: 'bypass' });
    expect(send(state, tokenRequest(assertion(keys.privateKey))).status).toBe(200);
  });

  it('a High Assurance session policy blocks the JWT login', () => {
    const state = makeState(baseConfig(keys.publicPem, (c) => (c.apps[0]!.highAssurance = true)));
    expectError(send(state, tokenRequest(assertion(keys.privateKey))), 'invalid_grant', 'high assurance session required');
  });

  it('checks run in the SPEC §7 order (the furthest failing check is reported)', () => {
    const state = makeState(baseConfig(keys.publicPem));
    setUserActive(state, USERNAME, false);
    assignUser(state, CLIENT_ID, USERNAME, false);
    // not admin-approved is reported before inactive user
    expectError(send(state, tokenRequest(assertion(keys.privateKey))), 'invalid_app_access', 'user is not admin approved to access this app');
    // a bad signature hides the user problems
    expectError(send(state, tokenRequest(assertion(otherKeys.privateKey))), 'invalid_grant', 'invalid assertion');
    // an unknown iss hides everything else
    expectError(send(state, tokenRequest(assertion(otherKeys.privateKey, { clientId: 'x', aud: 'bad' }))), 'invalid_client_id', 'client identifier invalid');
  });
});

describe('token endpoint: login rate', () => {
  it('refuses logins over the hourly limit per user, and allows them again an hour later', () => {
    const state = makeState(
      baseConfig(keys.publicPem, (c) => {
        c.simulate = { loginRateLimitPerHour: 2 };
        c.apps[0]!.assignedUsernames.push('other@acme.com');
      }),
    );
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const attempt = (ms: number, username = USERNAME) =>
      send(state, tokenRequest(assertion(keys.privateKey, { now: at(ms), username })), at(ms));
    expect(attempt(0).status).toBe(200);
    expect(attempt(1000).status).toBe(200);
    expectError(attempt(2000), 'invalid_grant', 'login rate exceeded');
    expect(attempt(2000, 'other@acme.com').status).toBe(200);
    expectError(attempt(3_599_000), 'invalid_grant', 'login rate exceeded');
    expect(attempt(3_600_500).status).toBe(200);
  });

  it('defaults to 3600 logins per hour', () => {
    expect(makeState(baseConfig(keys.publicPem)).simulate.loginRateLimitPerHour).toBe(3600);
  });
});

describe('propagation and certificate replacement', () => {
  it('a freshly created app is unknown until the propagation delay has passed', () => {
    const state = makeState(baseConfig(keys.publicPem, (c) => (c.simulate = { propagationSeconds: 120 })));
    const at = (s: number) => new Date(T0.getTime() + s * 1000);
    const attempt = (s: number) => send(state, tokenRequest(assertion(keys.privateKey, { now: at(s) })), at(s));
    expectError(attempt(0), 'invalid_client_id', 'client identifier invalid');
    expectError(attempt(119), 'invalid_client_id', 'client identifier invalid');
    expect(attempt(120).status).toBe(200);
  });

  it('a replaced certificate takes over only after the propagation delay', () => {
    const state = makeState(baseConfig(keys.publicPem));
    setSimulation(state, { propagationSeconds: 300 });
    const t1 = new Date(T0.getTime() + 60_000);
    replaceCertificate(state, CLIENT_ID, otherKeys.publicPem, t1);
    const at = (s: number) => new Date(t1.getTime() + s * 1000);
    const attempt = (key: KeyPair, s: number) => send(state, tokenRequest(assertion(key.privateKey, { now: at(s) })), at(s));

    expect(attempt(keys, 299).status).toBe(200);
    expectError(attempt(otherKeys, 299), 'invalid_grant', 'invalid assertion');
    expect(attempt(otherKeys, 300).status).toBe(200);
    expectError(attempt(keys, 300), 'invalid_grant', 'invalid assertion');
  });

  it('replacement with an explicit delay of 0 is immediate', () => {
    const state = makeState(baseConfig(keys.publicPem, (c) => (c.simulate = { propagationSeconds: 0 })));
    replaceCertificate(state, CLIENT_ID, otherKeys.publicPem, T0, 0);
    expect(send(state, tokenRequest(assertion(otherKeys.privateKey))).status).toBe(200);
  });

  it('refuses to "upload" a private key as the certificate', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const pem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => replaceCertificate(state, CLIENT_ID, pem, T0)).toThrow(/private key/);
  });
});

describe('simulations and bookkeeping (pure)', () => {
  it('serverErrors answers the next N token requests with 503, then recovers', () => {
    const state = makeState(baseConfig(keys.publicPem, (c) => (c.simulate = { serverErrors: 2 })));
    const a = send(state, tokenRequest(assertion(keys.privateKey)));
    expect(a.status).toBe(503);
    expect(a.headers['content-type']).toMatch(/^text\/html/);
    expect(send(state, tokenRequest(assertion(keys.privateKey))).status).toBe(503);
    expect(send(state, tokenRequest(assertion(keys.privateKey))).status).toBe(200);
    expect(state.counters).toMatchObject({ serverErrorsServed: 2, tokenRequests: 3, tokensIssued: 1 });
  });

  it('html answers token requests with a 200 HTML login page', () => {
    const state = makeState(baseConfig(keys.publicPem, (c) => (c.simulate = { html: true })));
    const response = send(state, tokenRequest(assertion(keys.privateKey)));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<html');
  });

  it('every response carries a Date header from the offset server clock', () => {
    const state = makeState(baseConfig(keys.publicPem, (c) => (c.simulate = { clockOffsetSeconds: -90 })));
    const response = send(state, { method: 'GET', path: '/services/data/', headers: {}, body: '' });
    expect(response.headers.date).toBe(new Date(T0.getTime() - 90_000).toUTCString());
    expect(response.headers['content-type']).toBe('application/json;charset=UTF-8');
  });

  it('logs the parsed form, decoded claims and outcome of each request', () => {
    const state = makeState(baseConfig(keys.publicPem));
    send(state, tokenRequest(assertion(keys.privateKey, { aud: 'https://login.salesforce.com' })));
    send(state, tokenRequest(assertion(keys.privateKey)));
    const [failed, ok] = state.requests;
    expect(failed).toMatchObject({
      method: 'POST',
      path: '/services/oauth2/token',
      status: 400,
      error: 'app_not_found',
      errorDescription: 'External client app is not installed in this org',
      form: { grant_type: JWT_BEARER_GRANT },
      assertionHeader: { alg: 'RS256', typ: 'JWT' },
      claims: { iss: CLIENT_ID, sub: USERNAME, aud: 'https://login.salesforce.com' },
    });
    expect(ok).toMatchObject({ status: 200, claims: { aud: BASE } });
    expect(ok!.error).toBeUndefined();
    expect(state.counters).toMatchObject({ requests: 2, tokenRequests: 2, tokenErrors: 1, tokensIssued: 1 });
  });

  it('returns the (same, updated) state with the response', () => {
    const state = makeState(baseConfig(keys.publicPem));
    const result = handleRequest(state, tokenRequest(assertion(keys.privateKey)), T0);
    expect(result.state).toBe(state);
    expect(Object.keys(result.state.tokens)).toHaveLength(1);
  });
});
