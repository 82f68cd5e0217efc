/**
 * The org's own records for doctor's "Org" checks: the run-as user, its
 * profile and permission sets (API Enabled, app access), and the app's components read back with
 * the Metadata API's SOAP `readMetadata`. Read once per profile, whatever number of checks ask.
 */
import { CliError } from '../errors.js';
import type { HttpResponse } from '../net/types.js';
import { cleanServerText } from '../salesforce/trust.js';
import { preflightApiVersion, soqlString } from './deploy.js';
import type { AdminSession } from './session.js';

export type Fields = Record<string, string>;

export interface LoginRow {
  LoginTime: string;
  LoginType: string;
  Status: string;
  Application: string | null;
}

export interface OrgRecords {
  instanceUrl: string;
  /** null: no such user in the org. */
  user: { Id: string; IsActive: boolean; ProfileId: string } | null;
  profile: { Name: string; PermissionsApiEnabled: boolean } | null;
  /** Permission sets assigned to the user. */
  permissionSets: { Id: string; Name: string; PermissionsApiEnabled: boolean }[];
  /** The user's last 10 LoginHistory rows, newest first; `unreadable` names why they could not be read. */
  logins: LoginRow[] | { unreadable: string };
  /** undefined: the app's name is unknown (a profile not made by `init --admin`); null parts: not in the org. */
  app?: { name: string; global: Fields | null; oauthPolicy: Fields | null; policy: Fields | null };
}

const NEEDS_READ = 'the "View Setup and Configuration" and "Manage Users" permissions';

async function query<T>(session: AdminSession, version: string, soql: string): Promise<T[]> {
  const response = await session.call({ method: 'GET', path: `/services/data/v${version}/query?q=${encodeURIComponent(soql)}`, needs: NEEDS_READ });
  if (response.status !== 200) throw new CliError('admin-session', `reading the org's records (${soql.split(' WHERE ')[0]}): HTTP ${response.status} ${session.said(response)}`);
  return ((JSON.parse(response.body) as { records?: T[] }).records ?? []);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (text: string) => text.replace(/&(amp|lt|gt|quot|apos);/g, (_all, name: string) => ENTITIES[name]!);

/** The flat fields of each `<records>` in a readMetadata answer (the ECA types are flat). */
export function parseReadMetadata(xml: string): Fields[] {
  const out: Fields[] = [];
  for (const record of xml.matchAll(/<(?:\w+:)?records\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?records>)/g)) {
    const fields: Fields = {};
    for (const field of (record[1] ?? '').matchAll(/<(?:\w+:)?(\w+)>([^<]*)<\/(?:\w+:)?\1>/g)) fields[field[1]!] = unescapeXml(field[2]!);
    if (fields.fullName) out.push(fields);
  }
  return out;
}

function soapFault(session: AdminSession, response: HttpResponse): CliError {
  const code = /<faultcode>([^<]*)<\/faultcode>/.exec(response.body)?.[1] ?? '';
  const text = cleanServerText(unescapeXml(/<faultstring>([^<]*)<\/faultstring>/.exec(response.body)?.[1] ?? response.body), 200);
  if (/INVALID_SESSION_ID/.test(code)) return new CliError('admin-session', `the admin session (${session.source}) is expired or invalid: ${text}`, { hint: session.relogin() }, 2);
  return new CliError('admin-session', `readMetadata failed (HTTP ${response.status}): ${session.redact(text)}`, { hint: `The admin user needs ${NEEDS_READ} and "Modify Metadata Through Metadata API Functions".` });
}

/** SOAP `readMetadata(type, [fullName])`: the component's fields, or null when the org has none. */
export async function readMetadata(session: AdminSession, version: string, type: string, fullName: string): Promise<Fields | null> {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const response = await session.soap({
    method: 'POST',
    path: `/services/Soap/m/${version}`,
    needs: NEEDS_READ,
    render: (sessionId) =>
      '<?xml version="1.0" encoding="utf-8"?>'
      + '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:met="http://soap.sforce.com/2006/04/metadata">'
      + `<soapenv:Header><met:SessionHeader><met:sessionId>${sessionId}</met:sessionId></met:SessionHeader></soapenv:Header>`
      + `<soapenv:Body><met:readMetadata><met:type>${esc(type)}</met:type><met:fullNames>${esc(fullName)}</met:fullNames></met:readMetadata></soapenv:Body>`
      + '</soapenv:Envelope>',
  });
  if (response.status !== 200) throw soapFault(session, response);
  return parseReadMetadata(response.body).find((r) => r.fullName === fullName) ?? null;
}

/**
 * The user's last 10 logins. Reading them needs "Manage Users" or "Monitor Login History"; a session
 * without it still gets the other Org checks, so a refusal is kept as a reason, not thrown.
 */
async function loginHistory(session: AdminSession, version: string, userId: string): Promise<OrgRecords['logins']> {
  try {
    return await query<LoginRow>(session, version, `SELECT LoginTime, LoginType, Status, Application FROM LoginHistory WHERE UserId = ${soqlString(userId)} ORDER BY LoginTime DESC LIMIT 10`);
  } catch (error) {
    if (error instanceof CliError && error.code === 'admin-session' && error.exitCode !== 2) return { unreadable: error.message };
    throw error;
  }
}

/** Everything the Org checks read, for one run-as user and (when known) one app. */
export async function readOrgRecords(session: AdminSession, input: { username: string; appName?: string }): Promise<OrgRecords> {
  const version = await preflightApiVersion(session);
  const [user] = await query<{ Id: string; IsActive: boolean; ProfileId: string }>(session, version, `SELECT Id, IsActive, ProfileId FROM User WHERE Username = ${soqlString(input.username)}`);
  let profile: OrgRecords['profile'] = null;
  let permissionSets: OrgRecords['permissionSets'] = [];
  let logins: OrgRecords['logins'] = [];
  if (user) {
    logins = await loginHistory(session, version, user.Id);
    [profile = null] = await query<{ Name: string; PermissionsApiEnabled: boolean }>(session, version, `SELECT Name, PermissionsApiEnabled FROM Profile WHERE Id = ${soqlString(user.ProfileId)}`);
    const assigned = await query<{ PermissionSetId: string }>(session, version, `SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(user.Id)}`);
    if (assigned.length > 0) {
      permissionSets = await query(session, version, `SELECT Id, Name, PermissionsApiEnabled FROM PermissionSet WHERE Id IN (${assigned.map((a) => soqlString(a.PermissionSetId)).join(', ')})`);
    }
  }
  const records: OrgRecords = { instanceUrl: session.instanceUrl, user: user ?? null, profile, permissionSets, logins };
  if (input.appName) {
    const app = input.appName;
    const [global, oauthPolicy, policy] = await Promise.all([
      readMetadata(session, version, 'ExtlClntAppGlobalOauthSettings', `${app}GlblOAuth`),
      readMetadata(session, version, 'ExtlClntAppOauthConfigurablePolicies', `${app}OAuthSettings_defaultPolicy`),
      readMetadata(session, version, 'ExtlClntAppConfigurablePolicies', `${app}_defaultPolicy`),
    ]);
    records.app = { name: app, global, oauthPolicy, policy };
  }
  return records;
}
