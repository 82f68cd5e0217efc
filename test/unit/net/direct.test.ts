import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectTransport } from '../../../src/net/direct.js';
import { classifyTransportError } from '../../../src/salesforce/classify.js';
import { TransportError } from '../../../src/net/types.js';

/**
 * The direct transport (HTTP/1.1 over node:net) against raw TCP servers on loopback, which answer
 * byte for byte what a test tells them to: split writes, keep-alive, closes at awkward moments.
 */
interface RawServer {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Every complete request received, as text, in order. */
  requests: string[];
  stop(): Promise<void>;
}

type Answer = (socket: net.Socket, request: string, connection: number, index: number) => void;

/** Hands each complete request (head plus Content-Length body) to `answer`, with its connection's number. */
async function rawServer(answer: Answer): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const requests: string[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(buffered.slice(0, headEnd))?.[1] ?? 0);
        if (buffered.length < headEnd + 4 + length) return;
        const request = buffered.slice(0, headEnd + 4 + length);
        buffered = buffered.slice(request.length);
        requests.push(request);
        answer(socket, request, connection, requests.length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const servers: RawServer[] = [];
async function serve(answer: Answer): Promise<RawServer> {
  const server = await rawServer(answer);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const OK = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}';
const send = createDirectTransport();
const get = (url: string, extra: Partial<Parameters<typeof send>[0]> = {}) => send({ method: 'GET', url, timeoutMs: 5000, ...extra });
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a TransportError'), (error: unknown) => error as TransportError);

describe('direct transport: reading answers', () => {
  it('a chunked answer written in pieces, with pauses, is read whole', async () => {
    const server = await serve((socket) => {
      const pieces = ['HTTP/1.1 200 OK\r\nTransfer-', 'Encoding: chunked\r\n\r\n5\r\n{"ok"', '\r\n6\r\n:true}\r\n', '0\r\n\r\n'];
      pieces.forEach((piece, i) => setTimeout(() => socket.write(piece), i * 20));
    });
    await expect(get(`${server.url}/id`)).resolves.toMatchObject({
      status: 200,
      headers: { 'transfer-encoding': 'chunked' },
      body: '{"ok":true}',
    });
  });

  it('a close-delimited answer (no framing) ends when the server closes', async () => {
    const server = await serve((socket) => socket.end('HTTP/1.1 500 Server Error\r\n\r\nUnexpected error'));
    await expect(get(server.url)).resolves.toMatchObject({ status: 500, body: 'Unexpected error' });
  });

  it('sends the request line, Host, user-agent, headers and a Content-Length body (never chunked)', async () => {
    const server = await serve((socket) => socket.write(OK));
    await send({ method: 'POST', url: `${server.url}/services/oauth2/token?x=1`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=é', timeoutMs: 5000 });
    const [request] = server.requests;
    expect(request).toMatch(/^POST \/services\/oauth2\/token\?x=1 HTTP\/1\.1\r\n/);
    expect(request).toMatch(new RegExp(`\r\nHost: ${server.url.slice(7)}\r\n`, 'i'));
    expect(request).toMatch(/\r\nuser-agent: sfjwt\r\n/i);
    expect(request).toMatch(/\r\ncontent-length: 4\r\n/i);
    expect(request).not.toMatch(/transfer-encoding/i);
    expect(request!.endsWith('\r\n\r\na=Ã©')).toBe(true);
  });

  it('a redirect is returned as it is, never followed (SPEC §10)', async () => {
    const server = await serve((socket) => socket.write('HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.2:9/steal\r\nContent-Length: 0\r\n\r\n'));
    await expect(send({ method: 'POST', url: `${server.url}/services/oauth2/token`, body: 'assertion=x', timeoutMs: 5000 })).resolves.toMatchObject({
      status: 307,
      headers: { location: 'http://127.0.0.2:9/steal' },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('an answer larger than the limit is refused, not held in memory', async () => {
    const server = await serve((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n');
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
    const error = await failure(get(server.url));
    expect(error).toMatchObject({ kind: 'network', errno: 'ERR_RESPONSE_TOO_LARGE', message: `the answer from ${server.url.slice(7)} is larger than 2 MiB; sfjwt stopped reading it` });
  });
});

describe('direct transport: keep-alive', () => {
  it('the next request to the same origin reuses the connection (verify: token, then identity)', async () => {
    const server = await serve((socket) => socket.write(OK));
    await get(`${server.url}/a`);
    await get(`${server.url}/b`);
    await get(`${server.url}/c`);
    expect(server.requests).toHaveLength(3);
    expect(server.connections()).toBe(1);
  });

  it.each([
    ['Connection: close', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'],
    ['an HTTP/1.0 answer', 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'],
  ])('not after %s', async (_name, answer) => {
    const server = await serve((socket) => socket.write(answer));
    await get(server.url);
    await get(server.url);
    expect(server.connections()).toBe(2);
  });

  it('a kept connection the server has closed is replaced, and the request sent again, without an error', async () => {
    // The first connection answers once, then drops the next request unanswered (a keep-alive race).
    const server = await serve((socket, _request, connection, index) => {
      if (connection === 1 && index > 1) socket.destroy();
      else socket.write(OK);
    });
    await get(`${server.url}/token`);
    await expect(get(`${server.url}/identity`)).resolves.toMatchObject({ status: 200 });
    expect(server.connections()).toBe(2);
    expect(server.requests.map((r) => r.split(' ')[1])).toEqual(['/token', '/identity', '/identity']);
  });

  it('is not sent again when part of the answer had arrived, nor on a new connection', async () => {
    const cutMidAnswer = await serve((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{"ok"'));
    const error = await failure(get(cutMidAnswer.url));
    expect(error).toMatchObject({ kind: 'network', errno: 'ECONNRESET', message: `${cutMidAnswer.url.slice(7)} closed the connection in the middle of its answer (ECONNRESET)` });
    expect(cutMidAnswer.requests).toHaveLength(1);

    const closesAtOnce = await serve((socket) => socket.destroy());
    const closed = await failure(get(closesAtOnce.url));
    expect(closed).toMatchObject({ kind: 'network', errno: 'ECONNRESET', message: `${closesAtOnce.url.slice(7)} closed the connection before answering (ECONNRESET)` });
    expect(closesAtOnce.requests).toHaveLength(1);
  });

  it('an idle kept connection does not keep the process alive', async () => {
    const server = await serve((socket) => {
      socket.unref();
      socket.write(OK);
    });
    const sockets = () => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
    await new Promise((resolve) => setTimeout(resolve, 20)); // sockets the last test destroyed finish closing
    const before = sockets();
    await get(server.url);
    expect(server.connections()).toBe(1);
    expect(sockets()).toBe(before);
    await get(server.url);
    expect(server.connections()).toBe(1);
  });
});

describe('direct transport: failures are one-line TransportErrors naming the host', () => {
  it('an answer that is not HTTP (a wrong port: SSH, a TLS server) → not valid HTTP, with a hint about the login URL', async () => {
    const server = await serve((socket) => socket.end('SSH-2.0-OpenSSH_9.2p1\r\n'));
    const error = await failure(get(server.url));
    expect(error).toMatchObject({
      kind: 'network',
      errno: 'ERR_INVALID_HTTP_RESPONSE',
      message: expect.stringMatching(new RegExp(`^the answer from ${server.url.slice(7)} is not valid HTTP \\(HPE_[A-Z_]+\\)$`)),
    });
    expect(classifyTransportError(error).hint).toMatch(/check the host and port of the login URL/);
  });

  it('a header value with a line break is refused before anything is sent', async () => {
    const server = await serve((socket) => socket.write(OK));
    const error = await failure(get(server.url, { headers: { authorization: 'Bearer x\r\nX-Injected: 1' } }));
    expect(error).toMatchObject({ kind: 'network', errno: 'ERR_INVALID_CHAR' });
    expect(error.message).toMatch(new RegExp(`^cannot send the request to ${server.url}: .*"authorization"`));
    expect(error.message).not.toContain('\n');
    expect(server.connections()).toBe(0);
  });

  it('a cancel mid-request closes the connection and rejects as aborted', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const server = await serve((socket) => {
      socket.on('close', closed);
      controller.abort();
    });
    const controller = new AbortController();
    const error = await failure(get(server.url, { signal: controller.signal }));
    expect(error).toMatchObject({ kind: 'aborted', errno: 'ABORT_ERR' });
    await serverSawClose;
  });

  it('a URL that is neither http nor https', async () => {
    await expect(get('ftp://127.0.0.1/x')).rejects.toMatchObject({ kind: 'network', errno: 'ERR_INVALID_PROTOCOL' });
  });
});

describe('direct transport: https to something that is not TLS', () => {
  it('a plain HTTP server at an https:// URL → tls-error naming the host, no OpenSSL source paths, a hint about the scheme', async () => {
    // A real HTTP server answers the ClientHello with "400 Bad Request", in plain text.
    const server = http.createServer((_req, res) => res.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await failure(get(`https://127.0.0.1:${port}/services/oauth2/token`));
      expect(error).toMatchObject({ kind: 'tls', message: `127.0.0.1:${port} does not speak TLS (OpenSSL: wrong version number)` });
      expect(classifyTransportError(error)).toMatchObject({ outcome: 'tls-error', hint: expect.stringMatching(/scheme and port of the login URL/) });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
