import type { KeyObject } from 'node:crypto';
import { readKeyText } from '../certs/read.js';
import { describeCertificate, publicKeyFingerprint, type CertificateDescription } from '../crypto/inspect.js';
import { isCliError } from '../errors.js';
import { parseCertificate, parsePrivateKey, type ParsedCertificate, type ParsedPrivateKey } from '../crypto/pem.js';
import { TransportError, type HttpResponse } from '../net/types.js';
import type { FindingContext } from '../salesforce/findings.js';
import type { NormalizedLoginUrl } from '../salesforce/login-url.js';
import type { OrgKind } from '../salesforce/types.js';
import { runVerification, type IdentitySource, type VerificationOutcome } from '../salesforce/verify.js';
import type { FindingCode } from '../salesforce/codes.js';
import { readInputFile } from '../store/key-files.js';
import { gitStatusOf, type GitRunner, type GitStatus } from './git.js';
import type { CheckContext } from './types.js';
import type { DoctorSettings, LoginUrlParse } from './settings.js';

export type Failure<C extends FindingCode = FindingCode> = { ok: false; code: C; message: string; hint?: string };

export type KeyText =
  | { ok: true; text: string; label: string; path?: string; mode?: number }
  | Failure<'key-missing' | 'key-unreadable'>;
export type KeyParse = { ok: true; parsed: ParsedPrivateKey; label: string } | Failure;
export type CertText = { ok: true; text: string; path: string; sizeBytes: number } | Failure<'cert-missing' | 'cert-invalid'> | { ok: false; code: null };
export type CertParse = { ok: true; parsed: ParsedCertificate; path: string } | Failure | { ok: false; code: null };

export interface Probe {
  /** The login URL probed (DNS, TLS and reachability report on its host). */
  login: NormalizedLoginUrl;
  url: string;
  response?: HttpResponse;
  transport?: TransportError;
  /** Local time the answer arrived (epoch ms). */
  receivedAt: number;
}

export interface VerificationRun {
  outcome: VerificationOutcome;
  identity?: { source: IdentitySource; url: string | null };
  apiVersionUrl?: string;
}

/** Shared by every profile of one run (doctor --all): the git-root lookups and the git runner. */
export interface RunShared {
  git: GitRunner;
  gitRoots: Map<string, Promise<string | null>>;
  /** Parsed keys and certificates by content: profiles sharing a key pair parse it once. */
  parsedKeys?: Map<string, KeyParse>;
  parsedCerts?: Map<string, CertParse>;
  /** File reads by what and path: many profiles of one run often share one key pair. */
  files?: Map<string, Promise<unknown>>;
  /** Values derived from a key or certificate text (descriptions, fingerprints), computed once per run. */
  derived?: Map<string, unknown>;
  /** The unauthenticated probe by URL: DNS, TLS, reachability and clock are the host's, not a profile's. */
  probes?: Map<string, Promise<Probe>>;
}

/** Per-run cache: the key is read once, the token exchange made once, whatever number of checks ask. */
export interface DoctorMemo {
  keyText(): Promise<KeyText>;
  key(): Promise<KeyParse>;
  certText(): Promise<CertText>;
  cert(): Promise<CertParse>;
  /** Subject, validity, fingerprint: parsed once for every certificate check. */
  certInfo(): Promise<CertificateDescription | undefined>;
  /** SHA-256 of the public key in the private key and in the certificate (undefined when unreadable). */
  publicKeyPrints(): Promise<{ key: string; cert: string } | undefined>;
  loginUrl(): LoginUrlParse;
  orgKind(): OrgKind;
  findingContext(): FindingContext;
  probe(): Promise<Probe>;
  verification(): Promise<VerificationRun>;
  gitStatus(): Promise<GitStatus>;
}

function once<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
}

/** readInputFile throws CliErrors naming the file; anything else is reported as it is. */
function readError(error: unknown): { code: FindingCode | 'internal'; message: string; hint?: string } {
  if (isCliError(error)) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'internal', message: (error as Error).message };
}

