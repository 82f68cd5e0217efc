import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../src/crypto/cert.js';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { FORMAT_IDS, formatSpec } from '../../src/export/formats.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir, modeOf } from '../helpers/temp-dir.js';
import { checkXml } from '../unit/export/xml.js';

const CLIENT_ID = '3MVG9_export_e2e_consumer_key';
const USERNAME = 'integration@acme.com';
const SANDBOX_USER = 'integration@acme.com.uat';

const works = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const HAVE_CURL = works('curl', ['--version']) && works('openssl', ['version']) && works('bash', ['--version']);
const HAVE_PYTHON = works('python3', ['--version']);
// The real PyJWT, where some python3 on this machine has it (Debian's python3-jwt lives in /usr/bin/python3).
const PYJWT_PYTHON = ['python3', '/usr/bin/python3'].find((py) => works(py, ['-c', 'import jwt, requests']));
const HAVE_PYJWT = PYJWT_PYTHON !== undefined;
const HAVE_CRYPTOGRAPHY = HAVE_PYTHON && works('python3', ['-c', 'import cryptography, requests']);
const HAVE_SF = works('sf', ['--version']);
const HAVE_PYYAML = HAVE_PYTHON && works('python3', ['-c', 'import yaml']);

let root: string;
let home: string;
let keyPem: string;
let certPem: string;
let eca: RunningEmulator;
let ca: RunningEmulator;

/** Slices of the key as PEM body and as base64-of-PEM: none may appear without --include-key. */
let keySlices: string[];

function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const env = (extra: Record<string, string | undefined> = {}) => ({ SFJWT_HOME: home, ...extra });
const exportCli = (args: string[], extra: Record<string, string | undefined> = {}) => runCli(['export', ...args], { env: env(extra), cwd: root });

beforeAll(async () => {
  root = await makeTempDir();
  home = path.join(root, 'home');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  certPem = createSelfSignedCertificate({ privateKeyPem: keyPem, commonName: 'sfjwt-export-e2e', days: 30, now: new Date(), random: (n) => new Uint8Array(randomBytes(n)) });
  const body = keyPem.split('\n').slice(1, -2).join('');
  const b64 = Buffer.from(keyPem).toString('base64');
  keySlices = [0, 200, 800, 1400].flatMap((at) => [body.slice(at, at + 32), b64.slice(at, at + 32)]);

  eca = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem, username: USERNAME, app: 'eca' }), { port: 0 });
  ca = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem, username: SANDBOX_USER, app: 'connected-app', isSandbox: true }), { port: 0 });

  const keys = path.join(home, 'keys', 'shared');
  await fs.mkdir(keys, { recursive: true, mode: 0o700 });
  const keyPath = path.join(keys, 'server.key');
  const certPath = path.join(keys, 'server.crt');
  await fs.writeFile(keyPath, keyPem, { mode: 0o600 });
  await fs.writeFile(certPath, certPem, { mode: 0o644 });
  const verified = (url: string, aud: string) => ({
    audience: aud,
    lastVerified: { time: '2026-03-01T00:00:00.000Z', organizationId: '00D000000000001AAA', userId: '005000000000001AAA', instanceUrl: url, loginUrl: url },
  });
  const profile = (alias: string, rest: Record<string, unknown>) => ({ alias, keyPath, certPath, clientId: CLIENT_ID, createdAt: '2026-03-01T00:00:00.000Z', ...rest });
  const config = {
    schemaVersion: 1,
    default: 'prod',
    profiles: {
      // Production org, External Client App, aud = My Domain (the emulator's URL).
      prod: profile('prod', { loginUrl: eca.url, username: USERNAME, orgKind: 'production', appKind: 'eca', ...verified(eca.url, eca.url) }),
      // Sandbox, Connected App, token at My Domain with aud = test.salesforce.com.
      uat: profile('uat', { loginUrl: ca.url, username: SANDBOX_USER, orgKind: 'sandbox', appKind: 'connected-app', ...verified(ca.url, 'https://test.salesforce.com') }),
      // Developer Edition, never verified.
      dev: profile('dev', { loginUrl: 'https://acme-dev-ed.develop.my.salesforce.com', username: 'dev@acme.dev', orgKind: 'developer', appKind: 'eca', access: 'JWT_Integration' }),
    },
  };
  await fs.writeFile(path.join(home, 'config.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
});

