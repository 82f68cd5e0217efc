/**
 * The authenticated resources a client calls after the token exchange: identity URL, userinfo and a
 * minimal REST API (versions, resource map, limits, query, tooling query, record retrieve).
 */
import { queryColumns, retrieveRecord, runQuery } from './records.js';
import { SoqlError } from './soql.js';
import type { EmulatorState, EmulatorUserConfig, IssuedToken } from './types.js';

export const LATEST_API_VERSION = '66.0';
const OLDEST_API_VERSION = 31;
const DAILY_API_MAX = 15000;

export interface JsonAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Error code for the request log. */
  error?: string;
}

export const INVALID_SESSION: JsonAnswer = {
  status: 401,
  body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }],
  headers: { 'www-authenticate': 'Token' },
  error: 'INVALID_SESSION_ID',
};

export const NOT_FOUND: JsonAnswer = {
  status: 404,
  body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
  error: 'NOT_FOUND',
};

const API_DISABLED: JsonAnswer = {
  status: 403,
  body: [{ errorCode: 'API_DISABLED_FOR_ORG', message: 'The REST API is not enabled for this Organization.' }],
  error: 'API_DISABLED_FOR_ORG',
};

const NO_API_SCOPE: JsonAnswer = {
  status: 401,
  body: [{ message: 'This session is not valid for use with the REST API', errorCode: 'INVALID_SESSION_ID' }],
  error: 'INVALID_SESSION_ID',
};

