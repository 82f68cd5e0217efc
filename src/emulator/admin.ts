/**
 * The emulator's admin surface: admin users and their access tokens, the REST Metadata
 * deploy (`metadata/deployRequest`, multipart with a zip) applying External Client App and
 * PermissionSet components to the state, and `sobjects/PermissionSetAssignment`. A deployed app
 * logs in like a configured one: the apps of the token endpoint are derived from the deployed
 * components and the permission set assignments. Pure, like the handler: no I/O, no clock.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { COMPONENT_TYPES, type ComponentType } from '../admin/metadata.js';
import { assertCertificatePem } from './config.js';
import { authenticate, isSupportedVersion, NOT_FOUND, type JsonAnswer } from './resources.js';
import { addApp, findApp, findUser, replaceCertificate, updateApp } from './state.js';
import type { AppState, EmulatorAdminConfig, EmulatorRequest, EmulatorResponse, EmulatorState } from './types.js';

export interface DeployedEca {
  name: string;
  fields: Record<string, string>;
  oauth?: Record<string, string>;
  global?: Record<string, string>;
  oauthPolicy?: Record<string, string>;
  policy?: Record<string, string>;
}

interface ComponentResult {
  componentType: string;
  fullName: string;
  fileName: string;
  problem?: string;
}

export interface DeployRecord {
  id: string;
  createdDate: string;
  status: 'Succeeded' | 'Failed';
  successes: ComponentResult[];
  failures: ComponentResult[];
  errorMessage: string | null;
  /** The first status read answers done; the POST answered Pending. */
  polled: boolean;
  deployOptions: Record<string, unknown>;
}

export interface AdminState {
  /** Access token → admin username. */
  tokens: Record<string, string>;
  permissionSets: { Id: string; Name: string; Label: string; PermissionsApiEnabled: boolean }[];
  assignments: { Id: string; AssigneeId: string; PermissionSetId: string }[];
  ecas: Record<string, DeployedEca>;
  deploys: Record<string, DeployRecord>;
  counter: number;
}

const FOREVER = Number.MAX_SAFE_INTEGER;

function adminOf(state: EmulatorState): AdminState {
  state.admin ??= { tokens: {}, permissionSets: [], assignments: [], ecas: {}, deploys: {}, counter: 0 };
  return state.admin;
}

function nextId(state: EmulatorState, prefix: string): string {
  const admin = adminOf(state);
  admin.counter += 1;
  return `${prefix}${String(admin.counter).padStart(12, '0')}AAA`;
}

/**
 * Registers admin users and their tokens: each admin is a user of the org (added when missing)
 * whose session never expires, so the ordinary REST resources (query) accept the token too.
 */
export function installAdmins(state: EmulatorState, admins: EmulatorAdminConfig[]): void {
  const admin = adminOf(state);
  admins.forEach((entry, index) => {
    let user = findUser(state, entry.username);
    if (!user) {
      user = { username: entry.username, userId: `005${String(900 + index).padStart(12, '0')}AAA`, displayName: 'Org Admin', email: entry.username.includes('@') ? entry.username : `${entry.username}@example.com`, active: true, apiEnabled: true, ipRestricted: false };
      state.users.push(user);
    }
    admin.tokens[entry.accessToken] = user.username;
    state.tokens[entry.accessToken] = { username: user.username, userId: user.userId, clientId: 'PlatformCLI', scopes: ['api', 'full', 'web', 'refresh_token'], issuedAtMs: 0, expiresAtMs: FOREVER };
  });
}

/** Rows for the REST query tables (records.ts). */
export function permissionSetRows(state: EmulatorState): Record<string, unknown>[] {
  return adminOf(state).permissionSets.map((p) => ({ ...p }));
}
export function assignmentRows(state: EmulatorState): Record<string, unknown>[] {
  return adminOf(state).assignments.map((a) => ({ ...a }));
}

// ---- the token endpoint's view of deployed apps -------------------------------------------------

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

