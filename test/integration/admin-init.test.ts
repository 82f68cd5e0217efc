import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { EmulatorConfig } from '../../src/emulator/types.js';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { adminOrgLifecycle, ORG_USER as USER } from '../helpers/admin-org.js';

const ADMIN_TOKEN = '00D000000000001AAA!AdminSessionTokenThatMustNeverLeak';

const adminOrg = adminOrgLifecycle();
let emulator: RunningEmulator | undefined;

/** An org with no app at all: only the run-as user and an admin with a session. */
async function start(patch?: (c: EmulatorConfig) => void): Promise<RunningEmulator> {
  emulator = await adminOrg.start(ADMIN_TOKEN, patch);
  return emulator;
}

const home = () => adminOrg.home();

function cli(argv: string[], sfjwtHome: string, env: Record<string, string> = {}) {
  return runInProcess(argv, createTestDeps({ env: { SFJWT_HOME: sfjwtHome, ...env } }));
}

function adminEnv(emu: RunningEmulator, token = ADMIN_TOKEN): Record<string, string> {
  return { SFJWT_ADMIN_INSTANCE_URL: emu.url, SFJWT_ADMIN_ACCESS_TOKEN: token };
}

const initArgs = (alias = 'ci') => ['init', '--json', '--admin', '-a', alias, '--username', USER];

/** Every file under dir, as text. */
async function allFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(await fs.readFile(path.join(entry.parentPath, entry.name), 'utf8'));
  }
  return out;
}

