/**
 * Emulator state and the pure operations that change it (the runtime controls).
 * Every time-dependent operation takes the real `now`; nothing here reads the clock.
 */
import { installAdmins } from './admin.js';
import { assertCertificatePem, DEFAULT_LOGIN_RATE_LIMIT_PER_HOUR, DEFAULT_SCOPES, validateSimulation } from './config.js';
import type {
  AppState,
  EmulatorAppConfig,
  EmulatorConfig,
  EmulatorSimulation,
  EmulatorState,
  EmulatorUserConfig,
} from './types.js';

const DEFAULT_SIMULATION: Required<EmulatorSimulation> = {
  propagationSeconds: 0,
  clockOffsetSeconds: 0,
  html: false,
  serverErrors: 0,
  slowMs: 0,
  loginRateLimitPerHour: DEFAULT_LOGIN_RATE_LIMIT_PER_HOUR,
};

/** Requests kept in the log; older entries are dropped. */
export const REQUEST_LOG_LIMIT = 5000;

function appState(app: EmulatorAppConfig, visibleAtMs: number): AppState {
  return {
    config: {
      clientId: app.clientId,
      kind: app.kind,
      policy: app.policy,
      assignedUsernames: [...app.assignedUsernames],
      approvedUsernames: [...(app.approvedUsernames ?? [])],
      ipRelaxation: app.ipRelaxation ?? 'enforce',
      highAssurance: app.highAssurance ?? false,
      installed: app.installed ?? true,
      scopes: [...(app.scopes ?? DEFAULT_SCOPES)],
    },
    certs: app.certPem === undefined ? [] : [{ certPem: app.certPem, visibleAtMs }],
    visibleAtMs,
  };
}

function userState(user: EmulatorUserConfig): Required<EmulatorUserConfig> {
  return { apiEnabled: true, ipRestricted: false, ...user };
}

/**
 * Builds the state for a config. The apps count as created at `now`: with
 * `simulate.propagationSeconds` > 0 they stay unknown (`invalid_client_id`) until it has passed.
 */
export function createEmulatorState(
  config: EmulatorConfig,
  options: { baseUrl: string; now: Date; seed?: string },
): EmulatorState {
  const simulate = { ...DEFAULT_SIMULATION, ...(config.simulate ?? {}) };
  const visibleAtMs = options.now.getTime() + simulate.propagationSeconds * 1000;
  const state: EmulatorState = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    org: {
      orgId: config.org.orgId,
      name: config.org.name,
      isSandbox: config.org.isSandbox,
      active: config.org.active,
      instanceName: config.org.instanceName ?? (config.org.isSandbox ? 'CS1' : 'NA1'),
      organizationType: config.org.organizationType ?? 'Developer Edition',
      namespacePrefix: config.org.namespacePrefix ?? null,
      trialExpirationDate: config.org.trialExpirationDate ?? null,
      isDevHub: config.org.isDevHub ?? false,
    },
    apps: config.apps.map((app) => appState(app, visibleAtMs)),
    users: config.users.map(userState),
    simulate,
    seed: options.seed ?? 'sfjwt-emulator',
    tokenCounter: 0,
    tokens: {},
    logins: {},
    requests: [],
    counters: { requests: 0, tokenRequests: 0, tokensIssued: 0, tokenErrors: 0, apiCalls: 0, serverErrorsServed: 0 },
  };
  if (config.admins) installAdmins(state, config.admins);
  return state;
}

export function findApp(state: EmulatorState, clientId: string): AppState | undefined {
  return state.apps.find((app) => app.config.clientId === clientId);
}

export function findUser(state: EmulatorState, username: string): Required<EmulatorUserConfig> | undefined {
  const key = username.toLowerCase();
  return state.users.find((user) => user.username.toLowerCase() === key);
}

function requireApp(state: EmulatorState, clientId: string): AppState {
  const app = findApp(state, clientId);
  if (!app) throw new Error(`emulator: no app with clientId "${clientId}"`);
  return app;
}

function requireUser(state: EmulatorState, username: string): Required<EmulatorUserConfig> {
  const user = findUser(state, username);
  if (!user) throw new Error(`emulator: no user "${username}"`);
  return user;
}

/** The certificate the login servers verify with at `now` (undefined before the app is visible). */
export function currentCertificate(app: AppState, now: Date): string | undefined {
  let current: string | undefined;
  for (const cert of app.certs) if (cert.visibleAtMs <= now.getTime()) current = cert.certPem;
  return current;
}

