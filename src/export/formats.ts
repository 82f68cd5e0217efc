/**
 * The export formats: which template each renders, how its values are quoted, what file it makes.
 * Pure: values in, template values out (the command reads templates and writes files).
 */
import { LOGIN_HOST, TEST_HOST } from '../salesforce/login-url.js';
import { tokenUrl } from '../salesforce/audience-matrix.js';
import { API_VERSION } from '../salesforce/api-version.js';
import { JWT_BEARER_GRANT } from '../crypto/assertion.js';
import { UsageError } from '../errors.js';
import { dotenvValue, jsString, pyString, shellQuote, shellString, xmlComment, xmlText, yamlScalar } from './quote.js';
import { render, type TemplateValues } from './render.js';
import { sameUrl, type ExportValues } from './values.js';

export const FORMAT_IDS = [
  'sf',
  'env',
  'github-actions',
  'gitlab-ci',
  'jsforce',
  'simple-salesforce',
  'python',
  'curl',
  'eca-metadata',
  'connected-app-metadata',
] as const;
export type FormatId = (typeof FORMAT_IDS)[number];


export interface FormatSpec {
  id: FormatId;
  /** One file, or a folder of files (metadata). */
  kind: 'file' | 'dir';
  /** Path under templates/: a file, or a folder whose tree (names rendered too) is the output. */
  template: string;
  /** The name used when --out is a directory. */
  fileName: string;
  /** Written executable (0755, or 0700 with the key). */
  script: boolean;
  /** Needs the consumer key (code formats) or the certificate (metadata). */
  needs: 'credentials' | 'certificate';
  build(values: ExportValues): TemplateValues;
}

function isFormat(value: string): value is FormatId {
  return (FORMAT_IDS as readonly string[]).includes(value);
}

export function formatSpec(value: string): FormatSpec {
  if (!isFormat(value)) {
    throw new UsageError(`unknown export format "${value}"`, `pass --format with one of: ${FORMAT_IDS.join(', ')}`);
  }
  return SPECS[value];
}

// ---- shared pieces ----------------------------------------------------------------------------

function label(v: ExportValues): string {
  return v.alias ? `profile "${v.alias}"` : 'the SFJWT_* environment values';
}

/** The sf CLI tries (instance URL, aud = instance URL) first: any other aud needs SF_AUDIENCE_URL. */
export function sfAudienceOverride(v: Pick<ExportValues, 'endpoint' | 'audience'>): string | undefined {
  return sameUrl(v.endpoint, v.audience) ? undefined : v.audience;
}

function common(v: ExportValues): Record<string, string | boolean | undefined> {
  return {
    label: label(v),
    unverified: v.audienceSource === 'default',
    fixedAudience: v.audienceSource === 'fixed',
    appKindText: v.appKind === 'eca' ? 'External Client App' : 'Connected App',
    appKindArticle: v.appKind === 'eca' ? 'an External Client App' : 'a Connected App',
    audienceText: v.audience,
    endpointText: v.endpoint,
    tokenUrlText: tokenUrl(v.endpoint),
    usernameText: v.username,
    clientIdText: v.clientId ?? '',
    instanceUrlText: v.instanceUrl,
    aliasText: v.alias ?? 'salesforce',
    hasAlias: v.alias !== undefined,
    grantType: JWT_BEARER_GRANT,
  };
}

function requireClientId(v: ExportValues): string {
  if (!v.clientId) throw new UsageError('missing consumer key', 'pass -a <alias> of a profile with a consumer key, or set SFJWT_CLIENT_ID');
  return v.clientId;
}

