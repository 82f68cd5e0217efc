import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syncDeployedApps } from '../../src/emulator/admin.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { makeKeyFiles } from '../helpers/fixtures.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const USER = 'integration@acme.com';
const ADMIN_TOKEN = 'admin-session-token-for-doctor-tests';
let dir: string;
let emu: RunningEmulator | undefined;

beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

/** An org where `init --admin` made the profile "ci" (zero clicks); returns its home. */
async function setUp(): Promise<{ home: string; env: Record<string, string>; clientId: string }> {
  emu = await startEmulator({
    org: { orgId: '00D000000000001AAA', name: 'Acme', isSandbox: false, active: true },
    apps: [],
    users: [{ username: USER, userId: '005000000000001AAA', displayName: 'Integration User', email: USER, active: true }],
    admins: [{ username: 'admin@acme.com', accessToken: ADMIN_TOKEN }],
  });
  const home = await fs.mkdtemp(path.join(dir, 'home-'));
  const env = { SFJWT_HOME: home, SFJWT_ADMIN_INSTANCE_URL: emu.url, SFJWT_ADMIN_ACCESS_TOKEN: ADMIN_TOKEN };
  const init = await runInProcess(['init', '--json', '--admin', '-a', 'ci', '--username', USER], createTestDeps({ env }));
  expect(init.code).toBe(0);
  return { home, env, clientId: init.json().result.profile.clientId };
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
    expect(org).toEqual({ 'org-user': 'pass', 'org-app': 'pass', 'org-certificate': 'pass', 'org-policy': 'pass', 'org-access': 'pass' });
    expect(out.stdout).not.toContain(ADMIN_TOKEN);
    const plain = await doctor(env, []);
    expect(plain.org).toEqual({});
  });

  it('certificate mismatch: named first, from the org\'s record', async () => {
    const { env, clientId } = await setUp();
    const other = await makeKeyFiles(path.join(dir, 'other'));
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

  it('an invalid admin session is one admin-session failure, the other Org checks skipped', async () => {
    const { env } = await setUp();
    const { org, doc } = await doctor({ ...env, SFJWT_ADMIN_ACCESS_TOKEN: 'stale-token-value' });
    expect(org['org-user']).toBe('fail');
    expect(doc.result.checks.find((c: any) => c.id === 'org-user').code).toBe('admin-session');
    expect(org['org-app']).toBe('skip');
  });
});
