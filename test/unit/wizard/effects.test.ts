import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { makeKeyFiles, type KeyFiles } from '../../helpers/fixtures.js';
import { ENTER, type Answer } from '../../helpers/scripted-prompter.js';
import { makeTempDir, modeOf } from '../../helpers/temp-dir.js';
import { listFiles, runInit } from './harness.js';

/**
 * `--dry-run` prints the effects a real run applies: the same list, in the same order. The plan
 * comes from --dry-run (its JSON `plan`, or the printed plan when interactive); what a real run
 * applied comes from its --verbose narration ("done <action> <detail>").
 */

const USER = 'integration@acme.com';
const CLIENT_ID = `3MVG9wizardEffectsClientId_${'0123456789'.repeat(6)}`;

let dir: string;
let keys: KeyFiles;
let emulator: RunningEmulator;

beforeAll(async () => {
  dir = await makeTempDir();
  keys = await makeKeyFiles(path.join(dir, 'fixture'));
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: keys.certPem, username: USER, app: 'eca' }), { port: 0 });
});
afterAll(async () => {
  await emulator.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

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
async function looseKey(home: string, withCert: boolean): Promise<string> {
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
    const home = await fs.mkdtemp(path.join(dir, 'home-'));
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
    const home = await fs.mkdtemp(path.join(dir, 'home-'));
    const keyPath = await looseKey(home, true);
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
    const home = await fs.mkdtemp(path.join(dir, 'home-'));
    const keyPath = await looseKey(home, false);
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
