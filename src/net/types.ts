export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Text (a form, JSON) or bytes (a multipart upload with a zip). */
  body?: string | Uint8Array;
  /** A deadline for the whole request (connect, answer and body); past it the request is aborted with kind 'timeout'. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

/**
 * The only network seam: node:http/node:https with a keep-alive agent, or undici's
 * EnvHttpProxyAgent behind a proxy (src/net/http.ts). Redirects are never followed: a 3xx is
 * returned as it is. Tests hit the emulator.
 */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

export type TransportKind = 'network' | 'tls' | 'timeout' | 'proxy' | 'aborted';

/** A request that never produced an HTTP answer. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportKind,
    message: string,
    /** errno-style code (ENOTFOUND, ECONNREFUSED, UNABLE_TO_GET_ISSUER_CERT_LOCALLY, ...) */
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Answers larger than this are cut off and refused: a token endpoint's answer is a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
