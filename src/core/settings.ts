import type { KeyRef } from '../certs/read.js';
import { quoteInput, UsageError } from '../errors.js';
import type { LoginPair } from '../salesforce/audience-matrix.js';
import { normalizedOrUndefined, normalizeLoginUrl, type NormalizedLoginUrl } from '../salesforce/login-url.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';
import { userPath } from '../store/paths.js';
import type { ConfigDocument, Profile } from '../store/profile.js';
import type { CommandContext } from '../command.js';
import { chosenAlias, explicitAlias, requireProfile } from './select-profile.js';

/**
 * The one place a setting is taken from a flag, the environment, the profile or a default
 * (README: "Values, environment and profiles"). Merging keeps every value raw and says where it
 * came from; the checks below turn a raw value into a valid one or a usage error naming that source.
 * verify, token, export, init and doctor all start here (doctor reports a failed check as a finding).
 */

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

export type Source = 'flag' | 'env' | 'profile' | 'default';

export interface Sourced<T> {
  value: T;
  source: Source;
  /** The flag or variable the value came from (`--username`, `SFJWT_USERNAME`), else `profile` or `default`. */
  from: string;
}

export interface Settings {
  profile?: Profile;
  loginUrl?: Sourced<string>;
  username?: Sourced<string>;
  clientId?: Sourced<string>;
  key?: Sourced<KeyRef>;
  certPath?: Sourced<string>;
  fixedAudience?: Sourced<string>;
  /** Only when a flag or the profile says; otherwise the login URL's hint decides (see orgKindOf). */
  orgKind?: Sourced<OrgKind>;
  appKind?: Sourced<AppKind>;
  timeoutMs: Sourced<number>;
}

export type Env = Readonly<Record<string, string | undefined>>;

type Candidate<T> = readonly [value: T | undefined, source: Source, from: string];

/** The first candidate with a value; an empty string counts as not given. */
function first<T>(...candidates: Candidate<T>[]): Sourced<T> | undefined {
  for (const [value, source, from] of candidates) if (value !== undefined && value !== '') return { value, source, from };
  return undefined;
}

const flag = <T>(value: T | undefined, name: string): Candidate<T> => [value, 'flag', name];
const envVar = (env: Env, name: string): Candidate<string> => [env[name], 'env', name];
const fromProfile = <T>(value: T | undefined): Candidate<T> => [value, 'profile', 'profile'];

function field<T extends object>(name: keyof Settings, value: Sourced<unknown> | undefined): T {
  return (value === undefined ? {} : { [name]: value }) as T;
}

/** Flag, then environment, then profile, then default; no value is checked here. */
export function resolveSettings(input: { flags: CredentialFlags; env: Env; profile?: Profile; cwd: string; homedir?: string }): Settings {
  const { flags, env, profile } = input;
  const file = (s: Sourced<string> | undefined): Sourced<KeyRef> | undefined => s && { ...s, value: { kind: 'file', path: userPath(s.value, input) } };
  const key =
    file(first(flag(flags.key, '--key'), envVar(env, 'SFJWT_KEY_FILE'))) ??
    first<KeyRef>([env.SFJWT_KEY ? { kind: 'env', text: env.SFJWT_KEY } : undefined, 'env', 'SFJWT_KEY']) ??
    file(first(fromProfile(profile?.keyPath)));
  const cert = first(flag(flags.cert, '--cert'), fromProfile(profile?.certPath));
  return {
    ...(profile ? { profile } : {}),
    ...field('loginUrl', first(flag(flags.loginUrl, '--login-url'), envVar(env, 'SFJWT_LOGIN_URL'), fromProfile(profile?.loginUrl))),
    ...field('username', first(flag(flags.username, '--username'), envVar(env, 'SFJWT_USERNAME'), fromProfile(profile?.username))),
    ...field('clientId', first(flag(flags.clientId, '--client-id'), envVar(env, 'SFJWT_CLIENT_ID'), fromProfile(profile?.clientId))),
    ...field('key', key),
    ...field('certPath', cert && { ...cert, value: userPath(cert.value, input) }),
    ...field('fixedAudience', first(flag(flags.audience, '--audience'), envVar(env, 'SFJWT_AUDIENCE'))),
    ...field('orgKind', first(flag(flags.orgKind, '--org-kind'), fromProfile(profile?.orgKind))),
    ...field('appKind', first(flag(flags.app, '--app'), fromProfile(profile?.appKind))),
    timeoutMs: flags.timeout !== undefined ? { value: flags.timeout * 1000, source: 'flag', from: '--timeout' } : { value: 30_000, source: 'default', from: 'default' },
  };
}

