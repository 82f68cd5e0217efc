import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fingerprintSha256 } from '../../src/crypto/inspect.js';
import { readConfig } from '../../src/store/config-store.js';
import { configFile } from '../../src/store/paths.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { adminOrgLifecycle, ORG_USER as USER, zeroClickProfile } from '../helpers/admin-org.js';

const ADMIN_TOKEN = '00D000000000001AAA!AdminTokenForCertDeployTests';
const adminOrg = adminOrgLifecycle();
let emu: RunningEmulator | undefined;

/** An org where `init --admin` made the profile "ci" (zero clicks). */
async function setUp() {
  emu = await adminOrg.start(ADMIN_TOKEN);
  return zeroClickProfile(emu, await adminOrg.home(), ADMIN_TOKEN);
}

const cli = (argv: string[], env: Record<string, string>) => runInProcess(argv, createTestDeps({ env }));
/** The certificate the deployed app holds, as the Metadata API would read it back. */
const appCertificate = () => emu!.state.admin!.ecas.sfjwt_ci!.global!.certificate!;
const profileOf = async (env: Record<string, string>) => (await readConfig(env.SFJWT_HOME!)).profiles.ci!;

describe('cert renew|rotate --admin: the certificate is deployed to the app, no upload asked', () => {
  it('cert rotate --admin deploys the new certificate, verifies the new key, then switches', async () => {
    const { env, profile } = await setUp();
    const oldCert = await fs.readFile(profile.certPath, 'utf8');
    const out = await cli(['cert', 'rotate', '--json', '--yes', '--admin', '-a', 'ci'], env);
    expect(out.stderr).not.toContain('Upload');
    expect(out.code).toBe(0);
    const { result } = out.json();
    expect(result.switched).toBe(true);
    expect(result.deployment).toMatchObject({ status: 'Succeeded', id: expect.stringMatching(/^0Af/) });
    expect(result.deployment.components.map((c: { type: string }) => c.type)).toEqual(['ExtlClntAppOauthSettings', 'ExtlClntAppGlobalOauthSettings']);
    expect(result.verification).toMatchObject({ username: USER });
    const newCert = await fs.readFile(result.certPath, 'utf8');
    expect(newCert).not.toBe(oldCert);
    expect(fingerprintSha256(appCertificate())).toBe(fingerprintSha256(newCert));
    // The same consumer key: the app was updated, not replaced.
    expect(emu!.state.admin!.ecas.sfjwt_ci!.global!.consumerKey).toBe(profile.clientId);
    const saved = await profileOf(env);
    expect(saved.appCertificateSha256).toBe(fingerprintSha256(newCert));
    expect((await cli(['verify', '--json', '-a', 'ci'], env)).code).toBe(0);
    expect(out.stdout + out.stderr).not.toContain(ADMIN_TOKEN);
  });

  it('a refused deploy keeps the old pair active: nothing switched, the old key still logs in', async () => {
    const { env, profile } = await setUp();
    const before = { key: await fs.readFile(profile.keyPath, 'utf8'), cert: await fs.readFile(profile.certPath, 'utf8') };
    // Someone changed the app's consumer key in the org: Salesforce refuses a redeploy with the old one.
    emu!.state.admin!.ecas.sfjwt_ci!.global!.consumerKey = 'Z'.repeat(85);
    const out = await cli(['cert', 'rotate', '--json', '--yes', '--admin', '-a', 'ci'], env);
    expect(out.code).toBe(1);
    const doc = out.json();
    expect(doc.error.code).toBe('deploy-failed');
    expect(doc.error.message).toMatch(/ExtlClntAppGlobalOauthSettings sfjwt_ciGlblOAuth: The consumer key of an existing External Client App cannot be changed\..*ci stays on the old key$/);
    expect(doc.error.hint).toMatch(/the new pair stays in .*keys\/ci\/next; .*`sfjwt cert rotate -a ci --admin` deploys it again/);
    const saved = await profileOf(env);
    expect(saved.keyPath).toBe(profile.keyPath);
    expect(saved.appCertificateSha256).toBe(profile.appCertificateSha256);
    expect(await fs.readFile(profile.keyPath, 'utf8')).toBe(before.key);
    expect(await fs.readFile(profile.certPath, 'utf8')).toBe(before.cert);
    expect(fingerprintSha256(appCertificate())).toBe(fingerprintSha256(before.cert));
    expect((await cli(['verify', '--json', '-a', 'ci'], env)).code).toBe(0);
  });

  it('a new key that does not verify: the old certificate is deployed back and the old pair stays', async () => {
    const { env, profile } = await setUp();
    const oldCert = await fs.readFile(profile.certPath, 'utf8');
    emu!.setUserActive(USER, false);
    const out = await cli(['cert', 'rotate', '--json', '--yes', '--admin', '-a', 'ci'], env);
    expect(out.code).toBe(1);
    const doc = out.json();
    expect(doc.error.message).toMatch(/stays on the old key/);
    expect(doc.error.fixes[0]).toMatch(/^The app holds the old certificate again \(deploy 0Af/);
    expect(doc.result.switched).toBe(false);
    expect(fingerprintSha256(appCertificate())).toBe(fingerprintSha256(oldCert));
    expect((await profileOf(env)).keyPath).toBe(profile.keyPath);
  });

  it('cert renew --admin deploys the renewed certificate (same key) instead of printing the upload steps', async () => {
    const { env, profile } = await setUp();
    const out = await cli(['cert', 'renew', '--json', '--admin', '-a', 'ci'], env);
    expect(out.code).toBe(0);
    const { result } = out.json();
    expect(result.uploadRequired).toBe(false);
    expect(result.deployment.status).toBe('Succeeded');
    const renewed = await fs.readFile(profile.certPath, 'utf8');
    expect(fingerprintSha256(appCertificate())).toBe(fingerprintSha256(renewed));
    expect((await profileOf(env)).appCertificateSha256).toBe(fingerprintSha256(renewed));
    expect((await cli(['verify', '--json', '-a', 'ci'], env)).code).toBe(0);
  });

  it('a profile not made by init --admin is exit 2 naming the manual path, with nothing written', async () => {
    const { env } = await setUp();
    const config = configFile(env.SFJWT_HOME);
    const doc = JSON.parse(await fs.readFile(config, 'utf8'));
    delete doc.profiles.ci.managedBy;
    await fs.writeFile(config, JSON.stringify(doc));
    const out = await cli(['cert', 'renew', '--json', '--admin', '-a', 'ci'], env);
    expect(out.code).toBe(2);
    expect(out.json().error.message).toMatch(/profile "ci" was not set up by `sfjwt init --admin`/);
    expect(out.json().error.hint).toMatch(/drop --admin/);
  });
});
