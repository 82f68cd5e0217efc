/**
 * The External Client App a zero-click `init` deploys: the five ECA
 * components, a permission set the policy names, package.xml, and the zip. Pure: no I/O; the
 * clock and randomness come in as arguments.
 */
import { strToU8, zipSync } from 'fflate';
import { UsageError, quoteInput } from '../errors.js';
import { FILTERS } from '../export/escape.js';
import { API_VERSION } from '../salesforce/api-version.js';

const NS = 'http://soap.sforce.com/2006/04/metadata';
const escape = FILTERS.xml!;

export interface EcaInput {
  /** API name (fullName) of the app: letters, digits and single underscores. */
  appName: string;
  /** What Setup shows; defaults to appName. */
  label?: string;
  contactEmail: string;
  /** Run-as username, for the description. */
  username: string;
  certificatePem: string;
  /** The app's consumer key; an export leaves it to Salesforce (and only mentions it). */
  consumerKey?: string;
  /** API name of the permission set `init` creates, which the policy names (and the user is assigned). */
  permissionSet?: string;
  /** Without a created permission set: the profiles or permission sets the policy names (none: a placeholder). */
  access?: { kind: 'profile' | 'permission-set'; names: string[] };
  /** An export's origin (e.g. `profile "dev"`), said in a comment; set only by the export. */
  source?: string;
  apiVersion?: string;
}

export interface MetadataComponent {
  type: string;
  fullName: string;
  /** Path inside the zip, e.g. `externalClientApps/X.eca`. */
  path: string;
  content: string;
}

/** The five ECA types and the permission set: folder and suffix in a Metadata API zip (§16.1). */
export const COMPONENT_TYPES = {
  ExternalClientApplication: { folder: 'externalClientApps', suffix: 'eca' },
  ExtlClntAppOauthSettings: { folder: 'extlClntAppOauthSettings', suffix: 'ecaOauth' },
  ExtlClntAppGlobalOauthSettings: { folder: 'extlClntAppGlobalOauthSets', suffix: 'ecaGlblOauth' },
  ExtlClntAppOauthConfigurablePolicies: { folder: 'extlClntAppOauthPolicies', suffix: 'ecaOauthPlcy' },
  ExtlClntAppConfigurablePolicies: { folder: 'extlClntAppPolicies', suffix: 'ecaPlcy' },
  PermissionSet: { folder: 'permissionsets', suffix: 'permissionset' },
} as const;
export type ComponentType = keyof typeof COMPONENT_TYPES;

/**
 * An API name from free text (an alias, an app name): other characters become `_`, runs of `_`
 * collapse, it starts with a letter and ends without `_`, at most 80 characters (Salesforce's rules).
 */
export function apiName(text: string): string {
  let name = text.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+/g, '_').replace(/^[_0-9]+/, '').slice(0, 80).replace(/_+$/, '');
  if (name === '') name = 'sfjwt';
  return name;
}

export function permissionSetName(alias: string): string {
  return apiName(`sfjwt_${alias}`);
}

