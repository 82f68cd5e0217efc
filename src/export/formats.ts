/**
 * The export formats: which template each renders, how its values are quoted, what file it makes.
 * Pure: values in, template values out (the command reads templates and writes files).
 */
import { LOGIN_HOST, TEST_HOST, tokenUrlOf } from '../salesforce/login-url.js';
import { API_VERSION } from '../salesforce/api-version.js';
import { JWT_BEARER_GRANT } from '../crypto/assertion.js';
import { UsageError } from '../errors.js';
import { ecaComponents, packageXml } from '../admin/metadata.js';
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
  /** Files rendered by code rather than templates (the ECA components: the deploy's own generator). */
  generate?(values: ExportValues): { path: string; content: string }[];
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
// Builders return raw values; each template escapes them for where they land ({{ x | sh }}).

function label(v: ExportValues): string {
  return v.alias ? `profile "${v.alias}"` : 'the SFJWT_* environment values';
}

const isGeneric = (url: string) => sameUrl(url, LOGIN_HOST) || sameUrl(url, TEST_HOST);

/**
 * `sf org login jwt --instance-url X` tries aud = X, then test.salesforce.com, then
 * login.salesforce.com, then X with aud = SF_AUDIENCE_URL (default login; sfdx-core 9.4). So the
 * variable only changes what sf does when the working aud is none of those.
 */
export function sfAudienceOverride(v: Pick<ExportValues, 'endpoint' | 'audience'>): string | undefined {
  return sameUrl(v.endpoint, v.audience) || isGeneric(v.audience) ? undefined : v.audience;
}

/** How sf reaches the working aud: at once, after refused tries at the generic hosts, or only through SF_AUDIENCE_URL. */
function sfAudienceRoute(v: ExportValues): Record<string, boolean> {
  return {
    sfFirstTry: sameUrl(v.endpoint, v.audience),
    sfGenericTry: !sameUrl(v.endpoint, v.audience) && isGeneric(v.audience),
  };
}

function common(v: ExportValues): Record<string, string | boolean | undefined> {
  return {
    label: label(v),
    unverified: v.audienceSource === 'default',
    fixedAudience: v.audienceSource === 'fixed',
    appKindText: v.appKind === 'eca' ? 'External Client App' : 'Connected App',
    appKindArticle: v.appKind === 'eca' ? 'an External Client App' : 'a Connected App',
    loginUrl: v.loginUrl,
    audience: v.audience,
    endpoint: v.endpoint,
    tokenUrl: tokenUrlOf(v.endpoint),
    username: v.username,
    instanceUrl: v.instanceUrl,
    apiUrl: `${v.instanceUrl.replace(/\/+$/, '')}/services/data/`,
    alias: v.alias ?? 'salesforce',
    hasAlias: v.alias !== undefined,
    grantType: JWT_BEARER_GRANT,
    sfjwtVersion: v.sfjwtVersion,
  };
}

function requireClientId(v: ExportValues): string {
  if (!v.clientId) throw new UsageError('missing consumer key', 'pass -a <alias> of a profile with a consumer key, or set SFJWT_CLIENT_ID');
  return v.clientId;
}

/** What every client snippet carries: the consumer key, the key file or the key itself. */
function credentials(v: ExportValues): TemplateValues {
  return {
    ...common(v),
    clientId: requireClientId(v),
    keyFile: v.keyPath ?? 'server.key',
    keyBase64: v.keyBase64,
  };
}

// ---- per-format builders ----------------------------------------------------------------------

function buildSf(v: ExportValues): TemplateValues {
  const keyFile = v.keyBase64 ? 'sf-jwt.key' : (v.keyPath ?? 'server.key');
  return {
    ...credentials(v),
    keyFile,
    keyInEnvOnly: !v.keyBase64 && !v.keyPath,
    audienceOverride: sfAudienceOverride(v),
    ...sfAudienceRoute(v),
  };
}

function buildEnv(v: ExportValues): TemplateValues {
  return {
    ...credentials(v),
    keyFile: v.keyPath,
    // Only a pair that is known to work is worth pinning; otherwise sfjwt tries the matrix.
    pinnedAudience: v.audienceSource === 'default' ? undefined : v.audience,
  };
}

function buildCi(v: ExportValues): TemplateValues {
  return {
    ...credentials(v),
    pinnedAudience: v.audienceSource === 'default' ? undefined : v.audience,
    sfAudienceOverride: sfAudienceOverride(v),
    ...sfAudienceRoute(v),
  };
}

