import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpClient, proxyChoiceFor, redactProxy, toTransportError, transportKindOf } from '../../../src/net/http.js';
import { TransportError } from '../../../src/net/types.js';
import { classifyTransportError } from '../../../src/salesforce/classify.js';
import { closedPort } from '../../helpers/proxy.js';

const TOKEN = 'https://acme.my.salesforce.com/services/oauth2/token';

describe('proxyChoiceFor (SPEC §8, with undici EnvHttpProxyAgent semantics)', () => {
  const https = new URL(TOKEN);
  const plain = new URL('http://127.0.0.1:8080/services/oauth2/token');

  it.each([
    ['no variables', {}, https, undefined],
    ['HTTPS_PROXY for https', { HTTPS_PROXY: 'http://p:1' }, https, { url: 'http://p:1', variable: 'HTTPS_PROXY' }],
    ['lower case wins, as in curl and undici', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1' }, https, { url: 'http://lower:1', variable: 'https_proxy' }],
    ['HTTP_PROXY is the fallback for https', { HTTP_PROXY: 'http://p:2' }, https, { url: 'http://p:2', variable: 'HTTP_PROXY' }],
    ['HTTPS_PROXY does not apply to http', { HTTPS_PROXY: 'http://p:1' }, plain, undefined],
    ['HTTP_PROXY for http', { http_proxy: 'http://p:3' }, plain, { url: 'http://p:3', variable: 'http_proxy' }],
    ['empty values are unset', { HTTPS_PROXY: '  ', HTTP_PROXY: '' }, https, undefined],
    ['NO_PROXY exact host', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'acme.my.salesforce.com' }, https, undefined],
    ['NO_PROXY parent domain', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'other.com, .salesforce.com' }, https, undefined],
    ['NO_PROXY *.domain', { HTTPS_PROXY: 'http://p:1', no_proxy: '*.my.salesforce.com' }, https, undefined],
    ['NO_PROXY *', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }, https, undefined],
    ['NO_PROXY with a matching port', { HTTP_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1:8080' }, plain, undefined],
    ['NO_PROXY with another port', { HTTP_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1:9999' }, plain, { url: 'http://p:1', variable: 'HTTP_PROXY' }],
    ['NO_PROXY of a suffix that is not a domain boundary', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'force.com' }, new URL('https://salesforce.com'), { url: 'http://p:1', variable: 'HTTPS_PROXY' }],
  ])('%s', (_name, env, url, expected) => {
    expect(proxyChoiceFor(url, env as Record<string, string>)).toEqual(expected);
  });
});

describe('redactProxy', () => {
  it('masks the password, keeps the user, host and port; adds http:// to host:port', () => {
    expect(redactProxy('http://ci:s3cr%40t@proxy.corp:3128')).toBe('http://ci:***@proxy.corp:3128');
    expect(redactProxy('proxy.corp:3128')).toBe('http://proxy.corp:3128');
    expect(redactProxy('http://proxy.corp:3128/')).toBe('http://proxy.corp:3128');
    expect(redactProxy('not a url://a:secret@x')).not.toContain('secret');
  });

  it('masks every credential form: a user alone (a token), a password with / or @, a bad %-escape', () => {
    expect(redactProxy('http://ghp_tok3n@proxy.corp:3128')).toBe('http://***@proxy.corp:3128');
    expect(redactProxy('http://puser:S3cret/Pass@proxy.corp:3128')).toBe('http://puser:***@proxy.corp:3128');
    expect(redactProxy('http://puser:p@ss@proxy.corp:3128')).toBe('http://puser:***@proxy.corp:3128');
    expect(redactProxy('http://puser:bad%ZZpw@proxy.corp:3128')).toBe('http://puser:***@proxy.corp:3128');
  });
});

describe('transportKindOf', () => {
  it.each([
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['ECONNREFUSED', 'network'],
    [undefined, 'network'],
  ])('%s → %s', (errno, kind) => expect(transportKindOf(errno)).toBe(kind));
});

describe('toTransportError: undici errors through a proxy become findings that name the proxy', () => {
  const proxy = (url: string, variable = 'HTTPS_PROXY') => ({ url, variable });
  const request = new URL(TOKEN);
  const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
  const errno = (message: string, code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

  it('a CONNECT 407 (wrapped twice, as undici does) → wants credentials, hint shows user:password in the URL', () => {
    const inner = errno('Proxy response (407) !== 200 when HTTP Tunneling', 'UND_ERR_ABORTED');
    const error = toTransportError(fetchFailed(Object.assign(new Error('Request was cancelled.'), { code: 0, cause: inner })), request, proxy('http://proxy.corp:3128'));
    expect(error).toMatchObject({ kind: 'proxy', errno: 'PROXY_AUTH_REQUIRED' });
    expect(error.message).toBe('the proxy http://proxy.corp:3128 (HTTPS_PROXY) wants credentials (HTTP 407 Proxy Authentication Required)');
    const classified = classifyTransportError(error);
    expect(classified.outcome).toBe('network-error');
    expect(classified.hint).toContain('HTTPS_PROXY=http://user:password@host:port');
  });

  it('an absolute-form 407 with credentials already in the URL → refused the credentials, password masked', () => {
    const error = toTransportError(fetchFailed(errno('Proxy Authentication Required (407)', 'UND_ERR_INVALID_ARG')), request, proxy('http://ci:hunter2@proxy.corp:3128'));
    expect(error.message).toBe('the proxy http://ci:***@proxy.corp:3128 (HTTPS_PROXY) refused the credentials in its URL (HTTP 407 Proxy Authentication Required)');
    expect(classifyTransportError(error).hint).toMatch(/user name and password/);
  });

  it('another tunnel status → refused to open a tunnel to the host', () => {
    const error = toTransportError(fetchFailed(errno('Proxy response (403) !== 200 when HTTP Tunneling', 'UND_ERR_ABORTED')), request, proxy('http://proxy.corp:3128'));
    expect(error).toMatchObject({ kind: 'proxy', errno: 'PROXY_REFUSED' });
    expect(error.message).toContain('refused to open a tunnel to acme.my.salesforce.com (HTTP 403)');
  });

  it('the proxy host does not resolve / refuses → names the proxy, not the login URL', () => {
    const dns = toTransportError(fetchFailed(errno('getaddrinfo ENOTFOUND proxy.corp', 'ENOTFOUND', { hostname: 'proxy.corp' })), request, proxy('http://proxy.corp:3128'));
    expect(dns).toMatchObject({ kind: 'proxy', errno: 'ENOTFOUND', message: 'cannot reach the proxy http://proxy.corp:3128 (HTTPS_PROXY): ENOTFOUND' });
    expect(classifyTransportError(dns).hint).toMatch(/proxy host name does not resolve/);
    const refused = toTransportError(fetchFailed(errno('connect ECONNREFUSED 10.0.0.1:3128', 'ECONNREFUSED', { address: '10.0.0.1' })), request, proxy('10.0.0.1:3128'));
    expect(refused.message).toBe('cannot reach the proxy http://10.0.0.1:3128 (HTTPS_PROXY): ECONNREFUSED');
  });

  it('TLS interception behind the proxy → tls-error whose hint names NODE_EXTRA_CA_CERTS', () => {
    const error = toTransportError(fetchFailed(errno('unable to get local issuer certificate', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')), request, proxy('http://proxy.corp:3128'));
    expect(error.kind).toBe('tls');
    const classified = classifyTransportError(error);
    expect(classified.outcome).toBe('tls-error');
    expect(classified.hint).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('cancellation', () => {
    expect(toTransportError(Object.assign(new Error('x'), { name: 'AbortError' }), request, proxy('http://p:1')).kind).toBe('aborted');
  });
});

describe('classifyTransportError hints for the common corporate-network failures', () => {
  it.each([
    [new TransportError('network', 'the host name acme.my.salesforce.com does not resolve (ENOTFOUND)', 'ENOTFOUND'), 'network-error', /spelling of the My Domain/],
    [new TransportError('tls', 'self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls-error', /NODE_EXTRA_CA_CERTS/],
    [new TransportError('proxy', 'bad', 'PROXY_URL_INVALID'), 'network-error', /http:\/\/ proxy URL/],
    [new TransportError('proxy', 'x', 'ECONNREFUSED'), 'network-error', /proxy address/],
    [new TransportError('proxy', 'the proxy http://p:1 (HTTPS_PROXY) refused to open a tunnel to acme.my.salesforce.com (HTTP 502)', 'PROXY_REFUSED'), 'network-error', /could not reach the host: check the spelling of the My Domain/],
    [new TransportError('proxy', 'the proxy http://p:1 (HTTPS_PROXY) refused to open a tunnel to acme.my.salesforce.com (HTTP 403)', 'PROXY_REFUSED'), 'network-error', /does not allow this host/],
  ])('%s', (error, outcome, hint) => {
    const classified = classifyTransportError(error);
    expect(classified.outcome).toBe(outcome);
    expect(classified.hint).toMatch(hint);
  });
});

describe('createHttpClient over real sockets (no proxy)', () => {
  const client = createHttpClient({});

  it('a refused connection is a network error naming host and port', async () => {
    const port = await closedPort();
    const error = await client({ method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ kind: 'network', errno: 'ECONNREFUSED', message: `127.0.0.1:${port} refused the connection (ECONNREFUSED)` });
  });

  it('a server that never answers is a timeout naming the origin', async () => {
    const sockets: import('node:net').Socket[] = [];
    const server = http.createServer(() => undefined); // accepts, never answers
    server.on('connection', (s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await client({ method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 200 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'timeout', errno: 'ETIMEDOUT', message: `no answer from http://127.0.0.1:${port} within 0.2 s` });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an already-aborted signal rejects as aborted', async () => {
    const port = await closedPort();
    const controller = new AbortController();
    controller.abort();
    const error = await client({ method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 5000, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted' });
  });

  it('a POST body goes with a Content-Length, not chunked', async () => {
    const seen: import('node:http').IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const url = `http://127.0.0.1:${port}/services/oauth2/token`;
      const body = 'grant_type=x&assertion=é';
      const response = await client({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, timeoutMs: 5000 });
      expect(response).toMatchObject({ status: 200, body: 'ok' });
      expect(seen[0]).toMatchObject({ 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'sfjwt' });
      expect(seen[0]!['transfer-encoding']).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sends the path with its query and the Host header, also for an IPv6 literal host', async () => {
    const seen: { url?: string; host?: string }[] = [];
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url, host: req.headers.host });
      res.end('ok');
    });
    const ipv6 = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(0, '::1', () => resolve(true));
    });
    if (!ipv6) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const host = ipv6 ? `[::1]:${port}` : `127.0.0.1:${port}`;
    try {
      const response = await client({ method: 'GET', url: `http://${host}/services/data/v66.0/query?q=SELECT+Id`, timeoutMs: 5000 });
      expect(response).toMatchObject({ status: 200, body: 'ok' });
      expect(seen).toEqual([{ url: '/services/data/v66.0/query?q=SELECT+Id', host }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    ['socks9://proxy:1', 'HTTPS_PROXY (socks9://proxy:1) is not a valid proxy URL: use an http:// or https:// proxy'],
    ['http://puser:S3cret/Pass@proxy.corp:3128', 'HTTPS_PROXY (http://puser:***@proxy.corp:3128) is not a valid proxy URL: it does not parse as a URL (percent-encode special characters in the user name and password)'],
    ['http://puser:bad%ZZpw@proxy.corp:3128', 'HTTPS_PROXY (http://puser:***@proxy.corp:3128) is not a valid proxy URL: its user name or password has a malformed %-escape (write % as %25)'],
  ])('a malformed proxy URL (%s) is a proxy finding naming the variable, never the password, not a crash', async (proxy, message) => {
    const proxied = createHttpClient({ HTTPS_PROXY: proxy });
    const error = await proxied({ method: 'GET', url: TOKEN, timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'proxy', errno: 'PROXY_URL_INVALID', message });
    expect((error as Error).message).not.toMatch(/S3cret|bad%ZZ/);
  });
});
