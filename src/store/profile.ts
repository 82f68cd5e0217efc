/** The profile model and pure transforms over the config document (STYLE habit 10). */
import { APP_KINDS, ORG_KINDS, type AppKind, type OrgKind } from '../salesforce/types.js';

export type { AppKind, OrgKind };

export interface LastVerified {
  time: string;
  organizationId: string;
  userId: string;
  instanceUrl: string;
  /** Token endpoint of the pair that worked (may be the generic host rather than loginUrl). */
  loginUrl?: string;
}

export interface Profile {
  alias: string;
  loginUrl: string;
  audience?: string;
  username: string;
  clientId?: string;
  keyPath: string;
  certPath?: string;
  orgKind: OrgKind;
  appKind: AppKind;
  createdAt: string;
  lastVerified?: LastVerified;
  [unknown: string]: unknown;
}

export interface ConfigDocument {
  schemaVersion: 1;
  default?: string;
  profiles: Record<string, Profile>;
  [unknown: string]: unknown;
}

export const CURRENT_SCHEMA = 1;

export function emptyConfig(): ConfigDocument {
  return { schemaVersion: 1, profiles: {} };
}

export class ConfigShapeError extends Error {}

function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigShapeError(`${where} must be a non-empty string`);
  return value;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConfigShapeError(`${where} must be a string`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigShapeError(`${where} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function validateProfile(alias: string, raw: unknown): Profile {
  const where = `profiles.${alias}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigShapeError(`${where} must be an object`);
  const p = raw as Record<string, unknown>;
  const profile: Profile = {
    ...p,
    alias,
    loginUrl: requireString(p.loginUrl, `${where}.loginUrl`),
    audience: optionalString(p.audience, `${where}.audience`),
    username: requireString(p.username, `${where}.username`),
    clientId: optionalString(p.clientId, `${where}.clientId`),
    keyPath: requireString(p.keyPath, `${where}.keyPath`),
    certPath: optionalString(p.certPath, `${where}.certPath`),
    orgKind: oneOf(p.orgKind, ORG_KINDS, `${where}.orgKind`),
    appKind: oneOf(p.appKind, APP_KINDS, `${where}.appKind`),
    createdAt: requireString(p.createdAt, `${where}.createdAt`),
  };
  if (p.lastVerified !== undefined && p.lastVerified !== null) {
    const lv = p.lastVerified as Record<string, unknown>;
    if (typeof lv !== 'object') throw new ConfigShapeError(`${where}.lastVerified must be an object`);
    profile.lastVerified = {
      ...lv,
      time: requireString(lv.time, `${where}.lastVerified.time`),
      organizationId: requireString(lv.organizationId, `${where}.lastVerified.organizationId`),
      userId: requireString(lv.userId, `${where}.lastVerified.userId`),
      instanceUrl: requireString(lv.instanceUrl, `${where}.lastVerified.instanceUrl`),
      loginUrl: optionalString(lv.loginUrl, `${where}.lastVerified.loginUrl`),
    };
  } else {
    delete profile.lastVerified;
  }
  for (const key of ['audience', 'clientId', 'certPath'] as const) if (profile[key] === undefined) delete profile[key];
  return profile;
}

/** Validates a parsed config.json; unknown keys are kept so newer versions' data survives. */
export function validateConfig(raw: unknown): ConfigDocument {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigShapeError('the top level must be a JSON object');
  const doc = raw as Record<string, unknown>;
  if (doc.schemaVersion !== CURRENT_SCHEMA) {
    throw new ConfigShapeError(
      typeof doc.schemaVersion === 'number' && doc.schemaVersion > CURRENT_SCHEMA
        ? `schemaVersion ${doc.schemaVersion} was written by a newer sfjwt; upgrade sfjwt`
        : 'schemaVersion must be 1',
    );
  }
  const profilesRaw = doc.profiles ?? {};
  if (typeof profilesRaw !== 'object' || profilesRaw === null || Array.isArray(profilesRaw)) {
    throw new ConfigShapeError('profiles must be an object');
  }
  const profiles: Record<string, Profile> = {};
  for (const [alias, value] of Object.entries(profilesRaw)) profiles[alias] = validateProfile(alias, value);
  const defaultAlias = optionalString(doc.default, 'default');
  const config: ConfigDocument = { ...doc, schemaVersion: 1, profiles };
  if (defaultAlias === undefined) delete config.default;
  else config.default = defaultAlias;
  return config;
}

export function upsertProfile(config: ConfigDocument, profile: Profile, makeDefault = false): ConfigDocument {
  const next: ConfigDocument = { ...config, profiles: { ...config.profiles, [profile.alias]: profile } };
  if (makeDefault || next.default === undefined) next.default = profile.alias;
  return next;
}

export function removeProfile(config: ConfigDocument, alias: string): ConfigDocument {
  const { [alias]: _removed, ...rest } = config.profiles;
  const next: ConfigDocument = { ...config, profiles: rest };
  if (next.default === alias) {
    const first = Object.keys(rest).sort()[0];
    if (first) next.default = first;
    else delete next.default;
  }
  return next;
}

export function setDefault(config: ConfigDocument, alias: string): ConfigDocument {
  return { ...config, default: alias };
}

export function recordVerification(
  profile: Profile,
  verified: { loginUrl: string; audience: string; organizationId: string; userId: string; instanceUrl: string; time: Date },
): Profile {
  return {
    ...profile,
    audience: verified.audience,
    lastVerified: {
      time: verified.time.toISOString(),
      organizationId: verified.organizationId,
      userId: verified.userId,
      instanceUrl: verified.instanceUrl,
      loginUrl: verified.loginUrl,
    },
  };
}