describe('init --admin against the emulator over real HTTP (zero clicks)', () => {
  it('deploys the app and the permission set, assigns it, saves the profile and verifies the login; the admin token leaks nowhere', async () => {
    const emu = await start();
    const h = await home();
    const out = await cli(initArgs(), h, adminEnv(emu));
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const doc = out.json();
    expect(doc.ok).toBe(true);
    expect(doc.result.deployment).toMatchObject({ status: 'Succeeded', id: expect.stringMatching(/^0Af/) });
    expect(doc.result.deployment.components.map((c: { type: string }) => c.type).sort()).toEqual([
      'ExternalClientApplication', 'ExtlClntAppConfigurablePolicies', 'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppOauthSettings', 'PermissionSet',
    ]);
    expect(doc.result.permissionSet).toEqual({ name: 'sfjwt_ci', assigned: true });
    expect(doc.result.profile).toMatchObject({ alias: 'ci', appKind: 'eca', managedBy: 'admin', appName: 'sfjwt_ci', username: USER, loginUrl: emu.url });
    expect(doc.result.profile.lastVerified).toBeDefined();
    expect(doc.result.verification).toMatchObject({ username: USER, organizationId: '00D000000000001AAA' });
    // The deployed app is what the token endpoint now knows, with the chosen consumer key.
    expect(emu.state.apps.map((a) => a.config.clientId)).toEqual([doc.result.profile.clientId]);
    expect(doc.result.profile.clientId).toMatch(/^[A-Za-z0-9]{85}$/);
    // The deploy went out as multipart with a zip, to the admin instance only.
    expect(emu.requests.some((r) => r.method === 'POST' && /\/metadata\/deployRequest$/.test(r.path) && r.status === 201)).toBe(true);

    // A plain verify of the saved profile works too.
    const verify = await cli(['verify', '--json', '-a', 'ci'], h);
    expect(verify.code).toBe(0);

    // Sweep: the admin token is in no output and no file.
    for (const text of [out.stdout, out.stderr, verify.stdout, verify.stderr, ...(await allFiles(h))]) expect(text).not.toContain(ADMIN_TOKEN);
  });

  it('a rerun is idempotent: same app and consumer key, the assignment already there is success, the key pair kept', async () => {
    const emu = await start();
    const h = await home();
    const first = (await cli(initArgs(), h, adminEnv(emu))).json();
    const certBefore = await fs.readFile(first.result.files.certPath, 'utf8');
    const again = await cli(initArgs(), h, adminEnv(emu));
    expect(again.code).toBe(0);
    const doc = again.json();
    expect(doc.result.profile.clientId).toBe(first.result.profile.clientId);
    expect(doc.result.permissionSet).toEqual({ name: 'sfjwt_ci', assigned: true });
    expect(await fs.readFile(first.result.files.certPath, 'utf8')).toBe(certBefore);
    expect(emu.state.apps).toHaveLength(1);
    expect(emu.state.admin!.assignments).toHaveLength(1);
    expect(emu.requests.filter((r) => r.path.endsWith('/sobjects/PermissionSetAssignment')).map((r) => r.status)).toEqual([201, 400]);
  });

  it('a refused component is deploy-failed naming the component, problem and fix; nothing is saved or verified', async () => {
    const emu = await start();
    expect((await cli(initArgs(), await home(), adminEnv(emu))).code).toBe(0);
    // Another machine, same app name, a freshly chosen consumer key: the org refuses to change the key.
    const h = await home();
    const out = await cli(initArgs(), h, adminEnv(emu));
    expect(out.code).toBe(1);
    const doc = out.json();
    expect(doc.error.code).toBe('deploy-failed');
    expect(doc.error.message).toMatch(/ExtlClntAppGlobalOauthSettings sfjwt_ciGlblOAuth: The consumer key of an existing External Client App cannot be changed\. \(fix: .*consumer key/);
    expect(doc.result?.deployment?.componentFailures?.[0]).toMatchObject({ type: 'ExtlClntAppGlobalOauthSettings', fullName: 'sfjwt_ciGlblOAuth' });
    const profiles = await cli(['profiles', 'list', '--json'], h);
    expect(profiles.json().result.profiles).toEqual([]);
    expect(emu.requests.filter((r) => r.path === '/services/oauth2/token')).toHaveLength(1);
  });

  it('an invalid admin token is admin-session, exit 2 naming the fix; a non-admin token is admin-session naming the permission', async () => {
    const emu = await start();
    const expired = await cli(initArgs(), await home(), adminEnv(emu, 'not-a-session-token'));
    expect(expired.code).toBe(2);
    expect(expired.json().error).toMatchObject({ code: 'admin-session', hint: expect.stringMatching(/SFJWT_ADMIN_ACCESS_TOKEN/) });
    expect(expired.stdout).not.toContain('not-a-session-token');

    // The run-as user's own token (from a first, admin-made set-up) cannot deploy.
    const h = await home();
    expect((await cli(initArgs(), h, adminEnv(emu))).code).toBe(0);
    const token = (await cli(['token', '-a', 'ci'], h)).stdout.trim();
    const out = await cli(initArgs('other'), await home(), adminEnv(emu, token));
    expect(out.code).toBe(1);
    expect(out.json().error.code).toBe('admin-session');
    expect(out.json().error.message).toMatch(/lacks the "Modify Metadata/);
  });

  it('--dry-run prints the zip files and every call, and sends nothing', async () => {
    const emu = await start();
    const h = await home();
    const out = await cli([...initArgs(), '--dry-run'], h, adminEnv(emu));
    expect(out.code).toBe(0);
    const doc = out.json();
    expect(doc.result.files).toContain('extlClntAppGlobalOauthSets/sfjwt_ciGlblOAuth.ecaGlblOauth');
    expect(doc.result.files).toContain('package.xml');
    expect(doc.result.calls.join('\n')).toMatch(/POST .*metadata\/deployRequest[\s\S]*PermissionSetAssignment/);
    expect(emu.requests).toHaveLength(0);
    expect(await fs.readdir(h)).toEqual([]);
    expect(out.stdout).not.toContain(ADMIN_TOKEN);
  });

  it('--dry-run lists the very calls and writes a real run then makes, in order (its --verbose "done" lines)', async () => {
    const emu = await start();
    const h = await home();
    const dry = await cli([...initArgs(), '--dry-run'], h, adminEnv(emu));
    expect(dry.code).toBe(0);
    const calls: string[] = dry.json().result.calls;
    const real = await cli(initArgs().filter((a) => a !== '--json').concat('--verbose'), h, adminEnv(emu));
    expect(real.code, real.stderr).toBe(0);
    const done = [...real.stderr.matchAll(/^ {2}done (.*)$/gm)].map((m) => m[1]);
    expect(done).toEqual(calls);
    expect(calls.map((c) => c.split(' ')[0])).toEqual(['GET', 'GET', 'write', 'POST', 'GET', 'POST', 'save', 'verify:']);
    expect(real.stderr).not.toContain(ADMIN_TOKEN);
  });

  it('--admin-org reads the Salesforce CLI login (sf org display + org auth show-access-token)', async () => {
    const emu = await start();
    const bin = await adminOrg.home('bin-');
    const display = JSON.stringify({ status: 0, result: { instanceUrl: emu.url, username: 'admin@acme.com', connectedStatus: 'Connected' } });
    const token = JSON.stringify({ status: 0, result: { accessToken: ADMIN_TOKEN } });
    await fs.writeFile(
      path.join(bin, 'sf'),
      `#!/bin/sh\ncase "$*" in\n  "org display --target-org acme --json") echo '${display}' ;;\n  "org auth show-access-token --target-org acme --json") echo '${token}' ;;\n  *) echo '{"status":1,"message":"No authorization information found for '"$4"'."}'; exit 1 ;;\nesac\n`,
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
    const out = await cli(['init', '--json', '--admin-org', 'acme', '-a', 'ci', '--username', USER], await home(), env);
    expect(out.code).toBe(0);
    expect(out.json().result.profile.loginUrl).toBe(emu.url);
    expect(out.stdout).not.toContain(ADMIN_TOKEN);

    const unknown = await cli(['init', '--json', '--admin-org', 'nope', '-a', 'ci', '--username', USER], await home(), env);
    expect(unknown.code).toBe(2);
    expect(`${unknown.json().error.message} ${unknown.json().error.hint}`).toMatch(/No authorization information found for nope.*sf org login web -o nope/s);
  });
});

describe('sfjwt emulator --admin-token', () => {
  it('serves an app-free org whose admin token lets init --admin set up a verified login; the token is not echoed', async () => {
    const stop = new AbortController();
    const deps = createTestDeps({ signal: stop.signal, env: { SFJWT_HOME: await home() } });
    const running = runInProcess(['emulator', '--json', '--admin-token', ADMIN_TOKEN, '--username', USER], deps);
    while (!deps.captured.stdout.includes('"url"')) await new Promise((resolve) => setTimeout(resolve, 20));
    const url = JSON.parse(deps.captured.stdout).result.url as string;
    const out = await cli(initArgs(), await home(), { SFJWT_ADMIN_INSTANCE_URL: url, SFJWT_ADMIN_ACCESS_TOKEN: ADMIN_TOKEN });
    expect(out.code).toBe(0);
    expect(out.json().result.verification.username).toBe(USER);
    stop.abort();
    const server = await running;
    expect(server.code).toBe(0);
    expect(server.stdout + server.stderr).not.toContain(ADMIN_TOKEN);
  });
});

describe('init --admin when the local certificate changed', () => {
  it('refuses to replace the app\'s certificate without --force (it breaks other clients), and with --force deploys it and verifies', async () => {
    const emu = await start();
    const h = await home();
    const first = (await cli(initArgs(), h, adminEnv(emu))).json();
    // A new key pair in place of the old one (as `cert generate --force` leaves it).
    const regenerated = await cli(['cert', 'generate', '--json', '-a', 'ci', '--force'], h);
    expect(regenerated.code).toBe(0);
    const refused = await cli(initArgs(), h, adminEnv(emu));
    expect(refused.code).toBe(2);
    expect(refused.json().error.message).toMatch(/holds another certificate.*stops every client still signing with the old key/);
    expect(refused.json().error.hint).toMatch(/--force/);
    const forced = await cli([...initArgs(), '--force'], h, adminEnv(emu));
    expect(forced.code).toBe(0);
    expect(forced.json().result.profile.clientId).toBe(first.result.profile.clientId);
    expect(forced.json().result.verification.username).toBe(USER);
    expect(emu.state.apps[0]!.certs).toHaveLength(2);
  });
});
