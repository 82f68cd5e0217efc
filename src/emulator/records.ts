/**
 * The few sObjects the emulator can query, as Salesforce shapes them (attributes, canonical field
 * names whatever the case used in the query, 15/18-character id matching).
 */
import { assignmentRows, permissionSetRows } from './admin.js';
import { loginHistoryRows } from './login-history.js';
import { parseSoql, SoqlError, type SoqlCondition, type SoqlValue } from './soql.js';
import type { EmulatorState, EmulatorUserConfig } from './types.js';

export type SObjectRecord = Record<string, unknown>;

interface SObjectTable {
  name: string;
  /** Canonical field names; undefined: any syntactically valid field is accepted (empty tables). */
  fields?: string[];
  rows(state: EmulatorState): SObjectRecord[];
}

const PROFILE_ID = '00e000000000001AAA';
/** The profile of users whose `apiEnabled` is false: API Enabled is a profile (or permission set) permission. */
const NO_API_PROFILE_ID = '00e000000000002AAA';
const PROFILES = [
  { Id: PROFILE_ID, Name: 'System Administrator', PermissionsApiEnabled: true },
  { Id: NO_API_PROFILE_ID, Name: 'Minimum Access - Salesforce', PermissionsApiEnabled: false },
];

function splitName(displayName: string): { first: string | null; last: string } {
  const parts = displayName.trim().split(/\s+/);
  if (parts.length < 2) return { first: null, last: displayName.trim() };
  return { first: parts.slice(0, -1).join(' '), last: parts[parts.length - 1]! };
}

export function userRecord(user: Required<EmulatorUserConfig>): SObjectRecord {
  const { first, last } = splitName(user.displayName);
  const alias = (user.username.split('@')[0] ?? 'user').slice(0, 8);
  return {
    Id: user.userId,
    Username: user.username,
    Name: user.displayName,
    FirstName: first,
    LastName: last,
    Email: user.email,
    Alias: alias,
    IsActive: user.active,
    UserType: 'Standard',
    ProfileId: user.apiEnabled ? PROFILE_ID : NO_API_PROFILE_ID,
    TimeZoneSidKey: 'America/Los_Angeles',
    LocaleSidKey: 'en_US',
    LanguageLocaleKey: 'en_US',
  };
}

export function organizationRecord(state: EmulatorState): SObjectRecord {
  const org = state.org;
  return {
    Id: org.orgId,
    Name: org.name,
    IsSandbox: org.isSandbox,
    InstanceName: org.instanceName,
    OrganizationType: org.organizationType,
    TrialExpirationDate: org.trialExpirationDate,
    NamespacePrefix: org.namespacePrefix,
    LanguageLocaleKey: 'en_US',
    DefaultLocaleSidKey: 'en_US',
    TimeZoneSidKey: 'America/Los_Angeles',
    Country: 'US',
  };
}

const TABLES: SObjectTable[] = [
  {
    name: 'Organization',
    fields: Object.keys(organizationRecord({ org: {} } as EmulatorState)),
    rows: (state) => [organizationRecord(state)],
  },
  {
    name: 'User',
    fields: Object.keys(userRecord({ username: '', userId: '', displayName: '', email: '', active: true, apiEnabled: true, ipRestricted: false })),
    rows: (state) => state.users.map(userRecord),
  },
  { name: 'ScratchOrgInfo', rows: () => [] },
  { name: 'PermissionSet', fields: ['Id', 'Name', 'Label', 'PermissionsApiEnabled'], rows: permissionSetRows },
  { name: 'Profile', fields: ['Id', 'Name', 'PermissionsApiEnabled'], rows: () => PROFILES },
  { name: 'PermissionSetAssignment', fields: ['Id', 'AssigneeId', 'PermissionSetId'], rows: assignmentRows },
  { name: 'LoginHistory', fields: ['Id', 'UserId', 'LoginTime', 'LoginType', 'Status', 'Application', 'SourceIp', 'LoginUrl'], rows: loginHistoryRows },
];

const TOOLING_TABLES: SObjectTable[] = [
  { name: 'SandboxProcess', rows: () => [] },
  { name: 'SandboxInfo', rows: () => [] },
];

function isIdField(field: string): boolean {
  return field === 'Id' || field.endsWith('Id');
}

function valuesEqual(field: string, actual: unknown, expected: SoqlValue): boolean {
  if (expected === null || actual === null || actual === undefined) return (actual ?? null) === expected;
  if (typeof actual === 'string' && typeof expected === 'string') {
    // Ids compare on their case-sensitive 15-character form; other strings case-insensitively.
    if (isIdField(field)) return actual.slice(0, 15) === expected.slice(0, 15) && expected.length >= 15;
    return actual.toLowerCase() === expected.toLowerCase();
  }
  return actual === expected;
}

