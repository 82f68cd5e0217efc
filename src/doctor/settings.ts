import { profileIsFor, rememberedPair, resolveSettings, type CredentialFlags, type Env } from '../core/settings.js';
import { isCliError } from '../errors.js';
import type { LoginPair } from '../salesforce/audience-matrix.js';
import { normalizeLoginUrl, type NormalizedLoginUrl } from '../salesforce/login-url.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';
import type { Profile } from '../store/profile.js';

/**
 * The raw values doctor diagnoses, resolved by core/settings.ts like every command's but not
 * checked: an invalid login URL or username is a finding to report, not a usage error that stops the run.
 */
export interface DoctorSettings {
  alias: string | null;
  profile?: Profile;
  loginUrl?: string;
  /** loginUrl normalised once, or why it cannot be (a finding); present when loginUrl is. */
  login?: LoginUrlParse;
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
  remembered?: LoginPair;
  timeoutMs: number;
  cwd: string;
}

export type LoginUrlParse = { ok: true; normalized: NormalizedLoginUrl } | { ok: false; code: 'login-url-invalid'; message: string; hint?: string };

function parseLoginUrl(raw: string): LoginUrlParse {
  try {
    return { ok: true, normalized: normalizeLoginUrl(raw) };
  } catch (error) {
    if (!isCliError(error)) throw error;
    return { ok: false, code: 'login-url-invalid', message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
}

/** core/settings.ts's resolution kept raw. `useEnv` is false under --all: SFJWT_* would otherwise override every profile alike. */
export function gatherSettings(input: {
  flags: CredentialFlags;
  env: Env;
  profile?: Profile;
  cwd: string;
  homedir?: string;
  useEnv: boolean;
}): DoctorSettings {
  const { profile } = input;
  const settings = resolveSettings({ ...input, env: input.useEnv ? input.env : {} });
  const { loginUrl, username, clientId, key, certPath, fixedAudience, orgKind, appKind } = settings;
  const login = loginUrl && parseLoginUrl(loginUrl.value);
  // An invalid URL is a finding here, and nothing is exchanged with it: no remembered pair either.
  const remembered = login?.ok ? rememberedPair(profile, login.normalized, profileIsFor(settings, login.normalized)) : undefined;
  return {
    alias: profile?.alias ?? null,
    ...(profile ? { profile } : {}),
    ...(loginUrl && login ? { loginUrl: loginUrl.value, login } : {}),
    ...(username ? { username: username.value } : {}),
    ...(clientId ? { clientId: clientId.value } : {}),
    ...(key ? { key: key.value.kind === 'file' ? { ...key.value, source: key.from } : key.value } : {}),
    ...(certPath ? { certPath: certPath.value } : {}),
    ...(fixedAudience ? { fixedAudience: fixedAudience.value } : {}),
    ...(orgKind ? { orgKind: orgKind.value } : {}),
    ...(appKind ? { appKind: appKind.value } : {}),
    ...(remembered ? { remembered } : {}),
    timeoutMs: settings.timeoutMs.value,
    cwd: input.cwd,
  };
}

/** True when nothing at all names an org, user or key: doctor then needs a profile. */
export function isEmpty(settings: DoctorSettings): boolean {
  return settings.loginUrl === undefined && settings.username === undefined && settings.clientId === undefined && settings.key === undefined;
}
