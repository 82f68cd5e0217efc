import { validateApp, validateSimulation } from './config.js';
import { addApp, approveUser, assignUser, removeApp, replaceCertificate, setOrgActive, setSimulation, setUserActive, updateUser } from './state.js';
import type { EmulatorRequest, EmulatorResponse, EmulatorState } from './types.js';

/**
 * Control endpoints under /__emulator/, so a running `sfjwt emulator` can play what happens in Setup
 * (a certificate upload, an unassigned profile, a deactivated user) for tests in other processes and
 * other languages. Not part of Salesforce's API; the emulator only ever listens on loopback.
 */
export const CONTROL_PREFIX = '/__emulator/';

function json(status: number, body: unknown): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(body) };
}

function field(body: Record<string, unknown>, name: string, type: 'string' | 'boolean' | 'number'): any {
  const value = body[name];
  if (typeof value !== type) throw new Error(`"${name}" must be a ${type}`);
  return value;
}

type Route = (state: EmulatorState, body: Record<string, unknown>, now: Date) => unknown;

const ROUTES: Record<string, Route> = {
  'POST certificate': (state, body, now) =>
    replaceCertificate(
      state,
      field(body, 'clientId', 'string'),
      field(body, 'certPem', 'string'),
      now,
      body.propagationSeconds === undefined ? undefined : field(body, 'propagationSeconds', 'number'),
    ),
  'POST simulate': (state, body) => setSimulation(state, validateSimulation(body)),
  'POST assign': (state, body) => assignUser(state, field(body, 'clientId', 'string'), field(body, 'username', 'string'), body.assigned !== false),
  'POST approve': (state, body) => approveUser(state, field(body, 'clientId', 'string'), field(body, 'username', 'string'), body.approved !== false),
  'POST user': (state, body) => {
    const username = field(body, 'username', 'string') as string;
    if (body.active !== undefined) setUserActive(state, username, field(body, 'active', 'boolean'));
    const patch: Record<string, boolean> = {};
    for (const key of ['ipRestricted', 'apiEnabled'] as const) if (body[key] !== undefined) patch[key] = field(body, key, 'boolean');
    updateUser(state, username, patch);
  },
  // A new app as Setup creates it: an External Client App, admin-approved, no user assigned, and
  // no certificate unless `certPem` is given (upload one later with POST certificate).
  'POST app': (state, body, now) => addApp(state, validateApp({ kind: 'eca', policy: 'admin', assignedUsernames: [], ...body }, 'app'), now),
  'POST remove-app': (state, body) => removeApp(state, field(body, 'clientId', 'string')),
  'POST org': (state, body) => setOrgActive(state, field(body, 'active', 'boolean')),
  'GET requests': (state) => state.requests,
};

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Only this machine may drive the emulator: the Host (and Origin, when a browser sends one) must
 * name a loopback host with the emulator's own port, or a web page could reach the log of signed
 * assertions through DNS rebinding.
 */
function fromLoopback(state: EmulatorState, request: EmulatorRequest): boolean {
  const port = new URL(state.baseUrl).port;
  const allowed = new Set(LOOPBACK_HOSTS.map((host) => (port ? `${host}:${port}` : host)));
  const host = request.headers.host?.toLowerCase();
  const origin = request.headers.origin?.toLowerCase();
  if (!host || !allowed.has(host)) return false;
  return origin === undefined || allowed.has(origin.replace(/^http:\/\//, ''));
}

/** A browser cannot send application/json cross-origin without a preflight, which we never grant. */
function isJson(request: EmulatorRequest): boolean {
  return request.headers['content-type']?.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** Answers a control request, or returns undefined when the path is not a control path. */
export function handleControl(state: EmulatorState, request: EmulatorRequest, now: Date): EmulatorResponse | undefined {
  if (!request.path.startsWith(CONTROL_PREFIX)) return undefined;
  if (!fromLoopback(state, request)) {
    return json(403, { error: `control endpoints answer only requests to 127.0.0.1, localhost or [::1] on port ${new URL(state.baseUrl).port}` });
  }
  const name = request.path.slice(CONTROL_PREFIX.length).split('?')[0]!;
  const route = ROUTES[`${request.method} ${name}`];
  if (!route) return json(404, { error: 'unknown control', known: Object.keys(ROUTES) });
  let body: unknown = {};
  if (request.method === 'POST') {
    if (!isJson(request)) return json(415, { error: 'send the body with Content-Type: application/json' });
    try {
      body = JSON.parse(request.body || '{}');
    } catch {
      return json(400, { error: 'the body must be JSON' });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return json(400, { error: 'the body must be a JSON object' });
  }
  try {
    const result = route(state, body as Record<string, unknown>, now);
    return json(200, result ?? { ok: true });
  } catch (error) {
    return json(400, { error: (error as Error).message });
  }
}
