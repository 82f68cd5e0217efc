import fs from 'node:fs/promises';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { makeKeyFiles, type KeyFiles } from '../../helpers/fixtures.js';
import { CTRL_C, ENTER, ESC, type Answer } from '../../helpers/scripted-prompter.js';
import { makeTempDir, modeOf } from '../../helpers/temp-dir.js';
import { listFiles, readJson, runInit } from './harness.js';

const USER = 'integration@acme.com';
/** As long as the keys Salesforce generates (85 characters): a shorter one gets "use it anyway?". */
const CLIENT_ID = `3MVG9wizardStepsClientId_${'0123456789'.repeat(6)}`;
const SECRET = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';

let dir: string;
let keys: KeyFiles;
let emulator: RunningEmulator;
let home: string;

beforeAll(async () => {
  dir = await makeTempDir();
  keys = await makeKeyFiles(path.join(dir, 'fixture'));
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: keys.certPem, username: USER, app: 'eca' }), { port: 0 });
});
afterAll(async () => {
  await emulator.stop();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(dir, 'home-'));
  emulator.replaceCertificate(CLIENT_ID, keys.certPem, { propagationSeconds: 0 });
});

/** All values as flags: the demo's command line (minus what a test changes). */
function flags(extra: string[] = []): string[] {
  return ['--org-kind', 'production', '--login-url', emulator.url, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath, '--app', 'eca', '--no-open', ...extra];
}

const setupPage = (p: string) => `${emulator.url}/lightning/setup/${p}/home`;

describe('the demo command line (CI=1, every value a flag)', () => {
  it('saves and verifies the profile; --json has profile, verification, files and setupUrls', async () => {
    const out = await runInit(['init', '-a', 'demo', ...flags(['--yes', '--json'])], { home });
    expect(out.code, out.stderr).toBe(0);
    const doc = out.json();
    expect(doc).toMatchObject({ ok: true, command: 'init' });
    expect(doc.result.profile).toMatchObject({
      alias: 'demo', loginUrl: emulator.url, username: USER, clientId: CLIENT_ID, keyPath: keys.keyPath, certPath: keys.certPath,
      orgKind: 'production', appKind: 'eca', audience: emulator.url,
    });
    expect(doc.result.verification).toMatchObject({ organizationId: expect.stringMatching(/^00D/), audience: emulator.url, alias: 'demo' });
    expect(doc.result.files).toEqual({ keyPath: keys.keyPath, certPath: keys.certPath });
    expect(doc.result.setupUrls).toEqual({
      app: setupPage('ManageExternalClientApplication'), policies: setupPage('ManageExternalClientApplication'),
      access: setupPage('ManageExternalClientApplication'), 'consumer-key': setupPage('ManageExternalClientApplication'),
    });
    const config = await readJson(path.join(home, 'config.json'));
    expect(config.profiles.demo.lastVerified.organizationId).toMatch(/^00D/);
    expect(await modeOf(path.join(home, 'config.json'))).toBe(0o600);
    // Progress is cleared on success; the emulator saw the assertion for our user.
    expect(await listFiles(path.join(home, 'progress'))).toEqual([]);
    expect(emulator.requests.some((r) => r.claims?.sub === USER)).toBe(true);
  });

  it('prints the manual steps once as a checklist on stderr and opens nothing', async () => {
    const out = await runInit(['init', '-a', 'ci', ...flags(['--yes']).filter((f) => f !== '--no-open')], { home });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr.match(/Manual steps in Salesforce Setup/g)).toHaveLength(1);
    expect(out.stderr).toContain(`Upload Files → choose the certificate: ${keys.certPath}`);
    expect(out.opened).toEqual([]);
    expect(out.stdout).toContain('sfjwt export --format sf -a ci');
    expect(out.stdout).toContain('sfjwt doctor -a ci');
  });
});

