import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, singleAppConfig, type RunningEmulator, type SingleAppOptions } from '../../../src/emulator/index.js';
import { createTestDeps, runInProcess } from '../../helpers/deps.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { CLIENT_ID, USERNAME, makePair, writePair, type Pair } from './fixtures.js';

// Issue 15 items 13-15: what doctor tells a new user, on screen, in the order that matters.

let pair: Pair;
let other: Pair;
let home: string;
let files: { keyPath: string; certPath: string };
let emulator: RunningEmulator | undefined;

beforeAll(async () => {
  pair = makePair();
  other = makePair();
  home = await makeTempDir();
  files = await writePair(await makeTempDir(), pair);
});

afterAll(() => fs.rm(home, { recursive: true, force: true }));

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function start(options: Partial<SingleAppOptions> = {}): Promise<RunningEmulator> {
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: pair.certPem, username: USERNAME, ...options }), { port: 0 });
  return emulator;
}

/** A profile "acme" for the emulator (its own SFJWT_HOME), then `sfjwt doctor -a acme …` in-process. */
async function doctorAcme(emu: RunningEmulator, over: Record<string, unknown> = {}, args: string[] = []) {
  const dir = await makeTempDir();
  const profile = { alias: 'acme', loginUrl: emu.url, username: USERNAME, clientId: CLIENT_ID, keyPath: files.keyPath, certPath: files.certPath, orgKind: 'production', appKind: 'eca', createdAt: '2026-01-01T00:00:00.000Z', ...over };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ schemaVersion: 1, profiles: { acme: profile } }), { mode: 0o600 });
  return runInProcess(['doctor', '-a', 'acme', ...args], createTestDeps({ env: { SFJWT_HOME: dir } }));
}

/** A certificate of another key pair, as server.crt in a folder of its own. */
async function otherCert(): Promise<string> {
  const file = path.join(await makeTempDir(), 'server.crt');
  await fs.writeFile(file, other.certPem);
  return file;
}

/** The numbered diagnosis lines of a human report. */
const diagnosisOf = (stdout: string) => stdout.split('Diagnosis (most likely first)\n')[1]?.split('\n\n')[0] ?? '';
/** Everything between the title line and the closing summary and next-step lines. */
const bodyOf = (stdout: string) => stdout.trimEnd().split('\n').slice(1, -2).join('\n');

describe('issue 15 item 13: a user without "API Enabled"', () => {
  it('the token is issued with the api scope, so the first diagnosis on screen is the missing permission, not the scope', async () => {
    const emu = await start();
    emu.updateUser(USERNAME, { apiEnabled: false });
    const run = await doctorAcme(emu);
    expect(run.code).toBe(1);
    const diagnosis = diagnosisOf(run.stdout);
    expect(diagnosis.split('\n')[0]).toMatch(/^ {2}1\. The run-as user lacks the "API Enabled" permission\. \[api-access-denied\]$/);
    expect(run.stdout).toContain('/lightning/setup/PermSets/');
    // The check's own hint says the same first.
    expect(run.stdout).toMatch(/✖ REST API access: .*API_DISABLED_FOR_ORG.*\n {6}› Give the run-as user "API Enabled"/);
    expect(diagnosis.indexOf('API Enabled')).toBeLessThan(diagnosis.indexOf('(api)') === -1 ? Infinity : diagnosis.indexOf('(api)'));
  });
});