afterAll(async () => {
  await Promise.all([eca?.stop(), ca?.stop()]);
  if (root) await fs.rm(root, { recursive: true, force: true });
});

function expectNoKey(text: string, where: string) {
  expect(text, where).not.toMatch(/PRIVATE KEY/);
  for (const slice of keySlices) expect(text.includes(slice), `${where} holds key material`).toBe(false);
}

async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, size = 3): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

async function readTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, file)] = await fs.readFile(file, 'utf8');
    }
  }
  return out;
}

describe('sfjwt export: no key material without --include-key', () => {
  for (const alias of ['prod', 'uat', 'dev']) {
    it(`every format for profile ${alias}`, async () => {
      // A few CLI processes at a time: two cores here.
      const runs = await inBatches(
        FORMAT_IDS,
        async (format) => {
          const dir = path.join(root, `nokey-${alias}-${format}`);
          const args = ['--format', format, '-a', alias, ...(formatSpec(format).kind === 'dir' ? ['--out', dir] : [])];
          const human = await exportCli(args);
          const json = await exportCli([...args, '--json', ...(formatSpec(format).kind === 'dir' ? ['--force'] : [])]);
          return { format, human, json, files: formatSpec(format).kind === 'dir' ? await readTree(dir) : {} };
        },
      );
      for (const { format, human, json, files } of runs) {
        if (format === 'simple-salesforce' && alias !== 'dev') {
          // simple-salesforce only reaches https://<name>.salesforce.com, never the emulator.
          expect(human.code).toBe(2);
          expect(human.stderr).toMatch(/simple-salesforce cannot log in to this org: .*http:\/\/127\.0\.0\.1/);
          expect(human.stdout).toBe('');
          continue;
        }
        expect(human.code, `${format}: ${human.stderr}`).toBe(0);
        expect(json.code, `${format}: ${json.stdout}`).toBe(0);
        expectNoKey(human.stdout + human.stderr, `${alias}/${format} output`);
        expectNoKey(json.stdout, `${alias}/${format} JSON`);
        for (const [file, text] of Object.entries(files)) expectNoKey(text, `${alias}/${format}/${file}`);
        expect(json.json().result.includesKey).toBe(false);
      }
    });
  }
});