/** Checks a given API name rather than silently changing what the user typed. */
export function parseApiName(raw: string, source: string): string {
  const value = raw.trim();
  if (!/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(value) || value.endsWith('_') || value.length > 80) {
    throw new UsageError(
      `invalid app name ${quoteInput(raw)} (${source}): a deployed app's API name has letters, digits and single underscores, starts with a letter, at most 80 characters`,
      `e.g. ${apiName(value)}`,
    );
  }
  return value;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Salesforce's generated consumer keys are 85 characters. */
export const CONSUMER_KEY_LENGTH = 85;

/**
 * A consumer key chosen by sfjwt (§16.2: the deployer may choose it, so it never has to be read
 * back): letters and digits, which are URL-safe and pass every consumer-key check. Rejection
 * sampling keeps each character uniform.
 */
export function chooseConsumerKey(random: (bytes: number) => Uint8Array): string {
  let key = '';
  while (key.length < CONSUMER_KEY_LENGTH) {
    for (const byte of random(CONSUMER_KEY_LENGTH)) {
      if (byte < 248 && key.length < CONSUMER_KEY_LENGTH) key += ALPHABET[byte % 62];
    }
  }
  return key;
}

/** A field, or a comment alone (value undefined); notes become an XML comment above it. */
type Field = [name: string, value: string | boolean | undefined, notes?: string[]];

const comment = FILTERS.xmlcomment!;

function element([name, value, notes]: Field): string[] {
  const lines = notes?.length ? [`    <!-- ${notes.map(comment).join('\n         ')} -->`] : [];
  if (value !== undefined) lines.push(`    <${name}>${typeof value === 'boolean' ? String(value) : escape(value)}</${name}>`);
  return lines;
}

function document(root: string, fields: Field[]): string {
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<${root} xmlns="${NS}">`, ...fields.flatMap(element), `</${root}>`, ''].join('\n');
}

function component(type: ComponentType, fullName: string, fields: Field[]): MetadataComponent {
  const { folder, suffix } = COMPONENT_TYPES[type];
  return { type, fullName, path: `${folder}/${fullName}.${suffix}`, content: document(type, fields) };
}

/** Who the policy pre-authorises: the created permission set, a given grant, or a placeholder. */
function accessFields(input: EcaInput): Field[] {
  if (input.permissionSet !== undefined) return [['commaSeparatedPermissionSet', input.permissionSet]];
  const access = input.access;
  if (!access) {
    return [['commaSeparatedProfile', 'System Administrator', [
      'PLACEHOLDER: pre-authorises the System Administrator profile. Replace it with the profile',
      `of ${input.username}, or use commaSeparatedPermissionSet with a permission set assigned to`,
      'that user (not one on the Salesforce API Integration licence: it cannot hold app access).',
    ]]];
  }
  if (access.kind === 'profile') return [['commaSeparatedProfile', access.names.join(',')]];
  return [['commaSeparatedPermissionSet', access.names.join(','), [
    'Unsure: the Metadata API guide describes permission set IDs here, while working examples',
    'use API names. If the deploy rejects the name, use the permission set\'s ID.',
  ]]];
}

/**
 * The components, in deploy order; member names as sfdx-hardis renders them (§16.1). The permission
 * set only when `init` creates one; the same fields (and the reasons for them) whether deployed by
 * `init --admin` or written by `export --format eca-metadata`.
 */
export function ecaComponents(input: EcaInput): MetadataComponent[] {
  const app = input.appName;
  const cert = input.certificatePem.trim();
  const header: Field[] = input.source ? [['', undefined, [`Generated by sfjwt export (format eca-metadata) from ${input.source}. Check contactEmail.`]]] : [];
  const consumerKey: Field = input.consumerKey !== undefined && !input.source
    ? ['consumerKey', input.consumerKey, ['Chosen by sfjwt, so it never has to be read back from Setup.']]
    : ['consumerKey', undefined, [
        'consumerKey is omitted so Salesforce generates one; read it in External Client App',
        'Manager (Settings, OAuth Settings, Consumer Key and Secret).',
        ...(input.consumerKey ? ['To keep the key the profile uses (re-creating the app after a sandbox refresh), add:', `<consumerKey>${input.consumerKey}</consumerKey>`] : []),
      ]];
  return [
    ...(input.permissionSet !== undefined
      ? [component('PermissionSet', input.permissionSet, [
          ['description', `Grants ${input.username} the JWT bearer login through the External Client App ${app} (created by sfjwt).`],
          ['hasActivationRequired', false],
          ['label', input.permissionSet],
        ])]
      : []),
    component('ExternalClientApplication', app, [
      ...header,
      ['contactEmail', input.contactEmail],
      ['description', `JWT bearer integration for ${input.username} (created by sfjwt)`],
      ['distributionState', 'Local'],
      ['isProtected', false],
      ['label', input.label ?? app],
    ]),
    component('ExtlClntAppOauthSettings', `${app}OAuthSettings`, [
      ['commaSeparatedOauthScopes', 'Api, RefreshToken, OpenID', ['api to call APIs; refresh_token/offline_access so an approval can be reused; openid for /userinfo.']],
      ['externalClientApplication', app],
      ['label', `${app}OAuthSettings`],
    ]),
    component('ExtlClntAppGlobalOauthSettings', `${app}GlblOAuth`, [
      ['callbackUrl', 'http://localhost:1717/OauthRedirect', ['The callback URL is required but unused by the JWT bearer flow: any placeholder works.']],
      ['certificate', cert, [
        'The certificate matching the private key. There is no separate "JWT enabled" field in this',
        'type: per the Metadata API guide, a certificate here enables the JWT Bearer flow (API v60+).',
      ]],
      consumerKey,
      ['externalClientApplication', app],
      ['isClientCredentialsFlowEnabled', false, ['Every other flow stays off.']],
      ['isCodeCredFlowEnabled', false],
      ['isConsumerSecretOptional', false, ['The JWT bearer flow never sends the consumer secret, so it need not be optional.']],
      ['isDeviceFlowEnabled', false],
      ['isNamedUserJwtEnabled', false, ['JWT-format access tokens break SOAP calls such as deploys: keep it false.']],
      ['isPkceRequired', true],
      ['isTokenExchangeEnabled', false],
      ['label', `${app}GlblOAuth`],
      ['shouldRotateConsumerKey', false],
      ['shouldRotateConsumerSecret', false],
    ]),
    component('ExtlClntAppOauthConfigurablePolicies', `${app}OAuthSettings_defaultPolicy`, [
      ...accessFields(input),
      ['externalClientApplication', app],
      ['ipRelaxationPolicyType', 'Enforce', ['JWT and SAML bearer logins always enforce the profile\'s login IP ranges, whatever this says.']],
      ['isClientCredentialsFlowEnabled', false],
      ['isTokenExchangeFlowEnabled', false],
      ['label', `${app}OAuthSettings_defaultPolicy`],
      ['permittedUsersPolicyType', 'AdminApprovedPreAuthorized', ['Admin approved users are pre-authorized: the JWT user never has to approve the app.']],
      ['refreshTokenPolicyType', 'Infinite'],
      ['requiredSessionLevel', 'STANDARD'],
    ]),
    component('ExtlClntAppConfigurablePolicies', `${app}_defaultPolicy`, [
      ['externalClientApplication', app],
      ['isEnabled', true],
      ['isOauthPluginEnabled', true],
      ['label', `${app}_defaultPolicy`],
    ]),
  ];
}

export function packageXml(components: MetadataComponent[], apiVersion = API_VERSION): string {
  const types = new Map<string, string[]>();
  for (const c of components) types.set(c.type, [...(types.get(c.type) ?? []), c.fullName]);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<Package xmlns="${NS}">`];
  for (const [name, members] of types) {
    lines.push('    <types>', ...members.map((m) => `        <members>${escape(m)}</members>`), `        <name>${name}</name>`, '    </types>');
  }
  lines.push(`    <version>${escape(apiVersion)}</version>`, '</Package>', '');
  return lines.join('\n');
}

