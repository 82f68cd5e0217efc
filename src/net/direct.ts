import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { abortedError, timeoutError, tooLargeError, toTransportError } from './transport-errors.js';
import { MAX_RESPONSE_BYTES, TransportError, type HttpRequest, type HttpResponse } from './types.js';

type HttpModule = typeof import('node:http');

const load = createRequire(import.meta.url);

/**
 * Requests straight to the host (no proxy) with node:http / node:https and one keep-alive agent per
 * scheme, so verify's identity call and doctor --all's exchanges reuse the connection. TLS is
 * Node's default: the system CAs plus NODE_EXTRA_CA_CERTS, and the host name checked. Redirects
 * are returned, never followed (node:http has no redirect logic). The modules load on first use.
 */
export function createDirectTransport(): (request: HttpRequest) => Promise<HttpResponse> {
  const agents = new Map<string, { module: HttpModule; agent: Agent }>();
  const agentFor = (protocol: string) => {
    let entry = agents.get(protocol);
    if (!entry) {
      // require(), not import(): an ES module namespace of node:http reads every export, and its
      // lazy WebSocket/fetch getters load Node's bundled undici (~25 ms on Node 22) for nothing.
      const module = load(protocol === 'https:' ? 'node:https' : 'node:http') as HttpModule;
      entry = { module, agent: new module.Agent({ keepAlive: true, scheduling: 'lifo' }) };
      agents.set(protocol, entry);
    }
    return entry;
  };

  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TransportError('network', `${request.url} is not an http:// or https:// URL`, 'ERR_INVALID_PROTOCOL');
    }
    if (request.signal?.aborted) throw abortedError();
    const { module, agent } = agentFor(url.protocol);
    const deadline = Date.now() + request.timeoutMs;
    try {
      return await send(module, agent, url, request, deadline);
    } catch (error) {
      // A kept connection the server closed while it sat idle: nothing was answered, so send once more.
      if (!(error instanceof ReusedSocketReset)) throw toTransportError(error, url);
      return send(module, agent, url, request, deadline).catch((retryError: unknown) => {
        throw toTransportError(retryError instanceof ReusedSocketReset ? retryError.cause : retryError, url);
      });
    }
  };
}

class ReusedSocketReset extends Error {
  constructor(override readonly cause: unknown) {
    super('kept connection reset');
  }
}

function send(module: HttpModule, agent: Agent, url: URL, request: HttpRequest, deadline: number): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let req: ClientRequest;
    const headers: Record<string, string> = { 'user-agent': 'sfjwt', ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    try {
      req = module.request(url, { method: request.method, headers, agent });
    } catch (error) {
      // node:http refuses a header value with a line break or a non-Latin-1 character before sending anything.
      reject(new TransportError('network', `cannot send the request to ${url.origin}: ${(error as Error).message}`, (error as NodeJS.ErrnoException).code));
      return;
    }
    let answered = false;
    const timer = setTimeout(() => fail(timeoutError(url, request.timeoutMs)), Math.max(0, deadline - Date.now()));
    const onAbort = () => fail(abortedError());
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    };
    // The first outcome wins; the connection is closed so nothing more is read from it.
    function fail(error: unknown): void {
      done();
      reject(error);
      req.destroy();
    }
    req.on('error', (error: NodeJS.ErrnoException) => {
      fail(!answered && req.reusedSocket && error.code === 'ECONNRESET' ? new ReusedSocketReset(error) : error);
    });
    req.on('response', (res: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) fail(tooLargeError(url, MAX_RESPONSE_BYTES));
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new TransportError('network', `${url.host} closed the connection in the middle of its answer (ECONNRESET)`, 'ECONNRESET')));
      res.on('end', () => {
        done();
        resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(request.body);
  });
}

export function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