describe('sfjwt export output', () => {
  it('--json: the content on stdout, or the files written', async () => {
    const printed = await exportCli(['--format', 'python', '-a', 'uat', '--json']);
    expect(printed.code).toBe(0);
    const doc = printed.json();
    expect(doc).toMatchObject({
      ok: true,
      command: 'export',
      result: { format: 'python', alias: 'uat', includesKey: false, loginUrl: ca.url, tokenUrl: `${ca.url}/services/oauth2/token`, audience: 'https://test.salesforce.com', audienceSource: 'verified', files: [] },
    });
    expect(doc.result.content).toContain("AUDIENCE = 'https://test.salesforce.com'");

    const out = path.join(root, 'json-out');
    const written = await exportCli(['--format', 'eca-metadata', '-a', 'dev', '--out', out, '--json']);
    expect(written.code).toBe(0);
    const result = written.json().result;
    expect(result.outDir).toBe(out);
    expect(result.content).toBeUndefined();
    expect(result.files).toHaveLength(8);
    expect(result.files[0]).toEqual({ path: expect.stringContaining(out), mode: '0644' });
  });

  it('--out: 0644, scripts 0755, 0600/0700 with --include-key; never overwrites without --force', async () => {
    const dir = path.join(root, 'modes');
    await fs.mkdir(dir);
    expect((await exportCli(['--format', 'env', '--out', path.join(dir, 'plain.env')])).code).toBe(0);
    expect(await modeOf(path.join(dir, 'plain.env'))).toBe(0o644);
    expect((await exportCli(['--format', 'env', '--include-key', '--out', path.join(dir, 'secret.env')])).code).toBe(0);
    expect(await modeOf(path.join(dir, 'secret.env'))).toBe(0o600);
    expect((await exportCli(['--format', 'curl', '--out', `${dir}/`])).code).toBe(0);
    expect(await modeOf(path.join(dir, formatSpec('curl').fileName))).toBe(0o755);
    expect((await exportCli(['--format', 'python', '--include-key', '--out', path.join(dir, 'login.py')])).code).toBe(0);
    expect(await modeOf(path.join(dir, 'login.py'))).toBe(0o700);

    await fs.writeFile(path.join(dir, 'mine.sh'), 'keep me\n');
    const refused = await exportCli(['--format', 'sf', '--out', path.join(dir, 'mine.sh')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists; refusing to overwrite/);
    expect(refused.stderr).toMatch(/--force/);
    expect(await fs.readFile(path.join(dir, 'mine.sh'), 'utf8')).toBe('keep me\n');
    expect((await exportCli(['--format', 'sf', '--out', path.join(dir, 'mine.sh'), '--force'])).code).toBe(0);
    expect(await fs.readFile(path.join(dir, 'mine.sh'), 'utf8')).toContain('sf org login jwt');
  });

  it('bad input is exit 2 and writes nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'yaml'], /unknown export format "yaml".*|one of: sf, env/s],
      [['--format', 'eca-metadata'], /pass --out <dir>/],
      [['--format', 'connected-app-metadata', '--out', path.join(root, 'never'), '--include-key'], /--include-key does not apply/],
      [['--format', 'python', '--out', path.join(root, 'jwt.py')], /jwt\.py hides the PyJWT package/],
      [['--format', 'sf', '-a', 'nope'], /no profile named "nope"/],
    ];
    for (const [args, message] of cases) {
      const result = await exportCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    await expect(fs.access(path.join(root, 'never'))).rejects.toThrow();
    await expect(fs.access(path.join(root, 'jwt.py'))).rejects.toThrow();
  });

  it('takes ad-hoc SFJWT_* values with no profile, pinning SFJWT_AUDIENCE only when known', async () => {
    const empty = path.join(root, 'empty-home');
    const adhoc = { SFJWT_HOME: empty, SFJWT_LOGIN_URL: 'https://acme.my.salesforce.com', SFJWT_USERNAME: USERNAME, SFJWT_CLIENT_ID: CLIENT_ID, SFJWT_KEY_FILE: path.join(home, 'keys', 'shared', 'server.key') };
    const guessed = await runCli(['export', '--format', 'env'], { env: adhoc, cwd: root });
    expect(guessed.code).toBe(0);
    expect(guessed.stdout).toContain('SFJWT_LOGIN_URL=https://acme.my.salesforce.com');
    expect(guessed.stdout).not.toContain('SFJWT_AUDIENCE=');
    expect(guessed.stderr).toMatch(/not verified yet/);
    // sf tries login.salesforce.com by itself; any other audience needs SF_AUDIENCE_URL.
    const generic = await runCli(['export', '--format', 'sf'], { env: { ...adhoc, SFJWT_AUDIENCE: 'https://login.salesforce.com' }, cwd: root });
    expect(generic.code).toBe(0);
    expect(generic.stdout).not.toContain('SF_AUDIENCE_URL=');
    const fixed = await runCli(['export', '--format', 'sf'], { env: { ...adhoc, SFJWT_AUDIENCE: 'https://gs1.salesforce.com' }, cwd: root });
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('SF_AUDIENCE_URL=https://gs1.salesforce.com \\\nsf org login jwt');
  });

  it('metadata: well-formed XML with the profile\'s certificate, deployable layout', async () => {
    for (const format of ['eca-metadata', 'connected-app-metadata'] as const) {
      const out = path.join(root, `meta-${format}`);
      const result = await exportCli(['--format', format, '-a', 'prod', '--out', out]);
      expect(result.code, result.stderr).toBe(0);
      const files = await readTree(out);
      expect(Object.keys(files)).toEqual(expect.arrayContaining(['package.xml', 'sfdx-project.json', 'README.md']));
      const xml = Object.entries(files).filter(([file]) => file.endsWith('.xml'));
      expect(xml.length).toBe(format === 'eca-metadata' ? 6 : 2);
      const certificates = xml.flatMap(([file, text]) => checkXml(text).text.certificate ?? []).map((c) => c.replace(/&amp;/g, '&'));
      expect(certificates).toEqual([certPem.trim()]);
      for (const file of Object.keys(files)) expect(await modeOf(path.join(out, file))).toBe(0o644);
    }
  });
  it.skipIf(!HAVE_PYYAML)('github-actions and gitlab-ci parse as YAML, verify before the sf login, and read the key from the secret', async () => {
    const parse = `import json, sys, yaml
print(json.dumps(yaml.safe_load(sys.stdin), default=str))`;
    for (const alias of ['prod', 'uat']) {
      const gh = await exportCli(['--format', 'github-actions', '-a', alias]);
      const gl = await exportCli(['--format', 'gitlab-ci', '-a', alias]);
      const workflow = JSON.parse((await run('python3', ['-c', parse], { input: gh.stdout })).stdout);
      const steps: { run?: string; env?: Record<string, string> }[] = workflow.jobs.salesforce.steps;
      const runs = steps.map((s) => s.run ?? '');
      const verifyAt = runs.findIndex((r) => r.startsWith('sfjwt verify || { sfjwt doctor; exit 1; }'));
      const loginAt = runs.findIndex((r) => r.startsWith('sf org login jwt'));
      expect(verifyAt).toBeGreaterThan(0);
      expect(loginAt).toBeGreaterThan(verifyAt);
      expect(steps.some((s) => s.env?.SF_JWT_KEY_BASE64 === '${{ secrets.SF_JWT_KEY_BASE64 }}')).toBe(true);
      expect(workflow.jobs.salesforce.env.SFJWT_CLIENT_ID).toBe('${{ secrets.SF_CLIENT_ID }}');
      expect(steps[loginAt]!.env?.SF_AUDIENCE_URL).toBeUndefined(); // sf tries the instance URL, test and login by itself
      const job = JSON.parse((await run('python3', ['-c', parse], { input: gl.stdout })).stdout)['salesforce-jwt'];
      const script: string[] = job.script;
      expect(script.findIndex((l) => l.startsWith('sfjwt verify'))).toBeLessThan(script.findIndex((l) => l.startsWith('sf org login jwt')));
      expect(job.variables.SFJWT_LOGIN_URL).toBe(alias === 'uat' ? ca.url : eca.url);
    }
  });
});

