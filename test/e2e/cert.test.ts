import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { CLIENT_ID, USERNAME, certFor, forgeP12, makePair, readProfile, writeProfile, type Pem } from '../unit/cert/helpers.js';

// The built CLI (bin/sfjwt.cjs → dist/) against the emulator running in this process over real HTTP.
let old: Pem;
let emulator: RunningEmulator;
let home: string;

beforeAll(async () => {
  old = makePair('prod');
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: old.cert, username: USERNAME }), { port: 0 });
  home = await makeTempDir();
});

afterAll(async () => {
  await emulator.stop();
  await fs.rm(home, { recursive: true, force: true });
});

const sfjwt = (dir: string, args: string[], env: Record<string, string> = {}) => runCli(args, { env: { SFJWT_HOME: dir, ...env }, cwd: dir });

describe('sfjwt cert rotate --yes (CI): fail, upload, run again', () => {
  it('keeps the old key until the new one verifies, then switches and archives it', async () => {
    const dir = path.join(home, 'rotate');
    const profile = await writeProfile(dir, 'prod', old, { loginUrl: emulator.url });

    const first = await sfjwt(dir, ['cert', 'rotate', '-a', 'prod', '--yes']);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/stays on the old key/);
    expect(first.stderr).toContain(`upload the old certificate ${profile.certPath}`);
    expect(await readProfile(dir, 'prod')).toEqual(profile);
    expect((await sfjwt(dir, ['verify', '-a', 'prod'])).code).toBe(0);

    // The admin uploads the new certificate the first run printed; the second run reuses the pair.
    const nextCert = path.join(dir, 'keys/prod/next/server.crt');
    expect(first.stderr).toContain(`Upload Files: ${nextCert}`);
    const uploaded = await fs.readFile(nextCert, 'utf8');
    emulator.replaceCertificate(CLIENT_ID, uploaded, { propagationSeconds: 0 });
    expect((await sfjwt(dir, ['verify', '-a', 'prod'])).code).toBe(1); // the old key is refused now

    const second = await sfjwt(dir, ['cert', 'rotate', '-a', 'prod', '--yes', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const { result } = second.json();
    expect(result).toMatchObject({ switched: true, reusedPendingPair: true, keyPath: profile.keyPath, certPath: profile.certPath });
    expect(await fs.readFile(profile.certPath!, 'utf8')).toBe(uploaded);
    expect(await fs.readFile(path.join(result.backupDir, 'server.key'), 'utf8')).toBe(old.key);
    expect((await sfjwt(dir, ['verify', '-a', 'prod'])).code).toBe(0);

    const shown = await sfjwt(dir, ['cert', 'show', '-a', 'prod', '--history']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(result.backupDir);
    expect(shown.stdout).toMatch(/Key matches\s+yes/);
  });
});

describe('expiry tracking', () => {
  it('profiles list shows days left; verify warns under 30 days; cert renew clears it without breaking the login', async () => {
    const dir = path.join(home, 'expiry');
    const pair = makePair('soon');
    const expiring = { key: pair.key, cert: certFor(pair.key, 'soon', 10) };
    const app = singleAppConfig({ clientId: CLIENT_ID, certPem: expiring.cert, username: USERNAME });
    const own = await startEmulator(app, { port: 0 });
    try {
      await writeProfile(dir, 'soon', expiring, { loginUrl: own.url });
      const listed = await sfjwt(dir, ['profiles', 'list', '--json']);
      expect(listed.json().result.profiles[0].certDaysLeft).toBeGreaterThanOrEqual(9);
      expect(listed.json().result.profiles[0].certDaysLeft).toBeLessThanOrEqual(10);

      const verified = await sfjwt(dir, ['verify', '-a', 'soon', '--json']);
      expect(verified.code).toBe(0);
      expect(verified.json().warnings).toEqual([expect.objectContaining({ code: 'cert-expiring', message: expect.stringMatching(/expires in (9|10) days.*sfjwt cert renew/) })]);

      // Renewed locally only (Salesforce still holds the old certificate): the same key keeps working.
      expect((await sfjwt(dir, ['cert', 'renew', '-a', 'soon'])).code).toBe(0);
      const after = await sfjwt(dir, ['verify', '-a', 'soon', '--json']);
      expect(after.code).toBe(0);
      expect(after.json().warnings).toEqual([]);
      expect((await sfjwt(dir, ['profiles', 'list', '--json'])).json().result.profiles[0].certDaysLeft).toBeGreaterThanOrEqual(729);
    } finally {
      await own.stop();
    }
  });
});

describe('sfjwt cert import --p12', () => {
  it('imports with the passphrase from the environment; a wrong one is one clear line, exit 2', async () => {
    const dir = path.join(home, 'import');
    await fs.mkdir(dir, { recursive: true });
    const pair = makePair('imported');
    await fs.writeFile(path.join(dir, 'sf.p12'), forgeP12(pair, 's3cret-pass'));

    const wrong = await sfjwt(dir, ['cert', 'import', '-a', 'ci', '--p12', 'sf.p12', '--passphrase-env', 'KS_PASS'], { KS_PASS: 'nope' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/sf\.p12: wrong passphrase/);
    expect(wrong.stderr).not.toMatch(/\n\s+at /); // no stack trace
    await expect(fs.access(path.join(dir, 'keys'))).rejects.toThrow();

    const ok = await sfjwt(dir, ['cert', 'import', '-a', 'ci', '--p12', 'sf.p12', '--passphrase-env', 'KS_PASS'], { KS_PASS: 's3cret-pass' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`sfjwt init -a ci --key ${path.join(dir, 'keys/ci/server.key')}`);
    expect(ok.stdout + ok.stderr).not.toContain('s3cret-pass');
  });
});