function asFailure(error: unknown, fallback: FindingCode): Failure {
  if (isCliError(error)) return { ok: false, code: error.code === 'internal' ? fallback : error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { ok: false, code: fallback, message: (error as Error).message };
}

export function createMemo(settings: DoctorSettings, deps: CheckContext['deps'], shared: RunShared): DoctorMemo {
  /** Each file once per path per run (doctor --all: profiles often share a key pair); a failure is not cached. */
  const readOnce = <T>(cacheKey: string, read: () => Promise<T>): Promise<T> => {
    const cached = shared.files?.get(cacheKey);
    if (cached) return cached as Promise<T>;
    const reading = read();
    shared.files?.set(cacheKey, reading);
    reading.catch(() => shared.files?.delete(cacheKey));
    return reading;
  };

  const keyText = once(async (): Promise<KeyText> => {
    const key = settings.key;
    if (!key) {
      return { ok: false, code: 'key-missing', message: 'no private key given', hint: 'pass --key <file>, set SFJWT_KEY_FILE or SFJWT_KEY, or use a profile (-a <alias>)' };
    }
    try {
      // The same reader as verify and token (certs/read.ts).
      return { ok: true, ...(await (key.kind === 'file' ? readOnce(`private key\0${key.path}`, () => readKeyText(key)) : readKeyText(key))) };
    } catch (error) {
      const failure = readError(error);
      return failure.code === 'key-missing' && key.kind === 'file'
        ? { ok: false, code: 'key-missing', message: `${failure.message} (from ${key.source})` }
        : { ok: false, code: 'key-unreadable', message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) };
    }
  });

  const key = once(async (): Promise<KeyParse> => {
    const text = await keyText();
    if (!text.ok) return text;
    // A parsed key does not depend on where it was read from; an error message names the file.
    const cached = shared.parsedKeys?.get(text.text);
    if (cached?.ok) return { ...cached, label: text.label };
    let parsed: KeyParse;
    try {
      parsed = { ok: true, parsed: parsePrivateKey(text.text, text.label), label: text.label };
      shared.parsedKeys?.set(text.text, parsed);
    } catch (error) {
      parsed = asFailure(error, 'key-invalid');
    }
    return parsed;
  });

  const certText = once(async (): Promise<CertText> => {
    const file = settings.certPath;
    if (!file) return { ok: false, code: null };
    try {
      const { data: buffer } = await readOnce(`certificate\0${file}`, () => readInputFile('certificate', file));
      return { ok: true, text: buffer.toString('utf8'), path: file, sizeBytes: buffer.length };
    } catch (error) {
      const failure = readError(error);
      return { ok: false, code: failure.code === 'cert-missing' ? 'cert-missing' : 'cert-invalid', message: failure.message };
    }
  });

  const cert = once(async (): Promise<CertParse> => {
    const text = await certText();
    if (!text.ok) return text;
    const cacheKey = `${text.path}\0${text.text}`;
    const cached = shared.parsedCerts?.get(cacheKey);
    if (cached) return cached;
    let parsed: CertParse;
    try {
      parsed = { ok: true, parsed: parseCertificate(text.text, text.path), path: text.path };
    } catch (error) {
      parsed = asFailure(error, 'cert-invalid');
    }
    shared.parsedCerts?.set(cacheKey, parsed);
    return parsed;
  });

  /** doctor --all: profiles sharing a key pair derive these once (X.509 parsing and key export are the costly part). */
  function derive<T>(cacheKey: string, compute: () => T): T {
    if (!shared.derived) return compute();
    if (!shared.derived.has(cacheKey)) shared.derived.set(cacheKey, compute());
    return shared.derived.get(cacheKey) as T;
  }

  const certInfo = once(async (): Promise<CertificateDescription | undefined> => {
    const parsed = await cert();
    return parsed.ok ? derive(`info\0${parsed.parsed.pem}`, () => describeCertificate(parsed.parsed.pem, deps.now())) : undefined;
  });

  const publicKeyPrints = once(async (): Promise<{ key: string; cert: string } | undefined> => {
    const [parsedKey, parsedCert] = await Promise.all([key(), cert()]);
    if (!parsedKey.ok || !parsedCert.ok) return undefined;
    return {
      key: derive(`keyprint\0${parsedKey.parsed.pem}`, () => publicKeyFingerprint(parsedKey.parsed.key)),
      cert: derive(`certprint\0${parsedCert.parsed.pem}`, () => publicKeyFingerprint(parsedCert.parsed.x509.publicKey)),
    };
  });

  const loginUrl = (): LoginUrlParse =>
    settings.login ?? {
      ok: false,
      code: 'login-url-invalid',
      message: 'no login URL given',
      hint: 'pass --login-url https://<MyDomain>.my.salesforce.com, set SFJWT_LOGIN_URL, or use a profile (-a <alias>)',
    };

  const orgKind = (): OrgKind => {
    const url = loginUrl();
    return settings.orgKind ?? (url.ok ? url.normalized.orgKindHint : undefined) ?? 'production';
  };

  const findingContext = (): FindingContext => {
    const url = loginUrl();
    return {
      ...(url.ok ? { setupHost: url.normalized.setupHost } : {}),
      ...(settings.appKind ? { appKind: settings.appKind } : {}),
      ...(settings.alias ? { alias: settings.alias } : {}),
    };
  };

  const probe = once((): Promise<Probe> => {
    const url = loginUrl();
    if (!url.ok) throw new Error('probe started without a valid login URL');
    const target = `${url.normalized.url}/services/data/`;
    const cached = shared.probes?.get(target);
    if (cached) return cached;
    const probing = probeOnce(url.normalized, target);
    shared.probes?.set(target, probing);
    return probing;
  });

  async function probeOnce(login: NormalizedLoginUrl, target: string): Promise<Probe> {
    try {
      const response = await deps.http({ method: 'GET', url: target, headers: { accept: 'application/json' }, timeoutMs: settings.timeoutMs, signal: deps.signal });
      return { login, url: target, response, receivedAt: deps.now().getTime() };
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return { login, url: target, transport: error, receivedAt: deps.now().getTime() };
    }
  }

  const verification = once(async (): Promise<VerificationRun> => {
    const parsedKey = await key();
    const url = loginUrl();
    if (!parsedKey.ok || !url.ok || !settings.username || !settings.clientId) throw new Error('token exchange started without its prerequisites');
    const run: Omit<VerificationRun, 'outcome'> = {};
    const outcome = await runVerification({
      http: deps.http,
      now: deps.now,
      sleep: deps.sleep,
      signal: deps.signal,
      login: url.normalized,
      orgKind: orgKind(),
      ...(settings.appKind ? { appKind: settings.appKind } : {}),
      clientId: settings.clientId.trim(),
      username: settings.username.trim(),
      privateKey: parsedKey.parsed.key as KeyObject,
      ...(settings.fixedAudience ? { fixedAudience: settings.fixedAudience } : {}),
      ...(settings.remembered ? { remembered: settings.remembered } : {}),
      timeoutMs: settings.timeoutMs,
      waitSeconds: 0,
      onProgress: (event) => {
        if (event.type === 'identity') run.identity = { source: event.source, url: event.url };
        if (event.type === 'api') run.apiVersionUrl = event.url;
      },
    });
    return { ...run, outcome };
  });

  const gitStatus = once(async (): Promise<GitStatus> => {
    const text = await keyText();
    if (!text.ok || !text.path) return { kind: 'outside' };
    return gitStatusOf(text.path, shared.git, shared.gitRoots);
  });

  return { keyText, key, certText, cert, certInfo, publicKeyPrints, loginUrl, orgKind, findingContext, probe, verification, gitStatus };
}
