export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Per-request timeout; the request is aborted and rejected with kind 'timeout'. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/** The only network seam: production speaks HTTP/1.1 over node:net/node:tls (src/net/direct.ts), or undici behind a proxy; tests hit the emulator. */
export type HttpClient = ((request: HttpRequest) => Promise<HttpResponse>) & {
  /** Starts loading what a request to `url` needs (node:net, node:tls), to overlap with other work. */
  warm?: (url: string) => void;
};

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
