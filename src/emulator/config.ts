import { createPublicKey } from 'node:crypto';
import { UsageError } from '../errors.js';
import type {
  AppKind,
  EmulatorAppConfig,
  EmulatorConfig,
  EmulatorOrgConfig,
  EmulatorSimulation,
  EmulatorUserConfig,
  PermittedUsersPolicy,
} from './types.js';

export const DEFAULT_ORG_ID = '00D000000000001AAA';
export const DEFAULT_USER_ID = '005000000000001AAA';
export const DEFAULT_SCOPES = ['api', 'id', 'openid', 'refresh_token'];
export const DEFAULT_LOGIN_RATE_LIMIT_PER_HOUR = 3600;

const ORG_ID = /^00D[A-Za-z0-9]{15}$/;
const USER_ID = /^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

function fail(field: string, problem: string): never {
  throw new UsageError(`emulator config: ${field} ${problem}`, 'See `sfjwt emulator --help` for the config shape.');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(obj: Record<string, unknown>, key: string, field: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') fail(`${field}.${key}`, 'must be a non-empty string');
  return value;
}

function optStr(obj: Record<string, unknown>, key: string, field: string): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(`${field}.${key}`, 'must be a string');
  return value;
}

function nullableStr(obj: Record<string, unknown>, key: string, field: string): string | null | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') fail(`${field}.${key}`, 'must be a string or null');
  return value;
}

function bool(obj: Record<string, unknown>, key: string, field: string): boolean {
  const value = obj[key];
  if (typeof value !== 'boolean') fail(`${field}.${key}`, 'must be true or false');
  return value;
}

function optBool(obj: Record<string, unknown>, key: string, field: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(`${field}.${key}`, 'must be true or false');
  return value;
}

function optNumber(obj: Record<string, unknown>, key: string, field: string, min: number): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(`${field}.${key}`, min === -Infinity ? 'must be a number' : `must be a number >= ${min}`);
  }
  return value;
}

function oneOf<T extends string>(obj: Record<string, unknown>, key: string, field: string, values: readonly T[]): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    fail(`${field}.${key}`, `must be one of ${values.map((v) => `"${v}"`).join(', ')}`);
  }
  return value as T;
}

function stringList(obj: Record<string, unknown>, key: string, field: string, required: boolean): string[] | undefined {
  const value = obj[key];
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(`${field}.${key}`, 'must be an array of strings');
  return [...(value as string[])];
}

function validateOrg(value: unknown): EmulatorOrgConfig {
  if (!isObject(value)) fail('org', 'must be an object');
  const orgId = str(value, 'orgId', 'org');
  if (!ORG_ID.test(orgId)) fail('org.orgId', `must be an 18-character org id starting with 00D (got "${orgId}")`);
  const org: EmulatorOrgConfig = {
    orgId,
    name: str(value, 'name', 'org'),
    isSandbox: bool(value, 'isSandbox', 'org'),
    active: bool(value, 'active', 'org'),
  };
  const instanceName = optStr(value, 'instanceName', 'org');
  if (instanceName !== undefined) org.instanceName = instanceName;
  const organizationType = optStr(value, 'organizationType', 'org');
  if (organizationType !== undefined) org.organizationType = organizationType;
  const namespacePrefix = nullableStr(value, 'namespacePrefix', 'org');
  if (namespacePrefix !== undefined) org.namespacePrefix = namespacePrefix;
  const trialExpirationDate = nullableStr(value, 'trialExpirationDate', 'org');
  if (trialExpirationDate !== undefined) org.trialExpirationDate = trialExpirationDate;
  const isDevHub = optBool(value, 'isDevHub', 'org');
  if (isDevHub !== undefined) org.isDevHub = isDevHub;
  return org;
}