const SCOPES: Record<string, string> = { api: 'api', refreshtoken: 'refresh_token', openid: 'openid', web: 'web', full: 'full', offlineaccess: 'refresh_token' };

/** Users holding a permission set the policy names (by API name or id). */
function assignedUsernames(state: EmulatorState, eca: DeployedEca): string[] {
  const admin = adminOf(state);
  const named = list(eca.oauthPolicy?.commaSeparatedPermissionSet);
  const sets = admin.permissionSets.filter((p) => named.some((n) => n === p.Name || n.slice(0, 15) === p.Id.slice(0, 15)));
  const userIds = new Set(admin.assignments.filter((a) => sets.some((p) => p.Id === a.PermissionSetId)).map((a) => a.AssigneeId));
  return state.users.filter((u) => userIds.has(u.userId)).map((u) => u.username);
}

/** Makes the token endpoint's apps match the deployed ECAs (after a deploy or an assignment). */
export function syncDeployedApps(state: EmulatorState, now: Date): void {
  for (const eca of Object.values(adminOf(state).ecas)) {
    const clientId = eca.global?.consumerKey;
    const certPem = eca.global?.certificate;
    if (!clientId || !certPem) continue;
    const settings = {
      kind: 'eca' as const,
      policy: eca.oauthPolicy?.permittedUsersPolicyType === 'AllSelfAuthorized' ? ('self' as const) : ('admin' as const),
      assignedUsernames: assignedUsernames(state, eca),
      ipRelaxation: /^bypass/i.test(eca.oauthPolicy?.ipRelaxationPolicyType ?? '') ? ('bypass' as const) : ('enforce' as const),
      highAssurance: eca.oauthPolicy?.requiredSessionLevel === 'HIGH_ASSURANCE',
      installed: eca.policy?.isEnabled !== 'false',
      scopes: [...new Set(['id', ...list(eca.oauth?.commaSeparatedOauthScopes).map((s) => SCOPES[s.toLowerCase()] ?? s.toLowerCase())])],
    };
    const app: AppState | undefined = findApp(state, clientId);
    if (!app) {
      addApp(state, { clientId, certPem, ...settings }, now);
      continue;
    }
    if (app.certs[app.certs.length - 1]!.certPem.trim() !== certPem.trim()) replaceCertificate(state, clientId, certPem, now);
    updateApp(state, clientId, settings);
  }
}

// ---- multipart and the zip ---------------------------------------------------------------------

interface Part {
  name: string;
  contentType?: string;
  data: Buffer;
}

/** A multipart/form-data body split into its parts (enough for what HTTP clients send). */
export function parseMultipart(body: Buffer, contentType: string | undefined): Part[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!/^multipart\/form-data/i.test(contentType ?? '') || !boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const raw = body.subarray(start, next);
    const headerEnd = raw.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = raw.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
      // The part's data ends before the CRLF that precedes the next delimiter.
      const data = raw.subarray(headerEnd + 4, raw.length - 2);
      if (name !== undefined) parts.push({ name, data, ...(type ? { contentType: type.trim() } : {}) });
    }
    at = next;
  }
  return parts;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The root element and its simple child elements (the ECA types are flat). */
function readXml(text: string): { root: string; fields: Record<string, string> } | undefined {
  const root = /<([A-Za-z]+)\s+xmlns="http:\/\/soap\.sforce\.com\/2006\/04\/metadata"\s*>/.exec(text)?.[1];
  if (!root) return undefined;
  const fields: Record<string, string> = {};
  const body = text.replace(/<!--[\s\S]*?-->/g, '');
  for (const match of body.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g)) {
    fields[match[1]!] = match[2]!.replace(/&(amp|lt|gt|quot|apos);/g, (_all, name: string) => ENTITIES[name]!);
  }
  return { root, fields };
}

function typeOfPath(path: string): { type: ComponentType; fullName: string } | undefined {
  const match = /^([^/]+)\/([^/]+?)\.([A-Za-z]+)(?:-meta\.xml)?$/.exec(path);
  if (!match) return undefined;
  const entry = (Object.entries(COMPONENT_TYPES) as [ComponentType, { folder: string; suffix: string }][]).find(
    ([, t]) => t.folder === match[1] && t.suffix === match[3],
  );
  return entry ? { type: entry[0], fullName: match[2]! } : undefined;
}

