// The org the admin-session tests start from: no app yet, the run-as user and an admin with a
// session token; and a profile made in it by `init --admin` (zero clicks).
import { expect } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { EmulatorConfig } from '../../src/emulator/types.js';
import { createTestDeps, runInProcess } from './deps.js';

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
