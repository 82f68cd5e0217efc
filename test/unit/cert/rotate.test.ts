import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../../src/deps.js';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { CancelledError } from '../../../src/errors.js';
import type { Prompter } from '../../../src/ui/prompter.js';
import { createTestDeps, runInProcess, type TestDeps } from '../../helpers/deps.js';
import { makeTempDir, modeOf } from '../../helpers/temp-dir.js';
import { CLIENT_ID, USERNAME, makePair, readProfile, scriptedPrompter, snapshot, writeProfile, type Pem } from './helpers.js';

let old: Pem;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(() => {
  old = makePair('prod');
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup(appKind: 'eca' | 'connected-app' = 'eca') {
  const home = await makeTempDir();
  const emulator: RunningEmulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: old.cert, username: USERNAME, app: appKind }), { port: 0 });
  cleanup.push(() => fs.rm(home, { recursive: true, force: true }), () => emulator.stop());
  const profile = await writeProfile(home, 'prod', old, { loginUrl: emulator.url, appKind });
  const next = { keyPath: path.join(home, 'keys/prod/next/server.key'), certPath: path.join(home, 'keys/prod/next/server.crt') };
  return { home, emulator, profile, next };
}

/** A terminal session: both TTYs, no CI, answers from the script. */
function interactiveDeps(home: string, prompter: Prompter, extra: Partial<TestDeps> = {}): TestDeps {
  const deps = createTestDeps({ env: { SFJWT_HOME: home }, cwd: home, prompter, stdinIsTTY: true, ...extra });
  deps.stdout = { write: (s) => void (deps.captured.stdout += s), isTTY: true };
  return deps;
}

function ciDeps(home: string): TestDeps {
  return createTestDeps({ env: { SFJWT_HOME: home, CI: '1' }, cwd: home });
}

/** The profile's files and config, to prove a failed or cancelled rotation changed none of them. */
async function liveState(home: string) {
  const all = await snapshot(home);
  return Object.fromEntries(Object.entries(all).filter(([file]) => file === 'config.json' || /^keys\/prod\/server\./.test(file)));
}

