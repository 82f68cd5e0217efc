import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { CommandContext } from '../command.js';
import { inputError, quoteInput, UsageError } from '../errors.js';
import { parsePrivateKey, requireSalesforceKeySize } from '../crypto/pem.js';
import { normalizeLoginUrl, type LoginUrlKind } from '../salesforce/login-url.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';
import { readConfig } from '../store/config-store.js';
import { MAX_INPUT_FILE_BYTES, readFileFor } from '../store/key-files.js';
import type { ConfigDocument, Profile } from '../store/profile.js';
import { chosenAlias, requireProfile } from './select-profile.js';

export interface CredentialFlags {
  loginUrl?: string;
  username?: string;
  clientId?: string;
  key?: string;
  cert?: string;
  audience?: string;
  orgKind?: OrgKind;
  app?: AppKind;
  timeout?: number;
}

export interface Credentials {
  alias?: string;
  profile?: Profile;
  config: ConfigDocument;
  loginUrl: string;
  loginUrlKind: LoginUrlKind;
  username: string;
  clientId: string;
  orgKind: OrgKind;
  appKind: AppKind;
  /** Where the key came from: a path, or "SFJWT_KEY". */
  keySource: string;
  keyPath?: string;
  certPath?: string;
  fixedAudience?: string;
  remembered?: { loginUrl: string; audience: string };
  timeoutMs: number;
}

export interface LoadedKey {
  key: KeyObject;
  pem: string;
  bits: number;
}

const USERNAME = /^[^\s@]+@[^\s@]+$/;

function pick<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

function missing(what: string, flag: string, env: string): UsageError {
  return new UsageError(`missing ${what}`, `pass ${flag}, set ${env}, or use a profile with -a <alias> (create one with \`sfjwt init\`)`);
}

export function validateUsername(value: string, source: string): string {
  const trimmed = value.trim();
  if (!USERNAME.test(trimmed)) {
    throw new UsageError(`invalid username ${quoteInput(value)} (${source}): a Salesforce username looks like an email address`, 'e.g. integration@acme.com, or integration@acme.com.uat in a sandbox', 'username-invalid');
  }
  return trimmed;
}

export function validateClientId(value: string, source: string): string {
  const trimmed = value.trim();
  // The length apart from the pattern: a counted repetition ({8,256}) is slow for V8 to compile.
  if (trimmed.length < 8 || trimmed.length > 256 || !/^[A-Za-z0-9._]+$/.test(trimmed)) {
    throw new UsageError(
      `invalid consumer key (${source}): expected 8-256 letters, digits, "." or "_" without spaces`,
      'copy the Consumer Key (not the secret) from the app’s OAuth settings',
      'client-id-format',
    );
  }
  return trimmed;
}

