import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createSelfSignedCertificate } from '../../../src/crypto/cert.js';
import { sleep } from '../../../src/deps.js';
import { runGit, type GitRunner } from '../../../src/doctor/git.js';
import { createMemo, type RunShared } from '../../../src/doctor/memo.js';
import { gatherSettings, type DoctorSettings } from '../../../src/doctor/settings.js';
import type { Check, CheckContext, CheckResult } from '../../../src/doctor/types.js';
import { runChecks } from '../../../src/doctor/run-checks.js';
import { createHttpClient } from '../../../src/net/http.js';
import type { CredentialFlags } from '../../../src/core/credentials.js';

export const CLIENT_ID = '3MVG9doctorTestConsumerKey_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV';
export const USERNAME = 'integration@acme.com';

export interface Pair {
  keyPem: string;
  certPem: string;
}

/** A real RSA key and a real self-signed certificate made from it. */
export function makePair(bits = 2048, days = 365, now = new Date()): Pair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const certPem = createSelfSignedCertificate({ privateKeyPem: keyPem, commonName: 'doctor-test', days, now, random: (n) => new Uint8Array(n).fill(5) });
  return { keyPem, certPem };
}

/** Writes server.key (mode given, default 0600) and server.crt into `dir`. */
export async function writePair(dir: string, pair: Pair, keyMode = 0o600): Promise<{ keyPath: string; certPath: string }> {
  const keyPath = path.join(dir, 'server.key');
  const certPath = path.join(dir, 'server.crt');
  await fs.writeFile(keyPath, pair.keyPem, { mode: keyMode });
  await fs.chmod(keyPath, keyMode);
  await fs.writeFile(certPath, pair.certPem);
  return { keyPath, certPath };
}

export function settingsFrom(flags: CredentialFlags, env: Record<string, string | undefined> = {}, cwd = process.cwd()): DoctorSettings {
  return gatherSettings({ flags, env, cwd, useEnv: true });
}

export function testDeps(env: Record<string, string | undefined> = {}): CheckContext['deps'] {
  return { http: createHttpClient(env), now: () => new Date(), sleep, signal: new AbortController().signal, platform: process.platform, env };
}

export function shared(git: GitRunner = runGit): RunShared {
  return { git, gitRoots: new Map() };
}

/** Runs one check (and, silently, its prerequisites) with a real memo. */
export async function runOne(
  check: Check,
  all: readonly Check[],
  settings: DoctorSettings,
  options: { git?: GitRunner; offline?: boolean; env?: Record<string, string | undefined> } = {},
): Promise<CheckResult> {
  const deps = testDeps(options.env);
  const ctx: CheckContext = { deps, settings, memo: createMemo(settings, deps, shared(options.git)) };
  const { shown } = await runChecks(all, ctx, { only: [check.id], offline: options.offline ?? true });
  return shown[0]!;
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real loopback HTTP server for network checks; returns its URL and a stop function. */
export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