describe('issue 15 item 14: commands doctor suggests', () => {
  it('carry -a <alias>, and never send the user to doctor from inside doctor', async () => {
    const emu = await start({ simulate: { propagationSeconds: 600 } });
    const run = await doctorAcme(emu);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('`sfjwt verify -a acme --wait 600`');
    expect(run.stdout).not.toMatch(/sfjwt verify --wait/);
    expect(bodyOf(run.stdout)).not.toContain('sfjwt doctor');

    const audience = await doctorAcme(emu, { clientId: CLIENT_ID }, ['--audience', 'https://login.salesforce.com']);
    expect(bodyOf(audience.stdout)).not.toContain('sfjwt doctor');
    const json = (await doctorAcme(emu, {}, ['--json'])).json();
    for (const d of json.result.diagnosis) expect(`${d.fix} ${d.command}`).not.toContain('sfjwt doctor');
  });

  it('an expiring certificate and a key mismatch offline: `sfjwt cert renew -a acme`', async () => {
    const emu = await start();
    const run = await doctorAcme(emu, { certPath: await otherCert() }, ['--offline']);
    expect(run.stdout).toContain('sfjwt cert renew -a acme');
    expect(run.stdout).not.toMatch(/sfjwt cert renew(?! -a acme)/);
  });

  it('the key-permissions fix is printed once, and nothing is left "by hand" when it is the only problem', async () => {
    const emu = await start();
    const dir = await makeTempDir();
    const loose = await writePair(dir, pair, 0o644);
    const run = await doctorAcme(emu, { keyPath: loose.keyPath, certPath: loose.certPath });
    expect(run.code).toBe(1);
    expect(run.stdout.split(`chmod 600 ${loose.keyPath}`)).toHaveLength(2);
    expect(run.stdout).toContain('(--fix does this)');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('Run `sfjwt doctor -a acme --fix` to apply 1 automatic fix.');
  });
});

describe('issue 15 item 14: --error', () => {
  const NOT_APPROVED = "{'error': 'invalid_grant', 'error_description': 'user hasn\\'t approved this consumer'}";
  const explain = (args: string[]) => runInProcess(['doctor', '--error', NOT_APPROVED, ...args], createTestDeps({ env: { SFJWT_HOME: home } }));

  it('says the error once, its diagnoses do not repeat each other, and without --app it gives both app paths', async () => {
    const run = await explain([]);
    expect(run.code).toBe(1);
    const line = run.stdout.split('\n').find((l) => l.startsWith('  ✖ '))!;
    expect(line.split("user hasn't approved this consumer")).toHaveLength(2);
    const causes = (await explain(['--json'])).json().result.diagnosis as { cause: string; fix: string }[];
    for (const [i, a] of causes.entries()) {
      for (const b of causes.slice(i + 1)) {
        expect(a.cause.includes(b.cause) || b.cause.includes(a.cause), `${a.cause} / ${b.cause}`).toBe(false);
      }
    }
    expect(causes[0]!.fix).toContain('External Client App');
    expect(causes[0]!.fix).toContain('Connected App');
    expect(run.stdout).toMatch(/› External Client App: .* Connected App: /);
  });

  it('with --app connected-app only the Connected App path', async () => {
    const json = (await explain(['--app', 'connected-app', '--json'])).json();
    expect(json.result.diagnosis[0].fix).toContain('Manage Connected Apps');
    expect(json.result.diagnosis[0].fix).not.toContain('External Client App');
  });
});

describe('issue 15 item 15: the local certificate does not match the key, but the login works', () => {
  it('the local file is the stale side: a warning (exit 0) that says so, and no upload', async () => {
    const emu = await start();
    const stale = await otherCert();
    const run = await doctorAcme(emu, { certPath: stale });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/! Key matches certificate: .*the app holds a certificate of this key, so the local file is the stale one/);
    expect(run.stdout).toContain('No upload is needed');
    expect(run.stdout).not.toMatch(/upload it to the app/);
    const json = (await doctorAcme(emu, { certPath: stale }, ['--json'])).json();
    expect(json.result.checks.find((c: { id: string }) => c.id === 'key-cert-match')).toMatchObject({ status: 'warn', code: 'key-cert-mismatch', fix: { command: 'sfjwt cert renew -a acme' } });
    expect(json.result.diagnosis).toEqual([]);
  });

  it('offline nobody knows which side is stale: the check says both', async () => {
    const emu = await start();
    const run = await doctorAcme(emu, { certPath: await otherCert() }, ['--offline']);
    expect(run.stdout).toMatch(/✖ Key matches certificate: .*if the app holds this certificate, .*if logins work, this file is stale/);
  });
});
