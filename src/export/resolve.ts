/** Gathers an export's values from the selected profile or the SFJWT_* environment (I/O here only). */
import type { CommandContext } from '../command.js';
import { loadKey, resolveCredentials } from '../core/credentials.js';
import { rememberedPair } from '../core/settings.js';
import { loadSelectedProfile } from '../core/select-profile.js';
import { parseCertificate } from '../crypto/pem.js';
import { UsageError } from '../errors.js';
import { normalizeLoginUrl } from '../salesforce/login-url.js';
import { packageVersion } from '../package-root.js';
import { exists } from '../store/files.js';
import { readFileFor } from '../store/key-files.js';
import type { Profile } from '../store/profile.js';
import type { FormatSpec } from './formats.js';
import { appNameFor, contactEmailFor, workingPair, type AccessGrant, type ExportValues } from './values.js';

const API_NAME = /^[A-Za-z](?!.*__)[A-Za-z0-9_]{0,39}$/;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The access grant `sfjwt init --access` may have saved: `accessKind` when recorded, else a name
 * with a space is taken for a profile ("System Administrator"), an API name for a permission set.
 */
function accessOf(profile: Profile | undefined): AccessGrant | undefined {
  const name = text(profile?.access);
  if (!name) return undefined;
  const names = name.split(',').map((n) => n.trim()).filter(Boolean);
  const recorded = profile?.accessKind;
  const kind = recorded === 'profile' || recorded === 'permission-set' ? recorded : /\s/.test(name) ? 'profile' : 'permission-set';
  return { kind, names };
}

function appNameOf(profile: Profile | undefined, alias: string | undefined): string {
  const saved = text(profile?.appName);
  return saved && API_NAME.test(saved) && !saved.endsWith('_') ? saved : appNameFor(alias);
}

async function readCertificate(profile: Profile): Promise<string> {
  if (!profile.certPath) {
    throw new UsageError(
      `profile "${profile.alias}" has no certificate`,
      `make one from its key with \`sfjwt cert renew -a ${profile.alias}\`, or import one with \`sfjwt cert import\``,
      'cert-missing',
    );
  }
  return parseCertificate(await readFileFor('certificate', profile.certPath), profile.certPath).pem;
}

/** Metadata needs a profile (its certificate); code and settings formats also take ad-hoc SFJWT_* values. */
export async function resolveExportValues(ctx: CommandContext, spec: FormatSpec, includeKey: boolean): Promise<ExportValues> {
  if (spec.needs === 'certificate') {
    const { profile } = await loadSelectedProfile(ctx);
    // Only the profile counts here (its certificate): its login URL is normalised once, for everything below.
    const login = normalizeLoginUrl(profile.loginUrl);
    const pair = workingPair({ login, orgKind: profile.orgKind, appKind: profile.appKind, remembered: rememberedPair(profile, login, true) });
    return {
      alias: profile.alias,
      loginUrl: login.url,
      orgKind: profile.orgKind,
      appKind: profile.appKind,
      username: profile.username,
      clientId: profile.clientId,
      keyPath: profile.keyPath,
      endpoint: pair.endpoint,
      audience: pair.audience,
      audienceSource: pair.source,
      certPem: await readCertificate(profile),
      appName: appNameOf(profile, profile.alias),
      contactEmail: text(profile.contactEmail) ?? contactEmailFor(profile.username, login.sandboxName),
      instanceUrl: profile.lastVerified?.instanceUrl ?? login.url,
      sfjwtVersion: packageVersion(),
      ...(login.sandboxName ? { sandboxName: login.sandboxName } : {}),
      ...(accessOf(profile) ? { access: accessOf(profile) } : {}),
    };
  }

  const creds = await resolveCredentials(ctx, {});
  const pair = workingPair({
    login: creds.login,
    orgKind: creds.orgKind,
    appKind: creds.appKind,
    fixedAudience: creds.fixedAudience,
    remembered: creds.remembered,
  });
  let keyBase64: string | undefined;
  if (includeKey) {
    const key = await loadKey(ctx, creds);
    keyBase64 = Buffer.from(key.pem, 'utf8').toString('base64');
  } else if (creds.keyPath && !(await exists(creds.keyPath))) {
    ctx.warn('key-missing', `the key file ${creds.keyPath} does not exist: the exported snippet will fail until it does`);
  }
  const profile = creds.profile;
  return {
    alias: creds.alias,
    loginUrl: creds.login.url,
    orgKind: creds.orgKind,
    appKind: creds.appKind,
    username: creds.username,
    clientId: creds.clientId,
    keyPath: creds.keyPath,
    endpoint: pair.endpoint,
    audience: pair.audience,
    audienceSource: pair.source,
    appName: appNameOf(profile, creds.alias),
    contactEmail: text(profile?.contactEmail) ?? contactEmailFor(creds.username, creds.login.sandboxName),
    instanceUrl: (creds.sameOrg ? profile?.lastVerified?.instanceUrl : undefined) ?? creds.login.url,
    sfjwtVersion: packageVersion(),
    ...(keyBase64 ? { keyBase64 } : {}),
    ...(creds.login.sandboxName ? { sandboxName: creds.login.sandboxName } : {}),
  };
}