describe('org step', () => {
  it('flag path: kind, My Domain and username from flags (sandbox form), setup URLs on the sandbox Setup host', async () => {
    const out = await runInit(
      ['init', '-a', 'uat', '--json', '--no-verify', '--org-kind', 'sandbox', '--login-url', 'acme--uat.sandbox.my.salesforce.com/', '--username', 'i@acme.com.uat', '--client-id', CLIENT_ID, '--key', keys.keyPath],
      { home },
    );
    expect(out.code, out.stderr).toBe(0);
    const { profile, setupUrls, verification } = out.json().result;
    expect(profile).toMatchObject({ orgKind: 'sandbox', loginUrl: 'https://acme--uat.sandbox.my.salesforce.com', username: 'i@acme.com.uat' });
    expect(verification).toBeNull();
    expect(setupUrls.app).toBe('https://acme--uat.sandbox.my.salesforce-setup.com/lightning/setup/ManageExternalClientApplication/home');
  });

  it('env path: SFJWT_ALIAS, SFJWT_LOGIN_URL, SFJWT_USERNAME, SFJWT_CLIENT_ID, SFJWT_KEY_FILE; org kind from the URL', async () => {
    const out = await runInit(['init', '--json', '--no-verify'], {
      home,
      env: { SFJWT_ALIAS: 'fromenv', SFJWT_LOGIN_URL: 'https://acme.develop.my.salesforce.com', SFJWT_USERNAME: USER, SFJWT_CLIENT_ID: CLIENT_ID, SFJWT_KEY_FILE: keys.keyPath },
    });
    expect(out.code, out.stderr).toBe(0);
    expect(out.json().result.profile).toMatchObject({ alias: 'fromenv', orgKind: 'developer', loginUrl: 'https://acme.develop.my.salesforce.com', username: USER, clientId: CLIENT_ID, keyPath: keys.keyPath });
  });

  it('--yes default: production for a URL that does not say; without --yes that is exit 2 naming --org-kind', async () => {
    const base = ['--login-url', emulator.url, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath, '--no-verify', '--json'];
    const yes = await runInit(['init', '-a', 'y', '--yes', ...base], { home });
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.json().result.profile.orgKind).toBe('production');
    const no = await runInit(['init', '-a', 'n', ...base], { home });
    expect(no.code).toBe(2);
    expect(no.json().error).toMatchObject({ code: 'usage', message: expect.stringContaining('org kind'), hint: expect.stringContaining('--org-kind') });
  });

  it.each([
    ['--login-url', 'SFJWT_LOGIN_URL'],
    ['--username', 'SFJWT_USERNAME'],
    ['--client-id', 'SFJWT_CLIENT_ID'],
  ])('missing %s when not interactive: exit 2 naming the flag and the variable, nothing written', async (flag, variable) => {
    const argv = flags(['--no-verify', '--json']);
    const at = argv.indexOf(flag);
    argv.splice(at, 2);
    const out = await runInit(['init', '-a', 'missing', ...argv], { home });
    expect(out.code).toBe(2);
    expect(out.json().error.hint).toContain(flag);
    expect(out.json().error.hint).toContain(variable);
    expect(await fs.stat(path.join(home, 'config.json')).catch(() => null)).toBeNull();
  });

  it.each([
    ['https://acme.lightning.force.com', 'login-url-invalid', /Lightning.*https:\/\/acme\.my\.salesforce\.com/s],
    ['https://acme.my.salesforce-setup.com', 'login-url-invalid', /Setup host/],
    ['http://acme.my.salesforce.com', 'login-url-invalid', /http:\/\//],
  ])('bad --login-url %s: exit 2, code %s, names the flag', async (url, code, pattern) => {
    const argv = flags(['--json']);
    argv[argv.indexOf('--login-url') + 1] = url;
    const out = await runInit(['init', '-a', 'bad', ...argv], { home });
    expect(out.code).toBe(2);
    const error = out.json().error;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^--login-url: /);
    expect(`${error.message} ${error.hint}`).toMatch(pattern);
  });

  it('bad --username (no @): exit 2 with username-invalid naming the flag', async () => {
    const argv = flags(['--json']);
    argv[argv.indexOf('--username') + 1] = 'integration';
    const out = await runInit(['init', '-a', 'bad', ...argv], { home });
    expect(out.code).toBe(2);
    expect(out.json().error).toMatchObject({ code: 'username-invalid', message: expect.stringContaining('--username') });
  });

  it('nothing given when not interactive: every missing value named at once, with its flag', async () => {
    const out = await runInit(['init', '-a', 'bare', '--json', '--no-verify'], { home });
    expect(out.code).toBe(2);
    const { message, hint } = out.json().error;
    expect(message).toBe('missing 4 values: org kind, login URL, run-as username, consumer key; sfjwt cannot ask here (not interactive)');
    for (const flag of ['--org-kind', '--login-url <url> (or SFJWT_LOGIN_URL)', '--username <username> (or SFJWT_USERNAME)', '--client-id <consumer key> (or SFJWT_CLIENT_ID)']) expect(hint).toContain(flag);
    expect(await listFiles(home)).toEqual([]);
  });

  it('doubtful flag values are used with a warning (a cut-off consumer key, a generic host with an ECA)', async () => {
    const argv = flags(['--json', '--no-verify']);
    argv[argv.indexOf('--client-id') + 1] = CLIENT_ID.slice(0, 30);
    argv[argv.indexOf('--login-url') + 1] = 'https://login.salesforce.com';
    const out = await runInit(['init', '-a', 'doubt', ...argv], { home });
    expect(out.code, out.stderr).toBe(0);
    expect(out.json().warnings).toEqual([
      { code: 'login-url-invalid', message: expect.stringMatching(/^--login-url: https:\/\/login\.salesforce\.com is a generic login host/) },
      { code: 'client-id-format', message: expect.stringMatching(/^--client-id: 3MVG9wiz… has 30 characters/) },
    ]);
  });

  it('an alias with path characters is refused (flag and SFJWT_ALIAS)', async () => {
    const flag = await runInit(['init', '-a', '../evil', ...flags(['--json'])], { home });
    expect(flag.code).toBe(2);
    expect(flag.json().error.message).toMatch(/invalid alias/);
    const env = await runInit(['init', ...flags(['--json'])], { home, env: { SFJWT_ALIAS: 'a/b' } });
    expect(env.code).toBe(2);
    expect(env.json().error.hint).toContain('SFJWT_ALIAS');
    expect(await listFiles(home)).toEqual([]);
  });
});

