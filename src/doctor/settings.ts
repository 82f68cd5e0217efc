import path from 'node:path';
import type { CredentialFlags } from '../core/credentials.js';
import type { AudiencePair } from '../salesforce/audience-matrix.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';
import type { Profile } from '../store/profile.js';

/**
 * The raw values doctor diagnoses, gathered in the order flag, environment, profile like
 * resolveCredentials, but without validating them: an invalid login URL or username is a finding
 * to report, not a usage error that stops the run.
 */
export interface DoctorSettings {
  alias: string | null;
  profile?: Profile;
  loginUrl?: string;
  username?: string;
  clientId?: string;
  /** The key: a file (with where its path came from) or the SFJWT_KEY text. */
  key?: { kind: 'file'; path: string; source: string } | { kind: 'env'; text: string };
  certPath?: string;
  fixedAudience?: string;
  /** Explicit (flag or profile); otherwise guessed from the login URL. */
  orgKind?: OrgKind;
  /** undefined when neither a flag nor a profile says: Setup copy then names both kinds. */
  appKind?: AppKind;
  /** The profile's last working pair. */
  remembered?: AudiencePair;
  timeoutMs: number;
  cwd: string;
}

function pick(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

const trimSlash = (url: string) => url.trim().replace(/\/+$/, '').toLowerCase();

/**
 * `useEnv` is false under --all: SFJWT_* would otherwise override every profile alike.
 */
export function gatherSettings(input: {
  flags: CredentialFlags;
  env: Readonly<Record<string, string | undefined>>;
  profile?: Profile;
  cwd: string;
  useEnv: boolean;
}): DoctorSettings {
  const { flags, profile, cwd } = input;
  const env = input.useEnv ? input.env : {};
  const loginUrl = pick(flags.loginUrl, env.SFJWT_LOGIN_URL, profile?.loginUrl);
  const keyFlag = pick(flags.key, env.SFJWT_KEY_FILE);
  let key: DoctorSettings['key'];
  if (keyFlag !== undefined) key = { kind: 'file', path: path.resolve(cwd, keyFlag), source: flags.key ? '--key' : 'SFJWT_KEY_FILE' };
  else if (env.SFJWT_KEY) key = { kind: 'env', text: env.SFJWT_KEY };
  else if (profile?.keyPath) key = { kind: 'file', path: path.resolve(cwd, profile.keyPath), source: 'profile' };
  const sameOrg = profile !== undefined && loginUrl !== undefined && trimSlash(profile.loginUrl) === trimSlash(loginUrl);
  return {
    alias: profile?.alias ?? null,
    ...(profile ? { profile } : {}),
    ...(loginUrl !== undefined ? { loginUrl } : {}),
    ...(pick(flags.username, env.SFJWT_USERNAME, profile?.username) !== undefined
      ? { username: pick(flags.username, env.SFJWT_USERNAME, profile?.username)! }
      : {}),
    ...(pick(flags.clientId, env.SFJWT_CLIENT_ID, profile?.clientId) !== undefined
      ? { clientId: pick(flags.clientId, env.SFJWT_CLIENT_ID, profile?.clientId)! }
      : {}),
    ...(key ? { key } : {}),
    ...(flags.cert ? { certPath: path.resolve(cwd, flags.cert) } : profile?.certPath ? { certPath: path.resolve(cwd, profile.certPath) } : {}),
    ...(pick(flags.audience, env.SFJWT_AUDIENCE) !== undefined ? { fixedAudience: pick(flags.audience, env.SFJWT_AUDIENCE)! } : {}),
    ...((flags.orgKind ?? profile?.orgKind) ? { orgKind: (flags.orgKind ?? profile?.orgKind)! } : {}),
    ...((flags.app ?? profile?.appKind) ? { appKind: (flags.app ?? profile?.appKind)! } : {}),
    ...(sameOrg && profile?.audience
      ? { remembered: { loginUrl: profile.lastVerified?.loginUrl ?? profile.loginUrl, audience: profile.audience } }
      : {}),
    timeoutMs: (flags.timeout ?? 30) * 1000,
    cwd,
  };
}

/** True when nothing at all names an org, user or key: doctor then needs a profile. */
export function isEmpty(settings: DoctorSettings): boolean {
  return settings.loginUrl === undefined && settings.username === undefined && settings.clientId === undefined && settings.key === undefined;
}
