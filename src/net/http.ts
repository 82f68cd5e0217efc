import { createDirectTransport, loadSocketModules } from './direct.js';
import { seconds, socketMessage, transportKindOf } from './transport-errors.js';
import { TransportError, type HttpClient, type HttpRequest, type HttpResponse } from './types.js';

export { transportKindOf };

type Env = Readonly<Record<string, string | undefined>>;

// ---- proxy selection ---------------------------------------------------------------------------

export interface ProxyChoice {
  /** The proxy URL as configured (may carry user:password; never print it, see redactProxy). */
  url: string;
  /** The variable it came from, named in messages (HTTPS_PROXY, http_proxy, ...). */
  variable: string;
}

/** First non-empty variable; lower case first, as curl, Python and undici read them. */
function fromEnv(env: Env, ...names: string[]): ProxyChoice | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { url: value, variable: name };
  }
  return undefined;
}

function noProxyValue(env: Env): string {
  return env.no_proxy ?? env.NO_PROXY ?? '';
}

/**
 * NO_PROXY with undici's EnvHttpProxyAgent semantics (so both layers agree on what is bypassed):
 * entries separated by commas or spaces, `*` for everything, a leading `.` or `*.` ignored, a host
 * matches itself and its subdomains, an optional `:port` must match too.
 */
function bypassed(url: URL, noProxy: string): boolean {
  const value = noProxy.trim();
  if (value === '*') return true;
  const host = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || (url.protocol === 'https:' ? 443 : 80);
  return value.split(/[,\s]/).some((raw) => {
    if (!raw) return false;
    const parsed = /^(.+):(\d+)$/.exec(raw);
    const entryHost = (parsed ? parsed[1]! : raw).replace(/^\*?\./, '').toLowerCase();
    const entryPort = parsed ? Number.parseInt(parsed[2]!, 10) : 0;
    if (entryPort && entryPort !== port) return false;
    return host === entryHost || host.endsWith(`.${entryHost}`);
  });
}

/** The proxy that applies to `url` under these environment variables (SPEC §8), or undefined. */
export function proxyChoiceFor(url: URL, env: Env): ProxyChoice | undefined {
  const httpProxy = fromEnv(env, 'http_proxy', 'HTTP_PROXY');
  const choice = url.protocol === 'https:' ? fromEnv(env, 'https_proxy', 'HTTPS_PROXY') ?? httpProxy : httpProxy;
  if (!choice || bypassed(url, noProxyValue(env))) return undefined;
  return choice;
}

/** Kept for callers that only need the URL. */
export function proxyFor(url: URL, env: Env): string | undefined {
  return proxyChoiceFor(url, env)?.url;
}

/** `host:port` without a scheme means http://, as curl reads it. */
function withScheme(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** The proxy URL with its password masked, for messages. */
export function redactProxy(proxy: string): string {
  try {
    const url = new URL(withScheme(proxy));
    if (url.password) url.password = '***';
    return url.href.replace(/\/$/, '');
  } catch {
    return proxy.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

// ---- through a proxy ---------------------------------------------------------------------------

/**
 * Behind a proxy: undici's EnvHttpProxyAgent, fed from `env` (Deps), not from process.env, so the
 * choice made by proxyChoiceFor is the one used. https targets go through a CONNECT tunnel (TLS is
 * end to end, so NODE_EXTRA_CA_CERTS still applies to Salesforce's certificate); http targets
 * (the emulator) are sent in absolute form, as an HTTP proxy expects them.
 */
async function proxiedRequest(request: HttpRequest, env: Env, proxy: ProxyChoice): Promise<HttpResponse> {
  let proxyUrl: URL;
  try {
    proxyUrl = new URL(withScheme(proxy.url));
    if (proxyUrl.protocol !== 'http:' && proxyUrl.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new TransportError('proxy', `${proxy.variable} (${redactProxy(proxy.url)}) is not an http:// proxy URL`, 'PROXY_URL_INVALID');
  }
  const undici = await import('undici');
  // In the esbuild bundle, CommonJS undici's exports sit on `default` only.
  const { fetch, EnvHttpProxyAgent } = 'EnvHttpProxyAgent' in undici ? undici : (undici as unknown as { default: typeof undici }).default;
  const httpProxy = fromEnv(env, 'http_proxy', 'HTTP_PROXY');
  const httpsProxy = fromEnv(env, 'https_proxy', 'HTTPS_PROXY') ?? httpProxy;
  // '' rather than undefined: undici would otherwise fall back to process.env.
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: httpProxy ? withScheme(httpProxy.url) : '',
    httpsProxy: httpsProxy ? withScheme(httpsProxy.url) : '',
    noProxy: noProxyValue(env),
    proxyTunnel: false,
  });
  const signals = [AbortSignal.timeout(request.timeoutMs), ...(request.signal ? [request.signal] : [])];
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: { 'user-agent': 'sfjwt', ...request.headers },
      body: request.body,
      dispatcher,
      signal: AbortSignal.any(signals),
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name] = value));
    return { status: res.status, headers, body: await res.text() };
  } catch (error) {
    throw toTransportError(error, request, { ...proxy, parsed: proxyUrl });
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  hostname?: string;
  address?: string;
  cause?: unknown;
}

