import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { adminOrgLifecycle, ORG_USER as USER } from '../helpers/admin-org.js';

/** The real Salesforce CLI, when installed: `init --admin-org` reads its login through it. */
const hasSf = spawnSync('sf', ['--version'], { stdio: 'ignore', shell: process.platform === 'win32', timeout: 60_000 }).status === 0;

const ADMIN_TOKEN = '00D000000000001AAA!AdminTokenGivenToTheSalesforceCli';
const adminOrg = adminOrgLifecycle();
let emu: RunningEmulator | undefined;

function sf(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('sf', args, { env, shell: process.platform === 'win32', maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? 1 : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('init --admin-org through a real Salesforce CLI login of the emulator', () => {
  const title = 'sf org login access-token, then init --admin-org deploys and verifies';
  it.skipIf(!hasSf)(hasSf ? title : `${title} (skipped: no Salesforce CLI \`sf\` on PATH)`, async () => {
    emu = await adminOrg.start(ADMIN_TOKEN);
    // sf keeps its logins under HOME: a throwaway one, never the developer's own.
    const sfHome = await adminOrg.home('sf-home-');
    const env = {
      ...process.env,
      HOME: sfHome,
      USERPROFILE: sfHome,
      SF_ACCESS_TOKEN: ADMIN_TOKEN,
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
    };
    const login = await sf(['org', 'login', 'access-token', '--instance-url', emu.url, '--alias', 'emu-admin', '--no-prompt', '--json'], env);
    expect(login.code, login.stderr + login.stdout).toBe(0);

    const home = await adminOrg.home();
    const { SF_ACCESS_TOKEN: _token, ...sfEnv } = env;
    const out = await runInProcess(
      ['init', '--json', '--admin-org', 'emu-admin', '-a', 'ci', '--username', USER],
      createTestDeps({ env: { ...(sfEnv as Record<string, string>), SFJWT_HOME: home } }),
    );
    expect(out.code, out.stderr).toBe(0);
    const doc = out.json();
    expect(doc.result.deployment.status).toBe('Succeeded');
    expect(doc.result.profile).toMatchObject({ managedBy: 'admin', appName: 'sfjwt_ci', loginUrl: emu.url });
    expect(doc.result.verification).toMatchObject({ username: USER });
    expect(out.stdout + out.stderr).not.toContain(ADMIN_TOKEN);
  }, 300_000);
});
