import type { TransportKind } from './types.js';

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