/** Throws a field-naming UsageError when `certPem` is not a PEM certificate or public key. */
export function assertCertificatePem(certPem: string, field: string): void {
  if (!certPem.includes('-----BEGIN')) fail(field, 'must be a PEM certificate (-----BEGIN CERTIFICATE-----)');
  if (/-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(certPem)) {
    fail(field, 'is a private key; upload the certificate, never the key');
  }
  try {
    const key = createPublicKey(certPem);
    if (key.asymmetricKeyType !== 'rsa') fail(field, `holds a ${key.asymmetricKeyType ?? 'non-RSA'} key; only RSA is accepted`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    fail(field, 'is not a readable PEM certificate');
  }
}

/** Validates one app (`field` names it in errors); `certPem` may be absent: an app awaiting its certificate. */
export function validateApp(value: unknown, field: string): EmulatorAppConfig {
  if (!isObject(value)) fail(field, 'must be an object');
  const app: EmulatorAppConfig = {
    clientId: str(value, 'clientId', field),
    kind: oneOf<AppKind>(value, 'kind', field, ['eca', 'connected-app']),
    policy: oneOf<PermittedUsersPolicy>(value, 'policy', field, ['admin', 'self']),
    assignedUsernames: stringList(value, 'assignedUsernames', field, true) ?? [],
  };
  if (value.certPem !== undefined) {
    const certPem = str(value, 'certPem', field);
    assertCertificatePem(certPem, `${field}.certPem`);
    app.certPem = certPem;
  }
  const approved = stringList(value, 'approvedUsernames', field, false);
  if (approved !== undefined) app.approvedUsernames = approved;
  if (value.ipRelaxation !== undefined) app.ipRelaxation = oneOf(value, 'ipRelaxation', field, ['enforce', 'bypass'] as const);
  const highAssurance = optBool(value, 'highAssurance', field);
  if (highAssurance !== undefined) app.highAssurance = highAssurance;
  const installed = optBool(value, 'installed', field);
  if (installed !== undefined) app.installed = installed;
  const scopes = stringList(value, 'scopes', field, false);
  if (scopes !== undefined) app.scopes = scopes;
  return app;
}

function validateUser(value: unknown, index: number): EmulatorUserConfig {
  const field = `users[${index}]`;
  if (!isObject(value)) fail(field, 'must be an object');
  const userId = str(value, 'userId', field);
  if (!USER_ID.test(userId)) fail(`${field}.userId`, `must be a 15- or 18-character user id starting with 005 (got "${userId}")`);
  const user: EmulatorUserConfig = {
    username: str(value, 'username', field),
    userId,
    displayName: str(value, 'displayName', field),
    email: str(value, 'email', field),
    active: bool(value, 'active', field),
  };
  const apiEnabled = optBool(value, 'apiEnabled', field);
  if (apiEnabled !== undefined) user.apiEnabled = apiEnabled;
  const ipRestricted = optBool(value, 'ipRestricted', field);
  if (ipRestricted !== undefined) user.ipRestricted = ipRestricted;
  return user;
}

/** Validates a partial simulation object (config `simulate`, or `setSimulation`). */
export function validateSimulation(value: unknown, field = 'simulate'): EmulatorSimulation {
  if (!isObject(value)) fail(field, 'must be an object');
  const known = ['propagationSeconds', 'clockOffsetSeconds', 'html', 'serverErrors', 'slowMs', 'loginRateLimitPerHour'];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`${field}.${key}`, `is not a known simulation (known: ${known.join(', ')})`);
  }
  const sim: EmulatorSimulation = {};
  const propagationSeconds = optNumber(value, 'propagationSeconds', field, 0);
  if (propagationSeconds !== undefined) sim.propagationSeconds = propagationSeconds;
  const clockOffsetSeconds = optNumber(value, 'clockOffsetSeconds', field, -Infinity);
  if (clockOffsetSeconds !== undefined) sim.clockOffsetSeconds = clockOffsetSeconds;
  const html = optBool(value, 'html', field);
  if (html !== undefined) sim.html = html;
  const serverErrors = optNumber(value, 'serverErrors', field, 0);
  if (serverErrors !== undefined) sim.serverErrors = Math.floor(serverErrors);
  const slowMs = optNumber(value, 'slowMs', field, 0);
  if (slowMs !== undefined) sim.slowMs = slowMs;
  const rate = optNumber(value, 'loginRateLimitPerHour', field, 0);
  if (rate !== undefined) sim.loginRateLimitPerHour = Math.floor(rate);
  return sim;
}

