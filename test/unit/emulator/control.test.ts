/** The /__emulator/ control endpoints over real HTTP: only this machine's own requests drive them. */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT } from '../../../src/crypto/assertion.js';
import { singleAppConfig } from '../../../src/emulator/config.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/server.js';
import { assertion, makeKeyPair } from './fixtures.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator(singleAppConfig({ clientId: '3MVG9_control', certPem: makeKeyPair().publicPem, username: 'ci@acme.com' }));
});
afterAll(() => emulator.stop());

/** node:http, so the test can send any Host and Content-Type (fetch fixes Host). */
function request(method: string, name: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: emulator.port, method, path: `/__emulator/${name}`, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const own = () => `127.0.0.1:${emulator.port}`;
const simulate = (headers: Record<string, string>) => request('POST', 'simulate', headers, JSON.stringify({ slowMs: 0 }));

describe('/__emulator/ control endpoints', () => {
  it('answer a JSON POST and a GET sent to a loopback Host with the emulator port', async () => {
    for (const host of [own(), `localhost:${emulator.port}`, `[::1]:${emulator.port}`]) {
      expect(await simulate({ host, 'content-type': 'application/json' })).toMatchObject({ status: 200 });
    }
    expect(await simulate({ host: own(), 'content-type': 'application/json; charset=utf-8', origin: `http://localhost:${emulator.port}` })).toMatchObject({ status: 200 });
    expect((await request('GET', 'requests', { host: own() })).status).toBe(200);
  });

  it('refuse a cross-origin-style text/plain or form POST with 415', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect(await simulate({ host: own(), 'content-type': type })).toMatchObject({ status: 415, body: { error: expect.stringMatching(/application\/json/) } });
    }
    expect(await request('POST', 'simulate', { host: own() }, '{}')).toMatchObject({ status: 415 });
  });

  it('refuse any other Host (DNS rebinding) or a foreign Origin with 403, GET included', async () => {
    for (const host of ['evil.example', `evil.example:${emulator.port}`, '127.0.0.1', `127.0.0.1:${emulator.port + 1}`, `127.0.0.2:${emulator.port}`]) {
      expect(await request('GET', 'requests', { host })).toMatchObject({ status: 403 });
      expect(await simulate({ host, 'content-type': 'application/json' })).toMatchObject({ status: 403 });
    }
    expect(await simulate({ host: own(), 'content-type': 'application/json', origin: 'http://evil.example' })).toMatchObject({ status: 403 });
    expect(await request('GET', 'requests', { host: own(), origin: 'null' })).toMatchObject({ status: 403 });
  });
});

describe('POST /__emulator/app: create the app first, upload the certificate later', () => {
  it('an app with no certificate is refused (invalid assertion) until POST certificate, then logs in', async () => {
    const keys = makeKeyPair();
    const json = { host: own(), 'content-type': 'application/json' };
    const post = (name: string, body: unknown) => request('POST', name, json, JSON.stringify(body));
    expect(await post('app', { clientId: '3MVG9_later', assignedUsernames: ['ci@acme.com'] })).toMatchObject({ status: 200 });
    expect(await post('app', { clientId: '3MVG9_later' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/exists already/) } });
    expect(await post('app', { clientId: '3MVG9_bad', certPem: 'nope' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/certPem/) } });
    expect(await post('app', { kind: 'eca' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/clientId/) } });

    const login = async () => {
      const response = await fetch(`${emulator.url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: JWT_BEARER_GRANT,
          assertion: assertion(keys.privateKey, { clientId: '3MVG9_later', username: 'ci@acme.com', aud: emulator.url, now: new Date() }),
        }).toString(),
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    expect(await login()).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'invalid assertion' } });
    expect(await post('certificate', { clientId: '3MVG9_later', certPem: keys.publicPem, propagationSeconds: 0 })).toMatchObject({ status: 200 });
    expect(await login()).toMatchObject({ status: 200, body: { access_token: expect.any(String) } });
  });
});