/** Flag, then environment, then profile (README: "Values, environment and profiles"). A profile is optional when the rest is given. */
export async function resolveCredentials(ctx: CommandContext, flags: CredentialFlags): Promise<Credentials> {
  const env = ctx.deps.env;
  const config = await readConfig(ctx.configDir);
  const alias = chosenAlias(ctx, config);
  const explicitAlias = ctx.globals.alias ?? env.SFJWT_ALIAS;
  // An explicitly named profile must exist; the default one is only a fallback.
  const profile =
    explicitAlias !== undefined ? requireProfile(config, alias, ctx.configDir) : alias !== undefined ? config.profiles[alias] : undefined;

  const loginUrlRaw = pick(flags.loginUrl, env.SFJWT_LOGIN_URL, profile?.loginUrl);
  if (loginUrlRaw === undefined) throw missing('login URL', '--login-url', 'SFJWT_LOGIN_URL');
  const normalized = normalizeLoginUrl(loginUrlRaw);

  const usernameRaw = pick(flags.username, env.SFJWT_USERNAME, profile?.username);
  if (usernameRaw === undefined) throw missing('username', '--username', 'SFJWT_USERNAME');
  const clientIdRaw = pick(flags.clientId, env.SFJWT_CLIENT_ID, profile?.clientId);
  if (clientIdRaw === undefined) throw missing('consumer key', '--client-id', 'SFJWT_CLIENT_ID');

  const keyFile = pick(flags.key, env.SFJWT_KEY_FILE);
  const keySource = keyFile ?? (env.SFJWT_KEY ? 'SFJWT_KEY' : profile?.keyPath);
  if (keySource === undefined) throw missing('private key', '--key', 'SFJWT_KEY_FILE (or SFJWT_KEY)');

  const fixedAudience = pick(flags.audience, env.SFJWT_AUDIENCE);
  const orgKind = flags.orgKind ?? profile?.orgKind ?? normalized.orgKindHint ?? 'production';
  const sameOrg = profile !== undefined && normalizeLoginUrl(profile.loginUrl).url === normalized.url;
  return {
    alias: profile?.alias,
    profile,
    config,
    loginUrl: normalized.url,
    loginUrlKind: normalized.kind,
    username: validateUsername(usernameRaw, flags.username ? '--username' : env.SFJWT_USERNAME ? 'SFJWT_USERNAME' : 'profile'),
    clientId: validateClientId(clientIdRaw, flags.clientId ? '--client-id' : env.SFJWT_CLIENT_ID ? 'SFJWT_CLIENT_ID' : 'profile'),
    orgKind,
    appKind: flags.app ?? profile?.appKind ?? 'eca',
    keySource,
    keyPath: keySource === 'SFJWT_KEY' ? undefined : path.resolve(ctx.deps.cwd, keySource),
    certPath: flags.cert ? path.resolve(ctx.deps.cwd, flags.cert) : profile?.certPath,
    fixedAudience,
    remembered:
      sameOrg && profile?.audience ? { loginUrl: profile.lastVerified?.loginUrl ?? profile.loginUrl, audience: profile.audience } : undefined,
    timeoutMs: (flags.timeout ?? 30) * 1000,
  };
}

/** A saved profile's credentials (the login it was made for; the working pair it remembers). */
export function profileCredentials(profile: Profile, config: ConfigDocument, timeoutMs: number): Credentials {
  const normalized = normalizeLoginUrl(profile.loginUrl);
  return {
    alias: profile.alias,
    profile,
    config,
    loginUrl: normalized.url,
    loginUrlKind: normalized.kind,
    username: profile.username,
    clientId: profile.clientId!,
    orgKind: profile.orgKind,
    appKind: profile.appKind,
    keySource: profile.keyPath,
    keyPath: profile.keyPath,
    ...(profile.certPath ? { certPath: profile.certPath } : {}),
    ...(profile.audience ? { remembered: { loginUrl: profile.lastVerified?.loginUrl ?? profile.loginUrl, audience: profile.audience } } : {}),
    timeoutMs,
  };
}

/** Reads and parses the key; CI-secret damage that can be repaired is repaired with a warning. */
export async function loadKey(ctx: CommandContext, creds: Pick<Credentials, 'keySource' | 'keyPath'>): Promise<LoadedKey> {
  const text = creds.keyPath ? await readFileFor('private key', creds.keyPath) : (ctx.deps.env.SFJWT_KEY ?? '');
  if (!creds.keyPath && Buffer.byteLength(text) > MAX_INPUT_FILE_BYTES) {
    throw inputError('key-invalid', 'SFJWT_KEY is larger than 1 MiB: not a private key', 'set SFJWT_KEY to the PEM text of the key (a few KB), or pass --key <file>');
  }
  const parsed = parsePrivateKey(text, creds.keyPath ?? 'SFJWT_KEY');
  requireSalesforceKeySize(parsed, creds.keyPath ?? 'SFJWT_KEY');
  for (const repair of parsed.repairs) ctx.warn('key-invalid', `${creds.keyPath ?? 'SFJWT_KEY'}: ${repair}`);
  // The parsed key itself: its PEM export is computed only if someone reads it.
  return parsed;
}
