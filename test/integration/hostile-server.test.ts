// SPEC §10 against servers that lie: token endpoints on loopback that answer what an attacker
// would (a shell line in instance_url, an id on another host, escape sequences, a redirect), and a
// second listener that records whatever reaches it. Real HTTP, the whole CLI in-process.
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { makeKeyFiles, type KeyFiles } from '../helpers/fixtures.js';
import { startTestProxy } from '../helpers/proxy.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const CLIENT_ID = '3MVG9hostileServerTestClientIdxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
const USER = 'victim@acme.com';
const TOKEN = '00Dxx0000000001!AQ0AQSecretAccessTokenValue';

interface Recorder {
  url: string;
  requests: { method: string; url: string; authorization?: string; body: string }[];
  stop(): Promise<void>;
}

/** A loopback server answering every request with `answer`, recording what it received. */
async function serve(host: string, answer: (req: http.IncomingMessage, res: http.ServerResponse, base: string) => void): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      answer(req, res, base);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  base = `http://${host}:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return {
    url: base,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const servers: http.Server[] = [];
let dir: string;
let keys: KeyFiles;
beforeAll(async () => {
  dir = await makeTempDir();
  keys = await makeKeyFiles(path.join(dir, 'keys'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function verify(loginUrl: string, env: Record<string, string> = {}, extra: string[] = []) {
  const home = await fs.mkdtemp(path.join(dir, 'home-'));
  const args = ['verify', '--json', '--login-url', loginUrl, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath, '--timeout', '5', ...extra];
  const run = await runInProcess(args, createTestDeps({ env: { SFJWT_HOME: home, ...env } }));
  const config = await fs.readFile(path.join(home, 'config.json'), 'utf8').catch(() => '');
  return { ...run, config };
}

describe('what a token answer names is checked before it is used', () => {
  it('an instance_url with a shell line in it is refused: not saved, not printed raw, no request goes there', async () => {
    const evil = await serve('127.0.0.1', (req, res, base) =>
      json(res, 200, { access_token: TOKEN, instance_url: `${base}\ntouch /tmp/sfjwt-pwned #`, id: `${base}/id/00D/005`, token_type: 'Bearer' }),
    );
    const run = await verify(evil.url);
    expect(run.code).toBe(1);
    const { error } = run.json();
    expect(error.code).toBe('not-token-endpoint');
    expect(error.message).toMatch(/instance_url sfjwt will not use \(it holds control characters\)/);
    expect(run.stdout + run.stderr).not.toContain('\ntouch');
    expect(run.config).not.toContain('touch');
    expect(evil.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /services/oauth2/token', 'POST /services/oauth2/token']);
  });

  it('the access token never follows an id or instance_url to another loopback host or port', async () => {
    const thief = await serve('127.0.0.2', (_req, res) => json(res, 200, { user_id: '005', organization_id: '00D' }));
    const evil = await serve('127.0.0.1', (req, res, base) => {
      if (req.url === '/services/oauth2/token') {
        json(res, 200, { access_token: TOKEN, instance_url: thief.url, id: `${thief.url}/id/00Dxx0000000001/005xx000000001`, token_type: 'Bearer' });
      } else json(res, 404, [{ errorCode: 'NOT_FOUND', message: base }]);
    });
    const run = await verify(evil.url);
    expect(thief.requests.filter((r) => r.authorization)).toEqual([]);
    expect(evil.requests.filter((r) => r.authorization)).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.json().error).toMatchObject({ code: 'not-token-endpoint', message: expect.stringMatching(/instance_url sfjwt will not use \(sfjwt sends an access token only to Salesforce hosts over https/) });
    expect(run.config).not.toContain('127.0.0.2');
  });
});

describe('server text reaches the terminal without escape sequences', () => {
  it('an error_description with clear-screen, an OSC title, BEL and fake lines is printed clean, in human and JSON output', async () => {
    const evil = await serve('127.0.0.1', (_req, res) =>
      json(res, 400, { error: 'invalid_grant\u001b[31m', error_description: '\u001b[2J\u001b]0;pwned\u0007audience is invalid\r\n✔ Login OK\u0007' }),
    );
    const human = await verify(evil.url, {}, ['--audience', evil.url]);
    const output = human.stdout + human.stderr;
    expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(output).toContain('audience is invalid ✔ Login OK');
    expect(human.json().error.code).toBe('audience-invalid');
    expect(JSON.stringify(human.json())).not.toMatch(/\\u001b|\\u0007|\\r/);
  });
});

describe('redirects are never followed', () => {
  it('a 307 from the token endpoint is not-token-endpoint naming the Location; the assertion goes nowhere else', async () => {
    const elsewhere = await serve('127.0.0.2', (_req, res) => json(res, 200, { access_token: TOKEN }));
    const redirecting = await serve('127.0.0.1', (_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/services/oauth2/token` });
      res.end();
    });
    const direct = await verify(redirecting.url, {}, ['--audience', redirecting.url]);
    expect(direct.code).toBe(1);
    expect(direct.json().error).toMatchObject({ code: 'not-token-endpoint', message: expect.stringContaining(`redirecting to ${elsewhere.url}/services/oauth2/token`) });

    const proxy = await startTestProxy();
    try {
      const proxied = await verify(redirecting.url, { HTTP_PROXY: proxy.url, NO_PROXY: '' }, ['--audience', redirecting.url]);
      expect(proxied.code).toBe(1);
      expect(proxied.json().error.code).toBe('not-token-endpoint');
      expect(proxy.seen.map((r) => r.method)).toEqual(['POST']);
    } finally {
      await proxy.stop();
    }
    expect(elsewhere.requests).toEqual([]);
  });
});
