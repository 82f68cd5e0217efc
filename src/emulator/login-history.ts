/**
 * LoginHistory rows (SALESFORCE.md §16.7): one per token attempt that names a user of the org, with
 * LoginType "Remote Access 2.0" and Salesforce's Status strings. Pure, like the handler.
 */
import { findUser } from './state.js';
import type { EmulatorState, OAuthError } from './types.js';
import { ERRORS } from './token.js';

export interface LoginHistoryRow {
  Id: string;
  UserId: string;
  /** Server clock, in the REST API's `2026-01-02T03:04:05.000+0000` form. */
  LoginTime: string;
  LoginType: string;
  Status: string;
  Application: string;
  SourceIp: string;
  LoginUrl: string;
}

const LIMIT = 1000;

/**
 * Status per token-endpoint answer once the org's app and user are known. Seen in public sources:
 * "Success", "Failed: Not approved for access", "Restricted IP", "User is Inactive" (§16.7, §4,
 * Q&A). The others are plausible spellings [INF]: Salesforce documents no list.
 */
const STATUS = new Map<OAuthError, string>([
  [ERRORS.userNotApproved, 'Failed: Not approved for access'],
  [ERRORS.notAdminApproved, 'Failed: Not approved for access'],
  [ERRORS.ipRestricted, 'Restricted IP'],
  [ERRORS.inactiveUser, 'User is Inactive'],
  [ERRORS.invalidAssertion, 'Failed: Invalid Assertion'],
  [ERRORS.expired, 'Failed: Assertion Expired'],
  [ERRORS.highAssurance, 'Failed: High Assurance Session Required'],
  [ERRORS.loginRateExceeded, 'Failed: Login Rate Exceeded'],
  [ERRORS.inactiveOrg, 'Failed: Organization Inactive'],
]);

/** undefined: the attempt failed before the org's app was known (grant, consumer key, audience). */
export function loginStatus(error: OAuthError | undefined): string | undefined {
  return error === undefined ? 'Success' : STATUS.get(error);
}

/**
 * Records one attempt. Only an attempt Salesforce can tie to this org's app and to one of its users
 * leaves a row; one sent with another audience or consumer key is in no user's Login History.
 */
export function recordLogin(state: EmulatorState, claims: Record<string, unknown> | undefined, error: OAuthError | undefined, serverNow: Date): void {
  const subject = claims?.prn !== undefined ? claims.prn : claims?.sub;
  const user = typeof subject === 'string' ? findUser(state, subject) : undefined;
  const status = loginStatus(error);
  if (!user || status === undefined) return;
  const rows = (state.loginHistory ??= []);
  const iss = typeof claims?.iss === 'string' ? claims.iss : '';
  const eca = Object.values(state.admin?.ecas ?? {}).find((e) => e.global?.consumerKey === iss);
  rows.push({
    Id: `0Ya${String(state.counters.tokenRequests).padStart(12, '0')}AAA`,
    UserId: user.userId,
    LoginTime: serverNow.toISOString().replace('Z', '+0000'),
    LoginType: 'Remote Access 2.0',
    Status: status,
    Application: eca ? (eca.fields.label ?? eca.name) : 'N/A',
    SourceIp: '127.0.0.1',
    LoginUrl: new URL(state.baseUrl).host,
  });
  if (rows.length > LIMIT) rows.splice(0, rows.length - LIMIT);
}

/** Newest first, as Setup's Login History lists them (rows of the same millisecond stay in that order). */
export function loginHistoryRows(state: EmulatorState): Record<string, unknown>[] {
  return (state.loginHistory ?? []).map((row) => ({ ...row })).reverse();
}
