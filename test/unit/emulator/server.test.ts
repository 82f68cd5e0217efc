import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT } from '../../../src/crypto/assertion.js';
import { singleAppConfig } from '../../../src/emulator/config.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/server.js';
import { assertion, makeKeyPair, rawJwt, type KeyPair } from './fixtures.js';

const CLIENT_ID = '3MVG9_http_client';
const USERNAME = 'ci@acme.com';

let keys: KeyPair;
let newKeys: KeyPair;
const running: RunningEmulator[] = [];

beforeAll(() => {
  keys = makeKeyPair();
  newKeys = makeKeyPair();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function start(options: Parameters<typeof startEmulator>[1] = {}, patch: Partial<Parameters<typeof singleAppConfig>[0]> = {}) {
  const emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: keys.publicPem, username: USERNAME, ...patch }), options);
  running.push(emulator);
  return emulator;
}

function postToken(url: string, jwt: string): Promise<Response> {
  return fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: jwt }).toString(),
  });
}

describe('startEmulator over HTTP', () => {
  it('binds 127.0.0.1 on a free port and runs the whole login + identity + query flow', async () => {
    const emulator = await start();
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.port).toBeGreaterThan(0);

    const tokenResponse = await postToken(emulator.url, assertion(keys.privateKey, { clientId: CLIENT_ID, username: USERNAME, aud: emulator.url, now: new Date() }));
    expect(tokenResponse.status).toBe(200);
    expect(tokenResponse.headers.get('date')).toBeTruthy();
    const token = (await tokenResponse.json()) as { access_token: string; id: string; instance_url: string };
    expect(token.instance_url).toBe(emulator.url);

    const auth = { authorization: `Bearer ${token.access_token}` };
    const identity = await fetch(token.id, { headers: auth });
    expect(await identity.json()).toMatchObject({ username: USERNAME, organization_id: '00D000000000001AAA' });
    const query = await fetch(`${emulator.url}/services/data/v66.0/query?q=${encodeURIComponent('SELECT Id, Name FROM Organization')}`, { headers: auth });
    expect(await query.json()).toMatchObject({ totalSize: 1, done: true, records: [{ Name: 'sfjwt Emulator Org' }] });

    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 200', 'GET 200', 'GET 200']);
    expect(emulator.counters).toMatchObject({ tokensIssued: 1, apiCalls: 2 });
  });

  it('logs in the way `sf org login jwt --instance-url http://127.0.0.1:<port>` does', async () => {
    const emulator = await start();
    const jwt = rawJwt(
      { alg: 'RS256', typ: 'JWT' },
      { iss: CLIENT_ID, sub: USERNAME, aud: `https://127.0.0.1:${emulator.port}/`, exp: Date.now() + 300, iat: Math.floor(Date.now() / 1000) },
      keys.privateKey,
    );
    // jsforce joins the login URL (with its trailing slash) and the path.
    const response = await fetch(`${emulator.url}//services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: jwt }).toString(),
    });
    expect(response.status).toBe(200);
    const { access_token: accessToken } = (await response.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    // Not a Dev Hub (the default): sf reads INVALID_TYPE as "not a Dev Hub" and carries on.
    const hub = await fetch(`${emulator.url}//services/data/v51.0/query?q=SELECT%20Id%20FROM%20ScratchOrgInfo%20limit%201`, { headers: auth });
    expect(hub.status).toBe(400);
    expect(((await hub.json()) as { errorCode: string }[])[0]?.errorCode).toBe('INVALID_TYPE');
    const ns = await fetch(`${emulator.url}//services/data/v51.0/query?q=Select%20Namespaceprefix%20FROM%20Organization`, { headers: auth });
    expect(((await ns.json()) as { records: unknown[] }).records).toHaveLength(1);
  });

  it('answers token requests with an HTML page under the html simulation', async () => {
    const emulator = await start();
    emulator.setSimulation({ html: true });
    const response = await postToken(emulator.url, assertion(keys.privateKey, { clientId: CLIENT_ID, username: USERNAME, aud: emulator.url, now: new Date() }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<form');
  });

  it('answers 503 for the next serverErrors token requests, then recovers', async () => {
    const emulator = await start();
    emulator.setSimulation({ serverErrors: 2 });
    const jwt = () => assertion(keys.privateKey, { clientId: CLIENT_ID, username: USERNAME, aud: emulator.url, now: new Date() });
    expect((await postToken(emulator.url, jwt())).status).toBe(503);
    expect((await postToken(emulator.url, jwt())).status).toBe(503);
    expect((await postToken(emulator.url, jwt())).status).toBe(200);
  });

  it('delays answers by slowMs', async () => {
    const emulator = await start();
    emulator.setSimulation({ slowMs: 150 });
    const started = performance.now();
    const response = await fetch(`${emulator.url}/services/data/`);
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('refuses bodies over 64 KB with 413', async () => {
    const emulator = await start();
    const response = await fetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `assertion=${'a'.repeat(70 * 1024)}`,
    });
    expect(response.status).toBe(413);
    expect(emulator.counters.tokenRequests).toBe(0);
  });

  it('uses the injected clock: propagation, certificate replacement and the Date header', async () => {
    let clock = new Date('2026-05-01T08:00:00Z');
    const emulator = await start({ now: () => clock }, { simulate: { propagationSeconds: 60, clockOffsetSeconds: 30 } });
    const jwt = (key: KeyPair) => assertion(key.privateKey, { clientId: CLIENT_ID, username: USERNAME, aud: emulator.url, now: emulator.serverTime() });

    const early = await postToken(emulator.url, jwt(keys));
    expect(await early.json()).toEqual({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
    expect(early.headers.get('date')).toBe('Fri, 01 May 2026 08:00:30 GMT');

    clock = new Date(clock.getTime() + 60_000);
    expect((await postToken(emulator.url, jwt(keys))).status).toBe(200);

    emulator.replaceCertificate(CLIENT_ID, newKeys.publicPem);
    expect((await postToken(emulator.url, jwt(keys))).status).toBe(200);
    expect((await postToken(emulator.url, jwt(newKeys))).status).toBe(400);
    clock = new Date(clock.getTime() + 60_000);
    expect((await postToken(emulator.url, jwt(newKeys))).status).toBe(200);
    expect(await (await postToken(emulator.url, jwt(keys))).json()).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
  });

  it('runtime controls change the answers', async () => {
    const emulator = await start();
    const jwt = () => assertion(keys.privateKey, { clientId: CLIENT_ID, username: USERNAME, aud: emulator.url, now: new Date() });
    emulator.assignUser(CLIENT_ID, USERNAME, false);
    expect(await (await postToken(emulator.url, jwt())).json()).toEqual({
      error: 'invalid_app_access',
      error_description: 'user is not admin approved to access this app',
    });
    emulator.assignUser(CLIENT_ID, USERNAME);
    emulator.setUserActive(USERNAME, false);
    expect(await (await postToken(emulator.url, jwt())).json()).toEqual({ error: 'invalid_grant', error_description: 'inactive user' });
    emulator.setUserActive(USERNAME, true);
    expect((await postToken(emulator.url, jwt())).status).toBe(200);
    emulator.clearRequests();
    expect(emulator.requests).toHaveLength(0);
  });

  it('stop() closes the server', async () => {
    const emulator = await start();
    await emulator.stop();
    await expect(fetch(`${emulator.url}/services/data/`)).rejects.toThrow();
    await emulator.stop();
  });
});
