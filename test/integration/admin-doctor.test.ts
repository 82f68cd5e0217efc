import { describe, expect, it } from 'vitest';
import { syncDeployedApps } from '../../src/emulator/admin.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { makeKeyFiles } from '../helpers/fixtures.js';
import { adminOrgLifecycle, ORG_USER as USER, zeroClickProfile } from '../helpers/admin-org.js';

const ADMIN_TOKEN = 'admin-session-token-for-doctor-tests';
const adminOrg = adminOrgLifecycle();
let emu: RunningEmulator | undefined;

/** An org where `init --admin` made the profile "ci" (zero clicks); returns its home. */
async function setUp(): Promise<{ home: string; env: Record<string, string>; clientId: string }> {
  emu = await adminOrg.start(ADMIN_TOKEN);
  const home = await adminOrg.home();
  const { env, profile } = await zeroClickProfile(emu, home, ADMIN_TOKEN);
  return { home, env, clientId: profile.clientId };
}

async function doctor(env: Record<string, string>, extra: string[] = ['--admin']) {
  const out = await runInProcess(['doctor', '--json', '-a', 'ci', ...extra], createTestDeps({ env }));
  const doc = out.json();
  const org = Object.fromEntries(doc.result.checks.filter((c: any) => c.id.startsWith('org-')).map((c: any) => [c.id, c.status]));
  return { out, doc, org, first: doc.result.diagnosis[0] };
}

const eca = () => emu!.state.admin!.ecas.sfjwt_ci!;

describe('doctor --admin: the Org checks read Salesforce\'s own records over real HTTP', () => {
  it('all pass on a healthy zero-click set-up; without --admin they are not run', async () => {
    const { env } = await setUp();
    const { out, org } = await doctor(env);
    expect(out.code).toBe(0);
    expect(org).toEqual({ 'org-user': 'pass', 'org-app': 'pass', 'org-certificate': 'pass', 'org-policy': 'pass', 'org-access': 'pass', 'org-login-history': 'pass' });
    expect(out.stdout).not.toContain(ADMIN_TOKEN);
    const plain = await doctor(env, []);
    expect(plain.org).toEqual({});
  });

  it('certificate mismatch: named first, from the org\'s record', async () => {
    const { env, clientId } = await setUp();
    const other = await makeKeyFiles(await adminOrg.home('other-'));
    eca().global!.certificate = other.certPem;
    emu!.replaceCertificate(clientId, other.certPem);
    const { out, org, first } = await doctor(env);
    expect(out.code).toBe(1);
    expect(org['org-certificate']).toBe('fail');
    expect(first.code).toBe('org-certificate-mismatch');
    expect(first.cause).toMatch(/^Salesforce's own record says: sfjwt_ci holds the certificate/);
  });

  it('policy self-authorized: org-policy first', async () => {
    const { env } = await setUp();
    eca().oauthPolicy!.permittedUsersPolicyType = 'AllSelfAuthorized';
    syncDeployedApps(emu!.state, new Date());
    const { org, first } = await doctor(env);
    expect(org['org-policy']).toBe('fail');
    expect(first.code).toBe('org-policy');
  });

  it('user not assigned: org-access-missing first', async () => {
    const { env } = await setUp();
    emu!.state.admin!.assignments = [];
    syncDeployedApps(emu!.state, new Date());
    const { org, first } = await doctor(env);
    expect(org['org-access']).toBe('fail');
    expect(first.code).toBe('org-access-missing');
    expect(first.cause).toMatch(/names permission set sfjwt_ci, and integration@acme.com holds none of them/);
  });

  it('user inactive: org-user-inactive first', async () => {
    const { env } = await setUp();
    emu!.setUserActive(USER, false);
    const { org, first } = await doctor(env);
    expect(org['org-user']).toBe('fail');
    expect(first.code).toBe('org-user-inactive');
  });

  it('API disabled: org-api-disabled first', async () => {
    const { env } = await setUp();
    emu!.updateUser(USER, { apiEnabled: false });
    const { org, first } = await doctor(env);
    expect(org['org-user']).toBe('fail');
    expect(first.code).toBe('org-api-disabled');
  });

  it('a failed login: org-login-history names Salesforce\'s Status verbatim, mapped to its finding, first in the diagnosis', async () => {
    const { env } = await setUp();
    // The profile's Login IP Ranges exclude the caller and the app enforces them: no other Org check sees that.
    emu!.updateUser(USER, { ipRestricted: true });
    expect((await runInProcess(['verify', '--json', '-a', 'ci'], createTestDeps({ env }))).code).toBe(1);
    const { doc, org, first } = await doctor(env);
    expect(org).toMatchObject({ 'org-user': 'pass', 'org-policy': 'pass', 'org-access': 'pass', 'org-login-history': 'fail' });
    const check = doc.result.checks.find((c: any) => c.id === 'org-login-history');
    expect(check.code).toBe('ip-restricted');
    expect(check.summary).toMatch(/^Salesforce's own record says: the latest login of integration@acme.com \(\d{4}-\d\d-\d\dT[\d:.]+\+0000\) failed with "Restricted IP"$/);
    // Newest first, at most 10: time, type, status; the zero-click init's verification succeeded earlier.
    expect(check.details.length).toBeLessThanOrEqual(10);
    expect(check.details[0]).toMatch(/^\S+ {2}Remote Access 2\.0 {2}Restricted IP$/);
    expect(check.details.at(-1)).toMatch(/ {2}Success$/);
    expect(first.code).toBe('ip-restricted');
    expect(first.cause).toContain('"Restricted IP"');
  });

  it('the emulator answers the LoginHistory query sfjwt sends, newest first, with Salesforce\'s Status strings', async () => {
    const { env } = await setUp();
    emu!.state.admin!.assignments = [];
    syncDeployedApps(emu!.state, new Date());
    await runInProcess(['verify', '--json', '-a', 'ci'], createTestDeps({ env }));
    const soql = "SELECT LoginTime, LoginType, Status, Application FROM LoginHistory WHERE UserId = '005000000000001AAA' ORDER BY LoginTime DESC LIMIT 10";
    const response = await fetch(`${emu!.url}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const rows = (await response.json()).records;
    expect(rows[0]).toMatchObject({ LoginType: 'Remote Access 2.0', Status: 'Failed: Not approved for access', Application: 'sfjwt_ci' });
    expect(rows.at(-1).Status).toBe('Success');
    const times = rows.map((r: any) => r.LoginTime);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('an invalid admin session is one admin-session failure, the other Org checks skipped', async () => {
    const { env } = await setUp();
    const { org, doc } = await doctor({ ...env, SFJWT_ADMIN_ACCESS_TOKEN: 'stale-token-value' });
    expect(org['org-user']).toBe('fail');
    expect(doc.result.checks.find((c: any) => c.id === 'org-user').code).toBe('admin-session');
    expect(org['org-app']).toBe('skip');
  });
});
