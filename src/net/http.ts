import { createDirectTransport } from './direct.js';
import { httpProxyChoice, httpsProxyChoice, noProxyValue, parseProxy, proxyChoiceFor, withScheme, type ProxyChoice } from './proxy.js';
import { abortedError, timeoutError, tooLargeError, toTransportError } from './transport-errors.js';
import { MAX_RESPONSE_BYTES, type HttpClient, type HttpRequest, type HttpResponse } from './types.js';

export { proxyChoiceFor, redactProxy, type ProxyChoice } from './proxy.js';
export { toTransportError, transportKindOf } from './transport-errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Behind a proxy: undici's EnvHttpProxyAgent, fed from `env` (Deps), not from process.env, so the
 * choice made by proxyChoiceFor is the one used. https targets go through a CONNECT tunnel (TLS is
 * end to end, so NODE_EXTRA_CA_CERTS still applies to Salesforce's certificate); http targets
 * (the emulator) are sent in absolute form, as an HTTP proxy expects them. undici's request()
 * follows no redirects.
 */
async function proxiedRequest(request: HttpRequest, env: Env, proxy: ProxyChoice): Promise<HttpResponse> {
  parseProxy(proxy);
  const target = new URL(request.url);
  const { request: send, EnvHttpProxyAgent } = await import('undici');
  const httpProxy = httpProxyChoice(env);
  const httpsProxy = httpsProxyChoice(env);
  // '' rather than undefined: undici would otherwise fall back to process.env.
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: httpProxy ? withScheme(httpProxy.url) : '',
    httpsProxy: httpsProxy ? withScheme(httpsProxy.url) : '',
    noProxy: noProxyValue(env),
    proxyTunnel: false,
  });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(target, request.timeoutMs, proxy)), request.timeoutMs);
  const onAbort = () => controller.abort(abortedError());
  if (request.signal?.aborted) onAbort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await send(request.url, {
      method: request.method,
      headers: { 'user-agent': 'sfjwt', ...request.headers },
      body: request.body,
      dispatcher,
      signal: controller.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) throw tooLargeError(target, MAX_RESPONSE_BYTES);
      chunks.push(chunk);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    throw toTransportError(controller.signal.aborted ? controller.signal.reason : error, target, proxy);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
    await dispatcher.destroy().catch(() => undefined);
  }
}

/** The HTTP client for production: direct, or through the proxy the environment names for the URL. */
export function createHttpClient(env: Env): HttpClient {
  const direct = createDirectTransport();
  return (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return direct(request);
    }
    const proxy = proxyChoiceFor(url, env);
    return proxy ? proxiedRequest(request, env, proxy) : direct(request);
  };
}
