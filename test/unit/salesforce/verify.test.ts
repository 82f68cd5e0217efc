import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TransportError, type HttpRequest, type HttpResponse } from '../../../src/net/types.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';
import { latestVersion, parseIdentityUrl, runVerification, sandboxFromIdentityUrl, type VerificationEvent, type VerificationInput } from '../../../src/salesforce/verify.js';
import { claimsOf, createFakeHttp, fakeClock, json, oauthError, type FakeHttp } from './fake-http.js';

const MY = 'https://acme.my.salesforce.com';
const L = 'https://login.salesforce.com';
const ORG = '00Dxx0000001gPLEAY';
const USER = '005xx000001SwiUAAS';
const ID_URL = `${L}/id/${ORG}/${USER}`;
const ACCESS = '00Dxx0000001gPL!AR8AQ.secret';
const TOKEN = { access_token: ACCESS, instance_url: MY, id: ID_URL, token_type: 'Bearer', scope: 'api id openid' };
const IDENTITY = { id: ID_URL, user_id: USER, organization_id: ORG, username: 'integration@acme.com', display_name: 'Integration User' };
const VERSIONS = [
  { label: 'Winter 26', url: '/services/data/v65.0', version: '65.0' },
  { label: 'Summer 26', url: '/services/data/v67.0', version: '67.0' },
  { label: 'Spring 26', url: '/services/data/v66.0', version: '66.0' },
];