describe('the whole wizard with scripted prompts (interactive)', () => {
  /** Every question of a fresh run, answered; `over` replaces some. */
  function answers(over: Record<string, Answer | Answer[]> = {}): Record<string, Answer | Answer[]> {
    return {
      orgKind: 'production',
      loginUrl: emulator.url,
      username: USER,
      keySource: 'existing',
      keyFile: keys.keyPath,
      app: 'eca',
      appName: ENTER,
      contactEmail: ENTER,
      'app-done': 'done',
      'policies-done': 'done',
      access: 'Integration Users',
      'access-done': 'done',
      'consumer-key-done': 'done',
      clientId: CLIENT_ID,
      ...over,
    };
  }

  it('asks each question once, by id, opens the ECA manager once, saves and verifies', async () => {
    const out = await runInit(['init', '-a', 'wiz', '--wait', '0'], { home, answers: answers() });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    expect(out.prompter!.asked.map((q) => q.id)).toEqual([
      'orgKind', 'loginUrl', 'username', 'keySource', 'keyFile', 'app', 'appName', 'contactEmail',
      'app-done', 'policies-done', 'access', 'access-done', 'consumer-key-done', 'clientId',
    ]);
    // Same page for all four ECA steps: opened once, printed every time.
    expect(out.opened).toEqual([setupPage('ManageExternalClientApplication')]);
    expect(out.stderr.split(setupPage('ManageExternalClientApplication')).length - 1).toBe(4);
    expect(out.stderr).toContain('select "Integration Users"');
    expect(out.stderr).toContain('External Client App Name: sfjwt-wiz; Contact Email: integration@acme.com');
    const profile = (await readJson(path.join(home, 'config.json'))).profiles.wiz;
    expect(profile).toMatchObject({ username: USER, clientId: CLIENT_ID, appKind: 'eca', lastVerified: { organizationId: expect.any(String) } });
    expect(out.stdout).toContain('Verified: JWT bearer login works.');
    // The keyboard is held (no echo onto the spinner) during the verification only, and released.
    expect(out.prompter!.holds).toEqual(['hold', 'release']);
  });

  it('Connected App: opens App Manager, then Manage Connected Apps, then App Manager again', async () => {
    const out = await runInit(['init', '-a', 'ca', '--no-verify'], { home, answers: answers({ app: 'connected-app' }) });
    expect(out.code, out.stderr).toBe(0);
    expect(out.opened).toEqual([setupPage('NavigationMenus'), setupPage('ConnectedApplication'), setupPage('NavigationMenus')]);
    expect(out.stderr).toContain('Use digital signatures');
    expect(out.stderr).toContain('Salesforce Support re-enabled creating them');
  });

  it('--no-open opens nothing but still prints every URL', async () => {
    const out = await runInit(['init', '-a', 'noopen', '--no-open', '--no-verify'], { home, answers: answers({ app: 'connected-app' }) });
    expect(out.code, out.stderr).toBe(0);
    expect(out.opened).toEqual([]);
    expect(out.stderr).toContain(setupPage('NavigationMenus'));
    expect(out.stderr).toContain(setupPage('ConnectedApplication'));
  });

  it('a manual step can show details, reopen the page, and go back one step: to the app\'s instructions, not its first question', async () => {
    const out = await runInit(['init', '-a', 'nav', '--no-verify'], {
      home,
      answers: answers({
        'app-done': ['show', 'open', 'done', 'done'],
        'policies-done': ['back', 'done'],
      }),
    });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    const appPage = setupPage('ManageExternalClientApplication');
    expect(out.opened).toEqual([appPage, appPage]);
    // Shown first (fields only), with details on "show", and again after going back.
    expect(out.stderr.match(/Create the External Client App\n/g)).toHaveLength(3);
    expect(out.stderr.match(/required by the form, never used by the JWT bearer flow/g)).toHaveLength(1);
    // "Go back one step" from the policies lands on the app's instructions: no app question again.
    const ids = out.prompter!.asked.map((q) => q.id);
    expect(ids.slice(ids.indexOf('app-done'))).toEqual(['app-done', 'app-done', 'app-done', 'policies-done', 'app-done', 'policies-done', 'access', 'access-done', 'consumer-key-done', 'clientId']);
  });

  it('Escape goes back: to the step\'s earlier question, or to the previous step', async () => {
    const out = await runInit(['init', '-a', 'esc', '--no-verify'], {
      home,
      answers: answers({
        // Escape at the username asks the org step again (answers offered as defaults).
        orgKind: ['production', ENTER],
        loginUrl: [emulator.url, ENTER],
        username: [ESC, USER],
        // Escape at the app's "done?" asks the app questions again; Escape at the policies goes back to the app.
        app: ['eca', ENTER],
        appName: [ENTER, 'renamed-app'],
        contactEmail: [ENTER, ENTER],
        'app-done': [ESC, 'done', 'done'],
        'policies-done': [ESC, 'done'],
      }),
    });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    const asked = out.prompter!.asked;
    expect(asked.filter((q) => q.id === 'loginUrl').map((q) => q.default)).toEqual([undefined, emulator.url]);
    expect(asked.filter((q) => q.id === 'appName').map((q) => q.default)).toEqual(['sfjwt-esc', 'sfjwt-esc']);
    expect(asked.map((q) => q.id).slice(-8)).toEqual(['app-done', 'policies-done', 'app-done', 'policies-done', 'access', 'access-done', 'consumer-key-done', 'clientId']);
    expect(out.stderr).toContain('External Client App Manager → renamed-app → Policies tab');
  });

  it('bad answers are refused at the prompt and asked again (login URL, username, consumer key)', async () => {
    const out = await runInit(['init', '-a', 'reask', '--no-verify'], {
      home,
      answers: answers({
        loginUrl: ['https://acme.lightning.force.com', 'https://acme.my.salesforce-setup.com', 'http://acme.my.salesforce.com', emulator.url],
        username: ['integration', USER],
        clientId: ['3MVG9 with spaces', SECRET, CLIENT_ID],
        keyFile: [path.join(dir, 'nope.key'), keys.certPath, keys.keyPath],
      }),
    });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    const rejected = out.prompter!.rejected;
    expect(rejected.map((r) => r.id)).toEqual(['loginUrl', 'loginUrl', 'loginUrl', 'username', 'keyFile', 'keyFile', 'clientId', 'clientId']);
    expect(rejected[0]!.message).toMatch(/Lightning.*https:\/\/acme\.my\.salesforce\.com/s);
    expect(rejected[1]!.message).toMatch(/Setup host/);
    expect(rejected[2]!.message).toMatch(/http:\/\//);
    expect(rejected[3]!.message).toMatch(/look like an email address\. Type one such as integration@acme\.com/);
    // A key path that is missing or is a certificate is refused inside the prompt and asked again.
    expect(rejected[4]!.message).toMatch(/^Private key file not found: .*nope\.key\. Type the path of an unencrypted RSA private key/);
    expect(rejected[5]!.message).toMatch(/this is a certificate, not the private key/);
    expect(rejected[6]!.message).toMatch(/contains spaces or line breaks/);
    expect(rejected[7]!.message).toBe(
      "That is a consumer secret (64 hex digits), not the consumer key. Copy the Consumer Key (not the secret) from the app's OAuth settings: the long value that usually starts with 3MVG, and paste it here.",
    );
    // Prompt errors speak of what to type: never of flags, never "(answer)", never nested parentheses.
    for (const r of rejected) {
      expect(r.message).not.toMatch(/--[a-z]|\(answer\)|pass /);
      expect(r.message).not.toMatch(/\([^)]*\(/);
    }
    expect((await readJson(path.join(home, 'config.json'))).profiles.reask.clientId).toBe(CLIENT_ID);
  });

  it('consumer key: a secret-shaped number is re-asked at once; a cut-off key asks "use it anyway?"', async () => {
    const out = await runInit(['init', '-a', 'ck', '--no-verify'], {
      home,
      answers: answers({ clientId: ['1234567890123456789', CLIENT_ID.slice(0, 30), CLIENT_ID.slice(0, 30)], 'clientId-anyway': [false, true] }),
    });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    expect(out.prompter!.rejected).toEqual([{ id: 'clientId', value: '1234567890123456789', message: expect.stringMatching(/^That is a consumer secret \(19 digits\)/) }]);
    const doubt = out.prompter!.asked.find((q) => q.id === 'clientId-anyway')!;
    expect(doubt).toMatchObject({ kind: 'confirm', default: false, message: expect.stringMatching(/has 30 characters; Salesforce's consumer keys have 85: it may be cut off\. Use it anyway\?$/) });
    // Declined once (asked again), then accepted.
    expect(out.prompter!.asked.filter((q) => q.id === 'clientId')).toHaveLength(2);
    expect((await readJson(path.join(home, 'config.json'))).profiles.ck.clientId).toBe(CLIENT_ID.slice(0, 30));
  });

  it.each([
    ['https://acme.my.salesforc.com', /acme\.my\.salesforc\.com is not a Salesforce host; is it a misspelling of salesforce\.com\?/],
    ['https://login.salesforce.com', /generic login host; External Client Apps are often only found through the org's My Domain/],
  ])('login URL %s: the warning doctor gives, and the wizard asks to confirm', async (url, warning) => {
    const out = await runInit(['init', '-a', 'lu', '--no-verify'], {
      home,
      answers: answers({ loginUrl: [url, emulator.url], 'loginUrl-anyway': false }),
    });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    expect(out.prompter!.asked.find((q) => q.id === 'loginUrl-anyway')!.message).toMatch(warning);
    expect((await readJson(path.join(home, 'config.json'))).profiles.lu.loginUrl).toBe(emulator.url);
  });

  it('Ctrl-C at the first question: exit 130, "nothing was written", no files', async () => {
    const out = await runInit(['init', '-a', 'early'], { home, answers: { orgKind: CTRL_C } });
    expect(out.code).toBe(130);
    expect(out.stderr).toContain('Cancelled; nothing was written.');
    expect(await listFiles(home)).toEqual([]);
  });
});

describe('key step', () => {
  const noKey = (extra: string[] = []) => flags(['--no-verify', '--json', ...extra]).filter((f, i, all) => f !== '--key' && all[i - 1] !== '--key');

  it('generates into keys/<alias>/ (0600 key, 0644 cert) and reports the paths', async () => {
    const out = await runInit(['init', '-a', 'gen', '--yes', ...noKey()], { home });
    expect(out.code, out.stderr).toBe(0);
    const dirOf = path.join(home, 'keys', 'gen');
    expect(out.json().result.files).toEqual({ keyPath: path.join(dirOf, 'server.key'), certPath: path.join(dirOf, 'server.crt') });
    expect(await modeOf(path.join(dirOf, 'server.key'))).toBe(0o600);
    expect(await modeOf(path.join(dirOf, 'server.crt'))).toBe(0o644);

    // Rerun (no progress, keys present and matching): non-interactive reuses them unchanged.
    const before = await fs.readFile(path.join(dirOf, 'server.key'), 'utf8');
    const again = await runInit(['init', '-a', 'gen', '--yes', ...noKey()], { home });
    expect(again.code, again.stderr).toBe(0);
    expect(await fs.readFile(path.join(dirOf, 'server.key'), 'utf8')).toBe(before);

    // A certificate that does not match: exit 2 suggesting --force, nothing changed.
    await fs.copyFile(keys.certPath, path.join(dirOf, 'server.crt'));
    const mismatch = await runInit(['init', '-a', 'gen', '--yes', ...noKey()], { home });
    expect(mismatch.code).toBe(2);
    expect(mismatch.json().error.hint).toContain('--force');
    expect(await fs.readFile(path.join(dirOf, 'server.key'), 'utf8')).toBe(before);

    // --force backs the old files up first, then writes a new pair.
    const forced = await runInit(['init', '-a', 'gen', '--yes', '--force', ...noKey()], { home });
    expect(forced.code, forced.stderr).toBe(0);
    expect(await fs.readFile(path.join(dirOf, 'server.key'), 'utf8')).not.toBe(before);
    const backups = (await listFiles(path.join(dirOf, 'backup'))).filter((f) => f.endsWith('server.key'));
    expect(backups).toHaveLength(1);
    expect(await fs.readFile(path.join(dirOf, 'backup', backups[0]!), 'utf8')).toBe(before);
  });

  it('--out-dir puts the pair there; --key without a certificate gets one made from it', async () => {
    const outDir = path.join(dir, 'out-dir-test');
    const out = await runInit(['init', '-a', 'od', '--yes', ...noKey(['--out-dir', outDir])], { home });
    expect(out.code, out.stderr).toBe(0);
    expect(await listFiles(outDir)).toEqual(['server.crt', 'server.key']);

    const lonely = path.join(dir, 'lonely');
    await fs.mkdir(lonely, { recursive: true });
    await fs.copyFile(keys.keyPath, path.join(lonely, 'my.pem'));
    const made = await runInit(['init', '-a', 'lonely', ...flags(['--json', '--key', path.join(lonely, 'my.pem')])], { home });
    expect(made.code, made.stderr).toBe(0);
    // The certificate made from the key is accepted by the app holding the fixture's certificate.
    expect(made.json().result.files).toEqual({ keyPath: path.join(lonely, 'my.pem'), certPath: path.join(home, 'keys', 'lonely', 'server.crt') });
    expect(made.json().result.verification.organizationId).toBeTruthy();
  });

  const badKeys: Record<string, () => string> = {
    'an encrypted key': () => generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey,
    'an EC key': () => generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey,
    'a certificate': () => keys.certPem,
    'a 1024-bit RSA key': () => generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey,
  };
  it.each([
    ['an encrypted key', 'key-encrypted'],
    ['an EC key', 'key-not-rsa'],
    ['a certificate', 'key-invalid'],
    ['a 1024-bit RSA key', 'key-size'],
  ])('--key with %s: exit 2, code %s, names --key, nothing written', async (what, code) => {
    const file = path.join(dir, `bad-${code}.pem`);
    await fs.writeFile(file, badKeys[what]!());
    const out = await runInit(['init', '-a', 'badkey', ...flags(['--json', '--key', file])], { home });
    expect(out.code).toBe(2);
    expect(out.json().error).toMatchObject({ code, message: expect.stringMatching(/^--key: /) });
    expect(await listFiles(home)).toEqual([]);
  });

  it('interactive: "~/…" at the key prompt is the home folder', async () => {
    const homedir = path.join(dir, 'homedir-tilde');
    await fs.mkdir(homedir, { recursive: true });
    await fs.copyFile(keys.keyPath, path.join(homedir, 'k.key'));
    await fs.chmod(path.join(homedir, 'k.key'), 0o600);
    const out = await runInit(['init', '-a', 'tilde', '--no-verify', ...flags().filter((f, i, all) => f !== '--key' && all[i - 1] !== '--key')], {
      home,
      homedir,
      answers: { keySource: 'existing', keyFile: '~/k.key', appName: ENTER, contactEmail: ENTER, 'app-done': 'done', 'policies-done': 'done', access: ENTER, 'access-done': 'done' },
    });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    expect(out.prompter!.rejected).toEqual([]);
    expect((await readJson(path.join(home, 'config.json'))).profiles.tilde.keyPath).toBe(path.join(homedir, 'k.key'));
  });

  it('reusing a key: its real mode, an offer to restrict it (chmod 600), a warning about repairs (literal \\n)', async () => {
    const file = path.join(dir, 'literal.key');
    await fs.writeFile(file, keys.keyPem.trim().replace(/\n/g, '\\n'), { mode: 0o644 });
    await fs.chmod(file, 0o644);
    const argv = flags(['--no-verify']);
    argv[argv.indexOf('--key') + 1] = file;
    // Not interactive: reported, not changed.
    const ci = await runInit(['init', '-a', 'loose', '--json', ...argv], { home });
    expect(ci.code, ci.stderr).toBe(0);
    expect(ci.json().warnings).toEqual(expect.arrayContaining([
      { code: 'key-invalid', message: expect.stringContaining('turned literal \\n sequences into line breaks') },
      { code: 'key-permissions', message: `${file} can be read by other users (mode 0644); restrict it: chmod 600 ${file}` },
    ]));
    expect(await modeOf(file)).toBe(0o644);
    // Interactive: asked, fixed, and the summary shows the mode it has now.
    const asked = await runInit(['init', '-a', 'loose2', ...argv], { home, answers: { keyChmod: true, 'app-done': 'done', 'policies-done': 'done', access: ENTER, 'access-done': 'done', appName: ENTER, contactEmail: ENTER } });
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.prompter!.asked.find((q) => q.id === 'keyChmod')!.message).toContain('(mode 0644)');
    expect(await modeOf(file)).toBe(0o600);
    expect(asked.stderr).toMatch(/Private key +\S+literal\.key +\(0600;/);
    // Declined: the summary says 0644, not 0600.
    await fs.chmod(file, 0o644);
    const declined = await runInit(['init', '-a', 'loose3', ...argv], { home, answers: { keyChmod: false, 'app-done': 'done', 'policies-done': 'done', access: ENTER, 'access-done': 'done', appName: ENTER, contactEmail: ENTER } });
    expect(declined.code, declined.stderr).toBe(0);
    expect(declined.stderr).toMatch(/Private key +\S+literal\.key +\(0644;/);
  });

  it('interactive: keys already at the target (not made by this wizard) → asks to reuse them', async () => {
    const target = path.join(home, 'keys', 'ask');
    await fs.mkdir(target, { recursive: true });
    await fs.copyFile(keys.keyPath, path.join(target, 'server.key'));
    await fs.copyFile(keys.certPath, path.join(target, 'server.crt'));
    const out = await runInit(['init', '-a', 'ask', '--wait', '0', ...flags().filter((f, i, all) => f !== '--key' && all[i - 1] !== '--key')], {
      home,
      answers: { existingKeys: 'reuse', appName: ENTER, contactEmail: ENTER, 'app-done': 'done', 'policies-done': 'done', access: ENTER, 'access-done': 'done' },
    });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    expect(out.prompter!.asked.find((q) => q.id === 'existingKeys')!.choices).toEqual(['reuse', 'replace', 'stop']);
    expect(out.stderr).toContain('Reusing the existing key pair');
  });
});

describe('dry run, resume, verification failure', () => {
  it('--dry-run asks everything, writes nothing, opens nothing, prints the plan', async () => {
    const argv = ['init', '-a', 'dry', '--dry-run', ...flags(['--yes']).filter((f, i, all) => f !== '--key' && all[i - 1] !== '--key')];
    const requestsBefore = emulator.requests.length;
    const out = await runInit(argv, { home });
    expect(out.code, out.stderr).toBe(0);
    expect(await listFiles(home)).toEqual([]);
    expect(emulator.requests.length).toBe(requestsBefore);
    expect(out.stdout).toContain('Dry run: nothing was written.');
    expect(out.stdout).toContain(`write  ${path.join(home, 'keys', 'dry', 'server.key')} (0600)`);
    expect(out.stdout).toContain(`save   profile "dry" in ${path.join(home, 'config.json')}`);
    expect(out.stdout).toMatch(/verify +token exchange as integration@acme\.com/);
    expect(out.stdout).toContain(`open   ${setupPage('ManageExternalClientApplication')}`);

    // Interactive dry run: the same questions, still nothing opened or written.
    const interactive = await runInit(['init', '-a', 'dry2', '--dry-run'], {
      home,
      answers: { orgKind: 'production', loginUrl: emulator.url, username: USER, keySource: 'generate', app: 'eca', appName: ENTER, contactEmail: ENTER, 'app-done': 'done', 'policies-done': 'done', access: ENTER, 'access-done': 'done', 'consumer-key-done': 'done', clientId: CLIENT_ID },
    });
    expect(interactive.code, interactive.stderr).toBe(0);
    interactive.prompter!.assertAllUsed();
    expect(interactive.opened).toEqual([]);
    expect(await listFiles(home)).toEqual([]);
  });

  it('Ctrl-C midway keeps the keys and progress (0600); the rerun continues, reusing the keys, and clears the progress', async () => {
    const common: Record<string, Answer> = { orgKind: 'developer', loginUrl: emulator.url, username: USER, keySource: 'generate', app: 'eca', appName: ENTER, contactEmail: ENTER };
    const first = await runInit(['init', '-a', 'resume', '--wait', '0'], { home, answers: { ...common, 'app-done': 'done', 'policies-done': CTRL_C } });
    expect(first.code).toBe(130);
    const keyPath = path.join(home, 'keys', 'resume', 'server.key');
    expect(first.stderr).toMatch(/Cancelled\. Kept .*server\.key.*progress after: org, key, app; run `sfjwt init -a resume` to continue/);
    const progressPath = path.join(home, 'progress', 'resume.json');
    expect(await modeOf(progressPath)).toBe(0o600);
    expect((await readJson(progressPath)).completed).toEqual(['org', 'key', 'app']);
    expect(await fs.stat(path.join(home, 'config.json')).catch(() => null)).toBeNull();
    const keyBefore = await fs.readFile(keyPath, 'utf8');
    const fingerprint = /SHA-256 +([0-9A-F:]+)/.exec(first.stderr)![1]!;

    emulator.replaceCertificate(CLIENT_ID, await fs.readFile(path.join(home, 'keys', 'resume', 'server.crt'), 'utf8'), { propagationSeconds: 0 });
    const second = await runInit(['init', '-a', 'resume', '--wait', '0'], {
      home,
      answers: { resume: 'continue', 'policies-done': 'done', access: ENTER, 'access-done': 'done', 'consumer-key-done': 'done', clientId: CLIENT_ID },
    });
    expect(second.code, second.stderr).toBe(0);
    second.prompter!.assertAllUsed();
    expect(second.stderr).toContain('Reusing the key pair generated earlier');
    expect(second.stderr).toContain(fingerprint);
    expect(second.stderr).toContain('Create the External Client App (done earlier)');
    expect(await fs.readFile(keyPath, 'utf8')).toBe(keyBefore);
    expect((await readJson(path.join(home, 'config.json'))).profiles.resume.orgKind).toBe('developer');
    expect(await fs.stat(progressPath).catch(() => null)).toBeNull();
  });

  it('resume shows the saved values (not step ids) and can change one: only that one is asked again', async () => {
    const common: Record<string, Answer> = { orgKind: 'developer', loginUrl: emulator.url, username: 'wrong@acme.com', keySource: 'existing', keyFile: keys.keyPath, app: 'eca', appName: ENTER, contactEmail: ENTER };
    const first = await runInit(['init', '-a', 'change', '--wait', '0'], { home, answers: { ...common, 'app-done': 'done', 'policies-done': CTRL_C } });
    expect(first.code).toBe(130);
    const second = await runInit(['init', '-a', 'change', '--wait', '0'], {
      home,
      answers: { resume: ['change', 'continue'], resumeChange: 'username', username: USER, 'policies-done': 'done', access: ENTER, 'access-done': 'done', 'consumer-key-done': 'done', clientId: CLIENT_ID },
    });
    expect(second.code, second.stderr).toBe(0);
    second.prompter!.assertAllUsed();
    expect(second.stderr).toMatch(/Saved answers for "change" from an earlier run:\n +org kind +developer\n +login URL +http:\/\/127\.0\.0\.1:\d+\n +run-as username +wrong@acme\.com\n/);
    expect(second.stderr).not.toMatch(/done: org/);
    const [, again] = second.prompter!.asked.filter((q) => q.id === 'resume');
    expect(again!.message).toBe('Continue, asking again for: run-as username?');
    expect(second.prompter!.asked.find((q) => q.id === 'resumeChange')!.choices).toEqual(['orgKind', 'loginUrl', 'username', 'appKind', 'appName', 'contactEmail']);
    // Only the username was asked of the org step; the rest came from the progress.
    expect(second.prompter!.asked.map((q) => q.id).slice(0, 4)).toEqual(['resume', 'resumeChange', 'resume', 'username']);
    expect((await readJson(path.join(home, 'config.json'))).profiles.change.username).toBe(USER);
  });

  it('a failure a value can cause (client-id-invalid) offers to type the consumer key again, then verifies again', async () => {
    const wrong = `3MVG9thisKeyDoesNotExist_${'9876543210'.repeat(6)}`;
    const argv = flags(['--wait', '0']).filter((f, i, all) => f !== '--client-id' && all[i - 1] !== '--client-id');
    const out = await runInit(['init', '-a', 'retype', ...argv], {
      home,
      answers: { appName: ENTER, contactEmail: ENTER, 'app-done': 'done', 'policies-done': 'done', access: ENTER, 'access-done': 'done', 'consumer-key-done': 'done', clientId: [wrong, CLIENT_ID], 'verify-failed': 'clientId' },
    });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    expect(out.prompter!.asked.find((q) => q.id === 'verify-failed')!.choices).toEqual(['clientId', 'stop']);
    expect(out.prompter!.asked.filter((q) => q.id === 'clientId')[1]!.default).toBe(wrong);
    expect(out.stdout).toContain('Verified: JWT bearer login works.');
    expect((await readJson(path.join(home, 'config.json'))).profiles.retype.clientId).toBe(CLIENT_ID);
  });

  it('an unreachable login URL (network-error) offers to type it again; the retry goes to the new one, and the profile and the narration follow it', async () => {
    // A port nothing listens on: the first verification cannot connect.
    const closed = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: keys.certPem, username: USER, app: 'eca' }), { port: 0 });
    const deadUrl = closed.url;
    await closed.stop();
    const argv = flags(['--wait', '0', '--json']).filter((f, i, all) => f !== '--login-url' && all[i - 1] !== '--login-url' && f !== '--json');
    const out = await runInit(['init', '-a', 'moved', '--verbose', ...argv], {
      home,
      answers: { loginUrl: [deadUrl, emulator.url], appName: ENTER, contactEmail: ENTER, 'app-done': 'done', 'policies-done': 'done', access: ENTER, 'access-done': 'done', 'verify-failed': 'loginUrl' },
    });
    expect(out.code, out.stderr).toBe(0);
    out.prompter!.assertAllUsed();
    expect(out.prompter!.asked.find((q) => q.id === 'verify-failed')!.choices).toContain('loginUrl');
    expect(out.prompter!.asked.filter((q) => q.id === 'loginUrl')[1]!.default).toBe(deadUrl);
    expect(out.stdout).toContain('Verified: JWT bearer login works.');
    expect((await readJson(path.join(home, 'config.json'))).profiles.moved).toMatchObject({ loginUrl: emulator.url, audience: emulator.url });
    // What the run says it did follows the retyped URL too.
    const verified = [...out.stderr.matchAll(/^ {2}done verify +(.*)$/gm)].map((m) => m[1]);
    expect(verified).toEqual([expect.stringContaining(`trying ${deadUrl} aud=${deadUrl}`), expect.stringContaining(`trying ${emulator.url} aud=${emulator.url}`)]);
  });

  it('verification failure: exit 1 with the finding, the profile stays saved, points to sfjwt doctor -a <alias>', async () => {
    const other = await makeKeyFiles(path.join(dir, 'other'));
    const argv = flags(['--json']);
    argv[argv.indexOf('--key') + 1] = other.keyPath;
    const out = await runInit(['init', '-a', 'fails', ...argv], { home });
    expect(out.code).toBe(1);
    const doc = out.json();
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('invalid-assertion');
    expect(doc.error.fixes.length).toBeGreaterThan(0);
    expect(doc.result.profile.alias).toBe('fails');
    expect((await readJson(path.join(home, 'config.json'))).profiles.fails.keyPath).toBe(other.keyPath);

    const human = await runInit(['init', '-a', 'fails2', ...argv.filter((a) => a !== '--json')], { home });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('sfjwt doctor -a fails2');
  });

  it('--wait retries a propagation error (client-id-invalid) with the countdown narration; 0 does not', async () => {
    const argv = flags();
    argv[argv.indexOf('--client-id') + 1] = '3MVG9notYetPropagated';
    const waited = await runInit(['init', '-a', 'w', '--wait', '1', ...argv], { home });
    expect(waited.code).toBe(1);
    expect(waited.stderr).toMatch(/client-id-invalid: may be propagation .* retrying in 1 s/);
    const immediate = await runInit(['init', '-a', 'w0', ...argv], { home });
    expect(immediate.code).toBe(1);
    expect(immediate.stderr).not.toContain('retrying in');
  });
});

describe('app and access steps from flags', () => {
  it('--app connected-app --app-name --contact-email --access shape the checklist and the setup URLs', async () => {
    const argv = flags(['--json', '--no-verify', '--app-name', 'Billing Sync', '--contact-email', 'ops@acme.com', '--access', 'Integration API Only']);
    argv[argv.indexOf('--app') + 1] = 'connected-app';
    const out = await runInit(['init', '-a', 'caflags', ...argv], { home });
    expect(out.code, out.stderr).toBe(0);
    expect(out.json().result.profile.appKind).toBe('connected-app');
    expect(out.json().result.setupUrls).toEqual({
      app: setupPage('NavigationMenus'), policies: setupPage('ConnectedApplication'), access: setupPage('ConnectedApplication'), 'consumer-key': setupPage('NavigationMenus'),
    });
    const human = await runInit(['init', '-a', 'caflags2', ...argv.filter((a) => a !== '--json')], { home });
    expect(human.stderr).toContain('Connected App Name: Billing Sync; Contact Email: ops@acme.com');
    expect(human.stderr).toContain('tick "Integration API Only"');
  });

  it('a bad --contact-email or --app-name is exit 2 naming the flag before anything is written', async () => {
    const email = await runInit(['init', '-a', 'bademail', ...flags(['--json', '--contact-email', 'not-an-email'])], { home });
    expect(email.code).toBe(2);
    expect(email.json().error.message).toContain('--contact-email');
    expect(await listFiles(home)).toEqual([]);
  });
});

/**
 * `--dry-run` prints the effects a real run applies: the same list, in the same order. The plan
 * comes from --dry-run (its JSON `plan`, or the printed plan when interactive); what a real run
 * applied comes from its --verbose narration ("done <action> <detail>").
 */
const allFlags = () => ['--org-kind', 'production', '--login-url', emulator.url, '--username', USER, '--client-id', CLIENT_ID, '--app', 'eca', '--wait', '0'];

/** The --verbose lines a real run prints after each effect it applied. */
function applied(stderr: string): string[] {
  return [...stderr.matchAll(/^ {2}done (\w+) +(.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** The plan --dry-run prints on stdout (one line per effect). */
function printedPlan(stdout: string): string[] {
  const lines = stdout.split('\n');
  return lines.slice(lines.indexOf('Dry run: nothing was written. The run would:') + 1).filter((l) => /^ {2}\w/.test(l)).map((l) => l.trim().replace(/^(\w+) +/, '$1 '));
}

/** A copy of the fixture key others can read (0644), with or without its certificate beside it. */
async function looseKey(withCert: boolean): Promise<string> {
  const folder = path.join(home, 'brought');
  await fs.mkdir(folder, { recursive: true });
  const keyPath = path.join(folder, 'server.key');
  await fs.copyFile(keys.keyPath, keyPath);
  await fs.chmod(keyPath, 0o644);
  if (withCert) await fs.copyFile(keys.certPath, path.join(folder, 'server.crt'));
  return keyPath;
}

describe('--dry-run lists the very effects a real run applies', () => {
  it('not interactive, a new key pair (--no-verify): write, write, open (printed), save, clear', async () => {
    const argv = ['init', '-a', 'gen', '--no-verify', ...allFlags()];
    const dry = await runInit([...argv, '--dry-run', '--json'], { home });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = (dry.json().result.plan as { action: string; detail: string }[]).map((p) => `${p.action} ${p.detail}`);
    expect(await listFiles(home)).toEqual([]);

    const real = await runInit([...argv, '--verbose'], { home });
    expect(real.code, real.stderr).toBe(0);
    expect(applied(real.stderr)).toEqual(plan);
    expect(plan.map((p) => p.split(' ')[0])).toEqual(['write', 'write', 'open', 'open', 'open', 'open', 'save', 'clear']);
    expect(await listFiles(path.join(home, 'keys', 'gen'))).toEqual(['server.crt', 'server.key']);
  });

  it('not interactive, a brought key others can read: no chmod planned and none done (it is only reported)', async () => {
    const keyPath = await looseKey(true);
    const argv = ['init', '-a', 'ci', '--key', keyPath, ...allFlags()];
    const dry = await runInit([...argv, '--dry-run', '--json'], { home });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = (dry.json().result.plan as { action: string; detail: string }[]).map((p) => `${p.action} ${p.detail}`);

    const real = await runInit([...argv, '--verbose'], { home });
    expect(real.code, real.stderr).toBe(0);
    expect(applied(real.stderr)).toEqual(plan);
    expect(plan.map((p) => p.split(' ')[0])).toEqual(['open', 'open', 'open', 'open', 'save', 'verify', 'clear']);
    expect(real.stderr).toContain(`${keyPath} can be read by other users (mode 0644); restrict it: chmod 600 ${keyPath}`);
    expect(await modeOf(keyPath)).toBe(0o644);
  });

  it('interactive, a brought key (restricted when agreed) without its certificate, the browser opening: same list', async () => {
    const keyPath = await looseKey(false);
    const answers: Record<string, Answer> = {
      orgKind: 'production', loginUrl: emulator.url, username: USER, keySource: 'existing', keyFile: keyPath, keyChmod: true,
      app: 'eca', appName: ENTER, contactEmail: ENTER, 'app-done': 'done', 'policies-done': 'done', access: ENTER, 'access-done': 'done',
      'consumer-key-done': 'done', clientId: CLIENT_ID,
    };
    const dry = await runInit(['init', '-a', 'tty', '--wait', '0', '--dry-run'], { home, answers });
    expect(dry.code, dry.stderr).toBe(0);
    dry.prompter!.assertAllUsed();
    const plan = printedPlan(dry.stdout);
    expect(dry.opened).toEqual([]);
    expect(await modeOf(keyPath)).toBe(0o644);

    const real = await runInit(['init', '-a', 'tty', '--wait', '0', '--verbose'], { home, answers });
    expect(real.code, real.stderr).toBe(0);
    expect(applied(real.stderr)).toEqual(plan);
    const certPath = path.join(home, 'keys', 'tty', 'server.crt');
    expect(plan).toEqual([
      `write ${keyPath}: mode 0644 → 0600`,
      `write ${certPath} (0644): a self-signed certificate made from ${keyPath}, valid 730 days`,
      `open ${emulator.url}/lightning/setup/ManageExternalClientApplication/home (app; in the browser)`,
      `save profile "tty" in ${path.join(home, 'config.json')} (0600)`,
      expect.stringMatching(/^verify token exchange as integration@acme\.com/),
      `clear wizard progress ${path.join(home, 'progress', 'tty.json')}`,
    ]);
    expect(real.opened).toEqual([`${emulator.url}/lightning/setup/ManageExternalClientApplication/home`]);
    expect(await modeOf(keyPath)).toBe(0o600);
  });
});
