import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT, decodeJwt, verifyRs256 } from '../../../src/crypto/assertion.js';
import { CancelledError } from '../../../src/errors.js';
import { TransportError } from '../../../src/net/types.js';
import { exchangeToken, publicAttempt, type ExchangeInput } from '../../../src/salesforce/exchange.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';
import { claimsOf, createFakeHttp, fakeClock, html, json, oauthError, type FakeHttp } from './fake-http.js';

const LOGIN = 'https://acme.my.salesforce.com';
const TOKEN_URL = `${LOGIN}/services/oauth2/token`;
const TOKEN = { access_token: '00Dxx!secret-token', instance_url: LOGIN, id: 'https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS', token_type: 'Bearer', scope: 'api id' };

let privateKey: KeyObject;
let publicKey: KeyObject;
beforeAll(() => {
  ({ privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
});

function setup(fake: FakeHttp, overrides: Partial<ExchangeInput> = {}) {
  const clock = fakeClock();
  const input: ExchangeInput = {
    http: fake.client,
    login: normalizeLoginUrl(LOGIN),
    audience: LOGIN,
    clientId: '3MVG9.consumer.key',
    username: 'integration@acme.com',
    privateKey,
    now: clock.now,
    sleep: clock.sleep,
    timeoutMs: 30_000,
    ...overrides,
  };
  return { clock, run: () => exchangeToken(input) };
}

describe('exchangeToken', () => {
  it('posts a form with grant_type and assertion only, signed RS256 with exp = now + 180', async () => {
    const fake = createFakeHttp().on('POST', TOKEN_URL, json(200, TOKEN, { date: 'Sun, 01 Mar 2026 10:00:03 GMT' }));
    const { run } = setup(fake);
    const attempt = await run();
    expect(attempt.outcome).toBe('ok');
    expect(attempt.token?.accessToken).toBe('00Dxx!secret-token');
    expect(attempt.date).toBe('Sun, 01 Mar 2026 10:00:03 GMT');
    expect(attempt.receivedAt).toBe(Date.parse('2026-03-01T10:00:00Z'));
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.timeoutMs).toBe(30_000);
    const form = new URLSearchParams(String(request?.body));
    expect([...form.keys()].sort()).toEqual(['assertion', 'grant_type']);
    expect(form.get('grant_type')).toBe(JWT_BEARER_GRANT);
    // Byte for byte the form encoding a URLSearchParams would give.
    expect(request?.body).toBe(new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: form.get('assertion')! }).toString());
    const decoded = decodeJwt(form.get('assertion')!);
    expect(decoded.header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(decoded.claims).toEqual({ iss: '3MVG9.consumer.key', sub: 'integration@acme.com', aud: LOGIN, exp: Date.parse('2026-03-01T10:00:00Z') / 1000 + 180 });
    expect(verifyRs256(decoded, publicKey)).toBe(true);
  });

  it('never serialises the token through publicAttempt', async () => {
    const fake = createFakeHttp().on('POST', TOKEN_URL, json(200, TOKEN));
    const attempt = await setup(fake).run();
    expect(JSON.stringify(publicAttempt(attempt))).not.toContain('secret-token');
    expect(Object.keys(publicAttempt(attempt)).sort()).toEqual(['audience', 'error', 'errorDescription', 'httpStatus', 'loginUrl', 'ms', 'outcome']);
  });

  it('retries a 5xx twice with backoff, then reports server-error', async () => {
    const fake = createFakeHttp().on('POST', TOKEN_URL, html(503, '<html><title>Maintenance</title></html>'));
    const { run, clock } = setup(fake);
    const attempt = await run();
    expect(attempt.outcome).toBe('server-error');
    expect(attempt.httpStatus).toBe(503);
    expect(fake.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([250, 1000]);
    expect(attempt.requests).toBe(3);
    expect(attempt.ms).toBe(1250);
  });

  it('re-signs each retry and succeeds when the 5xx goes away', async () => {
    const fake = createFakeHttp().on('POST', TOKEN_URL, json(502, {}), json(200, TOKEN));
    const { run, clock } = setup(fake, { backoffMs: [2000] });
    const attempt = await run();
    expect(attempt.outcome).toBe('ok');
    expect(fake.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([2000]);
    const base = Date.parse('2026-03-01T10:00:00Z') / 1000;
    expect(claimsOf(fake.requests[0]!).exp).toBe(base + 180);
    expect(claimsOf(fake.requests[1]!).exp).toBe(base + 182);
  });

  it('never retries a 4xx', async () => {
    const fake = createFakeHttp().on('POST', TOKEN_URL, oauthError('invalid_grant', 'invalid assertion'));
    const { run, clock } = setup(fake);
    const attempt = await run();
    expect(attempt).toMatchObject({
      loginUrl: LOGIN,
      audience: LOGIN,
      tokenUrl: TOKEN_URL,
      outcome: 'invalid-assertion',
      httpStatus: 400,
      error: 'invalid_grant',
      errorDescription: 'invalid assertion',
    });
    expect(fake.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries a connection reset', async () => {
    const fake = createFakeHttp().on('POST', TOKEN_URL, new TransportError('network', 'read ECONNRESET', 'ECONNRESET'), json(200, TOKEN));
    const { run, clock } = setup(fake);
    expect((await run()).outcome).toBe('ok');
    expect(fake.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([250]);
  });

  it('reports network-error after the retries run out, with errno and hint', async () => {
    const fake = createFakeHttp().on('POST', TOKEN_URL, new TransportError('network', 'read ECONNRESET', 'ECONNRESET'));
    const attempt = await setup(fake).run();
    expect(attempt).toMatchObject({ outcome: 'network-error', httpStatus: null, error: 'ECONNRESET', errorDescription: 'read ECONNRESET', requests: 3 });
    expect(attempt.hint).toMatch(/reset/);
  });

  it('does not retry an unknown host, a timeout or a TLS failure', async () => {
    for (const [error, code] of [
      [new TransportError('network', 'getaddrinfo ENOTFOUND acme.my.salesforce.com', 'ENOTFOUND'), 'network-error'],
      [new TransportError('timeout', 'no answer within 30 s', 'ETIMEDOUT'), 'timeout'],
      [new TransportError('tls', 'unable to get local issuer certificate', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'), 'tls-error'],
    ] as const) {
      const fake = createFakeHttp().on('POST', TOKEN_URL, error);
      const attempt = await setup(fake).run();
      expect(attempt.outcome).toBe(code);
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('honours retries: 0', async () => {
    const fake = createFakeHttp().on('POST', TOKEN_URL, json(500, {}));
    const attempt = await setup(fake, { retries: 0 }).run();
    expect(attempt.outcome).toBe('server-error');
    expect(fake.requests).toHaveLength(1);
  });

  it('reports an HTML answer as not-token-endpoint with the URL and status', async () => {
    const fake = createFakeHttp().on('POST', TOKEN_URL, html(200, '<html><head><title>Login</title></head></html>'));
    const attempt = await setup(fake).run();
    expect(attempt.outcome).toBe('not-token-endpoint');
    expect(attempt.errorDescription).toContain(TOKEN_URL);
    expect(attempt.errorDescription).toContain('HTTP 200');
  });

  it('throws CancelledError when aborted', async () => {
    const controller = new AbortController();
    const fake = createFakeHttp().on('POST', TOKEN_URL, () => {
      controller.abort();
      return new TransportError('aborted', 'request cancelled', 'ABORT_ERR');
    });
    await expect(setup(fake, { signal: controller.signal }).run()).rejects.toBeInstanceOf(CancelledError);
  });

  it('turns a key that cannot sign into key-invalid', async () => {
    const fake = createFakeHttp();
    await expect(setup(fake, { privateKey: 'not a key' }).run()).rejects.toMatchObject({ code: 'key-invalid', exitCode: 2 });
    expect(fake.requests).toHaveLength(0);
  });
});
