/**
 * The emulator's whole behaviour as one pure function of (state, request, now): no I/O, no clock,
 * no randomness. It updates `state` in place (tokens, login history, counters, request log) and
 * returns it with the response. The HTTP server in server.ts is a thin shell around it.
 */
import { adminResource, adminSoap } from './admin.js';
import { recordLogin } from './login-history.js';
import { handleTokenRequest } from './token.js';
import {
  authenticate,
  apiVersions,
  dataResource,
  identity,
  INVALID_SESSION,
  NOT_FOUND,
  userinfo,
  type JsonAnswer,
} from './resources.js';
import { REQUEST_LOG_LIMIT } from './state.js';
import type { EmulatorRequest, EmulatorResponse, EmulatorState, RequestLogEntry } from './types.js';

const JSON_TYPE = 'application/json;charset=UTF-8';
const HTML_TYPE = 'text/html;charset=UTF-8';
const NO_STORE = 'no-cache,must-revalidate,max-age=0,no-store,private';

export const TOKEN_PATH = '/services/oauth2/token';

/** The server clock: real time plus the simulated offset. */
export function serverClock(state: EmulatorState, now: Date): Date {
  return new Date(now.getTime() + state.simulate.clockOffsetSeconds * 1000);
}

/** An HTML login page, as a wrong host or a captive proxy would answer. */
export function loginPageHtml(): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Login | Salesforce</title></head>',
    '<body><form name="login" method="post" action="/">',
    '<label for="username">Username</label><input id="username" name="username" type="email">',
    '<label for="password">Password</label><input id="password" name="pw" type="password">',
    '<input type="submit" id="Login" value="Log In">',
    '</form></body></html>',
  ].join('\n');
}

function serviceUnavailableHtml(): string {
  return '<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1>'
    + '<p>The server is temporarily unable to service your request. Please try again later.</p></body></html>';
}

function splitPath(raw: string): { pathname: string; query: URLSearchParams } {
  const q = raw.indexOf('?');
  const rawPath = q === -1 ? raw : raw.slice(0, q);
  // Clients join URLs carelessly (sfdx-core asks for `<instance>//services/data/...`): collapse slashes.
  let pathname = `/${rawPath}`.replace(/\/{2,}/g, '/');
  try {
    pathname = decodeURI(pathname);
  } catch {
    // keep the raw path
  }
  if (pathname.length > 1) pathname = pathname.replace(/\/$/, '');
  return { pathname, query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)) };
}

function json(answer: JsonAnswer): EmulatorResponse {
  return {
    status: answer.status,
    headers: { 'content-type': JSON_TYPE, ...(answer.headers ?? {}) },
    body: JSON.stringify(answer.body),
  };
}

function route(
  state: EmulatorState,
  request: EmulatorRequest,
  now: Date,
  serverNow: Date,
  log: RequestLogEntry,
): EmulatorResponse {
  const { pathname, query } = splitPath(request.path);
  const method = request.method.toUpperCase();

  if (pathname === TOKEN_PATH) {
    state.counters.tokenRequests += 1;
    if (state.simulate.serverErrors > 0) {
      state.simulate.serverErrors -= 1;
      state.counters.serverErrorsServed += 1;
      return { status: 503, headers: { 'content-type': HTML_TYPE }, body: serviceUnavailableHtml() };
    }
    if (state.simulate.html) {
      return { status: 200, headers: { 'content-type': HTML_TYPE }, body: loginPageHtml() };
    }
    const outcome = handleTokenRequest(state, { method, contentType: request.headers['content-type'], body: request.body }, now, serverNow, log);
    recordLogin(state, log.claims, outcome.ok ? undefined : outcome.error, serverNow);
    if (!outcome.ok) {
      state.counters.tokenErrors += 1;
      log.error = outcome.error.error;
      log.errorDescription = outcome.error.description;
      return json({
        status: outcome.error.status,
        body: { error: outcome.error.error, error_description: outcome.error.description },
        headers: { 'cache-control': NO_STORE, pragma: 'no-cache' },
      });
    }
    state.counters.tokensIssued += 1;
    return json({ status: 200, body: outcome.body, headers: { 'cache-control': NO_STORE, pragma: 'no-cache' } });
  }

  const soap = adminSoap(state, request, pathname, serverNow);
  if (soap) return soap;
  const admin = adminResource(state, request, pathname, query, now, serverNow);
  if (admin) {
    if (admin.status < 300) state.counters.apiCalls += 1;
    return json(admin);
  }

  if (method !== 'GET' && !(method === 'POST' && pathname === '/services/oauth2/userinfo')) {
    return json(NOT_FOUND);
  }

  // The only unauthenticated REST resource: the list of API versions.
  if (pathname === '/services/data') return json({ status: 200, body: apiVersions() });
  // A My Domain's root is its login page.
  if (pathname === '/') return { status: 200, headers: { 'content-type': HTML_TYPE }, body: loginPageHtml() };

  const identityMatch = /^\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})$/.exec(pathname);
  const dataMatch = /^\/services\/data\/v(\d+\.\d)(?:\/(.*))?$/.exec(pathname);
  if (!identityMatch && !dataMatch && pathname !== '/services/oauth2/userinfo') return json(NOT_FOUND);

  const session = authenticate(state, request.headers.authorization, query.get('oauth_token'), serverNow);
  if (!session) return json(INVALID_SESSION);

  let answer: JsonAnswer;
  if (identityMatch) answer = identity(state, session, identityMatch[1]!, identityMatch[2]!, query.get('version'));
  else if (dataMatch) answer = dataResource(state, session, dataMatch[1]!, dataMatch[2] ?? '', query);
  else answer = userinfo(state, session);
  if (answer.status === 200) state.counters.apiCalls += 1;
  return json(answer);
}

/**
 * Handles one request. `now` is the real time; the server clock (Date header, exp checks,
 * issued_at, token expiry) is `now + simulate.clockOffsetSeconds`.
 */
export function handleRequest(
  state: EmulatorState,
  request: EmulatorRequest,
  now: Date,
): { state: EmulatorState; response: EmulatorResponse } {
  const serverNow = serverClock(state, now);
  state.counters.requests += 1;
  const log: RequestLogEntry = { at: now.toISOString(), method: request.method.toUpperCase(), path: request.path, status: 0 };

  const response = route(state, request, now, serverNow, log);
  response.headers.date = serverNow.toUTCString();

  log.status = response.status;
  if (log.error === undefined && response.status >= 400 && response.headers['content-type'] === JSON_TYPE) {
    try {
      const body = JSON.parse(response.body) as unknown;
      const first = Array.isArray(body) ? (body[0] as { errorCode?: string; message?: string } | undefined) : undefined;
      if (first?.errorCode) {
        log.error = first.errorCode;
        if (first.message) log.errorDescription = first.message;
      }
    } catch {
      // not JSON after all
    }
  }
  state.requests.push(log);
  if (state.requests.length > REQUEST_LOG_LIMIT) state.requests.splice(0, state.requests.length - REQUEST_LOG_LIMIT);
  return { state, response };
}