/** The error and its causes, outermost first: fetch wraps the socket error, sometimes twice. */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let e = error; e && typeof e === 'object' && chain.length < 5; e = (e as ErrorLike).cause) chain.push(e as ErrorLike);
  return chain;
}

/** Maps undici's errors to a TransportError naming the proxy where it is the proxy that failed. */
export function toTransportError(error: unknown, request: HttpRequest, proxy: ProxyChoice & { parsed: URL }): TransportError {
  if (error instanceof TransportError) return error;
  const target = new URL(request.url);
  const chain = causeChain(error);
  const outer = chain[0] ?? {};
  if (outer.name === 'TimeoutError') {
    return new TransportError('timeout', `no answer from ${target.origin} (through the proxy ${redactProxy(proxy.url)}) within ${seconds(request.timeoutMs)}`, 'ETIMEDOUT');
  }
  if (outer.name === 'AbortError') return new TransportError('aborted', 'request cancelled', 'ABORT_ERR');
  const messages = chain.map((e) => e.message ?? '').join(' | ');
  const shown = redactProxy(proxy.url);
  // "Proxy response (403) !== 200 when HTTP Tunneling" (CONNECT), "Proxy Authentication Required (407)" (absolute form).
  const status = /Proxy[^(|]*\((\d{3})\)/i.exec(messages);
  const proxyStatus = status ? Number(status[1]) : undefined;
  if (proxyStatus === 407 || /Proxy Authentication Required/i.test(messages)) {
    return new TransportError(
      'proxy',
      proxy.parsed.username !== ''
        ? `the proxy ${shown} (${proxy.variable}) refused the credentials in its URL (HTTP 407 Proxy Authentication Required)`
        : `the proxy ${shown} (${proxy.variable}) wants credentials (HTTP 407 Proxy Authentication Required)`,
      'PROXY_AUTH_REQUIRED',
    );
  }
  if (proxyStatus !== undefined) {
    return new TransportError('proxy', `the proxy ${shown} (${proxy.variable}) refused to open a tunnel to ${target.host} (HTTP ${proxyStatus})`, 'PROXY_REFUSED');
  }
  // The innermost error with an errno-style code is the socket's own.
  const socket = [...chain].reverse().find((e) => typeof e.code === 'string' && e.code !== '');
  const code = socket?.code as string | undefined;
  const raw = socket?.message ?? chain[chain.length - 1]?.message ?? String(error);
  const proxyHost = proxy.parsed.hostname.replace(/^\[|\]$/g, '');
  const proxyPort = proxy.parsed.port || (proxy.parsed.protocol === 'https:' ? '443' : '80');
  const atProxy = socket?.hostname === proxyHost || socket?.address === proxyHost || raw.includes(`${proxyHost}:${proxyPort}`);
  if (code && atProxy && /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH)$/.test(code)) {
    return new TransportError('proxy', `cannot reach the proxy ${shown} (${proxy.variable}): ${code}`, code);
  }
  return new TransportError(transportKindOf(code), code ? socketMessage(code, target, raw) : raw, code);
}

export function createHttpClient(env: Env): HttpClient {
  const directRequest = createDirectTransport();
  const client: HttpClient = (request) => {
    const proxy = proxyChoiceFor(new URL(request.url), env);
    return proxy ? proxiedRequest(request, env, proxy) : directRequest(request);
  };
  // Never throws or rejects: a bad URL or a failed load is reported by the request itself.
  client.warm = (url) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return;
    }
    if (!proxyChoiceFor(target, env)) loadSocketModules(target.protocol).catch(() => undefined);
  };
  return client;
}
