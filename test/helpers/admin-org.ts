// The org the admin-session tests start from: no app yet, the run-as user and an admin with a
// session token; and a profile made in it by `init --admin` (zero clicks).
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { EmulatorConfig } from '../../src/emulator/types.js';
import { createTestDeps, runInProcess } from './deps.js';
import { makeTempDir } from './temp-dir.js';

export const ORG_USER = 'integration@acme.com';

export function adminOrgConfig(adminToken: string): EmulatorConfig {
  return {
    org: { orgId: '00D000000000001AAA', name: 'Acme', isSandbox: false, active: true },
    apps: [],
    users: [{ username: ORG_USER, userId: '005000000000001AAA', displayName: 'Integration User', email: ORG_USER, active: true }],
    admins: [{ username: 'admin@acme.com', accessToken: adminToken }],
  };
}

/** Runs `init --admin -a ci` against the emulator with the admin session in the environment. */
export async function zeroClickProfile(emulator: RunningEmulator, home: string, adminToken: string) {
  const env = { SFJWT_HOME: home, SFJWT_ADMIN_INSTANCE_URL: emulator.url, SFJWT_ADMIN_ACCESS_TOKEN: adminToken };
  const init = await runInProcess(['init', '--json', '--admin', '-a', 'ci', '--username', ORG_USER], createTestDeps({ env }));
  expect(init.code, init.stderr).toBe(0);
  return { env, profile: init.json().result.profile as { clientId: string; certPath: string; keyPath: string; appCertificateSha256?: string } };
}

/**
 * The hooks every admin test file needs: a temporary folder for homes, and the emulator of the
 * current test stopped after it. `start` makes the org (adminOrgConfig, optionally patched).
 */
export function adminOrgLifecycle() {
  let dir = '';
  let current: RunningEmulator | undefined;
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return {
    async start(adminToken: string, patch?: (config: EmulatorConfig) => void): Promise<RunningEmulator> {
      const config = adminOrgConfig(adminToken);
      patch?.(config);
      current = await startEmulator(config, { port: 0 });
      return current;
    },
    home: (prefix = 'home-') => fs.mkdtemp(path.join(dir, prefix)),
  };
}
