import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { base64url, buildClaims, JWT_BEARER_GRANT, signAssertion } from '../../../src/crypto/assertion.js';
import { createEmulatorState } from '../../../src/emulator/state.js';
import { handleRequest } from '../../../src/emulator/handler.js';
import type { EmulatorConfig, EmulatorRequest, EmulatorResponse, EmulatorState } from '../../../src/emulator/types.js';

export const T0 = new Date('2026-03-02T10:00:00.000Z');
export const PORT = 4321;
export const BASE = `http://127.0.0.1:${PORT}`;
export const ORG_ID = '00D000000000001AAA';
export const USER_ID = '005000000000001AAA';
export const USERNAME = 'integration@acme.com';
export const CLIENT_ID = '3MVG9_emulator_eca_client_id';
export const CA_CLIENT_ID = '3MVG9_emulator_connected_app';

export interface KeyPair {
  privateKey: KeyObject;
  publicPem: string;
}

export function makeKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function baseConfig(certPem: string, patch: (config: EmulatorConfig) => void = () => {}): EmulatorConfig {
  const config: EmulatorConfig = {
    org: { orgId: ORG_ID, name: 'Acme', isSandbox: false, active: true },
    apps: [
      { clientId: CLIENT_ID, kind: 'eca', certPem, policy: 'admin', assignedUsernames: [USERNAME] },
      { clientId: CA_CLIENT_ID, kind: 'connected-app', certPem, policy: 'admin', assignedUsernames: [USERNAME] },
    ],
    users: [
      { username: USERNAME, userId: USER_ID, displayName: 'Integration User', email: 'ops@acme.com', active: true },
      { username: 'other@acme.com', userId: '005000000000002AAA', displayName: 'Other User', email: 'other@acme.com', active: true },
    ],
  };
  patch(config);
  return config;
}

export function makeState(config: EmulatorConfig, now = T0): EmulatorState {
  return createEmulatorState(config, { baseUrl: BASE, now, seed: 'test-seed' });
}

export function assertion(
  key: KeyObject,
  options: { clientId?: string; username?: string; aud?: string; now?: Date } = {},
): string {
  return signAssertion(
    buildClaims({
      clientId: options.clientId ?? CLIENT_ID,
      username: options.username ?? USERNAME,
      audience: options.aud ?? BASE,
      now: options.now ?? T0,
    }),
    key,
  );
}

/** Signs arbitrary header and claims (for malformed, non-RS256 or odd-claim assertions). */
export function rawJwt(header: Record<string, unknown>, claims: Record<string, unknown>, key?: KeyObject): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = key ? createSign('RSA-SHA256').update(input).sign(key) : Buffer.from('sig');
  return `${input}.${base64url(signature)}`;
}

export function tokenRequest(assertionValue: string | undefined, extra: Record<string, string> = {}): EmulatorRequest {
  const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, ...extra });
  if (assertionValue !== undefined) form.set('assertion', assertionValue);
  return {
    method: 'POST',
    path: '/services/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  };
}

export function send(state: EmulatorState, request: EmulatorRequest, now = T0): EmulatorResponse {
  return handleRequest(state, request, now).response;
}

export function body<T = Record<string, unknown>>(response: EmulatorResponse): T {
  return JSON.parse(response.body) as T;
}

export function get(path: string, token?: string): EmulatorRequest {
  return { method: 'GET', path, headers: token ? { authorization: `Bearer ${token}` } : {}, body: '' };
}

/** Logs in and returns the access token (fails the test otherwise). */
export function login(state: EmulatorState, key: KeyObject, now = T0, username = USERNAME): string {
  const response = send(state, tokenRequest(assertion(key, { now, username })), now);
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.body}`);
  return body<{ access_token: string }>(response).access_token;
}
