import { TransportError, type HttpClient, type HttpRequest, type HttpResponse, type TransportKind } from './types.js';

const TLS_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function transportKindOf(errno: string | undefined): TransportKind {
  if (!errno) return 'network';
  if (TLS_CODES.has(errno) || errno.startsWith('ERR_SSL') || errno.startsWith('ERR_TLS')) return 'tls';
  if (errno === 'ETIMEDOUT' || errno === 'UND_ERR_CONNECT_TIMEOUT' || errno === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  return 'network';
}

function proxyFor(url: URL, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const proxy =
    url.protocol === 'https:'
      ? env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy
      : env.HTTP_PROXY ?? env.http_proxy;
  if (!proxy) return undefined;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  const host = url.hostname.toLowerCase();
  const bypass = noProxy.some((entry) => {
    if (entry === '*') return true;
    const bare = entry.replace(/^\*?\./, '').replace(/:\d+$/, '');
    return host === bare || host.endsWith(`.${bare}`);
  });
  return bypass ? undefined : proxy;
}

/** Plain node:http(s): no undici to load on the common path, which keeps `verify` quick to start. */
async function directRequest(request: HttpRequest): Promise<HttpResponse> {
  const url = new URL(request.url);
  const transport = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: TransportError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = transport.request(
      url,
      { method: request.method, headers: { 'user-agent': 'sfjwt', ...request.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) => fail(new TransportError('network', error.message, error.code)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(
      () => fail(new TransportError('timeout', `no answer from ${url.origin} within ${Math.round(request.timeoutMs / 1000)} s`, 'ETIMEDOUT')),
      request.timeoutMs,
    );
    req.on('error', (error: NodeJS.ErrnoException) => fail(new TransportError(transportKindOf(error.code), error.message, error.code)));
    request.signal?.addEventListener('abort', () => fail(new TransportError('aborted', 'request cancelled', 'ABORT_ERR')), { once: true });
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** Behind a proxy: undici's EnvHttpProxyAgent tunnels with CONNECT and honours NO_PROXY. */
async function proxiedRequest(request: HttpRequest): Promise<HttpResponse> {
  const { fetch, EnvHttpProxyAgent } = await import('undici');
  const dispatcher = new EnvHttpProxyAgent();
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
    throw toTransportError(error, request);
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

function toTransportError(error: unknown, request: HttpRequest): TransportError {
  if (error instanceof TransportError) return error;
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string; statusCode?: number } };
  if (err.name === 'TimeoutError') {
    return new TransportError('timeout', `no answer from ${new URL(request.url).origin} within ${Math.round(request.timeoutMs / 1000)} s`, 'ETIMEDOUT');
  }
  if (err.name === 'AbortError') return new TransportError('aborted', 'request cancelled', 'ABORT_ERR');
  const cause = err.cause;
  const message = cause?.message ?? err.message ?? String(error);
  if (/Proxy response \((\d+)\)/.test(message) || cause?.statusCode === 407) {
    return new TransportError('proxy', `the proxy refused the tunnel: ${message}`, 'PROXY_REFUSED');
  }
  return new TransportError(transportKindOf(cause?.code), message, cause?.code);
}

export function createHttpClient(env: Readonly<Record<string, string | undefined>>): HttpClient {
  return (request) => (proxyFor(new URL(request.url), env) ? proxiedRequest(request) : directRequest(request));
}

export { proxyFor };
