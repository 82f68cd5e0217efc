import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GlobalOptions } from '../../../src/command.js';
import { run as doctorCommand, type DoctorOptions } from '../../../src/commands/doctor.js';
import { safeOutputs } from '../../../src/doctor/checks/key-format.js';
import { repairKeyText } from '../../../src/doctor/key-repair.js';
import { publicKeyFingerprint } from '../../../src/crypto/inspect.js';
import { parsePrivateKey } from '../../../src/crypto/pem.js';
import { UsageError } from '../../../src/errors.js';
import { createContext } from '../../../src/execute.js';
import { createTestDeps, runInProcess, type TestDeps } from '../../helpers/deps.js';
import { scriptedPrompter } from '../../helpers/scripted-prompter.js';
import { modeOf, withTempDir } from '../../helpers/temp-dir.js';
import { CLIENT_ID, USERNAME, makePair, writePair } from './fixtures.js';

const pair = makePair();
const print = (pem: string) => publicKeyFingerprint(createPrivateKey(pem));
const ORIGINAL = print(pair.keyPem);
const PKCS1 = createPrivateKey(pair.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString();

const DAMAGE: Array<[string, string, RegExp]> = [
  ['literal \\n (a CI secret pasted into a file)', pair.keyPem.replace(/\n/g, '\\n'), /literal \\n/],
  ['CRLF line endings', pair.keyPem.replace(/\n/g, '\r\n'), /CRLF/],
  ['the body on one line (line breaks lost)', pair.keyPem.replace(/\n(?!-----END)/g, '').replace('-----', '-----'), /line breaks/],
  ['PKCS#1 with CRLF and quotes', `"${PKCS1.replace(/\n/g, '\r\n')}"`, /quotes.*CRLF.*PKCS#1 to PKCS#8/],
];

/** The key file, the report's flags (offline: --fix is local) and the doctor's own home. */
async function damagedKey(dir: string, text: string, mode = 0o600) {
  const files = await writePair(dir, pair, mode);
  await fs.writeFile(files.keyPath, text);
  const flags = ['--offline', '--login-url', 'https://acme.my.salesforce.com', '--username', USERNAME, '--client-id', CLIENT_ID, '--key', files.keyPath, '--cert', files.certPath];
  return { ...files, flags };
}

async function backupsUnder(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith('server.key')).map((e) => path.join(root, e));
}

/** A keyboard at both ends, the way createRealDeps computes interactive. */
function tty(deps: TestDeps): TestDeps {
  Object.assign(deps.stdout, { isTTY: true });
  return Object.assign(deps, { stdinIsTTY: true });
}

const GLOBALS: GlobalOptions = { json: false, color: false, interactive: true, yes: false, verbose: false };

describe('repairKeyText (pure)', () => {
  it.each(DAMAGE)('%s: plain PKCS#8 PEM with the same key, and what changed', (_name, text, changes) => {
    const repaired = repairKeyText(text, 'server.key');
    expect(repaired.changes.join(', ')).toMatch(changes);
    expect(parsePrivateKey(repaired.pem).repairs).toEqual([]);
    expect(repaired.pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(print(repaired.pem)).toBe(ORIGINAL);
  });

  it('an encrypted key needs its passphrase; the right one decrypts it, a wrong one is an input error', () => {
    const encrypted = createPrivateKey(pair.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame' }).toString();
    expect(() => repairKeyText(encrypted, 'k.key')).toThrow(/protected by a passphrase/);
    expect(() => repairKeyText(encrypted, 'k.key', 'wrong')).toThrow(/passphrase does not unlock/);
    const repaired = repairKeyText(encrypted.replace(/\n/g, '\\n'), 'k.key', 'open sesame');
    expect(repaired.changes).toContain('removed the passphrase');
    expect(print(repaired.pem)).toBe(ORIGINAL);
    // A legacy (Proc-Type) encrypted PKCS#1 key too.
    const legacy = createPrivateKey(pair.keyPem).export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }).toString();
    expect(print(repairKeyText(legacy, 'k.key', 'pw').pem)).toBe(ORIGINAL);
  });

  it('what cannot be repaired is refused, not rewritten (a certificate in the key file)', () => {
    expect(() => repairKeyText(pair.certPem, 'k.key')).toThrow(/certificate, not the private key/);
  });
});

describe('doctor --fix repairs the key file in place', () => {
  it('a key with literal \\n: the report offers --fix and no shell command writing over the key', async () => {
    await withTempDir(async (dir) => {
      const key = await damagedKey(dir, DAMAGE[0]![1]);
      const run = await runInProcess(['doctor', ...key.flags], createTestDeps({ env: { SFJWT_HOME: dir }, cwd: dir }));
      expect(run.stdout).toContain('! Private key format');
      expect(run.stdout).toContain('with --fix');
      expect(run.stdout).not.toContain('Automatic fix (--fix)');
      // `openssl pkey -in …/server.key -out server.key`, run in the key's folder, leaves it empty.
      expect(run.stdout).not.toMatch(/-out server\.key/);
      expect(run.stdout).toMatch(/Run `sfjwt doctor --fix` to apply 1 automatic fix\./);
    });
  });

  it.each(DAMAGE)('%s, mode 0644: --fix --yes rewrites it atomically as 0600 PKCS#8, keeps the original in backup/, and reports again', async (_name, text) => {
    await withTempDir(async (dir) => {
      const key = await damagedKey(dir, text, 0o644);
      await fs.chmod(key.keyPath, 0o644);
      const run = await runInProcess(['doctor', '--fix', '--yes', ...key.flags], createTestDeps({ env: { SFJWT_HOME: dir } }));
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const now = await fs.readFile(key.keyPath, 'utf8');
      expect(parsePrivateKey(now).repairs).toEqual([]);
      expect(parsePrivateKey(now).format).toBe('pkcs8');
      expect(print(now)).toBe(ORIGINAL);
      expect(await modeOf(key.keyPath)).toBe(0o600);
      // No alias: the backup sits beside the key, as `cert generate --out-dir` keeps its backups.
      const [backup, ...more] = await backupsUnder(path.join(dir, 'backup'));
      expect(more).toEqual([]);
      expect(await fs.readFile(backup!, 'utf8')).toBe(text);
      expect(await modeOf(backup!)).toBe(0o600);
      // The checks ran again on the repaired file.
      expect(run.stdout).toContain('✔ Private key format: RSA private key, unencrypted, PKCS#8 PEM');
      expect(run.stdout).toContain('✔ Private key file permissions');
      expect(run.stdout).toMatch(/Applied\n {2}✔ rewrote .*server\.key \(.*\); the original is in .*backup/);
      expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    });
  });

  it('with a profile: the original goes to keys/<alias>/backup/<time>/ and the hint carries -a <alias>', async () => {
    await withTempDir(async (home) => {
      const keyDir = path.join(home, 'keys', 'acme');
      await fs.mkdir(keyDir, { recursive: true, mode: 0o700 });
      const key = await damagedKey(keyDir, DAMAGE[1]![1]);
      const profile = { alias: 'acme', loginUrl: 'https://acme.my.salesforce.com', username: USERNAME, clientId: CLIENT_ID, keyPath: key.keyPath, certPath: key.certPath, orgKind: 'production', appKind: 'eca', createdAt: '2026-01-01T00:00:00.000Z' };
      await fs.writeFile(path.join(home, 'config.json'), JSON.stringify({ schemaVersion: 1, profiles: { acme: profile } }), { mode: 0o600 });
      const deps = () => createTestDeps({ env: { SFJWT_HOME: home } });
      const before = await runInProcess(['doctor', '-a', 'acme', '--offline'], deps());
      expect(before.stdout).toContain('`sfjwt doctor -a acme --fix`');
      const run = await runInProcess(['doctor', '-a', 'acme', '--offline', '--fix', '--yes'], deps());
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const [backup] = await backupsUnder(path.join(keyDir, 'backup'));
      expect(path.relative(home, backup!)).toMatch(/^keys\/acme\/backup\/\d{4}-\d\d-\d\dT[\d-]+Z\/server\.key$/);
      expect(await fs.readFile(backup!, 'utf8')).toBe(DAMAGE[1]![1]);
    });
  });

  it('an encrypted key: the passphrase from --passphrase-env; the key is decrypted in place, the checks that needed it run', async () => {
    await withTempDir(async (dir) => {
      const encrypted = createPrivateKey(pair.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame' }).toString();
      const key = await damagedKey(dir, encrypted);
      const deps = createTestDeps({ env: { SFJWT_HOME: dir, KEY_PASS: 'open sesame' } });
      const options: DoctorOptions = { offline: true, fix: true, passphraseEnv: 'KEY_PASS', loginUrl: 'https://acme.my.salesforce.com', username: USERNAME, clientId: CLIENT_ID, key: key.keyPath, cert: key.certPath };
      const outcome = await doctorCommand(options, await createContext('doctor', deps, { ...GLOBALS, yes: true }), []);
      expect(outcome.exitCode ?? 0).toBe(0);
      expect(print(await fs.readFile(key.keyPath, 'utf8'))).toBe(ORIGINAL);
      expect(outcome.human).toContain('✔ Private key format');
      expect(outcome.human).toContain('✔ Key matches certificate');
      expect(outcome.human).toContain('removed the passphrase');
      expect(await fs.readFile((await backupsUnder(path.join(dir, 'backup')))[0]!, 'utf8')).toBe(encrypted);
    });
  });

  it('an encrypted key in a terminal: each fix is confirmed and the passphrase is asked (hidden); a wrong one is exit 2 and nothing changes', async () => {
    await withTempDir(async (dir) => {
      const encrypted = createPrivateKey(pair.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
      const key = await damagedKey(dir, encrypted);
      const interactive = (passphrase: string) => {
        const prompter = scriptedPrompter({ 'fix-key-format': true, passphrase });
        return tty(createTestDeps({ env: { SFJWT_HOME: dir, NO_COLOR: '1' }, prompter }));
      };
      const wrong = await runInProcess(['doctor', '--fix', ...key.flags], interactive('nope'));
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('passphrase does not unlock the key');
      expect(await fs.readFile(key.keyPath, 'utf8')).toBe(encrypted);
      expect(await backupsUnder(path.join(dir, 'backup'))).toEqual([]);

      const right = await runInProcess(['doctor', '--fix', ...key.flags], interactive('pw'));
      expect(right.code, right.stdout + right.stderr).toBe(0);
      expect(print(await fs.readFile(key.keyPath, 'utf8'))).toBe(ORIGINAL);
    });
  });

  it('a declined confirmation changes nothing', async () => {
    await withTempDir(async (dir) => {
      const key = await damagedKey(dir, DAMAGE[0]![1]);
      const deps = tty(createTestDeps({ env: { SFJWT_HOME: dir, NO_COLOR: '1' }, prompter: scriptedPrompter({ 'fix-key-format': false }) }));
      const run = await runInProcess(['doctor', '--fix', ...key.flags], deps);
      expect(run.stdout).toContain('! Private key format');
      expect(await fs.readFile(key.keyPath, 'utf8')).toBe(DAMAGE[0]![1]);
    });
  });

  it('without a terminal --fix needs --yes (exit 2, nothing changed); an encrypted key then needs --passphrase-env', async () => {
    await withTempDir(async (dir) => {
      const key = await damagedKey(dir, DAMAGE[0]![1], 0o644);
      await fs.chmod(key.keyPath, 0o644);
      const run = await runInProcess(['doctor', '--fix', ...key.flags], createTestDeps({ env: { SFJWT_HOME: dir } }));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--yes');
      expect(await fs.readFile(key.keyPath, 'utf8')).toBe(DAMAGE[0]![1]);
      expect(await modeOf(key.keyPath)).toBe(0o644);

      const encrypted = createPrivateKey(pair.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
      await fs.writeFile(key.keyPath, encrypted);
      const noPass = await runInProcess(['doctor', '--fix', '--yes', ...key.flags], createTestDeps({ env: { SFJWT_HOME: dir } }));
      expect(noPass.code).toBe(2);
      expect(noPass.stderr).toContain('--passphrase-env VAR');
      expect(await fs.readFile(key.keyPath, 'utf8')).toBe(encrypted);
      const unset: DoctorOptions = { offline: true, fix: true, passphraseEnv: 'NOT_SET', key: key.keyPath, loginUrl: 'https://acme.my.salesforce.com' };
      await expect(doctorCommand(unset, await createContext('doctor', createTestDeps({ env: { SFJWT_HOME: dir } }), { ...GLOBALS, yes: true }), [])).rejects.toThrow(UsageError);
    });
  });
});

describe('suggested commands never write over their input', () => {
  it('a parser hint converting a DER key writes a new file', () => {
    expect(safeOutputs('convert it to PEM: `openssl pkey -inform DER -in /k/server.key -out server.key`')).toBe('convert it to PEM: `openssl pkey -inform DER -in /k/server.key -out /k/server.key.pem`');
    expect(safeOutputs('remove the passphrase: `openssl pkey -in /k/a.key -out server.key` (it asks)')).toBe('remove the passphrase: `openssl pkey -in /k/a.key -out /k/a.key.pem` (it asks)');
  });

  it('a DER key file: doctor points the conversion at a new file', async () => {
    await withTempDir(async (dir) => {
      const der = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' });
      const key = await damagedKey(dir, '');
      await fs.writeFile(key.keyPath, der);
      const run = await runInProcess(['doctor', ...key.flags], createTestDeps({ env: { SFJWT_HOME: dir } }));
      expect(run.stdout).toContain('✖ Private key format');
      expect(run.stdout).not.toMatch(/-out server\.key/);
    });
  });
});
