import { decodeJwt } from '../../../src/crypto/assertion.js';
import { TransportError, type HttpClient, type HttpRequest, type HttpResponse } from '../../../src/net/types.js';

/**
 * A minimal recording HttpClient for unit tests of src/salesforce. Routes match on method + exact
 * URL; each route answers its replies in order and repeats the last one. Unrouted requests fail
 * like a refused connection. (Integration tests use the real emulator instead.)
 */
export type FakeReply = HttpResponse | TransportError | ((request: HttpRequest) => HttpResponse | TransportError);

export interface FakeHttp {
  client: HttpClient;
  requests: HttpRequest[];
  on(method: HttpRequest['method'], url: string, ...replies: FakeReply[]): FakeHttp;
  /** Requests made to one URL. */
  to(url: string): HttpRequest[];
}

export function createFakeHttp(): FakeHttp {
  const routes = new Map<string, { replies: FakeReply[]; used: number }>();
  const requests: HttpRequest[] = [];
  const fake: FakeHttp = {
    requests,
    on(method, url, ...replies) {
      routes.set(`${method} ${url}`, { replies, used: 0 });
      return fake;
    },
    to: (url) => requests.filter((request) => request.url === url),
    client: async (request) => {
      requests.push(request);
      const route = routes.get(`${request.method} ${request.url}`);
      if (!route || route.replies.length === 0) {
        throw new TransportError('network', `connect ECONNREFUSED (no fake route for ${request.method} ${request.url})`, 'ECONNREFUSED');
      }
      const reply = route.replies[Math.min(route.used, route.replies.length - 1)]!;
      route.used += 1;
      const answer = typeof reply === 'function' ? reply(request) : reply;
      if (answer instanceof TransportError) throw answer;
      return answer;
    },
  };
  return fake;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers }, body: JSON.stringify(body) };
}

export function html(status: number, body: string): HttpResponse {
  return { status, headers: { 'content-type': 'text/html;charset=UTF-8' }, body };
}

export function oauthError(error: string, description: string, status = 400): HttpResponse {
  return json(status, { error, error_description: description });
}

/** The claims of the assertion in a token request's form body. */
export function claimsOf(request: HttpRequest): Record<string, unknown> {
  const assertion = new URLSearchParams(String(request.body ?? '')).get('assertion') ?? '';
  return decodeJwt(assertion).claims;
}

/** A clock whose sleep advances it, recording each sleep. */
export function fakeClock(startIso = '2026-03-01T10:00:00.000Z') {
  let time = Date.parse(startIso);
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(time),
    advance: (ms: number) => {
      time += ms;
    },
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      time += ms;
    },
  };
}