/** `acme.my` for https://acme.my.salesforce.com: what simple-salesforce puts before ".salesforce.com". */
function salesforcePrefix(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' || u.port || (u.pathname !== '/' && u.pathname !== '') || u.search) return undefined;
    const host = u.hostname.toLowerCase();
    return host.endsWith('.salesforce.com') ? host.slice(0, -'.salesforce.com'.length) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * simple-salesforce signs aud = `https://<domain>.salesforce.com` and posts to
 * `https://<instance_url or domain>.salesforce.com/services/oauth2/token` (`instance_url`, a host
 * prefix such as `acme.my`, since 1.12.6). So `domain` carries the aud, `instance_url` the token
 * host when it differs, and a host outside salesforce.com (or http, or a port) cannot be expressed.
 */
export function simpleSalesforceArgs(v: Pick<ExportValues, 'endpoint' | 'audience'>): { domain: string; instanceUrl?: string } {
  const domain = salesforcePrefix(v.audience);
  const token = salesforcePrefix(v.endpoint);
  if (domain === undefined || token === undefined) {
    const [what, url] = domain === undefined ? ['audience', v.audience] : ['token endpoint', v.endpoint];
    throw new UsageError(
      `simple-salesforce cannot log in to this org: it only reaches https://<name>.salesforce.com, and the ${what} is ${url}`,
      'use `sfjwt export --format python` (requests + PyJWT), which takes any token endpoint and audience',
    );
  }
  return token === domain ? { domain } : { domain, instanceUrl: token };
}

function buildSimpleSalesforce(v: ExportValues): TemplateValues {
  const { domain, instanceUrl } = simpleSalesforceArgs(v);
  return { ...credentials(v), domain, instanceUrl };
}

/** Where the pre-authorisation goes: a name with a space is a profile ("System Administrator"). */
function accessFields(v: ExportValues): Record<string, string | boolean | undefined> {
  const access = v.access;
  return {
    accessKnown: access !== undefined,
    accessIsProfile: access === undefined || access.kind === 'profile',
    accessNames: access ? access.names.join(',') : 'System Administrator',
    accessNamesText: access ? access.names.join(', ') : 'System Administrator',
  };
}

/**
 * The ECA in source format, from the generator `init --admin` deploys (src/admin/metadata.ts): one
 * source of truth for the fields. The consumer key is left to Salesforce and only mentioned.
 */
function generateEca(v: ExportValues): { path: string; content: string }[] {
  if (!v.certPem) throw new UsageError('missing certificate', 'generate one with `sfjwt cert generate -a <alias>`');
  // The templates' refusals, naming the value (render.ts); the app name becomes file names.
  render('{{ appName | token }}{{ username | xml }}{{ contactEmail | xml }}{{ clientId | xmlcomment }}{{ certificate | xml }}{{ access | xml }}', {
    appName: v.appName,
    username: v.username,
    contactEmail: v.contactEmail,
    clientId: v.clientId ?? '',
    certificate: v.certPem,
    access: v.access?.names.join(',') ?? '',
  });
  const components = ecaComponents({
    appName: v.appName,
    contactEmail: v.contactEmail,
    username: v.username,
    certificatePem: v.certPem,
    ...(v.clientId ? { consumerKey: v.clientId } : {}),
    ...(v.access ? { access: v.access } : {}),
    source: label(v),
    apiVersion: API_VERSION,
  });
  return [
    { path: 'package.xml', content: packageXml(components, API_VERSION) },
    ...components.map((c) => ({ path: `force-app/main/default/${c.path}-meta.xml`, content: c.content })),
  ];
}

function buildMetadata(v: ExportValues): TemplateValues {
  if (!v.certPem) throw new UsageError('missing certificate', 'generate one with `sfjwt cert generate -a <alias>`');
  return {
    ...common(v),
    ...accessFields(v),
    appName: v.appName,
    contactEmail: v.contactEmail,
    certificate: v.certPem.trim(),
    consumerKey: v.clientId,
    apiVersion: API_VERSION,
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
  jsforce: { id: 'jsforce', kind: 'file', template: 'jsforce.mjs', fileName: 'salesforce-jwt.mjs', script: false, needs: 'credentials', build: credentials },
  'simple-salesforce': {
    id: 'simple-salesforce',
    kind: 'file',
    template: 'simple-salesforce.py',
    fileName: 'salesforce_login.py',
    script: true,
    needs: 'credentials',
    build: buildSimpleSalesforce,
  },
  python: { id: 'python', kind: 'file', template: 'python.py', fileName: 'salesforce_jwt_login.py', script: true, needs: 'credentials', build: credentials },
  curl: { id: 'curl', kind: 'file', template: 'curl.sh', fileName: 'salesforce-jwt-login.sh', script: true, needs: 'credentials', build: credentials },
  'eca-metadata': {
    id: 'eca-metadata',
    kind: 'dir',
    template: 'eca-metadata',
    fileName: '',
    script: false,
    needs: 'certificate',
    build: buildMetadata,
    generate: generateEca,
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
  const files = templates.map((t) => ({ path: render(t.path, templateValues, 'token'), content: render(t.text, templateValues) }));
  // Generated files take their place in the templates' order (templates.ts walks names sorted).
  if (spec.generate) files.push(...spec.generate(values)), files.sort((a, b) => a.path.localeCompare(b.path));
  return files.map((f) => ({ ...f, mode }));
}
