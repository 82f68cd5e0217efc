import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { FORMAT_IDS } from '../../src/export/formats.js';
import { runCli, TEST_CACHE_DIR, type CliRun } from '../helpers/cli.js';
import { makeKeyFiles, type KeyFiles } from '../helpers/fixtures.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * The secrets sweep: every command, with --verbose and with --json, and nothing it prints (or leaves
 * in a debug log) contains the private key, an assertion or an access token, except `token`'s own
 * result and `doctor --show-assertion`.
 */
const USER = 'integration@acme.com';
const CLIENT_ID = '3MVG9secretsSweepClient';
let dir: string;
let home: string;
let keys: KeyFiles;
let emulator: RunningEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await makeTempDir();
  home = path.join(dir, 'home');
  keys = await makeKeyFiles(path.join(dir, 'keys'));
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: keys.certPem, username: USER, simulate: { loginRateLimitPerHour: 100_000 } }), { port: 0 });
  env = { SFJWT_HOME: home };
  const init = await runCli(
    ['init', '-a', 'p', '--org-kind', 'production', '--app', 'eca', '--login-url', emulator.url, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath, '--no-open', '--yes'],
    { env },
  );
  expect(init.code, init.stderr).toBe(0);
});
afterAll(async () => {
  await emulator.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Distinctive slices of the key's base64 body: a leak of any part of the key shows up. */
function keySlices(pem: string): string[] {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const slices: string[] = [];
  for (let i = 0; i + 40 <= body.length; i += 200) slices.push(body.slice(i, i + 40));
  return slices;
}

function expectNoSecrets(out: CliRun, accessTokens: string[], label: string): void {
  const text = `${out.stdout}\n${out.stderr}`;
  expect(text, label).not.toMatch(/BEGIN (RSA |ENCRYPTED )?PRIVATE KEY/);
  for (const slice of keySlices(keys.keyPem)) expect(text.includes(slice), `${label}: key material`).toBe(false);
  for (const slice of keySlices(Buffer.from(keys.keyPem).toString('base64'))) expect(text.includes(slice), `${label}: base64 key`).toBe(false);
  // A signed assertion starts with the base64url of {"alg":"RS256"...}.
  expect(text, `${label}: assertion`).not.toMatch(/eyJhbGciOiJSUzI1NiI[\w-]*\.[\w-]+\.[\w-]+/);
  for (const token of accessTokens) expect(text.includes(token), `${label}: access token`).toBe(false);
  expect(text, `${label}: stack trace`).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

const COMMANDS: string[][] = [
  ['verify', '-a', 'p'],
  ['doctor', '-a', 'p'],
  ['doctor', '--all'],
  ['doctor', '-a', 'p', '--offline'],
  ['doctor', '--error', '{"error":"invalid_grant","error_description":"invalid assertion"}'],
  ['profiles', 'list'],
  ['profiles', 'show', '-a', 'p'],
  ['cert', 'show', '-a', 'p'],
  // Every stdout format, so a new one joins the sweep by itself (metadata formats need --out).
  ...FORMAT_IDS.filter((f) => !f.endsWith('-metadata')).map((f) => ['export', '--format', f, '-a', 'p']),
  ['init', '-a', 'p2', '--org-kind', 'production', '--app', 'eca', '--username', USER, '--client-id', CLIENT_ID, '--no-open', '--yes', '--dry-run'],
];

describe('no command leaks the key, an assertion or an access token', () => {
  it('token prints its token only where asked: on stdout, never on stderr', async () => {
    const out = await runCli(['token', '-a', 'p', '--verbose'], { env });
    expect(out.code).toBe(0);
    const token = out.stdout.trim();
    expect(token).toMatch(/^00D\w+!/);
    expect(out.stderr).not.toContain(token);
  });

  it('doctor --show-assertion prints the assertion (asked for), and nothing else secret', async () => {
    const out = await runCli(['doctor', '-a', 'p', '--show-assertion'], { env });
    expect(`${out.stdout}${out.stderr}`).toMatch(/eyJhbGciOiJSUzI1NiI/);
    expect(out.stdout + out.stderr).not.toMatch(/BEGIN (RSA )?PRIVATE KEY/);
  });

  it('the metadata exports, written to a directory, carry the certificate and never the key', async () => {
    for (const format of FORMAT_IDS.filter((f) => f.endsWith('-metadata'))) {
      const out = path.join(dir, `meta-${format}`);
      const run = await runCli(['export', '--format', format, '-a', 'p', '--out', out], { env });
      expect(run.code, run.stderr).toBe(0);
      const files = (await fs.readdir(out, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
      const text = (await Promise.all(files.map((e) => fs.readFile(path.join(e.parentPath ?? e.path, e.name), 'utf8')))).join('\n');
      expect(text).toContain(keys.certPem.split('\n')[1]!);
      expectNoSecrets({ ...run, stdout: `${run.stdout}\n${text}` }, [], format);
    }
  });

  for (const args of COMMANDS) {
    for (const mode of ['--verbose', '--json'] as const) {
      it(`${args.join(' ')} ${mode}`, async () => {
        const tokens: string[] = [];
        // Where runCli's XDG_CACHE_HOME puts debug logs (src/store/debug-log.ts).
        const logDir = path.join(TEST_CACHE_DIR, 'sfjwt', 'logs');
        const before = await fs.readdir(logDir).catch(() => [] as string[]);
        const out = await runCli([...args, mode], { env: { ...env, SFJWT_LOGIN_URL: emulator.url, SFJWT_KEY_FILE: keys.keyPath } });
        // simple-salesforce cannot reach a loopback host: it is refused (exit 2), which must leak nothing either.
        expect(args.includes('simple-salesforce') ? [2] : [0, 1]).toContain(out.code);
        // Every token the emulator issued during the whole run so far.
        tokens.push(...Object.keys(emulator.state.tokens));
        for (const request of emulator.requests) if (request.form?.assertion) tokens.push(request.form.assertion);
        expectNoSecrets(out, tokens, args.join(' '));
        // No debug log was written (that happens only for unexpected errors).
        const logs = (await fs.readdir(logDir).catch(() => [] as string[])).filter((f) => !before.includes(f));
        expect(logs).toEqual([]);
      });
    }
  }
});
