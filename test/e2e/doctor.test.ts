import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, singleAppConfig, type RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir, modeOf } from '../helpers/temp-dir.js';
import { CLIENT_ID, USERNAME, makePair, writePair, type Pair } from '../unit/doctor/fixtures.js';

let pair: Pair;
let emulator: RunningEmulator;
let home: string;
let keys: { keyPath: string; certPath: string };

function profile(alias: string, over: Record<string, unknown> = {}) {
  return {
    alias,
    loginUrl: emulator.url,
    username: USERNAME,
    clientId: CLIENT_ID,
    keyPath: keys.keyPath,
    certPath: keys.certPath,
    orgKind: 'production',
    appKind: 'eca',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

async function writeProfiles(dir: string, profiles: Record<string, unknown>[], def?: string) {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const doc = { schemaVersion: 1, ...(def ? { default: def } : {}), profiles: Object.fromEntries(profiles.map((p) => [p.alias as string, p])) };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(doc), { mode: 0o600 });
}

const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(['doctor', ...args], { env: { SFJWT_HOME: home, ...env } });

beforeAll(async () => {
  pair = makePair();
  home = await makeTempDir();
  keys = await writePair(await makeTempDir(), pair);
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: pair.certPem, username: USERNAME }), { port: 0 });
  await writeProfiles(home, [profile('good'), profile('wrong-app', { clientId: `3MVG9thisAppDoesNotExistInTheOrg_${'0123456789'.repeat(5)}abcdef` })], 'good');
});

afterAll(async () => {
  await emulator.stop();
  await fs.rm(home, { recursive: true, force: true });
});