/** Whether the login servers know the app at `now` (propagation finished). */
export function isAppVisible(app: AppState, now: Date): boolean {
  return app.visibleAtMs <= now.getTime();
}

/**
 * Uploads a new certificate: it becomes the one verified after the propagation delay
 * (`propagationSeconds`, default the simulation's); until then the previous one still verifies.
 * An app holds one certificate, so afterwards the old key no longer works.
 */
export function replaceCertificate(
  state: EmulatorState,
  clientId: string,
  certPem: string,
  now: Date,
  propagationSeconds = state.simulate.propagationSeconds,
): void {
  assertCertificatePem(certPem, 'certPem');
  const app = requireApp(state, clientId);
  app.certs.push({ certPem, visibleAtMs: now.getTime() + propagationSeconds * 1000 });
}

/**
 * Creates an app at runtime, with or without a certificate (upload one later with
 * replaceCertificate); it is unknown until the propagation delay has passed.
 */
export function addApp(state: EmulatorState, app: EmulatorAppConfig, now: Date): void {
  if (findApp(state, app.clientId)) throw new Error(`emulator: an app with clientId "${app.clientId}" exists already`);
  if (app.certPem !== undefined) assertCertificatePem(app.certPem, 'certPem');
  state.apps.push(appState(app, now.getTime() + state.simulate.propagationSeconds * 1000));
}

export function removeApp(state: EmulatorState, clientId: string): void {
  requireApp(state, clientId);
  state.apps = state.apps.filter((app) => app.config.clientId !== clientId);
}

/** Changes app settings other than the certificate (use replaceCertificate); effective at once. */
export function updateApp(
  state: EmulatorState,
  clientId: string,
  patch: Partial<Omit<EmulatorAppConfig, 'clientId' | 'certPem'>>,
): void {
  const app = requireApp(state, clientId);
  const { approvedUsernames, assignedUsernames, scopes, ...rest } = patch;
  Object.assign(app.config, rest);
  if (assignedUsernames) app.config.assignedUsernames = [...assignedUsernames];
  if (approvedUsernames) app.config.approvedUsernames = [...approvedUsernames];
  if (scopes) app.config.scopes = [...scopes];
}

function sameUser(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Admin-approved policy: assigns (or unassigns) the user's profile/permission set to the app. */
export function assignUser(state: EmulatorState, clientId: string, username: string, assigned = true): void {
  const app = requireApp(state, clientId);
  const others = app.config.assignedUsernames.filter((u) => !sameUser(u, username));
  app.config.assignedUsernames = assigned ? [...others, username] : others;
}

/** Self-authorize policy: the user approves (or revokes) the app with a refresh_token scope. */
export function approveUser(state: EmulatorState, clientId: string, username: string, approved = true): void {
  const app = requireApp(state, clientId);
  const others = app.config.approvedUsernames.filter((u) => !sameUser(u, username));
  app.config.approvedUsernames = approved ? [...others, username] : others;
}

export function addUser(state: EmulatorState, user: EmulatorUserConfig): void {
  if (findUser(state, user.username)) throw new Error(`emulator: user "${user.username}" exists already`);
  state.users.push(userState(user));
}

export function updateUser(
  state: EmulatorState,
  username: string,
  patch: Partial<Omit<EmulatorUserConfig, 'username' | 'userId'>>,
): void {
  Object.assign(requireUser(state, username), patch);
}

/** Deactivating a user also ends their sessions, as in Salesforce. */
export function setUserActive(state: EmulatorState, username: string, active: boolean): void {
  updateUser(state, username, { active });
  if (!active) revokeTokens(state, username);
}

export function setOrgActive(state: EmulatorState, active: boolean): void {
  state.org.active = active;
}

export function setSimulation(state: EmulatorState, patch: EmulatorSimulation): void {
  Object.assign(state.simulate, validateSimulation(patch, 'setSimulation'));
}

/** Ends the sessions of one user, or of everyone. */
export function revokeTokens(state: EmulatorState, username?: string): void {
  for (const [token, issued] of Object.entries(state.tokens)) {
    if (username === undefined || sameUser(issued.username, username)) delete state.tokens[token];
  }
}

/** Forgets the login-rate history (all users, or one). */
export function resetLoginRate(state: EmulatorState, username?: string): void {
  if (username === undefined) state.logins = {};
  else delete state.logins[username.toLowerCase()];
}
