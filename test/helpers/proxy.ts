import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type forgeTypes from 'node-forge';

export interface RelayedRequest {
  /** 'CONNECT' for a tunnel, else the method of an absolute-form request. */
  method: string;
  /** host:port for CONNECT, the absolute URL otherwise. */
  target: string;
  /** Whether it was let through (false: 407 or refused). */
  relayed: boolean;
}

export interface TestProxy {
  /** http://127.0.0.1:<port> (no credentials). */
  url: string;
  port: number;
  /** Every request the proxy received, in order. */
  seen: RelayedRequest[];
  /** How many it relayed (tunnels opened + absolute-form requests forwarded). */
  relayedCount(): number;
  stop(): Promise<void>;
}

export interface TestProxyOptions {
  /** Require `Proxy-Authorization: Basic base64(user:pass)`; otherwise answer 407. */
  auth?: { user: string; pass: string };
  /** Refuse CONNECT to these host:port targets with 403 (a proxy's allow-list). */
  denyConnect?: string[];
  /** Forward absolute-form requests to this origin whatever host they name (a look-alike host's DNS). */
  rewriteTo?: string;
}

/**
 * A small real forward proxy on loopback (node:http): CONNECT tunnels (https targets) and
 * absolute-form GET/POST (http targets), optional Basic proxy authentication answering 407 with
 * Proxy-Authenticate, like squid. Counts what it relays.
 */
/**
 * Listens on a free loopback port, tracking every socket so stop() can end keep-alive and tunnelled
 * connections at once instead of waiting for them.
 */
async function listenTracked(server: net.Server, sockets: Set<net.Socket>): Promise<{ port: number; stop(): Promise<void> }> {
  server.on('connection', (socket: net.Socket) => track(sockets, socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function track(sockets: Set<net.Socket>, socket: net.Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
}

export async function startTestProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const seen: RelayedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.pass}`).toString('base64')}` : undefined;
  const authorized = (req: http.IncomingMessage) => expected === undefined || req.headers['proxy-authorization'] === expected;

  const server = http.createServer((req, res) => {
    const target = req.url ?? '';
    if (!/^http:\/\//i.test(target)) {
      // Origin-form: a client talking to the proxy as if it were the server.
      seen.push({ method: req.method ?? 'GET', target, relayed: false });
      res.writeHead(400, { 'content-type': 'text/plain' }).end('this is a proxy: send absolute-form requests');
      return;
    }
    if (!authorized(req)) {
      seen.push({ method: req.method ?? 'GET', target, relayed: false });
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test-proxy"', 'content-type': 'text/html' });
      res.end('<html><title>407 Proxy Authentication Required</title></html>');
      return;
    }
    seen.push({ method: req.method ?? 'GET', target, relayed: true });
    const url = new URL(options.rewriteTo ? `${options.rewriteTo}${new URL(target).pathname}` : target);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: url.hostname, port: url.port || 80, method: req.method, path: `${url.pathname}${url.search}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    client.on('error', () => undefined);
    if (!authorized(req)) {
      seen.push({ method: 'CONNECT', target, relayed: false });
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test-proxy"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (options.denyConnect?.includes(target)) {
      seen.push({ method: 'CONNECT', target, relayed: false });
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    seen.push({ method: 'CONNECT', target, relayed: true });
    const at = target.lastIndexOf(':');
    const upstream = net.connect(Number(target.slice(at + 1)), target.slice(0, at).replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(sockets, upstream);
    upstream.on('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    });
  });
  const { port, stop } = await listenTracked(server, sockets);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    relayedCount: () => seen.filter((s) => s.relayed).length,
    stop,
  };
}

/** A port on loopback where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---- TLS: a private CA (as a TLS-intercepting proxy has) and an https front for the emulator -------

export interface TestCa {
  /** The CA certificate: what NODE_EXTRA_CA_CERTS points at. */
  caPem: string;
  /** A server certificate for 127.0.0.1 / localhost signed by the CA, and its key. */
  serverCertPem: string;
  serverKeyPem: string;
}

/** A CA and a server certificate it signed (node-forge), like a corporate interception CA. */
export async function makeTestCa(options: { serverNames?: string[] } = {}): Promise<TestCa> {
  const { default: forge } = await import('node-forge');
  const { generateKeyPairSync } = await import('node:crypto');
  const pair = () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const key = forge.pki.privateKeyFromPem(pem) as forgeTypes.pki.rsa.PrivateKey;
    return { pem, key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
  };
  const validity = (cert: forgeTypes.pki.Certificate) => {
    cert.validity.notBefore = new Date(Date.now() - 3600_000);
    cert.validity.notAfter = new Date(Date.now() + 7 * 86400_000);
  };
  const ca = pair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = '01';
  validity(caCert);
  const caName = [{ name: 'commonName', value: 'sfjwt test interception CA' }];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.key, forge.md.sha256.create());

  const server = pair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = server.publicKey;
  cert.serialNumber = '02';
  validity(cert);
  cert.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: options.serverNames?.map((value) => ({ type: 2, value })) ?? [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(caCert), serverCertPem: forge.pki.certificateToPem(cert), serverKeyPem: server.pem };
}

export interface TlsFront {
  /** https://127.0.0.1:<port> */
  url: string;
  port: number;
  /** TLS handshakes completed. */
  handshakes(): number;
  stop(): Promise<void>;
}

/** https on 127.0.0.1 that terminates TLS and pipes the plain bytes to an http server (the emulator). */
export async function startTlsFront(targetPort: number, ca: TestCa): Promise<TlsFront> {
  const tls = await import('node:tls');
  const sockets = new Set<net.Socket>();
  let handshakes = 0;
  const server = tls.createServer({ cert: ca.serverCertPem, key: ca.serverKeyPem }, (socket) => {
    handshakes += 1;
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [socket, upstream]) {
      track(sockets, s);
      s.on('error', () => undefined);
    }
    socket.pipe(upstream).pipe(socket);
  });
  server.on('tlsClientError', () => undefined);
  const { port, stop } = await listenTracked(server, sockets);
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    handshakes: () => handshakes,
    stop,
  };
}