function matches(record: SObjectRecord, condition: SoqlCondition, field: string): boolean {
  const actual = record[field];
  const any = condition.values.some((value) => valuesEqual(field, actual, value));
  return condition.op === '=' || condition.op === 'in' ? any : !any;
}

function canonicalField(table: SObjectTable, field: string): string {
  if (!table.fields) return field;
  const found = table.fields.find((f) => f.toLowerCase() === field.toLowerCase());
  if (!found) {
    throw new SoqlError(
      'INVALID_FIELD',
      `No such column '${field}' on entity '${table.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  return found;
}

function recordUrl(version: string, object: string, id: unknown): string {
  return `/services/data/v${version}/${object === 'SandboxProcess' ? 'tooling/' : ''}sobjects/${object}/${String(id)}`;
}

export interface QueryResult {
  totalSize: number;
  done: true;
  records: SObjectRecord[];
}

/** Runs a query; throws SoqlError (→ 400) for what the emulator cannot or Salesforce would not answer. */
export function runQuery(state: EmulatorState, soql: string, version: string, tooling: boolean): QueryResult {
  const query = parseSoql(soql);
  const tables = tooling ? TOOLING_TABLES : TABLES;
  const table = tables.find((t) => t.name.toLowerCase() === query.object.toLowerCase());
  if (!table || (table.name === 'ScratchOrgInfo' && !state.org.isDevHub)) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  const fields = query.fields.map((f) => canonicalField(table, f));
  const conditions = query.where.map((c) => ({ condition: c, field: canonicalField(table, c.field) }));
  let rows = table.rows(state).filter((row) => conditions.every(({ condition, field }) => matches(row, condition, field)));
  if (query.orderBy) {
    const field = canonicalField(table, query.orderBy.field);
    const sign = query.orderBy.descending ? -1 : 1;
    // Nulls first ascending, last descending, as Salesforce sorts them by default.
    const key = (row: SObjectRecord) => (row[field] ?? null) as string | number | boolean | null;
    rows = [...rows].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === y) return 0;
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    });
  }
  if (query.limit !== undefined) rows = rows.slice(0, query.limit);
  if (query.count) return { totalSize: rows.length, done: true, records: [] };
  const records = rows.map((row) => {
    const record: SObjectRecord = { attributes: { type: table.name, url: recordUrl(version, table.name, row.Id) } };
    for (const field of fields) record[field] = row[field] ?? null;
    return record;
  });
  return { totalSize: records.length, done: true, records };
}

/**
 * `query?q=...&columns=true`: the column metadata the Salesforce CLI asks for before `sf data query`
 * (an undocumented REST variant; the shape follows what the CLI reads).
 */
export function queryColumns(state: EmulatorState, soql: string, tooling: boolean): Record<string, unknown> {
  const query = parseSoql(soql);
  // Same validation as the query itself (unknown object or field → SoqlError).
  runQuery(state, soql, '0.0', tooling);
  const tables = tooling ? TOOLING_TABLES : TABLES;
  const table = tables.find((t) => t.name.toLowerCase() === query.object.toLowerCase())!;
  const columns = query.count ? ['expr0'] : query.fields.map((f) => canonicalField(table, f));
  return {
    columnMetadata: columns.map((name) => ({
      aggregate: query.count,
      apexType: name === 'Id' ? 'Id' : query.count ? 'Integer' : 'String',
      booleanType: false,
      columnName: name,
      custom: name.endsWith('__c'),
      displayName: name,
      foreignKeyName: null,
      insertable: false,
      joinColumns: [],
      numberType: query.count,
      textType: !query.count && name !== 'Id',
      updatable: false,
    })),
    entityName: table.name,
    groupBy: false,
    idSelected: columns.includes('Id'),
    keyPrefix: null,
  };
}

/** `GET /services/data/vXX.X/sobjects/<Object>/<id>`: the whole record, or undefined. */
export function retrieveRecord(state: EmulatorState, object: string, id: string, version: string): SObjectRecord | undefined {
  const table = TABLES.find((t) => t.name.toLowerCase() === object.toLowerCase() && t.fields);
  if (!table) return undefined;
  const row = table.rows(state).find((r) => valuesEqual('Id', r.Id, id));
  if (!row) return undefined;
  return { attributes: { type: table.name, url: recordUrl(version, table.name, row.Id) }, ...row };
}