/** Claim values the curl script pastes into JSON with printf: refuse what would need escaping. */
function jsonSafe(value: string, what: string): string {
  if (/["\\\u0000-\u001f]/.test(value)) throw new UsageError(`the ${what} contains characters the curl script cannot put in JSON: ${value}`);
  return value;
}

// ---- per-format builders ----------------------------------------------------------------------

function buildSf(v: ExportValues): TemplateValues {
  const override = sfAudienceOverride(v);
  const keyFile = v.keyBase64 ? 'sf-jwt.key' : (v.keyPath ?? 'server.key');
  return {
    ...common(v),
    username: shellQuote(v.username),
    clientId: shellQuote(requireClientId(v)),
    keyFile: shellQuote(keyFile),
    keyFileText: keyFile,
    keyInEnvOnly: !v.keyBase64 && !v.keyPath,
    instanceUrl: shellQuote(v.endpoint),
    alias: shellQuote(v.alias ?? 'salesforce'),
    audienceOverride: override ? shellQuote(override) : undefined,
    keyBase64: v.keyBase64 ? shellString(v.keyBase64) : undefined,
  };
}

function buildEnv(v: ExportValues): TemplateValues {
  return {
    ...common(v),
    loginUrl: dotenvValue(v.loginUrl),
    username: dotenvValue(v.username),
    clientId: dotenvValue(requireClientId(v)),
    keyFile: v.keyPath ? dotenvValue(v.keyPath) : undefined,
    keyBase64: v.keyBase64,
    // Only a pair that is known to work is worth pinning; otherwise sfjwt tries the matrix.
    audience: v.audienceSource === 'default' ? undefined : dotenvValue(v.audience),
  };
}

function buildCi(v: ExportValues): TemplateValues {
  const override = sfAudienceOverride(v);
  requireClientId(v);
  return {
    ...common(v),
    loginUrl: yamlScalar(v.loginUrl),
    audience: v.audienceSource === 'default' ? undefined : yamlScalar(v.audience),
    sfInstanceUrl: yamlScalar(v.endpoint),
    sfAudienceOverride: override ? yamlScalar(override) : undefined,
    keyBase64: v.keyBase64,
  };
}

/** The credentials every client snippet carries, quoted for its language. */
function credentialValues(v: ExportValues, quote: (text: string) => string): TemplateValues {
  return {
    clientId: quote(requireClientId(v)),
    username: quote(v.username),
    keyFile: quote(v.keyPath ?? 'server.key'),
    keyBase64: v.keyBase64 ? quote(v.keyBase64) : undefined,
  };
}

function buildJsforce(v: ExportValues): TemplateValues {
  return {
    ...common(v),
    loginUrl: jsString(v.endpoint),
    audience: jsString(v.audience),
    ...credentialValues(v, jsString),
  };
}

function buildPython(v: ExportValues): TemplateValues {
  return {
    ...common(v),
    tokenUrl: pyString(tokenUrl(v.endpoint)),
    audience: pyString(v.audience),
    ...credentialValues(v, pyString),
  };
}

/**
 * simple-salesforce posts to `https://<domain>.salesforce.com/services/oauth2/token` and signs
 * aud = that same URL. So `domain` is `acme.my` for acme.my.salesforce.com, `login`/`test` for
 * the generic hosts, and a pair whose endpoint and aud differ cannot be expressed at all.
 */
export function simpleSalesforceDomain(v: Pick<ExportValues, 'endpoint' | 'audience' | 'loginUrl' | 'orgKind'>): { domain: string; exact: boolean } {
  const domainOf = (url: string): string | undefined => {
    try {
      const u = new URL(url);
      if (u.protocol !== 'https:' || u.port || (u.pathname !== '/' && u.pathname !== '')) return undefined;
      const host = u.hostname.toLowerCase();
      return host.endsWith('.salesforce.com') ? host.slice(0, -'.salesforce.com'.length) : undefined;
    } catch {
      return undefined;
    }
  };
  const exact = sameUrl(v.endpoint, v.audience) ? domainOf(v.audience) : undefined;
  if (exact) return { domain: exact, exact: true };
  // Next best: the generic host for the audience's kind (attempt 3 of the matrix), else the login URL.
  if (sameUrl(v.audience, TEST_HOST)) return { domain: 'test', exact: false };
  if (sameUrl(v.audience, LOGIN_HOST)) return { domain: 'login', exact: false };
  return { domain: domainOf(v.loginUrl) ?? (v.orgKind === 'sandbox' || v.orgKind === 'scratch' ? 'test' : 'login'), exact: false };
}

function buildSimpleSalesforce(v: ExportValues): TemplateValues {
  const { domain, exact } = simpleSalesforceDomain(v);
  return {
    ...common(v),
    domain: pyString(domain),
    domainText: domain,
    inexact: !exact,
    ...credentialValues(v, pyString),
  };
}

function buildCurl(v: ExportValues): TemplateValues {
  return {
    ...common(v),
    tokenUrl: shellString(tokenUrl(v.endpoint)),
    audience: shellString(jsonSafe(v.audience, 'audience')),
    clientId: shellString(jsonSafe(requireClientId(v), 'consumer key')),
    username: shellString(jsonSafe(v.username, 'username')),
    keyFile: shellString(v.keyPath ?? 'server.key'),
    keyBase64: v.keyBase64 ? shellString(v.keyBase64) : undefined,
  };
}

/** Where the pre-authorisation goes: a name with a space is a profile ("System Administrator"). */
function accessFields(v: ExportValues): Record<string, string | boolean | undefined> {
  const access = v.access;
  const kind = access?.kind;
  return {
    accessKnown: access !== undefined,
    accessIsProfile: access === undefined || kind === 'profile',
    accessNames: xmlText(access ? access.names.join(',') : 'System Administrator'),
    accessNamesText: access ? access.names.join(', ') : 'System Administrator',
  };
}

function buildMetadata(v: ExportValues): TemplateValues {
  if (!v.certPem) throw new UsageError('missing certificate', 'generate one with `sfjwt cert generate -a <alias>`');
  return {
    ...common(v),
    ...accessFields(v),
    appName: v.appName,
    appLabel: xmlText(v.appName),
    usernameXml: xmlText(v.username),
    contactEmail: xmlText(v.contactEmail),
    contactEmailText: xmlComment(v.contactEmail),
    certificate: xmlText(v.certPem.trim()),
    consumerKeyComment: v.clientId ? xmlComment(v.clientId) : undefined,
    apiVersion: API_VERSION,
    usernameComment: xmlComment(v.username),
  };
}

const SPECS: Record<FormatId, FormatSpec> = {
  sf: { id: 'sf', kind: 'file', template: 'sf.sh', fileName: 'sf-login.sh', script: false, needs: 'credentials', build: buildSf },
  env: { id: 'env', kind: 'file', template: 'env', fileName: '.env', script: false, needs: 'credentials', build: buildEnv },
  'github-actions': {
    id: 'github-actions',
    kind: 'file',
    template: 'github-actions.yml',
    fileName: 'salesforce-jwt.yml',
    script: false,
    needs: 'credentials',
    build: buildCi,
  },
  'gitlab-ci': {
    id: 'gitlab-ci',
    kind: 'file',
    template: 'gitlab-ci.yml',
    fileName: 'salesforce-jwt.gitlab-ci.yml',
    script: false,
    needs: 'credentials',
    build: buildCi,
  },
  jsforce: { id: 'jsforce', kind: 'file', template: 'jsforce.mjs', fileName: 'salesforce-jwt.mjs', script: false, needs: 'credentials', build: buildJsforce },
  'simple-salesforce': {
    id: 'simple-salesforce',
    kind: 'file',
    template: 'simple-salesforce.py',
    fileName: 'salesforce_login.py',
    script: true,
    needs: 'credentials',
    build: buildSimpleSalesforce,
  },
  python: { id: 'python', kind: 'file', template: 'python.py', fileName: 'salesforce_jwt_login.py', script: true, needs: 'credentials', build: buildPython },
  curl: { id: 'curl', kind: 'file', template: 'curl.sh', fileName: 'salesforce-jwt-login.sh', script: true, needs: 'credentials', build: buildCurl },
  'eca-metadata': {
    id: 'eca-metadata',
    kind: 'dir',
    template: 'eca-metadata',
    fileName: '',
    script: false,
    needs: 'certificate',
    build: buildMetadata,
  },
  'connected-app-metadata': {
    id: 'connected-app-metadata',
    kind: 'dir',
    template: 'connected-app-metadata',
    fileName: '',
    script: false,
    needs: 'certificate',
    build: buildMetadata,
  },
};

// ---- rendering a format -----------------------------------------------------------------------

export interface RenderedFile {
  /** Relative path ("/" separators) for a folder format; the default file name otherwise. */
  path: string;
  content: string;
  /** 0600/0700 with key material; scripts 0755; else 0644. */
  mode: number;
}

export function fileMode(spec: Pick<FormatSpec, 'script'>, includesKey: boolean): number {
  if (includesKey) return spec.script ? 0o700 : 0o600;
  return spec.script ? 0o755 : 0o644;
}

/** Renders every file of a format (names too) from already-read templates. */
export function renderFormat(spec: FormatSpec, values: ExportValues, templates: readonly { path: string; text: string }[]): RenderedFile[] {
  const templateValues = spec.build(values);
  const mode = fileMode(spec, values.keyBase64 !== undefined);
  return templates.map((t) => ({ path: render(t.path, templateValues), content: render(t.text, templateValues), mode }));
}