export interface EcaPackage {
  components: MetadataComponent[];
  /** Every file of the zip, package.xml first. */
  files: { path: string; content: string }[];
  zip: Uint8Array;
}

function zipOf(components: MetadataComponent[], apiVersion: string | undefined, mtime: Date): EcaPackage {
  const files = [{ path: 'package.xml', content: packageXml(components, apiVersion) }, ...components.map(({ path, content }) => ({ path, content }))];
  const zip = zipSync(Object.fromEntries(files.map((f) => [f.path, strToU8(f.content)])), { mtime });
  return { components, files, zip };
}

/** The deployable zip; `mtime` makes it byte-for-byte reproducible. */
export function ecaPackage(input: EcaInput, mtime: Date): EcaPackage {
  return zipOf(ecaComponents(input), input.apiVersion, mtime);
}

/**
 * A new certificate for an existing app: its OAuth settings and global OAuth settings only, as
 * `init` renders them (a lone global settings component is reported to fail, §16.2). The policies
 * are left alone: Salesforce may have renamed them, and redeploying them can be refused (§16.1).
 */
export function certificatePackage(input: EcaInput, mtime: Date): EcaPackage {
  const types: ComponentType[] = ['ExtlClntAppOauthSettings', 'ExtlClntAppGlobalOauthSettings'];
  return zipOf(ecaComponents(input).filter((c) => types.includes(c.type as ComponentType)), input.apiVersion, mtime);
}