/** Release label of an API version: v66.0 is Spring '26, one release back per version. */
function releaseLabel(version: number): string {
  const back = 66 - version;
  const seasons = ['Spring', 'Winter', 'Summer'] as const;
  const season = seasons[back % 3]!;
  // Spring '26 → Winter '26 → Summer '25 → Spring '25 ...
  const year = 26 - Math.floor((back + 1) / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

export function apiVersions(): Array<{ label: string; url: string; version: string }> {
  const versions = [];
  for (let v = OLDEST_API_VERSION; v <= Number(LATEST_API_VERSION); v++) {
    versions.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return versions;
}

export function isSupportedVersion(version: string): boolean {
  return apiVersions().some((v) => v.version === version);
}

type User = Required<EmulatorUserConfig>;

export interface Session {
  token: IssuedToken;
  user: User;
}

/** Resolves the bearer token of a request; undefined answers 401 INVALID_SESSION_ID. */
export function authenticate(
  state: EmulatorState,
  authorization: string | undefined,
  queryToken: string | null,
  serverNow: Date,
): Session | undefined {
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(authorization ?? '');
  const value = match?.[1] ?? queryToken ?? undefined;
  if (!value) return undefined;
  const token = state.tokens[value];
  if (!token) return undefined;
  if (token.expiresAtMs <= serverNow.getTime()) {
    delete state.tokens[value];
    return undefined;
  }
  const user = state.users.find((u) => u.username.toLowerCase() === token.username.toLowerCase());
  if (!user || !user.active) return undefined;
  return { token, user };
}

function id15(id: string): string {
  return id.slice(0, 15);
}

function identityUrls(state: EmulatorState, user: User): Record<string, string> {
  const base = state.baseUrl;
  const org15 = id15(state.org.orgId);
  const data = `${base}/services/data/v{version}`;
  return {
    enterprise: `${base}/services/Soap/c/{version}/${org15}`,
    metadata: `${base}/services/Soap/m/{version}/${org15}`,
    partner: `${base}/services/Soap/u/{version}/${org15}`,
    rest: `${data}/`,
    sobjects: `${data}/sobjects/`,
    search: `${data}/search/`,
    query: `${data}/query/`,
    recent: `${data}/recent/`,
    tooling_soap: `${base}/services/Soap/T/{version}/${org15}`,
    tooling_rest: `${data}/tooling/`,
    profile: `${base}/${user.userId}`,
    feeds: `${data}/chatter/feeds`,
    groups: `${data}/chatter/groups`,
    users: `${data}/chatter/users`,
    feed_items: `${data}/chatter/feed-items`,
    feed_elements: `${data}/chatter/feed-elements`,
    custom_domain: base,
  };
}

/** `?version=66.0` on the identity URL fills the `{version}` placeholders, as Salesforce does. */
function withVersion(urls: Record<string, string>, version?: string | null): Record<string, string> {
  if (!version || !/^\d+\.\d$/.test(version)) return urls;
  return Object.fromEntries(Object.entries(urls).map(([key, url]) => [key, url.replaceAll('{version}', version)]));
}

function names(user: User): { first: string | null; last: string } {
  const parts = user.displayName.trim().split(/\s+/);
  if (parts.length < 2) return { first: null, last: user.displayName.trim() };
  return { first: parts.slice(0, -1).join(' '), last: parts[parts.length - 1]! };
}

function photos(state: EmulatorState): { picture: string; thumbnail: string } {
  return {
    picture: `${state.baseUrl}/profilephoto/005/F`,
    thumbnail: `${state.baseUrl}/profilephoto/005/T`,
  };
}

/** `GET /id/<orgId>/<userId>`. */
export function identity(
  state: EmulatorState,
  session: Session,
  orgId: string,
  userId: string,
  version?: string | null,
): JsonAnswer {
  const { user } = session;
  // [INF] Salesforce refuses an identity URL of another org or user; the exact answer is unverified.
  if (id15(orgId) !== id15(state.org.orgId) || id15(userId) !== id15(user.userId)) {
    return { status: 403, body: [{ errorCode: 'Bad_Id', message: 'Bad_Id' }], error: 'Bad_Id' };
  }
  const { first, last } = names(user);
  return {
    status: 200,
    body: {
      id: `${state.baseUrl}/id/${state.org.orgId}/${user.userId}`,
      asserted_user: true,
      user_id: user.userId,
      organization_id: state.org.orgId,
      username: user.username,
      nick_name: user.username.split('@')[0] ?? user.username,
      display_name: user.displayName,
      email: user.email,
      email_verified: true,
      first_name: first,
      last_name: last,
      timezone: 'America/Los_Angeles',
      photos: photos(state),
      addr_street: null,
      addr_city: null,
      addr_state: null,
      addr_country: 'US',
      addr_zip: null,
      mobile_phone: null,
      mobile_phone_verified: false,
      is_lightning_login_user: false,
      status: { created_date: null, body: null },
      urls: withVersion(identityUrls(state, user), version),
      active: user.active,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: -28800000,
      last_modified_date: '2026-01-01T00:00:00.000+0000',
      is_app_installed: true,
    },
  };
}

/** `GET /services/oauth2/userinfo` (OIDC shape). */
export function userinfo(state: EmulatorState, session: Session): JsonAnswer {
  const { user } = session;
  const { first, last } = names(user);
  return {
    status: 200,
    body: {
      sub: `${state.baseUrl}/id/${state.org.orgId}/${user.userId}`,
      user_id: user.userId,
      organization_id: state.org.orgId,
      preferred_username: user.username,
      nickname: user.username.split('@')[0] ?? user.username,
      name: user.displayName,
      email: user.email,
      email_verified: true,
      given_name: first,
      family_name: last,
      zoneinfo: 'America/Los_Angeles',
      photos: photos(state),
      profile: `${state.baseUrl}/${user.userId}`,
      picture: photos(state).picture,
      address: { country: 'US' },
      is_salesforce_integration_user: false,
      urls: identityUrls(state, user),
      active: user.active,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: -28800000,
      updated_at: '2026-01-01T00:00:00Z',
      is_app_installed: true,
    },
  };
}

function dataAccess(session: Session): JsonAnswer | undefined {
  if (!session.user.apiEnabled) return API_DISABLED;
  if (!session.token.scopes.includes('api') && !session.token.scopes.includes('full')) return NO_API_SCOPE;
  return undefined;
}

function apiUsage(state: EmulatorState): Record<string, string> {
  return { 'sforce-limit-info': `api-usage=${state.counters.apiCalls}/${DAILY_API_MAX}` };
}

/**
 * `GET /services/data/vXX.X/<rest>` for an authenticated session. `rest` is the path after the
 * version, without leading or trailing slashes ('' for the resource map).
 */
export function dataResource(
  state: EmulatorState,
  session: Session,
  version: string,
  rest: string,
  query: URLSearchParams,
): JsonAnswer {
  const denied = dataAccess(session);
  if (denied) return denied;
  if (!isSupportedVersion(version)) return NOT_FOUND;
  const prefix = `/services/data/v${version}`;
  const ok = (body: unknown): JsonAnswer => ({ status: 200, body, headers: apiUsage(state) });

  if (rest === '') {
    const names = ['tooling', 'metadata', 'eclair', 'folders', 'jsonxform', 'chatter', 'tabs', 'appMenu', 'quickActions',
      'queryAll', 'commerce', 'wave', 'analytics', 'search', 'identity', 'composite', 'parameterizedSearch', 'theme',
      'nouns', 'event', 'serviceTemplates', 'recent', 'connect', 'licensing', 'limits', 'process', 'async-queries',
      'query', 'match', 'emailConnect', 'compactLayouts', 'knowledgeManagement', 'sobjects', 'actions', 'support'];
    const map: Record<string, string> = {};
    for (const name of names) map[name] = name === 'identity' ? `${state.baseUrl}/id/${state.org.orgId}/${session.user.userId}` : `${prefix}/${name}`;
    return ok(map);
  }
  if (rest === 'limits') {
    const limit = (max: number, used = 0) => ({ Max: max, Remaining: max - used });
    return ok({
      ConcurrentAsyncGetReportInstances: limit(200),
      ConcurrentSyncReportRuns: limit(20),
      DailyApiRequests: limit(DAILY_API_MAX, state.counters.apiCalls),
      DailyAsyncApexExecutions: limit(250000),
      DailyBulkApiBatches: limit(15000),
      DailyBulkV2QueryJobs: limit(10000),
      DailyStreamingApiEvents: limit(10000),
      DataStorageMB: limit(5),
      FileStorageMB: limit(20),
      HourlyTimeBasedWorkflow: limit(1000),
      SingleEmail: limit(15),
    });
  }
  if (rest === 'query' || rest === 'queryAll' || rest === 'tooling/query') {
    const soql = query.get('q');
    if (!soql) {
      return { status: 400, body: [{ errorCode: 'MALFORMED_QUERY', message: 'A query string has to be specified' }], error: 'MALFORMED_QUERY' };
    }
    const tooling = rest === 'tooling/query';
    try {
      if (query.get('columns') === 'true') return ok(queryColumns(state, soql, tooling));
      const result = runQuery(state, soql, version, tooling);
      if (!tooling) return ok(result);
      const entityTypeName = result.records.length > 0 ? ((result.records[0]!.attributes as { type: string }).type) : null;
      return ok({ size: result.totalSize, totalSize: result.totalSize, done: true, queryLocator: null, entityTypeName, records: result.records });
    } catch (error) {
      if (!(error instanceof SoqlError)) throw error;
      return { status: 400, body: [{ message: error.message, errorCode: error.errorCode }], error: error.errorCode };
    }
  }
  const record = /^sobjects\/([A-Za-z]+)\/([A-Za-z0-9]{15,18})$/.exec(rest);
  if (record) {
    const found = retrieveRecord(state, record[1]!, record[2]!, version);
    return found ? ok(found) : NOT_FOUND;
  }
  return NOT_FOUND;
}