describe('sfjwt doctor (built CLI)', () => {
  it('a working profile: exit 0, one JSON document with the SPEC result', async () => {
    const run = await cli(['-a', 'good', '--json']);
    expect(run.code).toBe(0);
    const doc = run.json();
    expect(doc).toMatchObject({ ok: true, command: 'doctor' });
    expect(doc.result.summary).toMatchObject({ fail: 0, crash: 0 });
    expect(doc.result.working).toEqual({ loginUrl: emulator.url, audience: emulator.url });
    expect(doc.result.attempts[0]).toMatchObject({ outcome: 'ok', audience: emulator.url });
    for (const check of doc.result.checks) expect(Object.keys(check)).toEqual(expect.arrayContaining(['id', 'title', 'status', 'summary', 'details', 'causes', 'fix']));
    expect(run.stdout).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('a failing profile: exit 1, the report on stdout with ✖, the fix, the diagnosis and the summary line', async () => {
    const run = await cli(['-a', 'wrong-app']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✖ Token exchange');
    expect(run.stdout).toContain('client identifier invalid');
    expect(run.stdout).toMatch(/Diagnosis \(most likely first\)\n {2}1\. .*\[client-id-invalid\]/);
    expect(run.stdout).toMatch(/Setup: http:\/\/127\.0\.0\.1:\d+\/lightning\/setup\/ManageExternalClientApplication\/home/);
    expect(run.stdout).toMatch(/\d+ passed, .*1 failed.*\(\d+ checks\)\nRe-run `sfjwt doctor -a wrong-app` after fixing\./);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('--json on a failure: ok false, the top cause as the error, the whole report as result', async () => {
    const run = await cli(['-a', 'wrong-app', '--json']);
    expect(run.code).toBe(1);
    const doc = run.json();
    expect(doc).toMatchObject({ ok: false, error: { code: 'client-id-invalid' } });
    expect(doc.error.setupUrl).toContain('ManageExternalClientApplication');
    expect(doc.result.diagnosis[0].code).toBe('client-id-invalid');
    expect(doc.result.checks.find((c: any) => c.id === 'token-exchange')).toMatchObject({ status: 'fail', code: 'client-id-invalid' });
  });

  it('CI with no profile: flags plus a base64 SFJWT_KEY work, the repair is a warning (exit 0; --strict: exit 1)', async () => {
    const env = { SFJWT_HOME: await makeTempDir(), SFJWT_KEY: Buffer.from(pair.keyPem).toString('base64') };
    const args = ['--login-url', emulator.url, '--username', USERNAME, '--client-id', CLIENT_ID];
    const run = await cli(args, env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('! Private key format');
    expect(run.stdout).toContain('✔ Token exchange');
    expect((await cli([...args, '--strict'], env)).code).toBe(1);
  });

  it('--offline makes no request', async () => {
    const before = emulator.requests.length;
    const run = await cli(['-a', 'good', '--offline', '--json']);
    expect(run.code).toBe(0);
    expect(emulator.requests.length).toBe(before);
    expect(run.json().result.checks.find((c: any) => c.id === 'token-exchange').status).toBe('skip');
  });

  it('--only by finding code and --skip by id', async () => {
    const only = (await cli(['-a', 'good', '--only', 'key-permissions,cert-expiring', '--json'])).json();
    expect(only.result.checks.map((c: any) => c.id)).toEqual(['key-permissions', 'cert-expiry']);
    const skip = (await cli(['-a', 'good', '--offline', '--skip', 'key-in-git', '--json'])).json();
    expect(skip.result.checks.find((c: any) => c.id === 'key-in-git')).toMatchObject({ status: 'skip' });
  });

  it('--error needs no profile: a recognised error exits 1 with its fix, unrecognised text exits 0 with a warning', async () => {
    const env = { SFJWT_HOME: await makeTempDir() };
    const known = await cli(['--error', "{'error': 'invalid_grant', 'error_description': 'invalid assertion'}", '--json'], env);
    expect(known.code).toBe(1);
    expect(known.json().result.checks[0]).toMatchObject({ code: 'invalid-assertion', status: 'fail' });
    const unknown = await cli(['--error', 'something else entirely'], env);
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).toContain('not recognised as a Salesforce JWT bearer error');
  });

  it('--assertion checks a JWT from another tool against the profile\'s certificate and never prints it', async () => {
    const shown = (await cli(['-a', 'good', '--show-assertion', '--offline', '--json'])).json();
    const jwt = shown.result.assertion.jwt as string;
    expect(shown.result.assertion.claims).toMatchObject({ iss: CLIENT_ID, sub: USERNAME, aud: emulator.url });
    const run = await cli(['-a', 'good', '--assertion', jwt]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔ Signature: verifies with the certificate');
    expect(run.stdout).not.toContain(jwt.split('.')[2]!);
  });

  it('--fix --yes makes a readable key private and reports it', async () => {
    const dir = await makeTempDir();
    const loose = await writePair(dir, pair, 0o644);
    const run = await cli(['--fix', '--yes', '--offline', '--login-url', emulator.url, '--username', USERNAME, '--client-id', CLIENT_ID, '--key', loose.keyPath, '--cert', loose.certPath], { SFJWT_HOME: dir });
    expect(run.code).toBe(0);
    expect(await modeOf(loose.keyPath)).toBe(0o600);
    expect(run.stdout).toContain(`✔ Private key file permissions: ${loose.keyPath} is private (mode 0600)`);
    expect(run.stdout).toContain(`Applied\n  ✔ chmod 600 ${loose.keyPath}`);
  });

  it('--fix repairs a key with literal \\n in place (the built CLI): exit 2 without --yes, then a 0600 PEM and the original in keys/<alias>/backup/', async () => {
    const dir = await makeTempDir();
    const keyDir = path.join(dir, 'keys', 'ci');
    await fs.mkdir(keyDir, { recursive: true, mode: 0o700 });
    const damaged = await writePair(keyDir, pair);
    const literal = pair.keyPem.replace(/\n/g, '\\n');
    await fs.writeFile(damaged.keyPath, literal);
    await writeProfiles(dir, [profile('ci', { keyPath: damaged.keyPath, certPath: damaged.certPath })]);
    const refused = await cli(['-a', 'ci', '--fix'], { SFJWT_HOME: dir });
    expect(refused.code).toBe(2);
    expect(await fs.readFile(damaged.keyPath, 'utf8')).toBe(literal);
    const run = await cli(['-a', 'ci', '--fix', '--yes'], { SFJWT_HOME: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await fs.readFile(damaged.keyPath, 'utf8')).toBe(pair.keyPem);
    expect(await modeOf(damaged.keyPath)).toBe(0o600);
    const [stamp] = await fs.readdir(path.join(keyDir, 'backup'));
    expect(await fs.readFile(path.join(keyDir, 'backup', stamp!, 'server.key'), 'utf8')).toBe(literal);
    expect(run.stdout).toContain('✔ Private key format: RSA private key, unencrypted, PKCS#8 PEM');
    expect(run.stdout).toContain('✔ Token exchange');
  });

  it('usage errors exit 2: unknown --only id, --all with -a, nothing to diagnose, an unknown profile', async () => {
    expect((await cli(['-a', 'good', '--only', 'nope'])).code).toBe(2);
    expect((await cli(['--all', '-a', 'good'])).code).toBe(2);
    expect((await cli([], { SFJWT_HOME: await makeTempDir() })).code).toBe(2);
    const missing = await cli(['-a', 'missing']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no profile named "missing"');
  });
});

describe('sfjwt doctor --all (built CLI)', () => {
  it('20 profiles concurrently: one table, one row each, exit 1 because some fail', async () => {
    const dir = await makeTempDir();
    const profiles = Array.from({ length: 20 }, (_, i) =>
      i % 7 === 3 ? profile(`p${String(i).padStart(2, '0')}`, { clientId: `3MVG9unknownConsumerKeyForDoctorAll_${'0123456789'.repeat(4)}abcdefghijklmno` }) : profile(`p${String(i).padStart(2, '0')}`),
    );
    await writeProfiles(dir, profiles);
    const before = emulator.counters.tokenRequests;
    // Slow answers keep the 16 profiles' requests in flight together, all listening on one signal.
    emulator.setSimulation({ slowMs: 150 });
    let run: Awaited<ReturnType<typeof cli>>;
    try {
      run = await cli(['--all'], { SFJWT_HOME: dir });
    } finally {
      emulator.setSimulation({ slowMs: 0 });
    }
    expect(run.code).toBe(1);
    const rows = run.stdout.split('\n').filter((line) => /^p\d\d\s/.test(line));
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => r.includes('client-id-invalid'))).toHaveLength(3);
    expect(rows.filter((r) => /✔ pass|! warn/.test(r))).toHaveLength(17);
    expect(run.stdout).toContain('20 profiles: 17 ok, 0 with warnings, 3 failing.');
    // 16 profiles in flight listen on one abort signal: no Node warning leaks into the output.
    expect(run.stderr).not.toMatch(/MaxListenersExceededWarning|Warning:/);
    // One exchange per working profile, at most the matrix for failing ones: nothing repeated per check.
    expect(emulator.counters.tokenRequests - before).toBe(17 + 3 * 2);

    const json = (await cli(['--all', '--json'], { SFJWT_HOME: dir })).json();
    expect(json.ok).toBe(false);
    expect(json.result.summary).toEqual({ profiles: 20, ok: 17, failing: 3 });
    expect(json.result.profiles.map((p: any) => p.alias)).toEqual(profiles.map((p) => p.alias));
    expect(json.result.profiles[3]).toMatchObject({ ok: false, top: { code: 'client-id-invalid' } });
  });
});
