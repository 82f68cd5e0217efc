import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecaPackage } from '../../../src/admin/metadata.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { makeKeyFiles, type KeyFiles } from '../../helpers/fixtures.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const ADMIN = 'admin-token-123456';
const USER = 'integration@acme.com';
let keys: KeyFiles;
let emu: RunningEmulator;

beforeAll(async () => {
  keys = await makeKeyFiles(await makeTempDir());
  emu = await startEmulator({
    org: { orgId: '00D000000000001AAA', name: 'Acme', isSandbox: false, active: true },
    apps: [],
    users: [{ username: USER, userId: '005000000000001AAA', displayName: 'Integration User', email: USER, active: true }],
    admins: [{ username: 'admin@acme.com', accessToken: ADMIN }],
  });
});
afterAll(() => emu.stop());

const base = () => `${emu.url}/services/data/v66.0`;
const input = (over: Partial<Parameters<typeof ecaPackage>[0]> = {}) => ({
  appName: 'App1', contactEmail: 'a@acme.com', username: USER, certificatePem: keys.certPem, consumerKey: 'KEY1234567890abc', permissionSet: 'sfjwt_app1', ...over,
});

/** Files of a package with some replaced (path → content, or null to drop). */
function zipOf(over: Partial<Parameters<typeof ecaPackage>[0]>, edit: Record<string, string | null> = {}): Uint8Array {
  const files = Object.fromEntries(ecaPackage(input(over), new Date()).files.map((f) => [f.path, f.content]));
  for (const [p, content] of Object.entries(edit)) if (content === null) delete files[p]; else files[p] = content;
  return zipSync(Object.fromEntries(Object.entries(files).map(([p, c]) => [p, strToU8(c)])));
}

async function deploy(zip: Uint8Array, token = ADMIN) {
  const form = new FormData();
  form.append('entity_content', new Blob([JSON.stringify({ deployOptions: { rollbackOnError: true } })], { type: 'application/json' }));
  form.append('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'deploy.zip');
  const posted = await fetch(`${base()}/metadata/deployRequest`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await posted.json()) as any;
  if (posted.status !== 201) return { status: posted.status, body };
  const polled = await fetch(`${base()}/metadata/deployRequest/${body.id}?includeDetails=true`, { headers: { authorization: `Bearer ${token}` } });
  return { status: posted.status, posted: body, body: (await polled.json()) as any };
}

describe('emulator metadata deploy (REST deployRequest)', () => {
  it('answers 201 Pending, then the status in Salesforce\'s shape; the deployed app is known to the token endpoint', async () => {
    const out = await deploy(zipOf({}));
    expect(out.status).toBe(201);
    expect(out.posted.deployResult).toMatchObject({ done: false, status: 'Pending', id: out.posted.id });
    expect(out.body.deployResult).toMatchObject({ done: true, status: 'Succeeded', success: true, numberComponentErrors: 0, numberComponentsDeployed: 7 });
    expect(out.body.deployResult.details.componentSuccesses.map((c: any) => c.fullName)).toContain('App1GlblOAuth');
    const app = emu.state.apps.find((a) => a.config.clientId === 'KEY1234567890abc')!;
    expect(app.config).toMatchObject({ kind: 'eca', policy: 'admin', assignedUsernames: [] });
  });

  it.each([
    ['a certificate that is not one', { certificatePem: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' }, {}, 'ExtlClntAppGlobalOauthSettings', 'App2GlblOAuth', /not a valid PEM/],
    ['a policy naming an unknown permission set', {}, { 'permissionsets/sfjwt_app2.permissionset': null }, 'ExtlClntAppOauthConfigurablePolicies', 'App2OAuthSettings_defaultPolicy', /no PermissionSet named sfjwt_app2/],
    ['a missing required field', { contactEmail: '' }, {}, 'ExternalClientApplication', 'App2', /Required field is missing: contactEmail/],
    ['a consumer key taken by another app', { consumerKey: 'KEY1234567890abc' }, {}, 'ExtlClntAppGlobalOauthSettings', 'App2GlblOAuth', /already taken/],
  ])('%s: componentFailures, and nothing is applied', async (_name, over, edit, type, fullName, problem) => {
    const apps = emu.state.apps.length;
    const sets = emu.state.admin!.permissionSets.length;
    const out = await deploy(zipOf({ appName: 'App2', permissionSet: 'sfjwt_app2', consumerKey: 'KEY2234567890abc', ...over }, edit));
    expect(out.body.deployResult).toMatchObject({ done: true, status: 'Failed', success: false });
    const failures = out.body.deployResult.details.componentFailures;
    expect(failures).toContainEqual(expect.objectContaining({ componentType: type, fullName, success: false, problemType: 'Error', problem: expect.stringMatching(problem) }));
    expect(emu.state.apps).toHaveLength(apps);
    expect(emu.state.admin!.permissionSets).toHaveLength(sets);
  });

  it('refuses sessions that are not an admin\'s (403) and no session (401)', async () => {
    expect((await deploy(zipOf({}), 'nope-nope')).status).toBe(401);
    // A token the run-as user gets through the deployed app's JWT login is not an admin session.
    emu.state.tokens['user-token-xyz'] = { username: USER, userId: '005000000000001AAA', clientId: 'x', scopes: ['api'], issuedAtMs: 0, expiresAtMs: Number.MAX_SAFE_INTEGER };
    const denied = await deploy(zipOf({}), 'user-token-xyz');
    expect(denied.status).toBe(403);
    expect(denied.body[0].errorCode).toBe('INSUFFICIENT_ACCESS');
  });

  it('assigns a permission set once (a second time is DUPLICATE_VALUE), and the assignment admits the user to the app', async () => {
    const q = async (soql: string) => ((await (await fetch(`${base()}/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as any).records;
    const [set] = await q("SELECT Id FROM PermissionSet WHERE Name = 'sfjwt_app1'");
    const [user] = await q(`SELECT Id, IsActive FROM User WHERE Username = '${USER}'`);
    const assign = () => fetch(`${base()}/sobjects/PermissionSetAssignment`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ AssigneeId: user.Id, PermissionSetId: set.Id }),
    });
    expect((await assign()).status).toBe(201);
    const again = await assign();
    expect(again.status).toBe(400);
    expect(((await again.json()) as any)[0].errorCode).toBe('DUPLICATE_VALUE');
    expect(emu.state.apps.find((a) => a.config.clientId === 'KEY1234567890abc')!.config.assignedUsernames).toEqual([USER]);
    expect(await q(`SELECT Id, AssigneeId FROM PermissionSetAssignment WHERE PermissionSetId = '${set.Id}'`)).toHaveLength(1);
  });
});
