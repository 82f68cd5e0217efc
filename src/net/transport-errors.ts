import type { ProxyChoice } from './proxy.js';
import { redactProxy } from './proxy.js';
import { TransportError, type TransportKind } from './types.js';

const TLS_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'UND_ERR_PRX_TLS',
]);

export function transportKindOf(errno: string | undefined): TransportKind {
  if (!errno) return 'network';
  if (TLS_CODES.has(errno) || errno.startsWith('ERR_SSL') || errno.startsWith('ERR_TLS')) return 'tls';
  if (errno === 'ETIMEDOUT' || errno === 'UND_ERR_CONNECT_TIMEOUT' || errno === 'UND_ERR_HEADERS_TIMEOUT' || errno === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  return 'network';
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** One line naming the host, for a socket error that never produced an HTTP answer. */
export function socketMessage(code: string | undefined, url: URL, raw: string): string {
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${url.hostname} does not resolve (${code})`;
    case 'ECONNREFUSED':
      return `${url.host} refused the connection (ECONNREFUSED)`;
    case 'ECONNRESET':
      return `${url.host} closed the connection before answering (ECONNRESET)`;
    default:
      return raw;
  }
}

export const timeoutError = (url: URL, timeoutMs: number, proxy?: ProxyChoice): TransportError =>
  new TransportError(
    'timeout',
    `no answer from ${url.origin}${proxy ? ` (through the proxy ${redactProxy(proxy.url)})` : ''} within ${seconds(timeoutMs)}`,
    'ETIMEDOUT',
  );

export const abortedError = (): TransportError => new TransportError('aborted', 'request cancelled', 'ABORT_ERR');

export const tooLargeError = (url: URL, limit: number): TransportError =>
  new TransportError('network', `the answer from ${url.host} is larger than ${limit / 1024 / 1024} MiB; sfjwt stopped reading it`, 'ERR_RESPONSE_TOO_LARGE');

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  hostname?: string;
  address?: string;
  cause?: unknown;
}

/** The error and its causes, outermost first: undici wraps the socket error, sometimes twice. */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let e = error; e && typeof e === 'object' && chain.length < 5; e = (e as ErrorLike).cause) chain.push(e as ErrorLike);
  return chain;
}

/** What failed at the proxy itself (its status, its address), or undefined when the proxy is not to blame. */
function proxyFailure(chain: ErrorLike[], target: URL, proxy: ProxyChoice): TransportError | undefined {
  const messages = chain.map((e) => e.message ?? '').join(' | ');
  const shown = redactProxy(proxy.url);
  const parsed = new URL(proxy.url.includes('://') ? proxy.url : `http://${proxy.url}`);
  // "Proxy response (403) !== 200 when HTTP Tunneling" (CONNECT), "Proxy Authentication Required (407)" (absolute form).
  const status = /Proxy[^(|]*\((\d{3})\)/i.exec(messages);
  const proxyStatus = status ? Number(status[1]) : undefined;
  if (proxyStatus === 407 || /Proxy Authentication Required/i.test(messages)) {
    return new TransportError(
      'proxy',
      parsed.username !== ''
        ? `the proxy ${shown} (${proxy.variable}) refused the credentials in its URL (HTTP 407 Proxy Authentication Required)`
        : `the proxy ${shown} (${proxy.variable}) wants credentials (HTTP 407 Proxy Authentication Required)`,
      'PROXY_AUTH_REQUIRED',
    );
  }
  if (proxyStatus !== undefined) {
    return new TransportError('proxy', `the proxy ${shown} (${proxy.variable}) refused to open a tunnel to ${target.host} (HTTP ${proxyStatus})`, 'PROXY_REFUSED');
  }
  const socket = [...chain].reverse().find((e) => typeof e.code === 'string' && e.code !== '');
  const code = socket?.code as string | undefined;
  const raw = socket?.message ?? '';
  const proxyHost = parsed.hostname.replace(/^\[|\]$/g, '');
  const proxyPort = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  const atProxy = socket?.hostname === proxyHost || socket?.address === proxyHost || raw.includes(`${proxyHost}:${proxyPort}`);
  if (code && atProxy && /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH)$/.test(code)) {
    return new TransportError('proxy', `cannot reach the proxy ${shown} (${proxy.variable}): ${code}`, code);
  }
  return undefined;
}

/**
 * Any failure of a request, direct (node:http) or through a proxy (undici), as one TransportError
 * that names the host, or the proxy when it is the proxy that failed.
 */
export function toTransportError(error: unknown, target: URL, proxy?: ProxyChoice): TransportError {
  if (error instanceof TransportError) return error;
  const chain = causeChain(error);
  const outer = chain[0] ?? {};
  // undici reports a proxy's refusal as an AbortError too: the proxy's own words come first.
  const atProxy = proxy && proxyFailure(chain, target, proxy);
  if (atProxy) return atProxy;
  if (outer.name === 'AbortError') return abortedError();
  // The innermost error with an errno-style code is the socket's own.
  const socket = [...chain].reverse().find((e) => typeof e.code === 'string' && e.code !== '');
  const code = socket?.code as string | undefined;
  const raw = String(socket?.message ?? chain[chain.length - 1]?.message ?? error);
  // node:http's parser (llhttp) and undici's: the bytes that came back are not an HTTP answer.
  if (code?.startsWith('HPE_') || code === 'UND_ERR_INFO' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new TransportError('network', `the answer from ${target.host} is not valid HTTP (${code})`, 'ERR_INVALID_HTTP_RESPONSE');
  }
  // OpenSSL's "wrong version number" (with its source path) means plain text came back to a ClientHello.
  const notTls = /wrong version number|packet length too long|unknown protocol/.exec(raw);
  if (notTls) return new TransportError('tls', `${target.host} does not speak TLS (OpenSSL: ${notTls[0]})`, code);
  if (code === 'ECONNRESET' || /socket hang up|other side closed/i.test(raw)) {
    return new TransportError('network', socketMessage('ECONNRESET', target, raw), 'ECONNRESET');
  }
  return new TransportError(transportKindOf(code), socketMessage(code, target, raw), code);
}
