/**
 * The HTTP shell around the pure handler: binds 127.0.0.1, collects the body (64 KB limit → 413),
 * applies the slowMs simulation, calls handleRequest with the clock, writes the answer.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control.js';
import { handleRequest, serverClock } from './handler.js';
import {
  addApp,
  addUser,
  approveUser,
  assignUser,
  createEmulatorState,
  removeApp,
  replaceCertificate,
  resetLoginRate,
  revokeTokens,
  setOrgActive,
  setSimulation,
  setUserActive,
  updateApp,
  updateUser,
} from './state.js';
import type {
  EmulatorAppConfig,
  EmulatorConfig,
  EmulatorCounters,
  EmulatorSimulation,
  EmulatorState,
  EmulatorUserConfig,
  RequestLogEntry,
} from './types.js';

export const MAX_BODY_BYTES = 64 * 1024;

export interface StartEmulatorOptions {
  /** 0 (default) picks any free port. */
  port?: number;
  /** Loopback only. */
  host?: '127.0.0.1';
  /** Clock for the handler and the controls (tests); default `() => new Date()`. */
  now?: () => Date;
  /** Seed for token values; default random. */
  seed?: string;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`: the login URL, instance URL and My Domain of the emulated org. */
  readonly url: string;
  readonly port: number;
  /** Live request log (oldest first). */
  readonly requests: RequestLogEntry[];
  readonly counters: EmulatorCounters;
  /** The live state, for inspection. */
  readonly state: EmulatorState;
  stop(): Promise<void>;

  /** New certificate verified after `propagationSeconds` (default: the simulation's); the old one until then. */
  replaceCertificate(clientId: string, certPem: string, options?: { propagationSeconds?: number }): void;
  setSimulation(patch: EmulatorSimulation): void;
  /** Admin-approved policy: assign (default) or unassign the user to the app. */
  assignUser(clientId: string, username: string, assigned?: boolean): void;
  /** Self-authorize policy: the user approved (default) or revoked the app. */
  approveUser(clientId: string, username: string, approved?: boolean): void;
  setUserActive(username: string, active: boolean): void;
  updateUser(username: string, patch: Partial<Omit<EmulatorUserConfig, 'username' | 'userId'>>): void;
  addUser(user: EmulatorUserConfig): void;
  /** Creates an app; unknown (`invalid_client_id`) until the propagation delay has passed. */
  addApp(app: EmulatorAppConfig): void;
  removeApp(clientId: string): void;
  updateApp(clientId: string, patch: Partial<Omit<EmulatorAppConfig, 'clientId' | 'certPem'>>): void;
  setOrgActive(active: boolean): void;
  /** Ends the sessions (access tokens) of one user or everyone. */
  revokeTokens(username?: string): void;
  resetLoginRate(username?: string): void;
  /** Empties the request log. */
  clearRequests(): void;
  /** The server clock (real time + clockOffsetSeconds). */
  serverTime(): Date;
}

function headerMap(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  res.end(bytes);
}

export async function startEmulator(config: EmulatorConfig, options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  let state: EmulatorState | undefined;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      void (async () => {
        if (!state) return send(res, 503, { 'content-type': 'text/plain' }, 'starting');
        if (state.simulate.slowMs > 0) await delay(state.simulate.slowMs);
        if (tooLarge) {
          const body = JSON.stringify([{ errorCode: 'REQUEST_TOO_LARGE', message: `request body exceeds ${MAX_BODY_BYTES} bytes` }]);
          return send(res, 413, { 'content-type': 'application/json;charset=UTF-8', date: serverClock(state, now()).toUTCString() }, body);
        }
        const bytes = Buffer.concat(chunks);
        const request = { method: req.method ?? 'GET', path: req.url ?? '/', headers: headerMap(req), body: bytes.toString('utf8'), bytes };
        const response = handleControl(state, request, now()) ?? handleRequest(state, request, now()).response;
        send(res, response.status, response.headers, response.body);
      })().catch(() => {
        if (!res.headersSent) send(res, 500, { 'content-type': 'text/plain' }, 'emulator error');
        else res.destroy();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const live = createEmulatorState(config, { baseUrl: url, now: now(), seed: options.seed ?? randomBytes(16).toString('hex') });
  state = live;

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    get requests() {
      return live.requests;
    },
    get counters() {
      return live.counters;
    },
    state: live,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
    replaceCertificate: (clientId, certPem, opts) => replaceCertificate(live, clientId, certPem, now(), opts?.propagationSeconds),
    setSimulation: (patch) => setSimulation(live, patch),
    assignUser: (clientId, username, assigned) => assignUser(live, clientId, username, assigned),
    approveUser: (clientId, username, approved) => approveUser(live, clientId, username, approved),
    setUserActive: (username, active) => setUserActive(live, username, active),
    updateUser: (username, patch) => updateUser(live, username, patch),
    addUser: (user) => addUser(live, user),
    addApp: (app) => addApp(live, app, now()),
    removeApp: (clientId) => removeApp(live, clientId),
    updateApp: (clientId, patch) => updateApp(live, clientId, patch),
    setOrgActive: (active) => setOrgActive(live, active),
    revokeTokens: (username) => revokeTokens(live, username),
    resetLoginRate: (username) => resetLoginRate(live, username),
    clearRequests: () => {
      live.requests.length = 0;
    },
    serverTime: () => serverClock(live, now()),
  };
}
