import type { Socket } from 'node:net';
import { formatRequest, HttpWireError, idleReuseMs, ResponseParser, type WireResponse } from './http1.js';
import { seconds, socketMessage, transportKindOf } from './transport-errors.js';
import { TransportError, type HttpRequest, type HttpResponse } from './types.js';

type Net = typeof import('node:net');
type Tls = typeof import('node:tls');

let netModule: Promise<Net> | undefined;
let tlsModule: Promise<Tls> | undefined;

/** Loads what a connection for `protocol` needs, once per process; `warm` calls it early. */
export function loadSocketModules(protocol: string): Promise<unknown> {
  netModule ??= import('node:net');
  return protocol === 'https:' ? (tlsModule ??= import('node:tls')) : netModule;
}

/** Why one exchange on one connection failed, and whether any of the answer had arrived. */
class ExchangeFailure extends Error {
  constructor(
    readonly cause: unknown,
    readonly receivedAny: boolean,
  ) {
    super('exchange failed');
  }
}

/** Writes the request and reads one answer on `socket`, listening only while it does. */
function exchangeOn(socket: Socket, wire: Buffer): Promise<WireResponse> {
  return new Promise<WireResponse>((resolve, reject) => {
    const parser = new ResponseParser();
    const stop = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
    };
    const settle = (read: () => WireResponse | undefined) => {
      let response: WireResponse | undefined;
      try {
        response = read();
      } catch (error) {
        stop();
        reject(new ExchangeFailure(error, parser.receivedAny));
        return;
      }
      if (response) {
        stop();
        resolve(response);
      }
    };
    const onData = (chunk: Buffer) => settle(() => parser.push(chunk));
    const onEnd = () => settle(() => parser.end());
    const onError = (error: Error) => {
      stop();
      reject(new ExchangeFailure(error, parser.receivedAny));
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    socket.write(wire);
  });
}

interface IdleConnection {
  socket: Socket;
  until: number;
  release(): void;
}

/**
 * Requests straight to the host (no proxy) over node:net / node:tls, HTTP/1.1 by src/net/http1.ts,
 * with idle connections kept per origin for the next request (verify's identity call, doctor --all).
 * TLS is node:tls with its defaults: the system CAs plus NODE_EXTRA_CA_CERTS, and the host checked.
 */
export function createDirectTransport(now: () => number = Date.now): (request: HttpRequest) => Promise<HttpResponse> {
  const idle = new Map<string, IdleConnection[]>();

  const takeIdle = (origin: string): Socket | undefined => {
    const list = idle.get(origin);
    for (let entry = list?.pop(); entry; entry = list?.pop()) {
      entry.release();
      if (!entry.socket.destroyed && now() < entry.until) return entry.socket;
      entry.socket.destroy();
    }
    return undefined;
  };

  // An idle connection does not keep the process alive, and any event on it ends it.
  const park = (origin: string, socket: Socket, reuseMs: number): void => {
    const list = idle.get(origin) ?? [];
    idle.set(origin, list);
    const drop = () => {
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
      entry.release();
      socket.destroy();
    };
    const entry: IdleConnection = {
      socket,
      until: now() + reuseMs,
      release: () => {
        for (const event of ['data', 'end', 'close', 'error']) socket.off(event, drop);
        socket.ref();
      },
    };
    for (const event of ['data', 'end', 'close', 'error']) socket.on(event, drop);
    socket.unref();
    list.push(entry);
  };

  const connect = async (url: URL): Promise<Socket> => {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const https = url.protocol === 'https:';
    const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
    const net = await (netModule ??= import('node:net'));
    // SNI carries a name, never an address (RFC 6066).
    const socket = https
      ? (await (tlsModule ??= import('node:tls'))).connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host, port });
    return socket.setNoDelay(true);
  };

  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TransportError('network', `${request.url} is not an http:// or https:// URL`, 'ERR_INVALID_PROTOCOL');
    }
    let wire: Buffer;
    try {
      wire = formatRequest({ method: request.method, url, headers: { 'user-agent': 'sfjwt', ...request.headers }, body: request.body });
    } catch (error) {
      throw new TransportError('network', `cannot send the request to ${url.origin}: ${(error as Error).message}`, 'ERR_INVALID_CHAR');
    }
    if (request.signal?.aborted) throw new TransportError('aborted', 'request cancelled', 'ABORT_ERR');

    let current: Socket | undefined;
    let stopped: TransportError | undefined;
    let interrupt: (error: TransportError) => void = () => undefined;
    const interrupted = new Promise<never>((_, reject) => {
      interrupt = (error) => {
        stopped ??= error;
        current?.destroy();
        reject(stopped);
      };
    });
    interrupted.catch(() => undefined);
    const onAbort = () => interrupt(new TransportError('aborted', 'request cancelled', 'ABORT_ERR'));
    const timer = setTimeout(
      () => interrupt(new TransportError('timeout', `no answer from ${url.origin} within ${seconds(request.timeoutMs)}`, 'ETIMEDOUT')),
      request.timeoutMs,
    );
    request.signal?.addEventListener('abort', onAbort, { once: true });

    const attempt = async (socket: Socket): Promise<WireResponse> => {
      current = socket;
      if (stopped) socket.destroy();
      return Promise.race([exchangeOn(socket, wire), interrupted]);
    };
    try {
      let response: WireResponse;
      const reused = takeIdle(url.origin);
      try {
        response = await attempt(reused ?? (await connect(url)));
      } catch (error) {
        // A kept connection the server had just closed: nothing was read, so send it once more.
        if (!(reused && error instanceof ExchangeFailure && !error.receivedAny)) throw error;
        response = await attempt(await connect(url));
      }
      const reuseMs = response.reusable && !stopped ? idleReuseMs(response.headers) : 0;
      if (reuseMs > 0) park(url.origin, current!, reuseMs);
      else current?.destroy();
      return { status: response.status, headers: response.headers, body: response.body.toString('utf8') };
    } catch (error) {
      current?.destroy();
      throw toTransportError(error, url);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  };
}

function toTransportError(error: unknown, url: URL): TransportError {
  if (error instanceof TransportError) return error;
  const cause = error instanceof ExchangeFailure ? error.cause : error;
  if (cause instanceof HttpWireError && cause.cut) {
    const received = error instanceof ExchangeFailure && error.receivedAny;
    const message = received ? `${url.host} closed the connection in the middle of its answer (ECONNRESET)` : socketMessage('ECONNRESET', url, cause.message);
    return new TransportError('network', message, 'ECONNRESET');
  }
  if (cause instanceof HttpWireError) {
    return new TransportError('network', `the answer from ${url.host} is not valid HTTP: ${cause.message}`, 'ERR_INVALID_HTTP_RESPONSE');
  }
  const { code, message } = cause as NodeJS.ErrnoException;
  // OpenSSL's "wrong version number" (with its source path) means plain text came back to a ClientHello.
  const notTls = /wrong version number|packet length too long|unknown protocol/.exec(String(message));
  if (notTls) return new TransportError('tls', `${url.host} does not speak TLS (OpenSSL: ${notTls[0]})`, code);
  return new TransportError(transportKindOf(code), socketMessage(code, url, String(message)), code);
}
