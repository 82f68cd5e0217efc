import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { makeKeyFiles, type KeyFiles } from '../helpers/fixtures.js';
import { closedPort, makeTestCa, startTestProxy, startTlsFront, type TestCa, type TestProxy, type TlsFront } from '../helpers/proxy.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * SPEC §8 over real sockets: a real forward proxy on loopback (test/helpers/proxy.ts), the emulator
 * behind it, and an https front signed by a private CA (what a TLS-intercepting proxy looks like).
 */
const USER = 'proxy@acme.com';
const CLIENT_ID = '3MVG9proxyTestClientId';

let dir: string;
let keys: KeyFiles;
let emulator: RunningEmulator;
let ca: TestCa;
let front: TlsFront;
let caFile: string;

beforeAll(async () => {
  dir = await makeTempDir();
  keys = await makeKeyFiles(path.join(dir, 'keys'));
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: keys.certPem, username: USER, app: 'eca' }), { port: 0 });
  ca = await makeTestCa();
  caFile = path.join(dir, 'corporate-ca.pem');
  await fs.writeFile(caFile, ca.caPem);
  front = await startTlsFront(emulator.port, ca);
});
afterAll(async () => {
  await front?.stop();
  await emulator?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

function verifyArgs(loginUrl: string, extra: string[] = []): string[] {
  return ['verify', '--json', '--login-url', loginUrl, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath, '--timeout', '10', ...extra];
}

async function verifyInProcess(env: Record<string, string>) {
  const home = await fs.mkdtemp(path.join(dir, 'home-'));
  return runInProcess(verifyArgs(emulator.url), createTestDeps({ env: { SFJWT_HOME: home, ...env } }));
}

async function withProxy<T>(fn: (proxy: TestProxy) => Promise<T>, options: Parameters<typeof startTestProxy>[0] = {}): Promise<T> {
  const proxy = await startTestProxy(options);
  try {
    return await fn(proxy);
  } finally {
    await proxy.stop();
  }
}

describe('HTTP_PROXY to the emulator (http target, absolute-form requests)', () => {
  it('verify succeeds through the proxy, which relayed the token request and the identity calls', async () => {
    await withProxy(async (proxy) => {
      const before = emulator.requests.length;
      const out = await verifyInProcess({ HTTP_PROXY: proxy.url });
      expect(out.code, out.stdout + out.stderr).toBe(0);
      expect(out.json().result.username).toBe(USER);
      const tokenUrl = `${emulator.url}/services/oauth2/token`;
      expect(proxy.seen).toContainEqual({ method: 'POST', target: tokenUrl, relayed: true });
      // Everything the emulator received in this run came through the proxy.
      expect(proxy.relayedCount()).toBe(emulator.requests.length - before);
      expect(proxy.seen.every((s) => s.method !== 'CONNECT')).toBe(true);
    });
  });

  it('lower-case http_proxy is honoured too', async () => {
    await withProxy(async (proxy) => {
      const out = await verifyInProcess({ http_proxy: proxy.url });
      expect(out.code).toBe(0);
      expect(proxy.relayedCount()).toBeGreaterThan(0);
    });
  });

  it('NO_PROXY=127.0.0.1 bypasses the proxy', async () => {
    await withProxy(async (proxy) => {
      const out = await verifyInProcess({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
      expect(out.code).toBe(0);
      expect(proxy.seen).toEqual([]);
    });
  });

  it('a proxy that wants credentials (407): the message says so and the hint shows where they go', async () => {
    await withProxy(
      async (proxy) => {
        const out = await verifyInProcess({ HTTP_PROXY: proxy.url });
        expect(out.code).toBe(1);
        const { error } = out.json();
        expect(error.code).toBe('network-error');
        expect(error.message).toContain(`the proxy ${proxy.url} (HTTP_PROXY) wants credentials (HTTP 407 Proxy Authentication Required)`);
        expect(error.hint).toContain('http://user:password@host:port');
        // A 407 is not retried: one proxy request per audience attempt, and none reached the emulator.
        const attempts = out.json().result.attempts as unknown[];
        expect(attempts.length).toBeGreaterThan(0);
        expect(proxy.seen.filter((s) => s.target.endsWith('/services/oauth2/token')).length).toBe(attempts.length);
        expect(proxy.relayedCount()).toBe(0);
      },
      { auth: { user: 'ci', pass: 's3cr@t' } },
    );
  });

  it('credentials in the proxy URL are sent; wrong ones are reported without echoing the password', async () => {
    await withProxy(
      async (proxy) => {
        const good = await verifyInProcess({ HTTP_PROXY: `http://ci:s3cr%40t@127.0.0.1:${proxy.port}` });
        expect(good.code, good.stdout).toBe(0);
        expect(proxy.relayedCount()).toBeGreaterThan(0);

        const bad = await verifyInProcess({ HTTP_PROXY: `http://ci:wrong-pass@127.0.0.1:${proxy.port}` });
        expect(bad.code).toBe(1);
        expect(bad.json().error.message).toContain(`the proxy http://ci:***@127.0.0.1:${proxy.port} (HTTP_PROXY) refused the credentials`);
        expect(bad.stdout + bad.stderr).not.toContain('wrong-pass');
      },
      { auth: { user: 'ci', pass: 's3cr@t' } },
    );
  });

  it('a proxy address where nothing listens is named as the proxy, not as the login URL', async () => {
    const port = await closedPort();
    const out = await verifyInProcess({ HTTP_PROXY: `127.0.0.1:${port}` });
    expect(out.code).toBe(1);
    const { error } = out.json();
    expect(error.code).toBe('network-error');
    expect(error.message).toContain(`cannot reach the proxy http://127.0.0.1:${port} (HTTP_PROXY): ECONNREFUSED`);
    expect(error.hint).toMatch(/proxy address/);
  });
});

describe('a proxy variable that is not a URL', () => {
  it.each(['http://puser:S3cret/Pass@proxy.corp:3128', 'http://puser:S3cret%ZZ@proxy.corp:3128', 'socks5://proxy.corp:1080'])(
    'HTTPS_PROXY=%s is exit 2 naming the variable, never the password, and nothing is sent',
    async (value) => {
      const home = await fs.mkdtemp(path.join(dir, 'home-'));
      const args = ['verify', '--json', '--login-url', 'https://acme.my.salesforce.com', '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath];
      const run = await runInProcess(args, createTestDeps({ env: { SFJWT_HOME: home, HTTPS_PROXY: value } }));
      expect(run.code).toBe(2);
      expect(run.json().error.message).toMatch(/HTTPS_PROXY \(http:\/\/(puser:\*\*\*@)?proxy\.corp:\d+|HTTPS_PROXY \(socks5/);
      expect(run.stdout + run.stderr).not.toContain('S3cret');
    },
  );
});

describe('https targets: TLS interception CA and CONNECT tunnels (built CLI: NODE_EXTRA_CA_CERTS is read at start-up)', () => {
  // The emulated org is reached at the https front: its answers (instance_url, id) name the front,
  // as Salesforce's name its own https host, so the token only ever travels over https (SPEC §10).
  beforeAll(() => {
    emulator.state.baseUrl = front.url;
  });
  afterAll(() => {
    emulator.state.baseUrl = emulator.url;
  });
  const audience = () => ['--audience', front.url];

  it('a certificate from an unknown CA is tls-error, and the hint names NODE_EXTRA_CA_CERTS', async () => {
    const out = await runCli(verifyArgs(front.url, audience()), { env: { SFJWT_HOME: path.join(dir, 'cli-1') } });
    expect(out.code).toBe(1);
    const { error } = out.json();
    expect(error.code).toBe('tls-error');
    expect(error.message).toMatch(/unable to (get local issuer|verify the first) certificate/);
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('with NODE_EXTRA_CA_CERTS pointing at the CA, the same https target verifies', async () => {
    const out = await runCli(verifyArgs(front.url, audience()), {
      env: { SFJWT_HOME: path.join(dir, 'cli-2'), NODE_EXTRA_CA_CERTS: caFile },
    });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.json().result.tokenUrl).toBe(`${front.url}/services/oauth2/token`);
  });

  it('the requests of one run to the https host share one TLS connection (keep-alive over TLS)', async () => {
    const handshakes = front.handshakes();
    emulator.clearRequests();
    const out = await runCli(['doctor', '--json', ...verifyArgs(front.url, audience()).slice(2)], {
      env: { SFJWT_HOME: path.join(dir, 'cli-reuse'), NODE_EXTRA_CA_CERTS: caFile },
    });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    // The reachability probe, the token exchange and the identity and org calls all go to the https
    // front: the probe's connection is kept for the token exchange and the identity call; the API
    // call runs beside the identity call, on a second connection (without keep-alive: four).
    const toLoginHost = emulator.requests.filter((r) => r.path === '/services/data/' || r.path === '/services/oauth2/token');
    expect(toLoginHost.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /services/data/', 'POST /services/oauth2/token']);
    expect(emulator.requests.length).toBeGreaterThanOrEqual(4);
    expect(front.handshakes() - handshakes).toBe(2);
  });

  it("a certificate for another host is tls-error, even from a trusted CA: the host name is checked", async () => {
    const otherCa = await makeTestCa({ serverNames: ['other.sfjwt.invalid'] });
    const otherFront = await startTlsFront(emulator.port, otherCa);
    try {
      const otherCaFile = path.join(dir, 'other-ca.pem');
      await fs.writeFile(otherCaFile, otherCa.caPem);
      const out = await runCli(verifyArgs(otherFront.url, audience()), {
        env: { SFJWT_HOME: path.join(dir, 'cli-altname'), NODE_EXTRA_CA_CERTS: otherCaFile },
      });
      expect(out.code).toBe(1);
      const { error } = out.json();
      expect(error.code).toBe('tls-error');
      expect(error.message).toMatch(/Hostname\/IP does not match certificate's altnames/);
      expect(error.hint).toMatch(/certificate is for another host/);
    } finally {
      await otherFront.stop();
    }
  });

  it('through HTTPS_PROXY: a CONNECT tunnel to the https target, TLS end to end with the extra CA', async () => {
    await withProxy(async (proxy) => {
      const handshakes = front.handshakes();
      const out = await runCli(verifyArgs(front.url, audience()), {
        env: { SFJWT_HOME: path.join(dir, 'cli-3'), NODE_EXTRA_CA_CERTS: caFile, HTTPS_PROXY: proxy.url },
      });
      expect(out.code, out.stdout + out.stderr).toBe(0);
      expect(proxy.seen).toContainEqual({ method: 'CONNECT', target: `127.0.0.1:${front.port}`, relayed: true });
      expect(front.handshakes()).toBeGreaterThan(handshakes);
    });
  });

  it('a proxy that refuses the tunnel (403) says which host it refused', async () => {
    await withProxy(
      async (proxy) => {
        const out = await runCli(verifyArgs(front.url, audience()), {
          env: { SFJWT_HOME: path.join(dir, 'cli-4'), NODE_EXTRA_CA_CERTS: caFile, https_proxy: proxy.url },
        });
        expect(out.code).toBe(1);
        const { error } = out.json();
        expect(error.code).toBe('network-error');
        expect(error.message).toContain(`refused to open a tunnel to 127.0.0.1:${front.port} (HTTP 403)`);
        expect(error.hint).toContain('NO_PROXY');
      },
      { denyConnect: [`127.0.0.1:${front.port}`] },
    );
  });
});
