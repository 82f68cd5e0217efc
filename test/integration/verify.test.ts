import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { EmulatorConfig } from '../../src/emulator/types.js';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { makeKeyFiles, type KeyFiles } from '../helpers/fixtures.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const USER = 'integration@acme.com';
const CLIENT_ID = '3MVG9verifyTestClientId';
const SPEC_RESULT_FIELDS = [
  'loginUrl', 'audience', 'tokenUrl', 'instanceUrl', 'organizationId', 'userId', 'username', 'displayName',
  'scope', 'tokenType', 'isSandbox', 'clockSkewSeconds', 'attempts', 'elapsedMs',
];

let dir: string;
let keys: KeyFiles;
let otherKeys: KeyFiles;
let emulator: RunningEmulator | undefined;

beforeAll(async () => {
  dir = await makeTempDir();
  keys = await makeKeyFiles(path.join(dir, 'keys'));
  otherKeys = await makeKeyFiles(path.join(dir, 'other'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function start(options: Partial<Parameters<typeof singleAppConfig>[0]> = {}, patch?: (c: EmulatorConfig) => void) {
  const config = singleAppConfig({ clientId: CLIENT_ID, certPem: keys.certPem, username: USER, ...options });
  patch?.(config);
  emulator = await startEmulator(config, { port: 0 });
  return emulator;
}

function adHoc(url: string, extra: string[] = []): string[] {
  return ['verify', '--json', '--login-url', url, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath, ...extra];
}

async function verify(argv: string[], env: Record<string, string> = {}) {
  const home = await fs.mkdtemp(path.join(dir, 'home-'));
  return runInProcess(argv, createTestDeps({ env: { SFJWT_HOME: home, ...env } }));
}

describe('verify against the emulator over real HTTP', () => {
  it('External Client App: My Domain as endpoint and aud works on the first attempt; result has the SPEC fields', async () => {
    const emu = await start({ app: 'eca' });
    const out = await verify(adHoc(emu.url));
    expect(out.code).toBe(0);
    const doc = out.json();
    expect(doc).toMatchObject({ ok: true, command: 'verify', warnings: [] });
    for (const field of SPEC_RESULT_FIELDS) expect(doc.result).toHaveProperty(field);
    expect(doc.result).toMatchObject({
      loginUrl: emu.url,
      audience: emu.url,
      tokenUrl: `${emu.url}/services/oauth2/token`,
      instanceUrl: emu.url,
      organizationId: '00D000000000001AAA',
      userId: '005000000000001AAA',
      username: USER,
      tokenType: 'Bearer',
    });
    // The Date header has whole seconds, so "in sync" reads as -1, 0 or 1.
    expect(Math.abs(doc.result.clockSkewSeconds)).toBeLessThanOrEqual(1);
    expect(doc.result.attempts).toEqual([
      expect.objectContaining({ loginUrl: emu.url, audience: emu.url, outcome: 'ok', httpStatus: 200 }),
    ]);
    // The server received a form-encoded JWT bearer grant with exp = now + 180 s.
    const tokenRequest = emu.requests.find((r) => r.path === '/services/oauth2/token')!;
    expect(tokenRequest.method).toBe('POST');
    expect(JSON.stringify(tokenRequest)).toContain('urn:ietf:params:oauth:grant-type:jwt-bearer');
    // Tokens and assertions never appear in verify's output.
    expect(out.stdout).not.toMatch(/00D000000000001!|eyJ/);
  });

  it('Connected App: the My Domain aud is refused, login.salesforce.com works second, and is remembered', async () => {
    const emu = await start({ app: 'connected-app' });
    const home = await fs.mkdtemp(path.join(dir, 'home-'));
    await fs.writeFile(
      path.join(home, 'config.json'),
      JSON.stringify({
        schemaVersion: 1,
        default: 'ca',
        profiles: { ca: { loginUrl: emu.url, username: USER, clientId: CLIENT_ID, keyPath: keys.keyPath, certPath: keys.certPath, orgKind: 'production', appKind: 'connected-app', createdAt: new Date().toISOString() } },
      }),
    );
    const deps = () => createTestDeps({ env: { SFJWT_HOME: home } });
    const first = await runInProcess(['verify', '--json'], deps());
    expect(first.code).toBe(0);
    expect(first.json().result.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['audience-invalid', 'ok']);
    expect(first.json().result.audience).toBe('https://login.salesforce.com');
    const saved = JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8')).profiles.ca;
    expect(saved.audience).toBe('https://login.salesforce.com');
    expect(saved.lastVerified).toMatchObject({ organizationId: '00D000000000001AAA', instanceUrl: emu.url });
    const second = await runInProcess(['verify', '--json', '-a', 'ca'], deps());
    expect(second.json().result.attempts).toHaveLength(1);
    expect(second.json().result.attempts[0].audience).toBe('https://login.salesforce.com');
  });

  it('sandbox Connected App wants test.salesforce.com', async () => {
    const emu = await start({ app: 'connected-app', isSandbox: true });
    const out = await verify(adHoc(emu.url, ['--org-kind', 'sandbox']));
    expect(out.code).toBe(0);
    expect(out.json().result.audience).toBe('https://test.salesforce.com');
    // A loopback host cannot say production or sandbox, and verify does not ask the org (doctor does).
    expect(out.json().result.isSandbox).toBeNull();
  });

  it('proves the login with token and identity only: API access is left to doctor', async () => {
    const emu = await start();
    emu.updateUser(USER, { apiEnabled: false });
    const out = await verify(adHoc(emu.url));
    expect(out.code).toBe(0);
    expect(out.json().result).toMatchObject({ organizationId: expect.any(String), apiVersion: null });
    const paths = emu.requests.map((r) => r.path);
    expect(paths.some((p) => p.startsWith('/id/'))).toBe(true);
    expect(paths.filter((p) => p.startsWith('/services/data'))).toEqual([]);
  });

  it('works from environment variables alone, with the key base64-encoded as CI secret stores keep it', async () => {
    const emu = await start();
    const out = await verify(['verify', '--json'], {
      SFJWT_LOGIN_URL: emu.url,
      SFJWT_USERNAME: USER,
      SFJWT_CLIENT_ID: CLIENT_ID,
      SFJWT_KEY: Buffer.from(keys.keyPem).toString('base64'),
    });
    expect(out.code).toBe(0);
    expect(out.json().warnings).toEqual([expect.objectContaining({ code: 'key-invalid', message: expect.stringMatching(/SFJWT_KEY/) })]);
  });

  const failures: Array<{ name: string; code: string; setup: (emu: RunningEmulator) => void; options?: Parameters<typeof start>[0]; argv?: string[]; key?: () => string }> = [
    { name: 'user not assigned to an admin-approved app', code: 'user-not-admin-approved', setup: (e) => e.assignUser(CLIENT_ID, USER, false) },
    { name: 'self-authorize policy without an approval', code: 'user-not-approved', setup: () => undefined, options: { policy: 'self', assigned: false } },
    { name: 'a key that does not match the uploaded certificate', code: 'invalid-assertion', setup: () => undefined, key: () => otherKeys.keyPath },
    { name: 'an unknown consumer key', code: 'client-id-invalid', setup: (e) => e.removeApp(CLIENT_ID) },
    { name: 'a server clock an hour ahead (exp already past)', code: 'assertion-expired', setup: (e) => e.setSimulation({ clockOffsetSeconds: 3600 }) },
    { name: 'an inactive user', code: 'inactive-user', setup: (e) => e.setUserActive(USER, false) },
    { name: 'a login IP range that excludes us', code: 'ip-restricted', setup: (e) => e.updateUser(USER, { ipRestricted: true }) },
    { name: 'an HTML page instead of the token endpoint', code: 'not-token-endpoint', setup: (e) => e.setSimulation({ html: true }) },
    { name: 'persistent 5xx answers', code: 'server-error', setup: (e) => e.setSimulation({ serverErrors: 10 }) },
    { name: 'an answer slower than --timeout', code: 'timeout', setup: (e) => e.setSimulation({ slowMs: 2500 }), argv: ['--timeout', '1'] },
    { name: 'an inactive org', code: 'inactive-org', setup: (e) => e.setOrgActive(false) },
  ];

  for (const failure of failures) {
    it(`reports ${failure.code} for ${failure.name}, with causes and fixes, exit 1`, async () => {
      const emu = await start(failure.options);
      failure.setup(emu);
      const argv = adHoc(emu.url, failure.argv).map((a) => (a === keys.keyPath && failure.key ? failure.key() : a));
      const out = await verify(argv);
      expect(out.code).toBe(1);
      const doc = out.json();
      expect(doc.ok).toBe(false);
      expect(doc.error.code).toBe(failure.code);
      expect(doc.error.causes.length).toBeGreaterThan(0);
      expect(doc.error.fixes.length).toBeGreaterThan(0);
      expect(doc.result.attempts.length).toBeGreaterThan(0);
    });
  }

  it('the assertion-expired failure reports the clock skew', async () => {
    const emu = await start();
    emu.setSimulation({ clockOffsetSeconds: 3600 });
    const out = await verify(adHoc(emu.url));
    expect(Math.abs(out.json().result.clockSkewSeconds - 3600)).toBeLessThanOrEqual(1);
    expect(out.json().warnings).toEqual([expect.objectContaining({ code: 'clock-skew' })]);
  });

  it('login rate: the second login in the hour over a limit of 1 is refused', async () => {
    const emu = await start({ simulate: { loginRateLimitPerHour: 1 } });
    expect((await verify(adHoc(emu.url))).code).toBe(0);
    const out = await verify(adHoc(emu.url));
    expect(out.json().error.code).toBe('login-rate-exceeded');
  });

  it('one 5xx is retried and the login succeeds', async () => {
    const emu = await start();
    emu.setSimulation({ serverErrors: 1 });
    const out = await verify(adHoc(emu.url));
    expect(out.code).toBe(0);
    expect(emu.requests.filter((r) => r.path === '/services/oauth2/token')).toHaveLength(2);
  });

  it('--wait rides out propagation: client-id-invalid until the app is visible, then success', async () => {
    const emu = await start({ simulate: { propagationSeconds: 2 } });
    const out = await verify(adHoc(emu.url, ['--wait', '20']));
    expect(out.code).toBe(0);
    const tokenCalls = emu.requests.filter((r) => r.path === '/services/oauth2/token');
    expect(tokenCalls.length).toBeGreaterThan(1);
  }, 30_000);

  it('a closed port is a network-error', async () => {
    const emu = await start();
    const url = emu.url;
    await emu.stop();
    emulator = undefined;
    const out = await verify(adHoc(url));
    expect(out.code).toBe(1);
    expect(out.json().error.code).toBe('network-error');
  });

  it('human output: result on stdout, narration and the doctor tip on stderr', async () => {
    const emu = await start();
    emu.assignUser(CLIENT_ID, USER, false);
    const out = await verify(adHoc(emu.url).filter((a) => a !== '--json'));
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/user is not admin approved/);
    expect(out.stderr).toMatch(/Run `sfjwt doctor` to diagnose/);
  });
});

describe('verify input errors: exit 2, the input named, no stack trace', () => {
  it.each([
    [['verify'], /missing login URL.*--login-url/s],
    [['verify', '--login-url', 'https://acme.my.salesforce.com'], /missing username.*--username/s],
    [['verify', '--login-url', 'https://acme.lightning.force.com', '--username', USER, '--client-id', CLIENT_ID, '--key', 'x'], /acme\.my\.salesforce\.com/],
    [['verify', '--login-url', 'http://acme.my.salesforce.com', '--username', USER, '--client-id', CLIENT_ID, '--key', 'x'], /http/],
    [['verify', '--login-url', 'https://acme.my.salesforce.com', '--username', 'no-at-sign', '--client-id', CLIENT_ID, '--key', 'x'], /invalid username/],
    [['verify', '--login-url', 'https://acme.my.salesforce.com', '--username', USER, '--client-id', 'has space', '--key', 'x'], /consumer key/],
    [['verify', '--login-url', 'https://acme.my.salesforce.com', '--username', USER, '--client-id', CLIENT_ID, '--key', '/nonexistent/server.key'], /not found: \/nonexistent\/server\.key/],
    [['verify', '--timeout', 'soon'], /invalid --timeout "soon"/],
  ])('%j', async (argv, message) => {
    const out = await verify(argv);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('a certificate given as the key is named as such (key-invalid)', async () => {
    const out = await verify(['verify', '--json', '--login-url', 'https://acme.my.salesforce.com', '--username', USER, '--client-id', CLIENT_ID, '--key', keys.certPath]);
    expect(out.code).toBe(2);
    expect(out.json().error).toMatchObject({ code: 'key-invalid', message: expect.stringMatching(/certificate, not the private key/) });
  });
});
