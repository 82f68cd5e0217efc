/**
 * The org-side calls of a zero-click set-up, through an AdminSession:
 * the API version, the run-as user, the metadata deploy with its polling, and the permission set
 * assignment. Each answer Salesforce refuses becomes one finding with the component or record named.
 */
import { CliError, quoteInput } from '../errors.js';
import type { HttpResponse } from '../net/types.js';
import { API_VERSION } from '../salesforce/api-version.js';
import { cleanServerText } from '../salesforce/trust.js';
import type { AdminSession } from './session.js';

/** The External Client App certificate field needs API 60.0. */
const MIN_VERSION = 60;

const NEEDS_API = 'the "API Enabled" permission';
const NEEDS_METADATA = 'the "Modify Metadata Through Metadata API Functions" (or "Customize Application") permission';
const NEEDS_USERS = 'the "Manage Users" (or "Assign Permission Sets") permission';

function parseJson(session: AdminSession, response: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    throw new CliError('not-token-endpoint', `${what}: ${session.instanceUrl} answered HTTP ${response.status} that is not JSON (${session.said(response)})`, {
      hint: 'Check that the admin instance URL is the org\'s My Domain URL.',
    });
  }
}

function refused(session: AdminSession, response: HttpResponse, what: string): CliError {
  const code = response.status >= 500 ? 'server-error' : 'admin-session';
  return new CliError(code, `${what}: ${session.instanceUrl} answered HTTP ${response.status} ${session.said(response)}`);
}

/** The newest version sfjwt knows that the org serves (`GET /services/data/`). */
export async function preflightApiVersion(session: AdminSession): Promise<string> {
  const response = await session.call({ method: 'GET', path: '/services/data/', needs: NEEDS_API });
  if (response.status !== 200) throw refused(session, response, 'reading the API versions');
  const list = parseJson(session, response, 'reading the API versions');
  const served = (Array.isArray(list) ? list : [])
    .map((v) => Number((v as { version?: unknown }).version))
    .filter((v) => Number.isFinite(v) && v <= Number(API_VERSION));
  const best = Math.max(...served);
  if (!Number.isFinite(best) || best < MIN_VERSION) {
    throw new CliError('deploy-failed', `the org at ${session.instanceUrl} serves no API version from ${MIN_VERSION}.0 to ${API_VERSION}; an External Client App with a certificate needs ${MIN_VERSION}.0 or later`);
  }
  return best.toFixed(1);
}

/** A SOQL string literal: backslash and quote escaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

async function query<T>(session: AdminSession, version: string, soql: string, needs: string): Promise<T[]> {
  const response = await session.call({ method: 'GET', path: `/services/data/v${version}/query?q=${encodeURIComponent(soql)}`, needs });
  if (response.status !== 200) throw refused(session, response, `query ${soql.split(' WHERE ')[0]}`);
  const body = parseJson(session, response, 'query') as { records?: T[] };
  return body.records ?? [];
}

export interface OrgUser {
  Id: string;
  Username: string;
  IsActive: boolean;
}

/** The run-as user exists and is active (`org-user-inactive` otherwise). */
export async function preflightUser(session: AdminSession, version: string, username: string): Promise<OrgUser> {
  const [user] = await query<OrgUser>(session, version, `SELECT Id, Username, IsActive FROM User WHERE Username = ${soqlString(username)}`, NEEDS_API);
  if (!user) {
    throw new CliError('org-user-inactive', `no user ${quoteInput(username)} in the org at ${session.instanceUrl}`, {
      hint: 'Check --username (a sandbox adds a suffix such as .uat), or create the user first.',
    });
  }
  if (!user.IsActive) {
    throw new CliError('org-user-inactive', `the user ${quoteInput(username)} is inactive in the org at ${session.instanceUrl}`, {
      hint: 'Activate the user in Setup → Users, then rerun.',
    });
  }
  return user;
}

export interface ComponentFailure {
  componentType: string;
  fullName: string;
  problem: string;
  problemType?: string;
}

export interface DeployOutcome {
  id: string;
  status: string;
  components: { type: string; fullName: string }[];
}

interface DeployResultBody {
  id?: string;
  deployResult?: {
    id?: string;
    done?: boolean;
    status?: string;
    success?: boolean;
    errorMessage?: string | null;
    details?: { componentFailures?: ComponentFailure[] | ComponentFailure; componentSuccesses?: unknown };
  };
}

/** The fix for a refused component, from its problem text. */
export function fixForFailure(failure: ComponentFailure): string {
  const problem = failure.problem;
  if (/consumer ?key/i.test(problem)) return 'the consumer key is taken or differs from the existing app\'s: rerun with the profile\'s key, or pick another app name with --app-name';
  if (/certificate/i.test(problem)) return 'check the certificate file (a PEM X.509 certificate, under 4 KB): `sfjwt cert show`';
  if (/permission ?set/i.test(problem)) return 'the permission set must exist in the org or in the same deploy';
  if (/not enabled|enableExternalClientApps|External Client App(s)? (is|are) not/i.test(problem)) return 'turn on External Client Apps in Setup → External Client App Settings';
  if (/insufficient|permission/i.test(problem)) return `the admin user needs ${NEEDS_METADATA}`;
  return 'fix the component as the problem says, then rerun (the deploy rolled back; nothing changed)';
}

