/**
 * The "Org" checks: what Salesforce's own records say, read with an admin session
 * (src/admin/org-records.ts, once per profile). One file for the six: they share that one read
 * and its failure handling. Without a session they are not in the run at all.
 */
import type { LoginRow, OrgRecords } from '../../admin/org-records.js';
import { fingerprintSha256 } from '../../crypto/inspect.js';
import { isCliError } from '../../errors.js';
import type { FindingCode } from '../../salesforce/codes.js';
import { cleanServerText } from '../../salesforce/trust.js';
import { finding, notApplicable, pass } from '../outcome.js';
import type { Check, CheckContext, CheckOutcome, CheckResult, Diagnosis } from '../types.js';

type Read = { ok: true; records: OrgRecords } | { ok: false; outcome: CheckOutcome };

async function read(ctx: CheckContext): Promise<Read> {
  if (!ctx.org) return { ok: false, outcome: notApplicable('no admin session: pass --admin or --admin-org') };
  try {
    return { ok: true, records: await ctx.org() };
  } catch (error) {
    if (!isCliError(error) || error.code === 'internal') throw error;
    return { ok: false, outcome: finding(ctx, 'fail', error.code, error.message, error.hint ? { hint: error.hint } : {}) };
  }
}

/** An Org check: its records read (once, shared), or the read's failure, before its own logic. */
function orgCheck(meta: Pick<Check, 'id' | 'title' | 'codes'> & { requires?: string[] }, judge: (ctx: CheckContext, records: OrgRecords) => Promise<CheckOutcome> | CheckOutcome): Check {
  return {
    ...meta,
    category: 'org',
    network: true,
    async run(ctx) {
      const got = await read(ctx);
      return got.ok ? judge(ctx, got.records) : got.outcome;
    },
  };
}

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const orgUser = orgCheck({ id: 'org-user', title: 'Run-as user (org record)', codes: ['org-user-inactive', 'org-api-disabled', 'admin-session'] }, async (ctx, records) => {
  const { user, profile, permissionSets } = records;
  const name = ctx.settings.username ?? 'the run-as user';
  // The app checks below still tell their own story: a user finding does not hold them back.
  if (!user) return finding(ctx, 'fail', 'org-user-inactive', `Salesforce's own record says: there is no user ${name} in this org`, { satisfies: true });
  if (!user.IsActive) return finding(ctx, 'fail', 'org-user-inactive', `Salesforce's own record says: the user ${name} is inactive`, { satisfies: true });
  const grants = [...(profile?.PermissionsApiEnabled ? [`profile ${profile.Name}`] : []), ...permissionSets.filter((p) => p.PermissionsApiEnabled).map((p) => `permission set ${p.Name}`)];
  if (grants.length === 0) {
    return finding(ctx, 'fail', 'org-api-disabled', `Salesforce's own record says: neither the profile ${profile?.Name ?? '(unknown)'} nor an assigned permission set of ${name} grants API Enabled`, { satisfies: true });
  }
  return pass(`${name} is active; API Enabled through ${grants.join(', ')}`);
});

export const orgApp = orgCheck({ id: 'org-app', title: 'External Client App (org record)', codes: ['org-app-missing'], requires: ['org-user'] }, async (ctx, records) => {
  const app = records.app;
  if (!app) return notApplicable("the app's name is unknown (the profile was not made by `sfjwt init --admin`)");
  if (!app.global || !app.policy) return finding(ctx, 'fail', 'org-app-missing', `Salesforce's own record says: there is no External Client App ${app.name} (or its OAuth settings) in this org`);
  if (app.policy.isEnabled === 'false') return finding(ctx, 'fail', 'org-app-missing', `Salesforce's own record says: the External Client App ${app.name} is disabled`);
  const key = app.global.consumerKey;
  if (key && ctx.settings.clientId && key !== ctx.settings.clientId) {
    return finding(ctx, 'fail', 'org-app-missing', `Salesforce's own record says: ${app.name} has another consumer key than this profile's`, { hint: `Use the app's consumer key (--client-id), or rerun \`sfjwt init --admin\`.` });
  }
  return pass(`${app.name} exists and is enabled${key ? ', with this consumer key' : ''}`);
});

export const orgCertificate = orgCheck({ id: 'org-certificate', title: 'Certificate the app holds (org record)', codes: ['org-certificate-mismatch'], requires: ['org-app'] }, async (ctx, records) => {
  const app = records.app;
  if (!app?.global) return notApplicable('no app to read the certificate from');
  if (!app.global.certificate) return finding(ctx, 'fail', 'org-certificate-mismatch', `Salesforce's own record says: ${app.name} holds no certificate, so its JWT bearer flow is off`);
  const local = await ctx.memo.certText();
  if (!local.ok) return notApplicable('no local certificate to compare with');
  const theirs = fingerprintSha256(app.global.certificate);
  const ours = fingerprintSha256(local.text);
  if (theirs !== ours) {
    return finding(ctx, 'fail', 'org-certificate-mismatch', `Salesforce's own record says: ${app.name} holds the certificate ${theirs}, not ${local.path} (${ours})`);
  }
  return pass(`${app.name} holds ${local.path} (SHA-256 ${ours})`);
});