/** A flag only a command of its own has (init's --app-name): the same shape as a resolved setting. */
export function flagSetting(value: string | undefined, name: string): Sourced<string> | undefined {
  return first(flag(value, name));
}

/** The profile a command runs against: an explicitly named one must exist; the default one is only a fallback. */
export function selectProfile(ctx: CommandContext, config: ConfigDocument): Profile | undefined {
  const alias = chosenAlias(ctx, config);
  if (explicitAlias(ctx)) return requireProfile(config, alias, ctx.configDir);
  return alias !== undefined ? config.profiles[alias] : undefined;
}

// Per-field checks: each turns a raw setting into a valid value or a usage error naming where it came from.

const USERNAME = /^[^\s@]+@[^\s@]+$/;

const MISSING = {
  loginUrl: ['login URL', '--login-url', 'SFJWT_LOGIN_URL'],
  username: ['username', '--username', 'SFJWT_USERNAME'],
  clientId: ['consumer key', '--client-id', 'SFJWT_CLIENT_ID'],
  key: ['private key', '--key', 'SFJWT_KEY_FILE (or SFJWT_KEY)'],
} as const;

/** The setting, or a usage error naming every way to give it. */
export function required<K extends keyof typeof MISSING>(settings: Settings, name: K): NonNullable<Settings[K]> {
  const value = settings[name];
  if (value !== undefined) return value as NonNullable<Settings[K]>;
  const [what, flagName, env] = MISSING[name];
  throw new UsageError(`missing ${what}`, `pass ${flagName}, set ${env}, or use a profile with -a <alias> (create one with \`sfjwt init\`)`);
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

export function checkLoginUrl(settings: Settings): NormalizedLoginUrl {
  return normalizeLoginUrl(required(settings, 'loginUrl').value);
}

export function checkUsername(settings: Settings): string {
  const username = required(settings, 'username');
  return validateUsername(username.value, username.from);
}

export function checkClientId(settings: Settings): string {
  const clientId = required(settings, 'clientId');
  return validateClientId(clientId.value, clientId.from);
}

/**
 * Are the settings for the org the profile was made for? Its login URL is normalised again only when
 * another one (a flag, SFJWT_LOGIN_URL) is in use; one that no longer normalises (edited by hand) is not the same org.
 */
export function profileIsFor(settings: Pick<Settings, 'profile' | 'loginUrl'>, login: NormalizedLoginUrl): boolean {
  const profile = settings.profile;
  if (!profile) return false;
  if (settings.loginUrl?.source === 'profile') return true;
  return normalizedOrUndefined(profile.loginUrl)?.url === login.url;
}

/**
 * The profile's last working pair, normalised here once, when the settings are for the org it was
 * verified against. An endpoint edited by hand into something invalid means no remembered pair, not a crash.
 */
export function rememberedPair(profile: Profile | undefined, login: NormalizedLoginUrl, sameOrg: boolean): LoginPair | undefined {
  if (!sameOrg || !profile?.audience) return undefined;
  const endpoint = profile.lastVerified?.loginUrl;
  // Without a recorded endpoint the pair's is the profile's own login URL, the one in use.
  const remembered = endpoint === undefined ? login : normalizedOrUndefined(endpoint);
  return remembered && { login: remembered, audience: profile.audience };
}

/** A flag or the profile, else what the login URL's host says, else production. */
export function orgKindOf(settings: Settings, login: NormalizedLoginUrl | undefined): OrgKind {
  return settings.orgKind?.value ?? login?.orgKindHint ?? 'production';
}