/**
 * Validates an emulator config (an object, or its JSON text) and returns a clean copy.
 * Throws UsageError naming the offending field.
 */
export function loadEmulatorConfig(json: unknown): EmulatorConfig {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (error) {
      throw new UsageError(`emulator config: not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(value)) fail('(root)', 'must be a JSON object with org, apps and users');
  const org = validateOrg(value.org);
  if (!Array.isArray(value.apps)) fail('apps', 'must be an array');
  if (!Array.isArray(value.users)) fail('users', 'must be an array');
  const apps = value.apps.map((app, i) => validateApp(app, `apps[${i}]`));
  const users = value.users.map((user, i) => validateUser(user, i));

  const clientIds = new Set<string>();
  apps.forEach((app, i) => {
    if (clientIds.has(app.clientId)) fail(`apps[${i}].clientId`, `duplicates another app's clientId "${app.clientId}"`);
    clientIds.add(app.clientId);
  });
  const usernames = new Set<string>();
  users.forEach((user, i) => {
    const key = user.username.toLowerCase();
    if (usernames.has(key)) fail(`users[${i}].username`, `duplicates another user "${user.username}"`);
    usernames.add(key);
  });

  const config: EmulatorConfig = { org, apps, users };
  if (value.simulate !== undefined) config.simulate = validateSimulation(value.simulate);
  if (value.admins !== undefined) {
    if (!Array.isArray(value.admins)) fail('admins', 'must be an array');
    config.admins = value.admins.map((admin, i) => {
      if (!isObject(admin)) fail(`admins[${i}]`, 'must be an object');
      return { username: str(admin, 'username', `admins[${i}]`), accessToken: str(admin, 'accessToken', `admins[${i}]`) };
    });
  }
  return config;
}

export interface SingleAppOptions {
  clientId: string;
  certPem: string;
  username: string;
  /** Default `eca`. */
  app?: AppKind;
  /** Default `admin`. */
  policy?: PermittedUsersPolicy;
  /**
   * Default true. With policy `admin`: the user's profile/permission set is assigned to the app.
   * With policy `self`: the user has approved the app (with refresh_token) once.
   */
  assigned?: boolean;
  /** Default false. */
  isSandbox?: boolean;
  orgId?: string;
  userId?: string;
  orgName?: string;
  simulate?: EmulatorSimulation;
}

function displayNameFrom(username: string): string {
  const local = username.split('@')[0] ?? username;
  const words = local.split(/[._-]+/).filter(Boolean);
  if (words.length === 0) return 'Integration User';
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/** The one-app, one-user config behind the `sfjwt emulator --client-id ... --cert ...` flags. */
export function singleAppConfig(options: SingleAppOptions): EmulatorConfig {
  const policy = options.policy ?? 'admin';
  const assigned = options.assigned ?? true;
  const config: EmulatorConfig = {
    org: {
      orgId: options.orgId ?? DEFAULT_ORG_ID,
      name: options.orgName ?? 'sfjwt Emulator Org',
      isSandbox: options.isSandbox ?? false,
      active: true,
    },
    apps: [
      {
        clientId: options.clientId,
        kind: options.app ?? 'eca',
        certPem: options.certPem,
        policy,
        assignedUsernames: policy === 'admin' && assigned ? [options.username] : [],
        approvedUsernames: policy === 'self' && assigned ? [options.username] : [],
      },
    ],
    users: [
      {
        username: options.username,
        userId: options.userId ?? DEFAULT_USER_ID,
        displayName: displayNameFrom(options.username),
        email: options.username.includes('@') ? options.username : `${options.username}@example.com`,
        active: true,
      },
    ],
  };
  if (options.simulate) config.simulate = { ...options.simulate };
  return loadEmulatorConfig(config);
}
