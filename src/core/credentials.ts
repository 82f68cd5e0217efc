import type { KeyObject } from 'node:crypto';
import type { CommandContext } from '../command.js';
import { readKeyText, type KeyRef } from '../certs/read.js';
import { parsePrivateKey, requireSalesforceKeySize } from '../crypto/pem.js';
import type { LoginPair } from '../salesforce/audience-matrix.js';
import type { NormalizedLoginUrl } from '../salesforce/login-url.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';
import { readConfig } from '../store/config-store.js';
import type { ConfigDocument, Profile } from '../store/profile.js';
import { checkClientId, checkLoginUrl, checkUsername, orgKindOf, profileIsFor, rememberedPair, required, resolveSettings, selectProfile, type CredentialFlags, type Settings } from './settings.js';

export { validateClientId, validateUsername, type CredentialFlags } from './settings.js';

export interface Credentials {
  alias?: string;
  profile?: Profile;
  config: ConfigDocument;
  /** The login URL, normalised once here and passed down as is. */
  login: NormalizedLoginUrl;
  /** The settings are for the org the profile was made for (its remembered pair and instance apply). */
  sameOrg: boolean;
  username: string;
  clientId: string;
  orgKind: OrgKind;
  appKind: AppKind;
  key: KeyRef;
  /** The key file, when the key is one (not SFJWT_KEY). */
  keyPath?: string;
  certPath?: string;
  fixedAudience?: string;
  remembered?: LoginPair;
  timeoutMs: number;
}

export interface LoadedKey {
  key: KeyObject;
  pem: string;
  bits: number;
}

/** Checked settings: each missing or invalid value is a usage error naming its source. */
function credentialsFrom(settings: Settings, config: ConfigDocument): Credentials {
  const login = checkLoginUrl(settings);
  // Everything missing is named before anything invalid.
  required(settings, 'username');
  required(settings, 'clientId');
  const key = required(settings, 'key').value;
  const username = checkUsername(settings);
  const clientId = checkClientId(settings);
  const profile = settings.profile;
  const sameOrg = profileIsFor(settings, login);
  return {
    alias: profile?.alias,
    profile,
    config,
    login,
    sameOrg,
    username,
    clientId,
    orgKind: orgKindOf(settings, login),
    appKind: settings.appKind?.value ?? 'eca',
    key,
    keyPath: key.kind === 'file' ? key.path : undefined,
    certPath: settings.certPath?.value,
    fixedAudience: settings.fixedAudience?.value,
    remembered: rememberedPair(profile, login, sameOrg),
    timeoutMs: settings.timeoutMs.value,
  };
}

/** Flag, then environment, then profile (core/settings.ts). A profile is optional when the rest is given. */
export async function resolveCredentials(ctx: CommandContext, flags: CredentialFlags): Promise<Credentials> {
  const config = await readConfig(ctx.configDir);
  const profile = selectProfile(ctx, config);
  return credentialsFrom(resolveSettings({ flags, env: ctx.deps.env, ...(profile ? { profile } : {}), cwd: ctx.deps.cwd, homedir: ctx.deps.homedir }), config);
}

/** A saved profile's credentials (the login it was made for; the working pair it remembers). */
export function profileCredentials(profile: Profile, config: ConfigDocument, timeoutMs: number, cwd: string): Credentials {
  return credentialsFrom(resolveSettings({ flags: { timeout: timeoutMs / 1000 }, env: {}, profile, cwd }), config);
}

/** Reads and parses the key (certs/read.ts); CI-secret damage that can be repaired is repaired with a warning. */
export async function loadKey(ctx: CommandContext, creds: Pick<Credentials, 'key'>): Promise<LoadedKey> {
  const { text, label } = await readKeyText(creds.key);
  const parsed = parsePrivateKey(text, label);
  requireSalesforceKeySize(parsed, label);
  for (const repair of parsed.repairs) ctx.warn('key-invalid', `${label}: ${repair}`);
  // The parsed key itself: its PEM export is computed only if someone reads it.
  return parsed;
}