let privateKey: KeyObject;
beforeAll(() => {
  ({ privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
});

/** Token endpoint that answers by the assertion's aud. */
function byAudience(answers: Record<string, HttpResponse>) {
  return (request: HttpRequest) => answers[String(claimsOf(request).aud)] ?? oauthError('invalid_grant', 'audience is invalid');
}

function withApi(fake: FakeHttp, api: HttpResponse = json(200, { sobjects: '/services/data/v66.0/sobjects' })): FakeHttp {
  return fake
    .on('GET', ID_URL, json(200, IDENTITY))
    .on('GET', `${MY}/services/data/v66.0/`, api);
}

function run(fake: FakeHttp, overrides: Partial<VerificationInput> = {}) {
  const clock = fakeClock();
  const events: VerificationEvent[] = [];
  const promise = runVerification({
    http: fake.client,
    now: clock.now,
    sleep: clock.sleep,
    login: normalizeLoginUrl(MY),
    orgKind: 'production',
    appKind: 'eca',
    clientId: '3MVG9.key',
    username: 'integration@acme.com',
    privateKey,
    timeoutMs: 30_000,
    waitSeconds: 0,
    onProgress: (event) => events.push(event),
    ...overrides,
  });
  return { clock, events, promise };
}

describe('runVerification', () => {
  it('falls through the audience matrix until a pair works, then checks identity and API', async () => {
    const fake = withApi(
      createFakeHttp()
        .on('POST', `${MY}/services/oauth2/token`, byAudience({ [MY]: oauthError('app_not_found', 'External client app is not installed in this org') }))
        .on('POST', `${L}/services/oauth2/token`, json(200, TOKEN, { date: 'Sun, 01 Mar 2026 10:00:07 GMT' })),
    );
    const { promise } = run(fake);
    const outcome = await promise;
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.accessToken).toBe(ACCESS);
    expect(outcome.result).toMatchObject({
      loginUrl: L,
      audience: L,
      tokenUrl: `${L}/services/oauth2/token`,
      instanceUrl: MY,
      organizationId: ORG,
      userId: USER,
      username: 'integration@acme.com',
      displayName: 'Integration User',
      scope: 'api id openid',
      tokenType: 'Bearer',
      isSandbox: false,
      clockSkewSeconds: 7,
      identitySource: 'identity-url',
      apiVersion: 'v66.0',
      rounds: 1,
    });
    expect(outcome.result.attempts.map((a) => [a.loginUrl, a.audience, a.outcome, a.httpStatus])).toEqual([
      [MY, MY, 'app-not-installed', 400],
      [MY, L, 'audience-invalid', 400],
      [L, L, 'ok', 200],
    ]);
    expect(JSON.stringify(outcome.result)).not.toContain('secret');
    const identityCall = fake.to(ID_URL)[0];
    expect(identityCall?.headers?.authorization).toBe(`Bearer ${ACCESS}`);
    expect(fake.to(`${MY}/services/data/v66.0/`)[0]?.headers?.authorization).toBe(`Bearer ${ACCESS}`);
    // One round after the token: identity and the API call, and no version lookup.
    expect(fake.requests.filter((r) => r.method === 'GET').map((r) => r.url)).toEqual([ID_URL, `${MY}/services/data/v66.0/`]);
  });

  it('stops at the first pair that works', async () => {
    const fake = withApi(createFakeHttp().on('POST', `${MY}/services/oauth2/token`, json(200, TOKEN)));
    const outcome = await run(fake).promise;
    expect(outcome.ok).toBe(true);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('tries the remembered pair first', async () => {
    const fake = withApi(createFakeHttp().on('POST', `${MY}/services/oauth2/token`, json(200, TOKEN)));
    const outcome = await run(fake, { remembered: { login: normalizeLoginUrl(MY), audience: L } }).promise;
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.result.audience).toBe(L);
    expect(outcome.result.attempts).toHaveLength(1);
  });

  it('reports the most informative failure with causes and fixes, without waiting when waiting cannot help', async () => {
    const fake = createFakeHttp()
      .on('POST', `${MY}/services/oauth2/token`, byAudience({ [MY]: oauthError('app_not_found', 'External client app is not installed in this org') }))
      .on('POST', `${L}/services/oauth2/token`, oauthError('invalid_grant', 'expired authorization code', 400));
    const { promise, clock } = run(fake, { waitSeconds: 600 });
    const outcome = await promise;
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.code).toBe('assertion-expired');
    expect(outcome.message).toContain('expired authorization code');
    expect(outcome.finding.code).toBe('assertion-expired');
    expect(outcome.finding.fixes.join(' ')).toMatch(/NTP/);
    expect(outcome.attempts.map((a) => a.outcome)).toEqual(['app-not-installed', 'audience-invalid', 'assertion-expired']);
    expect(outcome.rounds).toBe(1);
    expect(outcome.working).toBeNull();
    expect(clock.sleeps).toEqual([]);
  });

  it('waits with backoff while the failure is one propagation explains, then succeeds', async () => {
    let round = 0;
    const fake = withApi(
      createFakeHttp()
        .on('POST', `${MY}/services/oauth2/token`, (request) => {
          if (claimsOf(request).aud === MY) round += 1;
          return round >= 3 && claimsOf(request).aud === MY ? json(200, TOKEN) : oauthError('invalid_grant', "user hasn't approved this consumer");
        })
        .on('POST', `${L}/services/oauth2/token`, oauthError('invalid_grant', "user hasn't approved this consumer")),
    );
    const { promise, clock, events } = run(fake, { waitSeconds: 600 });
    const outcome = await promise;
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.result.rounds).toBe(3);
    expect(outcome.result.attempts).toHaveLength(1);
    expect(clock.sleeps).toEqual([5000, 10000]);
    const waiting = events.filter((e) => e.type === 'waiting');
    expect(waiting).toEqual([
      { type: 'waiting', round: 1, code: 'user-not-approved', seconds: 5, remainingSeconds: 600 },
      { type: 'waiting', round: 2, code: 'user-not-approved', seconds: 10, remainingSeconds: 595 },
    ]);
    expect(events.filter((e) => e.type === 'attempt')).toHaveLength(7);
  });

  it('gives up when the wait runs out, never sleeping past it', async () => {
    const fake = createFakeHttp()
      .on('POST', `${MY}/services/oauth2/token`, oauthError('invalid_client_id', 'client identifier invalid'))
      .on('POST', `${L}/services/oauth2/token`, oauthError('invalid_client_id', 'client identifier invalid'));
    const { promise, clock } = run(fake, { waitSeconds: 60 });
    const outcome = await promise;
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.code).toBe('client-id-invalid');
    expect(clock.sleeps).toEqual([5000, 10000, 20000, 25000]);
    expect(outcome.rounds).toBe(5);
    expect(outcome.attempts).toHaveLength(3);
    expect(outcome.message).toContain('over 5 rounds');
  });

  it('does not wait with --wait 0', async () => {
    const fake = createFakeHttp()
      .on('POST', `${MY}/services/oauth2/token`, oauthError('invalid_grant', "user hasn't approved this consumer"))
      .on('POST', `${L}/services/oauth2/token`, oauthError('invalid_grant', "user hasn't approved this consumer"));
    const { promise, clock } = run(fake, { waitSeconds: 0 });
    const outcome = await promise;
    expect(outcome.ok).toBe(false);
    expect(clock.sleeps).toEqual([]);
  });

  it('falls back to userinfo when the identity URL fails', async () => {
    const fake = createFakeHttp()
      .on('POST', `${MY}/services/oauth2/token`, json(200, { ...TOKEN, id: `https://test.salesforce.com/id/${ORG}/${USER}` }))
      .on('GET', `https://test.salesforce.com/id/${ORG}/${USER}`, json(403, [{ errorCode: 'FORBIDDEN', message: 'Bad_Id' }]))
      .on('GET', `${MY}/services/oauth2/userinfo`, json(200, { user_id: USER, organization_id: ORG, preferred_username: 'integration@acme.com.uat', name: 'Integration' }))
      .on('GET', `${MY}/services/data/v66.0/`, json(200, {}));
    const { promise, events } = run(fake, { orgKind: 'sandbox' });
    const outcome = await promise;
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.result).toMatchObject({ identitySource: 'userinfo', username: 'integration@acme.com.uat', displayName: 'Integration', isSandbox: true });
    expect(fake.to(`${MY}/services/oauth2/userinfo`)[0]?.headers?.authorization).toBe(`Bearer ${ACCESS}`);
    expect(events).toContainEqual({ type: 'identity', source: 'userinfo', url: `${MY}/services/oauth2/userinfo` });
  });

  it('uses the ids in the token answer when no identity endpoint answers', async () => {
    const fake = createFakeHttp()
      .on('POST', `${MY}/services/oauth2/token`, json(200, TOKEN))
      .on('GET', `${MY}/services/data/v66.0/`, json(200, {}));
    const outcome = await run(fake).promise;
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.result).toMatchObject({ identitySource: 'token', organizationId: ORG, userId: USER, username: 'integration@acme.com', displayName: null });
  });

  it('asks the org whether it is a sandbox when neither the identity nor the instance host says', async () => {
    const GOV = 'https://acme.my.salesforce.mil';
    const myId = `${GOV}/id/${ORG}/${USER}`;
    const query = `${GOV}/services/data/v66.0/query?q=SELECT%20IsSandbox%20FROM%20Organization`;
    const fake = createFakeHttp()
      .on('POST', `${MY}/services/oauth2/token`, json(200, { ...TOKEN, id: myId, instance_url: GOV }))
      .on('GET', myId, json(200, { ...IDENTITY, id: myId }))
      .on('GET', query, json(200, { totalSize: 1, done: true, records: [{ attributes: { type: 'Organization' }, IsSandbox: true }] }));
    const outcome = await run(fake).promise;
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.result.isSandbox).toBe(true);
    expect(fake.to(query)[0]?.headers?.authorization).toBe(`Bearer ${ACCESS}`);
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });

  it('with checkApi false proves the login with token and identity only (verify, token)', async () => {
    const myId = `${MY}/id/${ORG}/${USER}`;
    const fake = createFakeHttp()
      .on('POST', `${MY}/services/oauth2/token`, json(200, { ...TOKEN, id: myId }))
      .on('GET', myId, json(200, { ...IDENTITY, id: myId }));
    const { promise, events } = run(fake, { checkApi: false });
    const outcome = await promise;
    if (!outcome.ok) throw new Error(outcome.message);
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${MY}/services/oauth2/token`, `GET ${myId}`]);
    // The My Domain host says production; no API version was called.
    expect(outcome.result).toMatchObject({ isSandbox: false, apiVersion: null, organizationId: ORG, username: 'integration@acme.com' });
    expect(events.some((e) => e.type === 'api')).toBe(false);
  });

  it('falls back to the newest version the instance lists when it does not serve ours', async () => {
    const fake = createFakeHttp()
      .on('POST', `${MY}/services/oauth2/token`, json(200, TOKEN))
      .on('GET', ID_URL, json(200, IDENTITY))
      .on('GET', `${MY}/services/data/v66.0/`, json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]))
      .on('GET', `${MY}/services/data/`, json(200, VERSIONS.filter((v) => v.version !== '66.0' && v.version !== '67.0')))
      .on('GET', `${MY}/services/data/v65.0/`, json(200, {}));
    const outcome = await run(fake).promise;
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.result.apiVersion).toBe('v65.0');
    expect(fake.to(`${MY}/services/data/v65.0/`)[0]?.headers?.authorization).toBe(`Bearer ${ACCESS}`);
  });

  it('classifies a REST 401/403 after the token as api-access-denied, keeping the working pair', async () => {
    const fake = withApi(
      createFakeHttp().on('POST', `${MY}/services/oauth2/token`, json(200, TOKEN)),
      json(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'This session is not valid for use with the REST API' }]),
    );
    const outcome = await run(fake, { appKind: 'connected-app' }).promise;
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.code).toBe('api-access-denied');
    expect(outcome.message).toContain('INVALID_SESSION_ID');
    expect(outcome.working).toEqual({ loginUrl: MY, audience: MY });
    expect(outcome.attempts.map((a) => a.outcome)).toEqual(['ok']);
    expect(outcome.finding.setupUrl).toBe('https://acme.my.salesforce-setup.com/lightning/setup/NavigationMenus/home');
    expect(JSON.stringify(outcome)).not.toContain('secret');
  });

  it('reports an unreachable instance with its transport code', async () => {
    const fake = createFakeHttp().on('POST', `${MY}/services/oauth2/token`, json(200, { ...TOKEN, instance_url: 'https://gone.my.salesforce.com' }));
    const outcome = await run(fake, { retries: 0 }).promise;
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.code).toBe('network-error');
    expect(outcome.message).toContain('https://gone.my.salesforce.com');
  });

  it('does not try a second audience on a login URL that gave no answer, but still tries the generic host', async () => {
    const refused = new TransportError('network', `${MY.slice(8)}:443 refused the connection (ECONNREFUSED)`, 'ECONNREFUSED');
    const fake = createFakeHttp()
      .on('POST', `${MY}/services/oauth2/token`, refused)
      .on('POST', `${L}/services/oauth2/token`, oauthError('invalid_grant', 'user hasn\'t approved this consumer'));
    const outcome = await run(fake, { retries: 0 }).promise;
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.attempts.map((a) => [a.loginUrl, a.audience, a.outcome])).toEqual([
      [MY, MY, 'network-error'],
      [L, L, 'user-not-approved'],
    ]);
    expect(fake.to(`${MY}/services/oauth2/token`)).toHaveLength(1);
    expect(outcome.message).toContain('tried 2 login URL/audience pairs; skipped 1 whose login URL did not answer)');
  });

  it('an HTTP answer from a login URL (even a 5xx) still lets the next audience be tried there', async () => {
    const fake = createFakeHttp().on('POST', `${MY}/services/oauth2/token`, byAudience({ [L]: json(503, { error: 'unavailable' }) }));
    fake.on('POST', `${L}/services/oauth2/token`, oauthError('invalid_grant', 'audience is invalid'));
    const outcome = await run(fake, { retries: 0 }).promise;
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.attempts.map((a) => [a.loginUrl, a.audience])).toEqual([
      [MY, MY],
      [MY, L],
      [L, L],
    ]);
    expect(outcome.message).toMatch(/tried 3 login URL\/audience pairs\)?$/);
  });

  it('never tries generic hosts against loopback, and reports a negative skew', async () => {
    const EMU = 'http://127.0.0.1:4567';
    const fake = createFakeHttp().on('POST', `${EMU}/services/oauth2/token`, oauthError('invalid_grant', 'invalid assertion'));
    fake.on('POST', `${EMU}/services/oauth2/token`, json(400, { error: 'invalid_grant', error_description: 'invalid assertion' }, { date: 'Sun, 01 Mar 2026 09:59:50 GMT' }));
    const outcome = await run(fake, { login: normalizeLoginUrl(EMU) }).promise;
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.attempts.map((a) => a.loginUrl)).toEqual([EMU, EMU]);
    expect(outcome.code).toBe('invalid-assertion');
    expect(outcome.clockSkewSeconds).toBe(-10);
  });
});

describe('helpers', () => {
  it('parses the identity URL', () => {
    expect(parseIdentityUrl(ID_URL)).toEqual({ organizationId: ORG, userId: USER });
    expect(parseIdentityUrl('https://x/nothing')).toBeNull();
    expect(parseIdentityUrl(null)).toBeNull();
  });

  it.each([
    [ID_URL, false],
    [`https://test.salesforce.com/id/${ORG}/${USER}`, true],
    [`https://acme--uat.sandbox.my.salesforce.com/id/${ORG}/${USER}`, true],
    [`https://acme--dev1.scratch.my.salesforce.com/id/${ORG}/${USER}`, true],
    // A legacy (non-enhanced) sandbox My Domain keeps the sandbox in the label.
    [`https://acme--uat.my.salesforce.com/id/${ORG}/${USER}`, true],
    [`${MY}/id/${ORG}/${USER}`, false],
    [`https://acme.develop.my.salesforce.com/id/${ORG}/${USER}`, false],
    [`https://acme.my.salesforce.mil/id/${ORG}/${USER}`, null],
    [`http://127.0.0.1:4567/id/${ORG}/${USER}`, null],
    [null, null],
  ])('sandboxFromIdentityUrl(%s) → %s', (id, expected) => expect(sandboxFromIdentityUrl(id)).toBe(expected));

  it('picks the latest API version', () => {
    expect(latestVersion(VERSIONS)).toBe('v67.0');
    expect(latestVersion([{ version: '9.0' }, { version: '10.0' }])).toBe('v10.0');
    expect(latestVersion({})).toBeUndefined();
  });
});