const REQUIRED: Partial<Record<ComponentType, string[]>> = {
  ExternalClientApplication: ['label', 'contactEmail', 'distributionState'],
  ExtlClntAppOauthSettings: ['externalClientApplication', 'label'],
  ExtlClntAppGlobalOauthSettings: ['externalClientApplication', 'label'],
  ExtlClntAppOauthConfigurablePolicies: ['externalClientApplication', 'label'],
  ExtlClntAppConfigurablePolicies: ['externalClientApplication', 'label', 'isEnabled'],
  PermissionSet: ['label'],
};

interface Parsed {
  type: ComponentType;
  fullName: string;
  fileName: string;
  fields: Record<string, string>;
}

/** Salesforce's checks, in spirit: required fields, enums, references, the consumer key's rules. */
function problemOf(state: EmulatorState, c: Parsed, all: Parsed[]): string | undefined {
  const admin = adminOf(state);
  const missing = (REQUIRED[c.type] ?? []).find((f) => !c.fields[f]);
  if (missing) return `Required field is missing: ${missing}`;
  const appName = c.fields.externalClientApplication;
  if (appName && !admin.ecas[appName] && !all.some((o) => o.type === 'ExternalClientApplication' && o.fullName === appName)) {
    return `In field: externalClientApplication - no ExternalClientApplication named ${appName} found`;
  }
  switch (c.type) {
    case 'ExternalClientApplication':
      if (!['Local', 'Packaged'].includes(c.fields.distributionState!)) return `'${c.fields.distributionState}' is not a valid value for the enum 'DistributionState'`;
      return undefined;
    case 'ExtlClntAppGlobalOauthSettings': {
      if (c.fields.certificate !== undefined) {
        try {
          assertCertificatePem(c.fields.certificate, 'certificate');
        } catch {
          return 'The certificate is not a valid PEM-encoded X.509 certificate.';
        }
      }
      const key = c.fields.consumerKey;
      const existing = admin.ecas[appName!]?.global?.consumerKey;
      if (key && existing && key !== existing) return 'The consumer key of an existing External Client App cannot be changed.';
      if (key && !existing && findApp(state, key)) return 'The consumer key is already taken.';
      if (key !== undefined && !/^[A-Za-z0-9._]{8,256}$/.test(key)) return 'The consumer key must be 8 to 256 alphanumeric characters.';
      return undefined;
    }
    case 'ExtlClntAppOauthConfigurablePolicies': {
      const type = c.fields.permittedUsersPolicyType;
      if (type && !['AdminApprovedPreAuthorized', 'AllSelfAuthorized'].includes(type)) return `'${type}' is not a valid value for the enum 'PermittedUsersPolicyType'`;
      for (const name of list(c.fields.commaSeparatedPermissionSet)) {
        const known = admin.permissionSets.some((p) => p.Name === name || p.Id.slice(0, 15) === name.slice(0, 15)) || all.some((o) => o.type === 'PermissionSet' && o.fullName === name);
        if (!known) return `In field: commaSeparatedPermissionSet - no PermissionSet named ${name} found`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function apply(state: EmulatorState, c: Parsed): void {
  const admin = adminOf(state);
  if (c.type === 'PermissionSet') {
    const existing = admin.permissionSets.find((p) => p.Name === c.fullName);
    if (existing) existing.Label = c.fields.label!;
    else admin.permissionSets.push({ Id: nextId(state, '0PS'), Name: c.fullName, Label: c.fields.label!, PermissionsApiEnabled: c.fields.userPermissions === undefined ? false : /ApiEnabled/.test(c.fields.userPermissions) });
    return;
  }
  if (c.type === 'ExternalClientApplication') {
    admin.ecas[c.fullName] = { ...(admin.ecas[c.fullName] ?? {}), name: c.fullName, fields: { ...c.fields, fullName: c.fullName } };
    return;
  }
  const eca = admin.ecas[c.fields.externalClientApplication!]!;
  const slot = ({ ExtlClntAppOauthSettings: 'oauth', ExtlClntAppGlobalOauthSettings: 'global', ExtlClntAppOauthConfigurablePolicies: 'oauthPolicy', ExtlClntAppConfigurablePolicies: 'policy' } as const)[c.type];
  eca[slot] = { ...(eca[slot] ?? {}), ...c.fields, fullName: c.fullName };
}

/** Runs a deploy all-or-nothing (rollbackOnError), as Salesforce does for production. */
export function runDeploy(state: EmulatorState, zip: Uint8Array, deployOptions: Record<string, unknown>, now: Date): DeployRecord {
  const record: DeployRecord = {
    id: nextId(state, '0Af'),
    createdDate: now.toISOString(),
    status: 'Failed',
    successes: [],
    failures: [],
    errorMessage: null,
    polled: false,
    deployOptions,
  };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch {
    record.errorMessage = 'The zip file is not valid.';
    return record;
  }
  const paths = Object.keys(files).filter((p) => !p.endsWith('/'));
  const manifest = paths.find((p) => /(^|\/)package\.xml$/.test(p));
  if (!manifest) {
    record.errorMessage = 'No package.xml found';
    return record;
  }
  const prefix = manifest.slice(0, -'package.xml'.length);
  const parsed: Parsed[] = [];
  for (const path of paths) {
    if (path === manifest) continue;
    const local = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    const kind = typeOfPath(local);
    if (!kind) {
      record.failures.push({ componentType: '', fullName: local, fileName: path, problem: `An object '${local}' of type unknown was named in package.xml, but was not found in zipped directory` });
      continue;
    }
    const xml = readXml(strFromU8(files[path]!));
    if (!xml || xml.root !== kind.type) {
      record.failures.push({ componentType: kind.type, fullName: kind.fullName, fileName: path, problem: `Error parsing file: the root element is not ${kind.type}` });
      continue;
    }
    parsed.push({ ...kind, fileName: path, fields: xml.fields });
  }
  for (const c of parsed) {
    const problem = problemOf(state, c, parsed);
    if (problem) record.failures.push({ componentType: c.type, fullName: c.fullName, fileName: c.fileName, problem });
  }
  if (record.failures.length > 0) return record;
  // Permission sets and app headers first: the other components refer to them.
  const order: ComponentType[] = ['PermissionSet', 'ExternalClientApplication'];
  const sorted = [...parsed].sort((a, b) => (order.includes(b.type) ? 1 : 0) - (order.includes(a.type) ? 1 : 0));
  for (const c of sorted) apply(state, c);
  syncDeployedApps(state, now);
  record.status = 'Succeeded';
  record.successes = [{ componentType: '', fullName: 'package.xml', fileName: manifest }, ...parsed.map(({ type, fullName, fileName }) => ({ componentType: type, fullName, fileName }))];
  return record;
}

/** `deployResult` in the REST Metadata API's shape. */
function deployResult(record: DeployRecord, done: boolean, details: boolean, user: { userId: string; displayName: string }): Record<string, unknown> {
  const component = (c: ComponentResult, success: boolean) => ({
    changed: success, componentType: c.componentType, created: success, createdDate: record.createdDate, deleted: false,
    fileName: c.fileName, fullName: c.fullName, id: null, problem: c.problem ?? null, problemType: c.problem ? 'Error' : null, success,
  });
  const total = record.successes.length + record.failures.length;
  return {
    checkOnly: false,
    completedDate: done ? record.createdDate : null,
    createdBy: user.userId,
    createdByName: user.displayName,
    createdDate: record.createdDate,
    details: done && details ? { componentFailures: record.failures.map((c) => component(c, false)), componentSuccesses: record.successes.map((c) => component(c, true)), runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 } } : null,
    done,
    errorMessage: done ? record.errorMessage : null,
    errorStatusCode: null,
    id: record.id,
    ignoreWarnings: false,
    lastModifiedDate: record.createdDate,
    numberComponentErrors: done ? record.failures.length : 0,
    numberComponentsDeployed: done ? record.successes.length : 0,
    numberComponentsTotal: done ? total : 0,
    numberTestErrors: 0,
    numberTestsCompleted: 0,
    numberTestsTotal: 0,
    rollbackOnError: true,
    runTestsEnabled: false,
    startDate: record.createdDate,
    status: done ? record.status : 'Pending',
    success: done && record.status === 'Succeeded',
  };
}

const INSUFFICIENT: JsonAnswer = {
  status: 403,
  body: [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'The user does not have the Modify Metadata permission required for this operation.' }],
  error: 'INSUFFICIENT_ACCESS',
};

function badRequest(errorCode: string, message: string): JsonAnswer {
  return { status: 400, body: [{ errorCode, message }], error: errorCode };
}

/**
 * The admin-only resources, or undefined for any other path (the handler then goes on). Other
 * sessions get 403, as a user without Modify Metadata / Manage Users would.
 */
export function adminResource(state: EmulatorState, request: EmulatorRequest, pathname: string, query: URLSearchParams, now: Date, serverNow: Date): JsonAnswer | undefined {
  const match = /^\/services\/data\/v(\d+\.\d)\/(metadata\/deployRequest(?:\/([A-Za-z0-9]+))?|sobjects\/PermissionSetAssignment)$/.exec(pathname);
  if (!match) return undefined;
  const method = request.method.toUpperCase();
  const [, version, resource, deployId] = match;
  const isDeploy = resource!.startsWith('metadata/');
  if (isDeploy ? (deployId ? method !== 'GET' : method !== 'POST') : method !== 'POST') return NOT_FOUND;
  const session = authenticate(state, request.headers.authorization, null, serverNow);
  if (!session) return { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], error: 'INVALID_SESSION_ID' };
  if (!isSupportedVersion(version!)) return NOT_FOUND;
  const admin = adminOf(state);
  if (admin.tokens[request.headers.authorization!.replace(/^\S+\s+/, '').trim()] === undefined) return INSUFFICIENT;

  if (isDeploy && deployId) {
    const record = admin.deploys[deployId];
    if (!record) return NOT_FOUND;
    record.polled = true;
    return { status: 200, body: { id: record.id, url: `/services/data/v${version}/metadata/deployRequest/${record.id}`, deployOptions: record.deployOptions, deployResult: deployResult(record, true, query.get('includeDetails') === 'true', session.user) } };
  }
  if (isDeploy) {
    const bytes = request.bytes ?? Buffer.from(request.body, 'utf8');
    const parts = parseMultipart(Buffer.from(bytes), request.headers['content-type']);
    if (!parts) return badRequest('INVALID_MULTIPART_REQUEST', 'The request must be multipart/form-data with entity_content and file parts.');
    const entity = parts.find((p) => p.name === 'entity_content');
    const file = parts.find((p) => p.name === 'file');
    if (!entity || !file) return badRequest('INVALID_MULTIPART_REQUEST', 'Missing entity_content or file part.');
    let options: Record<string, unknown>;
    try {
      options = (JSON.parse(entity.data.toString('utf8')) as { deployOptions?: Record<string, unknown> }).deployOptions ?? {};
    } catch {
      return badRequest('JSON_PARSER_ERROR', 'entity_content is not valid JSON.');
    }
    const record = runDeploy(state, new Uint8Array(file.data), options, now);
    admin.deploys[record.id] = record;
    return { status: 201, body: { id: record.id, url: `/services/data/v${version}/metadata/deployRequest/${record.id}`, deployOptions: options, deployResult: deployResult(record, false, false, session.user) } };
  }
  // POST sobjects/PermissionSetAssignment
  let fields: { AssigneeId?: unknown; PermissionSetId?: unknown };
  try {
    fields = JSON.parse(request.body) as typeof fields;
  } catch {
    return badRequest('JSON_PARSER_ERROR', 'The request body is not valid JSON.');
  }
  const user = state.users.find((u) => typeof fields.AssigneeId === 'string' && u.userId.slice(0, 15) === fields.AssigneeId.slice(0, 15));
  const set = admin.permissionSets.find((p) => typeof fields.PermissionSetId === 'string' && p.Id.slice(0, 15) === fields.PermissionSetId.slice(0, 15));
  if (!user || !set) {
    return badRequest('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id: ${!user ? 'AssigneeId' : 'PermissionSetId'}`);
  }
  if (admin.assignments.some((a) => a.AssigneeId === user.userId && a.PermissionSetId === set.Id)) {
    return badRequest('DUPLICATE_VALUE', 'Duplicate PermissionSetAssignment. Assignee: ' + user.userId + '; Permission Set: ' + set.Id);
  }
  const id = nextId(state, '0Pa');
  admin.assignments.push({ Id: id, AssigneeId: user.userId, PermissionSetId: set.Id });
  syncDeployedApps(state, now);
  return { status: 201, body: { id, success: true, errors: [] } };
}

// ---- SOAP readMetadata (the Metadata API's read-back, for doctor's Org checks) ------------------

const SLOTS: Partial<Record<ComponentType, keyof Omit<DeployedEca, 'name'>>> = {
  ExternalClientApplication: 'fields',
  ExtlClntAppOauthSettings: 'oauth',
  ExtlClntAppGlobalOauthSettings: 'global',
  ExtlClntAppOauthConfigurablePolicies: 'oauthPolicy',
  ExtlClntAppConfigurablePolicies: 'policy',
};

const xmlText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const ENVELOPE = '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';

function soapFault(code: string, message: string): EmulatorResponse {
  return { status: 500, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: `${ENVELOPE}<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${xmlText(`${code}: ${message}`)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>` };
}

/** `POST /services/Soap/m/XX.X` with `readMetadata` for the ECA types; undefined for other paths. */
export function adminSoap(state: EmulatorState, request: EmulatorRequest, pathname: string, serverNow: Date): EmulatorResponse | undefined {
  if (!/^\/services\/Soap\/m\/\d+\.\d(?:\/.*)?$/.test(pathname) || request.method.toUpperCase() !== 'POST') return undefined;
  const tag = (name: string) => [...request.body.matchAll(new RegExp(`<(?:\\w+:)?${name}>([^<]*)</(?:\\w+:)?${name}>`, 'g'))].map((m) => m[1]!.replace(/&(amp|lt|gt|quot|apos);/g, (_a, n: string) => ENTITIES[n]!));
  const [sessionId] = tag('sessionId');
  const session = authenticate(state, sessionId ? `Bearer ${sessionId}` : undefined, null, serverNow);
  if (!session) return soapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
  if (adminOf(state).tokens[sessionId!] === undefined) return soapFault('INSUFFICIENT_ACCESS', 'insufficient access rights on object id');
  if (!/<(?:\w+:)?readMetadata>/.test(request.body)) return soapFault('UNKNOWN_EXCEPTION', 'The emulator answers readMetadata only');
  const [type] = tag('type');
  const slot = SLOTS[type as ComponentType];
  const records = tag('fullNames').map((fullName) => {
    const found = slot ? Object.values(adminOf(state).ecas).map((eca) => eca[slot] as Record<string, string> | undefined).find((f) => f?.fullName === fullName) : undefined;
    if (!found) return '<records xsi:nil="true"/>';
    const fields = Object.entries(found).filter(([k]) => k !== 'fullName').sort(([a], [b]) => a.localeCompare(b));
    return `<records xsi:type="${type}"><fullName>${xmlText(fullName)}</fullName>${fields.map(([k, v]) => `<${k}>${xmlText(v)}</${k}>`).join('')}</records>`;
  });
  return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: `${ENVELOPE}<readMetadataResponse><result>${records.join('')}</result></readMetadataResponse></soapenv:Body></soapenv:Envelope>` };
}