export const orgPolicy = orgCheck({ id: 'org-policy', title: 'OAuth policy (org record)', codes: ['org-policy'], requires: ['org-app'] }, async (ctx, records) => {
  const app = records.app;
  if (!app) return notApplicable('no app to read the policy from');
  const policy = app.oauthPolicy;
  if (!policy) return finding(ctx, 'fail', 'org-policy', `Salesforce's own record says: ${app.name} has no OAuth policy`);
  if (policy.permittedUsersPolicyType !== 'AdminApprovedPreAuthorized') {
    return finding(ctx, 'fail', 'org-policy', `Salesforce's own record says: Permitted Users of ${app.name} is ${policy.permittedUsersPolicyType ?? 'unset'}, not "Admin approved users are pre-authorized"`);
  }
  if (policy.requiredSessionLevel === 'HIGH_ASSURANCE') return finding(ctx, 'fail', 'org-policy', `Salesforce's own record says: ${app.name} requires a High Assurance session, which a JWT login never has`);
  return pass(`admin-approved users are pre-authorized; IP relaxation ${policy.ipRelaxationPolicyType ?? 'Enforce'} (JWT logins still honour the profile's Login IP Ranges)`);
});

export const orgAccess = orgCheck({ id: 'org-access', title: 'App access of the run-as user (org record)', codes: ['org-access-missing'], requires: ['org-policy'] }, async (ctx, records) => {
  const { app, user, profile, permissionSets } = records;
  if (!app?.oauthPolicy || !user) return notApplicable('no policy or user to compare');
  const sets = list(app.oauthPolicy.commaSeparatedPermissionSet);
  const profiles = list(app.oauthPolicy.commaSeparatedProfile);
  const held = permissionSets.find((p) => sets.some((s) => s === p.Name || s.slice(0, 15) === p.Id.slice(0, 15)));
  if (held) return pass(`through the permission set ${held.Name}`);
  if (profile && profiles.includes(profile.Name)) return pass(`through the profile ${profile.Name}`);
  const named = [...sets.map((s) => `permission set ${s}`), ...profiles.map((p) => `profile ${p}`)].join(', ') || 'nothing';
  return finding(ctx, 'fail', 'org-access-missing', `Salesforce's own record says: the policy of ${app.name} names ${named}, and ${ctx.settings.username ?? 'the run-as user'} holds none of them`);
});

/**
 * A LoginHistory Status to the finding it means. Salesforce documents no list: these are the
 * strings seen in public sources (SALESFORCE.md §16.7, §4) and their plain variants.
 */
const LOGIN_STATUS: [RegExp, FindingCode][] = [
  [/not approved for access/i, 'org-access-missing'],
  [/restricted ip|ip restricted|login hours/i, 'ip-restricted'],
  [/inactive|frozen/i, 'org-user-inactive'],
  [/assertion expired|expired/i, 'assertion-expired'],
  [/audience/i, 'audience-invalid'],
  [/assertion|signature|certificate/i, 'invalid-assertion'],
  [/consumer key|client id/i, 'client-id-invalid'],
  [/high assurance/i, 'org-policy'],
  [/rate/i, 'login-rate-exceeded'],
  [/organization|org is/i, 'inactive-org'],
];

export function loginStatusCode(status: string): FindingCode {
  return LOGIN_STATUS.find(([pattern]) => pattern.test(status))?.[1] ?? 'authentication-failure';
}

const loginLine = (row: LoginRow) => `${cleanServerText(row.LoginTime, 40)}  ${cleanServerText(row.LoginType, 40)}  ${cleanServerText(row.Status, 200)}`;

export const orgLoginHistory = orgCheck(
  { id: 'org-login-history', title: 'Login History of the run-as user (org record)', codes: [...new Set(LOGIN_STATUS.map(([, code]) => code)), 'authentication-failure', 'admin-session'], requires: ['org-user'] },
  (ctx, records) => {
    const name = ctx.settings.username ?? 'the run-as user';
    const { logins } = records;
    if (!records.user) return notApplicable('no user to read the Login History of');
    if (!Array.isArray(logins)) {
      return finding(ctx, 'warn', 'admin-session', `the Login History of ${name} could not be read: ${logins.unreadable}`, { hint: 'Grant the admin user "Monitor Login History" (or "Manage Users").' });
    }
    if (logins.length === 0) return notApplicable(`no login of ${name} is recorded: an attempt that never reached this org's user (another host, org or consumer key) leaves no row`);
    const details = logins.map(loginLine);
    const [latest] = logins;
    const failure = logins.find((row) => row.Status !== 'Success');
    if (latest!.Status !== 'Success') {
      const status = cleanServerText(latest!.Status, 200);
      return finding(ctx, 'fail', loginStatusCode(status), `Salesforce's own record says: the latest login of ${name} (${cleanServerText(latest!.LoginTime, 40)}) failed with "${status}"`, { details });
    }
    const earlier = failure ? `; an earlier one (${cleanServerText(failure.LoginTime, 40)}) failed with "${cleanServerText(failure.Status, 200)}"` : '';
    return pass(`the latest login of ${name} (${cleanServerText(latest!.LoginTime, 40)}) succeeded${earlier}`, details);
  },
);

export const ORG_CHECKS: readonly Check[] = [orgUser, orgApp, orgCertificate, orgPolicy, orgAccess, orgLoginHistory];

/** Org-record failures come first in the diagnosis: Salesforce's own record outranks a guess. */
export function orgDiagnosis(checks: readonly CheckResult[]): Diagnosis[] {
  return checks
    .filter((c, i, all) => c.category === 'org' && c.status === 'fail' && c.code && all.findIndex((o) => o.category === 'org' && o.status === 'fail' && o.code === c.code) === i)
    .map((c) => ({ code: c.code!, cause: c.summary, fix: c.fix?.hint ?? '', setupUrl: c.fix?.url ?? null, command: c.fix?.command ?? null }));
}
