import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useEmulatorFixture } from '../helpers/fixtures.js';
import { modeOf } from '../helpers/temp-dir.js';

/** The built CLI, non-interactive (CI=1), against the emulator: what the demo and CI pipelines run. */
const USER = 'integration@sfjwt-demo.example';
const CLIENT_ID = '3MVG9demoE2eInitClientId42';

const fx = useEmulatorFixture({ clientId: CLIENT_ID, username: USER, app: 'eca' });

const newHome = () => fs.mkdtemp(path.join(fx.dir, 'home-'));
const entries = async (d: string) => (await fs.readdir(d).catch(() => [] as string[])).sort();

/** Exactly the command `sfjwt demo` runs. */
const demoArgs = () => [
  'init', '-a', 'demo', '--org-kind', 'production', '--login-url', fx.emulator.url, '--username', USER,
  '--client-id', CLIENT_ID, '--key', fx.keys.keyPath, '--app', 'eca', '--no-open', '--yes',
];

describe('sfjwt init, non-interactive (built CLI, CI=1)', () => {
  it('the demo command: exit 0, profile saved (0600) and verified, checklist on stderr, summary on stdout', async () => {
    const home = await newHome();
    const out = await runCli(demoArgs(), { env: { SFJWT_HOME: home } });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('Verified: JWT bearer login works.');
    expect(out.stdout).toContain('sfjwt export --format sf -a demo');
    expect(out.stderr.match(/Manual steps in Salesforce Setup/g)).toHaveLength(1);
    const config = JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8'));
    expect(config.default).toBe('demo');
    expect(config.profiles.demo).toMatchObject({ loginUrl: fx.emulator.url, username: USER, clientId: CLIENT_ID, keyPath: fx.keys.keyPath, audience: fx.emulator.url });
    expect(await modeOf(path.join(home, 'config.json'))).toBe(0o600);
    // The profile works for the next command without any flag.
    const verify = await runCli(['verify', '-a', 'demo', '--json'], { env: { SFJWT_HOME: home } });
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('--json: one document with profile, verification, files, setupUrls; nothing secret in it', async () => {
    const home = await newHome();
    const out = await runCli([...demoArgs(), '--json'], { env: { SFJWT_HOME: home } });
    expect(out.code, out.stderr).toBe(0);
    const doc = out.json();
    expect(Object.keys(doc.result).sort()).toEqual(['files', 'profile', 'setupUrls', 'verification']);
    expect(doc.result.verification.organizationId).toMatch(/^00D/);
    expect(doc.result.files).toEqual({ keyPath: fx.keys.keyPath, certPath: fx.keys.certPath });
    expect(doc.result.setupUrls.app).toBe(`${fx.emulator.url}/lightning/setup/ManageExternalClientApplication/home`);
    expect(out.stdout).not.toMatch(/PRIVATE KEY|access_token|accessToken/);
  });

  it('a missing value is exit 2 naming the flag; nothing written', async () => {
    const home = await newHome();
    const args = demoArgs().filter((a, i, all) => a !== '--client-id' && all[i - 1] !== '--client-id');
    const out = await runCli(args, { env: { SFJWT_HOME: home } });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/missing value: consumer key/);
    expect(out.stderr).toContain('--client-id');
    expect(await entries(home)).toEqual([]);
  });

  it('several missing values are all named in one run, each with its flag', async () => {
    const home = await newHome();
    const out = await runCli(['init', '-a', 'bare', '--no-open'], { env: { SFJWT_HOME: home } });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('missing 4 values: org kind, login URL, run-as username, consumer key');
    for (const flag of ['--org-kind', '--login-url', '--username', '--client-id']) expect(out.stderr).toContain(flag);
    expect(await entries(home)).toEqual([]);
  });

  it('a bad login URL is exit 2 with code login-url-invalid in the JSON envelope', async () => {
    const home = await newHome();
    const args = demoArgs();
    args[args.indexOf('--login-url') + 1] = 'https://acme.lightning.force.com';
    const out = await runCli([...args, '--json'], { env: { SFJWT_HOME: home } });
    expect(out.code).toBe(2);
    const doc = out.json();
    expect(doc).toMatchObject({ ok: false, command: 'init', error: { code: 'login-url-invalid' } });
    expect(doc.error.hint).toContain('https://acme.my.salesforce.com');
    expect(await entries(home)).toEqual([]);
  });

  it('--dry-run with key generation writes nothing and prints the plan', async () => {
    const home = await newHome();
    const args = demoArgs().filter((a, i, all) => a !== '--key' && all[i - 1] !== '--key');
    const before = fx.emulator.requests.length;
    const out = await runCli([...args, '--dry-run'], { env: { SFJWT_HOME: home } });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('Dry run: nothing was written.');
    expect(out.stdout).toContain(path.join(home, 'keys', 'demo', 'server.key'));
    expect(await entries(home)).toEqual([]);
    expect(fx.emulator.requests.length).toBe(before);
  });

  it('--no-verify generates the pair, saves the profile, and makes no token request', async () => {
    const home = await newHome();
    const args = demoArgs().filter((a, i, all) => a !== '--key' && all[i - 1] !== '--key');
    const before = fx.emulator.requests.length;
    const out = await runCli([...args, '--no-verify', '--json'], { env: { SFJWT_HOME: home } });
    expect(out.code, out.stderr).toBe(0);
    const doc = out.json();
    expect(doc.result.verification).toBeNull();
    const keyDir = path.join(home, 'keys', 'demo');
    expect(doc.result.files).toEqual({ keyPath: path.join(keyDir, 'server.key'), certPath: path.join(keyDir, 'server.crt') });
    expect(await modeOf(path.join(keyDir, 'server.key'))).toBe(0o600);
    expect(await modeOf(path.join(keyDir, 'server.crt'))).toBe(0o644);
    expect(fx.emulator.requests.length).toBe(before);
  });
});