function failuresOf(result: NonNullable<DeployResultBody['deployResult']>): ComponentFailure[] {
  const raw = result.details?.componentFailures;
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

export interface DeployHooks {
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Each poll's status, for a progress line. */
  onStatus?: (status: string) => void;
  /** Give up polling after this long (default 10 minutes). */
  maxWaitMs?: number;
}

/**
 * Deploys a zip (`POST …/metadata/deployRequest`, multipart `entity_content` + `file`) and polls
 * until done. A refused component is `deploy-failed`, one line per component with its fix.
 */
export async function deployZip(
  session: AdminSession,
  version: string,
  zip: Uint8Array,
  components: { type: string; fullName: string }[],
  hooks: DeployHooks,
): Promise<DeployOutcome> {
  const form = new FormData();
  const options = { deployOptions: { rollbackOnError: true, singlePackage: true, checkOnly: false, ignoreWarnings: false, testLevel: 'NoTestRun' } };
  form.append('entity_content', new Blob([JSON.stringify(options)], { type: 'application/json' }));
  form.append('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'deploy.zip');
  // Node's own multipart encoder (fetch's Request body), so no boundary or escaping is hand-written.
  const encoded = new Response(form);
  const body = new Uint8Array(await encoded.arrayBuffer());
  const base = `/services/data/v${version}/metadata/deployRequest`;
  const posted = await session.call({ method: 'POST', path: base, headers: { 'content-type': encoded.headers.get('content-type')! }, body, needs: NEEDS_METADATA });
  if (posted.status !== 201 && posted.status !== 200) throw refused(session, posted, 'deploying the External Client App');
  const started = parseJson(session, posted, 'deploying the External Client App') as DeployResultBody;
  const id = started.id ?? started.deployResult?.id;
  if (!id || !/^[A-Za-z0-9]{15,18}$/.test(id)) throw refused(session, posted, 'deploying the External Client App (no deploy id in the answer)');

  let result = started.deployResult ?? {};
  const maxWaitMs = hooks.maxWaitMs ?? 600_000;
  let waited = 0;
  for (let delay = 500; !result.done; delay = Math.min(delay * 2, 5000)) {
    if (result.status) hooks.onStatus?.(result.status);
    if (waited >= maxWaitMs) {
      throw new CliError('deploy-failed', `the deploy ${id} was not done after ${Math.round(waited / 1000)} s (status ${result.status ?? 'unknown'})`, {
        hint: 'See Setup → Deployment Status, then rerun: a finished deploy makes the rerun a no-op.',
      });
    }
    await hooks.sleep(delay, hooks.signal);
    waited += delay;
    const polled = await session.call({ method: 'GET', path: `${base}/${id}?includeDetails=true`, needs: NEEDS_METADATA });
    if (polled.status !== 200) throw refused(session, polled, `reading the deploy status of ${id}`);
    result = (parseJson(session, polled, 'reading the deploy status') as DeployResultBody).deployResult ?? {};
  }
  const status = result.status ?? 'Unknown';
  hooks.onStatus?.(status);
  if (status !== 'Succeeded') {
    const failures = failuresOf(result);
    const lines = failures.map((f) => `${cleanServerText(f.componentType, 80)} ${cleanServerText(f.fullName, 120)}: ${cleanServerText(f.problem)} (fix: ${fixForFailure(f)})`);
    const first = lines[0] ?? (result.errorMessage ? cleanServerText(result.errorMessage) : `status ${status}`);
    throw new CliError('deploy-failed', `Salesforce refused the deploy ${id}: ${first}`, {
      causes: lines.slice(1),
      fixes: failures.length > 0 ? [...new Set(failures.map(fixForFailure))] : [],
      result: { deployment: { id, status, componentFailures: failures.map((f) => ({ type: f.componentType, fullName: f.fullName, problem: cleanServerText(f.problem) })) } },
    });
  }
  return { id, status, components };
}

/** The permission set's id, by API name (it exists after the deploy). */
export async function permissionSetId(session: AdminSession, version: string, name: string): Promise<string> {
  const [found] = await query<{ Id: string }>(session, version, `SELECT Id FROM PermissionSet WHERE Name = ${soqlString(name)}`, NEEDS_USERS);
  if (!found) throw new CliError('deploy-failed', `the permission set ${name} is not in the org after the deploy`, { hint: 'Rerun; if it persists, check Setup → Deployment Status.' });
  return found.Id;
}

/** Assigns the permission set to the user; an existing assignment is success (returns false). */
export async function assignPermissionSet(session: AdminSession, version: string, userId: string, permissionSetId: string): Promise<boolean> {
  const response = await session.call({
    method: 'POST',
    path: `/services/data/v${version}/sobjects/PermissionSetAssignment`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ AssigneeId: userId, PermissionSetId: permissionSetId }),
    needs: NEEDS_USERS,
  });
  if (response.status === 201) return true;
  if (response.status === 400 && /DUPLICATE_VALUE|already/i.test(response.body)) return false;
  throw new CliError('org-access-missing', `assigning the permission set to the run-as user failed: HTTP ${response.status} ${session.said(response)}`, {
    hint: 'A permission set on the Salesforce API Integration licence cannot hold app access; assign it in Setup → Permission Sets.',
  });
}