describe('the exported clients log in against the emulator', () => {
  it.skipIf(!HAVE_CURL)('curl: the script signs with openssl, posts with curl and prints the token response', async () => {
    for (const [alias, emulator, aud] of [
      ['prod', () => eca, () => eca.url],
      ['uat', () => ca, () => 'https://test.salesforce.com'],
    ] as const) {
      for (const includeKey of [false, true]) {
        const file = path.join(root, `login-${alias}-${includeKey}.sh`);
        expect((await exportCli(['--format', 'curl', '-a', alias, '--out', file, ...(includeKey ? ['--include-key'] : [])])).code).toBe(0);
        const before = emulator().requests.length;
        const result = await run('bash', [file]);
        expect(result.code, result.stderr).toBe(0);
        const response = JSON.parse(result.stdout);
        expect(response.access_token).toEqual(expect.any(String));
        expect(response.instance_url).toBe(emulator().url);
        const received = emulator().requests.slice(before).filter((r) => r.path === '/services/oauth2/token');
        expect(received).toHaveLength(1);
        expect(received[0]).toMatchObject({ status: 200, form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' } });
        expect(received[0]!.claims).toMatchObject({ iss: CLIENT_ID, aud: aud() });
        const exp = received[0]!.claims!.exp as number;
        expect(Number.isInteger(exp) && exp > Date.now() / 1000 && exp <= Date.now() / 1000 + 181).toBe(true);
      }
    }
  });

  it.skipIf(!HAVE_CURL)('curl: a refused login prints the status, error and description, and exits 1', async () => {
    const file = path.join(root, 'refused.sh');
    expect((await exportCli(['--format', 'curl', '-a', 'prod', '--out', file], {})).code).toBe(0);
    eca.setUserActive(USERNAME, false);
    try {
      const result = await run('bash', [file]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/Token request failed: HTTP 400 invalid_grant: .+/);
      expect(result.stderr).toMatch(/sfjwt doctor --error/);
    } finally {
      eca.setUserActive(USERNAME, true);
    }
  });

  it('jsforce: node --check, then a real token request over HTTP through a stand-in jsforce module', async () => {
    const dir = path.join(root, 'jsforce-app');
    const stub = path.join(dir, 'node_modules', 'jsforce');
    await fs.mkdir(stub, { recursive: true });
    await fs.writeFile(path.join(stub, 'package.json'), JSON.stringify({ name: 'jsforce', type: 'module', exports: './index.js' }));
    // Stands in for jsforce 3's Connection: authorize() posts the params as a form to
    // <loginUrl>/services/oauth2/token, as jsforce's OAuth2.requestToken does.
    await fs.writeFile(
      path.join(stub, 'index.js'),
      `export class Connection {
  constructor({ loginUrl }) { this.loginUrl = loginUrl; }
  async authorize(params) {
    const res = await fetch(this.loginUrl + '/services/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
    const body = await res.json();
    if (res.status >= 400) throw Object.assign(new Error(body.error_description), { name: body.error });
    this.accessToken = body.access_token;
    this.instanceUrl = body.instance_url;
    return body;
  }
}
`,
    );
    for (const [alias, emulator] of [
      ['prod', () => eca],
      ['uat', () => ca],
    ] as const) {
      const file = path.join(dir, `${alias}.mjs`);
      expect((await exportCli(['--format', 'jsforce', '-a', alias, '--out', file])).code).toBe(0);
      expect((await run(process.execPath, ['--check', file])).code).toBe(0);
      const before = emulator().requests.length;
      const result = await run(process.execPath, [file], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Logged in to ${emulator().url}`);
      expect(emulator().requests.slice(before).filter((r) => r.status === 200 && r.path === '/services/oauth2/token')).toHaveLength(1);
    }
  });

  it.skipIf(!HAVE_PYTHON)('python: the script compiles, and runs against the emulator where its libraries import', async (ctx) => {
    const dir = path.join(root, 'python');
    await fs.mkdir(dir);
    const files = { prod: path.join(dir, 'prod_login.py'), uat: path.join(dir, 'uat_login.py'), simple: path.join(dir, 'simple_login.py') };
    expect((await exportCli(['--format', 'python', '-a', 'prod', '--out', files.prod])).code).toBe(0);
    expect((await exportCli(['--format', 'python', '-a', 'uat', '--out', files.uat])).code).toBe(0);
    expect((await exportCli(['--format', 'simple-salesforce', '-a', 'dev', '--out', files.simple])).code).toBe(0);
    for (const file of Object.values(files)) {
      const compiled = await run('python3', ['-m', 'py_compile', file]);
      expect(compiled.code, compiled.stderr).toBe(0);
    }
    let pythonPath: string | undefined;
    const python = PYJWT_PYTHON ?? 'python3';
    if (!HAVE_PYJWT) {
      if (!HAVE_CRYPTOGRAPHY) {
        console.log('skipped running the python export: neither PyJWT+requests nor cryptography+requests import here');
        ctx.skip();
      }
      // PyJWT is not installed (and PyPI is unreachable): a minimal jwt.encode on cryptography.
      pythonPath = path.join(dir, 'stand-in');
      await fs.mkdir(pythonPath);
      await fs.writeFile(
        path.join(pythonPath, 'jwt.py'),
        `import base64, json
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')

def encode(payload, key, algorithm='RS256', headers=None):
    assert algorithm == 'RS256'
    signing_input = _b64(json.dumps({'alg': 'RS256', 'typ': 'JWT'}).encode()) + '.' + _b64(json.dumps(payload).encode())
    private_key = serialization.load_pem_private_key(key.encode() if isinstance(key, str) else key, password=None)
    return signing_input + '.' + _b64(private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()))
`,
      );
    }
    for (const [file, emulator, aud] of [
      [files.prod, eca, eca.url],
      [files.uat, ca, 'https://test.salesforce.com'],
    ] as const) {
      const before = emulator.requests.length;
      const result = await run(python, [file], { env: pythonPath ? { PYTHONPATH: pythonPath } : {} });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Logged in to ${emulator.url}`);
      const received = emulator.requests.slice(before).filter((r) => r.path === '/services/oauth2/token');
      expect(received.map((r) => [r.status, r.claims?.aud])).toEqual([[200, aud]]);
      expect(Number.isInteger(received[0]!.claims!.exp)).toBe(true);
    }
    // A refusal is printed readably (status, error, description) with exit 1.
    eca.setUserActive(USERNAME, false);
    try {
      const refused = await run(python, [files.prod], { env: pythonPath ? { PYTHONPATH: pythonPath } : {} });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/Token request failed: HTTP 400 invalid_grant: \S+/);
      expect(refused.stderr).not.toMatch(/Traceback/);
    } finally {
      eca.setUserActive(USERNAME, true);
    }
  });

  it('env --include-key: the exported values alone make `sfjwt verify` work (no profile)', async () => {
    const file = path.join(root, 'ci.env');
    expect((await exportCli(['--format', 'env', '-a', 'uat', '--include-key', '--out', file])).code).toBe(0);
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toMatch(/SFJWT_KEY_FILE=/);
    const values = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^SFJWT_[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Buffer.from(values.SFJWT_KEY!, 'base64').toString('utf8')).toBe(keyPem);
    expect(values.SFJWT_KEY).not.toMatch(/\s/);
    const verified = await runCli(['verify', '--json'], { env: { ...values, SFJWT_HOME: path.join(root, 'no-profiles') }, cwd: root });
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.json().result).toMatchObject({ audience: 'https://test.salesforce.com', username: SANDBOX_USER });
  });

  it.skipIf(!HAVE_SF)('sf: the exported command logs the Salesforce CLI in', async () => {
    const file = path.join(root, 'sf-login.sh');
    expect((await exportCli(['--format', 'sf', '-a', 'prod', '--out', file])).code).toBe(0);
    const sfHome = path.join(root, 'sf-home');
    await fs.mkdir(sfHome);
    const result = await run('bash', [file], { env: { HOME: sfHome, SF_DISABLE_TELEMETRY: 'true', SF_AUTOUPDATE_DISABLE: 'true' } });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(eca.requests.some((r) => r.path === '/services/oauth2/token' && r.status === 200 && r.claims?.aud !== undefined)).toBe(true);
  });
  if (!HAVE_SF) console.log('skipped running the sf export: the Salesforce CLI (sf) is not on PATH');
});