describe('cert rotate, interactive', () => {
  it('upload at the prompt → the new key verifies → profile switched, old pair archived', async () => {
    const { home, emulator, profile, next } = await setup();
    const prompter = scriptedPrompter({
      'rotate-continue': true,
      'rotate-uploaded': async () => {
        emulator.replaceCertificate(CLIENT_ID, await fs.readFile(next.certPath, 'utf8'), { propagationSeconds: 0 });
        return 'done';
      },
    });
    const deps = interactiveDeps(home, prompter);
    const run = await runInProcess(['cert', 'rotate', '-a', 'prod'], deps);
    expect(run.code, run.stderr).toBe(0);
    prompter.done();

    // Guided: the one-certificate warning, the exact Setup page (opened and printed) and the cert path.
    expect(run.stderr).toMatch(/An app holds ONE certificate/);
    expect(run.stderr).toMatch(/sfjwt cert renew -a prod/);
    const setupPage = `${emulator.url}/lightning/setup/ManageExternalClientApplication/home`;
    expect(deps.captured.opened).toEqual([setupPage]);
    expect(run.stderr).toContain(setupPage);
    expect(run.stderr).toContain(`Upload Files: ${next.certPath}`);

    // Switched: the profile's key is new, the old pair is in a 0600 backup, next/ is gone.
    const switched = await readProfile(home, 'prod');
    expect(switched.keyPath).toBe(profile.keyPath);
    const newKey = await fs.readFile(switched.keyPath, 'utf8');
    expect(newKey).not.toBe(old.key);
    expect(await modeOf(switched.keyPath)).toBe(0o600);
    expect(new X509Certificate(await fs.readFile(switched.certPath!, 'utf8')).checkPrivateKey(createPrivateKey(newKey))).toBe(true);
    expect(switched.lastVerified?.organizationId).toBe('00D000000000001AAA');
    await expect(fs.access(path.dirname(next.keyPath))).rejects.toThrow();
    const backups = await fs.readdir(path.join(home, 'keys/prod/backup'));
    expect(backups).toHaveLength(1);
    const archived = path.join(home, 'keys/prod/backup', backups[0]!);
    expect(await fs.readFile(path.join(archived, 'server.key'), 'utf8')).toBe(old.key);
    expect(await fs.readFile(path.join(archived, 'server.crt'), 'utf8')).toBe(old.cert);
    expect(await modeOf(path.join(archived, 'server.key'))).toBe(0o600);
    expect(run.stdout).toMatch(/Rotated: prod now signs with the new key/);

    // The emulator (the org) now accepts the new key only.
    expect((await runInProcess(['verify', '-a', 'prod'], ciDeps(home))).code).toBe(0);
    await fs.writeFile(path.join(home, 'old.key'), old.key);
    expect((await runInProcess(['verify', '-a', 'prod', '--key', 'old.key'], ciDeps(home))).code).toBe(1);
  });

  it('"show the steps again" repeats them; --no-open opens nothing; a Connected App gets App Manager', async () => {
    const { home, emulator, next } = await setup('connected-app');
    const prompter = scriptedPrompter({
      'rotate-continue': true,
      'rotate-uploaded': [
        'again',
        async () => {
          emulator.replaceCertificate(CLIENT_ID, await fs.readFile(next.certPath, 'utf8'), { propagationSeconds: 0 });
          return 'done';
        },
      ],
    });
    const deps = interactiveDeps(home, prompter);
    const run = await runInProcess(['cert', 'rotate', '-a', 'prod', '--no-open'], deps);
    expect(run.code, run.stderr).toBe(0);
    prompter.done();
    expect(deps.captured.opened).toEqual([]);
    expect(run.stderr.match(/Choose File: /g)).toHaveLength(2);
    expect(run.stderr).toContain(`${emulator.url}/lightning/setup/NavigationMenus/home`);
  });

  it('answering no to the first question writes nothing (exit 130)', async () => {
    const { home } = await setup();
    const before = await snapshot(home);
    const prompter = scriptedPrompter({ 'rotate-continue': false });
    const run = await runInProcess(['cert', 'rotate', '-a', 'prod'], interactiveDeps(home, prompter));
    expect(run.code).toBe(130);
    prompter.done();
    expect(await snapshot(home)).toEqual(before);
  });

  it('Ctrl-C at the upload prompt: exit 130, the old pair and the profile untouched, still verifies', async () => {
    const { home, next } = await setup();
    const before = await liveState(home);
    const prompter = scriptedPrompter({
      'rotate-continue': true,
      'rotate-uploaded': () => {
        throw new CancelledError();
      },
    });
    const run = await runInProcess(['cert', 'rotate', '-a', 'prod'], interactiveDeps(home, prompter));
    expect(run.code).toBe(130);
    prompter.done();
    expect(await liveState(home)).toEqual(before);
    // The new pair is kept for the next run.
    await expect(fs.access(next.keyPath)).resolves.toBeUndefined();
    expect((await runInProcess(['verify', '-a', 'prod'], ciDeps(home))).code).toBe(0);
  });

  it('Ctrl-C while waiting for propagation: exit 130, nothing lost', async () => {
    const { home, emulator, next } = await setup();
    const before = await liveState(home);
    const controller = new AbortController();
    const prompter = scriptedPrompter({
      'rotate-continue': true,
      // Uploaded, but not propagated for an hour: the new key keeps failing with a retryable error.
      'rotate-uploaded': async () => {
        emulator.replaceCertificate(CLIENT_ID, await fs.readFile(next.certPath, 'utf8'), { propagationSeconds: 3600 });
        return 'done';
      },
    });
    const deps = interactiveDeps(home, prompter, {
      signal: controller.signal,
      sleep: (ms, signal) => {
        controller.abort(); // the user presses Ctrl-C during the first wait
        return sleep(ms, signal);
      },
    });
    const run = await runInProcess(['cert', 'rotate', '-a', 'prod'], deps);
    expect(run.code, run.stderr).toBe(130);
    prompter.done();
    expect(run.stderr).toMatch(/may be propagation/);
    expect(await liveState(home)).toEqual(before);
    await expect(fs.access(next.keyPath)).resolves.toBeUndefined();
  });
});

describe('cert rotate, non-interactive', () => {
  it('without --yes: exit 2 naming --yes, nothing written', async () => {
    const { home } = await setup();
    const before = await snapshot(home);
    const run = await runInProcess(['cert', 'rotate', '-a', 'prod', '--json'], ciDeps(home));
    expect(run.code).toBe(2);
    expect(run.json().error.message).toMatch(/--yes/);
    expect(await snapshot(home)).toEqual(before);
  });

  it('not uploaded: verification fails (exit 1), the profile stays on the old key, rollback and retry are explained', async () => {
    const { home, profile, next } = await setup();
    const before = await liveState(home);
    const run = await runInProcess(['cert', 'rotate', '-a', 'prod', '--yes', '--json'], ciDeps(home));
    expect(run.code).toBe(1);
    const { error, result } = run.json();
    expect(error.code).toBe('invalid-assertion');
    expect(error.message).toMatch(/stays on the old key/);
    expect(error.hint).toMatch(/sfjwt cert rotate -a prod --yes/);
    expect(error.fixes[2]).toMatch(/--wait 600/);
    expect(error.fixes[0]).toContain(`upload the old certificate ${profile.certPath}`);
    expect(result).toMatchObject({ switched: false, keyPath: profile.keyPath, newCertPath: next.certPath, reusedPendingPair: false });
    expect(await liveState(home)).toEqual(before);
    expect((await runInProcess(['verify', '-a', 'prod'], ciDeps(home))).code).toBe(0);
  });
});
