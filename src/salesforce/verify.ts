import type { KeyObject } from 'node:crypto';
import { CancelledError } from '../errors.js';
import { TransportError, type HttpClient, type HttpResponse } from '../net/types.js';
import { API_VERSION } from './api-version.js';
import { audienceMatrix, type AudiencePair, type LoginPair } from './audience-matrix.js';
import { classifyTransportError } from './classify.js';
import { cleanServerText } from './trust.js';
import type { FindingCode } from './codes.js';
import { exchangeToken, publicAttempt, type Attempt, type PublicAttempt, type Sleep } from './exchange.js';
import { findingFor, isRetryable, type ResolvedFinding } from './findings.js';
import { mostInformative } from './rank.js';
import type { NormalizedLoginUrl } from './login-url.js';
import type { AppKind, OrgKind } from './types.js';

export interface VerificationInput {
  http: HttpClient;
  now: () => Date;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Monotonic milliseconds for timings; defaults to now().getTime(). */
  clock?: () => number;
  login: NormalizedLoginUrl;
  orgKind: OrgKind;
  /** Picks the copy of causes/fixes; both kinds are described when unknown. */
  appKind?: AppKind;
  clientId: string;
  username: string;
  privateKey: KeyObject | string;
  fixedAudience?: string;
  remembered?: LoginPair;
  /** Per request. */
  timeoutMs: number;
  /** Propagation wait (`--wait`): retry the whole matrix while the failure is retryable. */
  waitSeconds: number;
  /** HTTP-level retries per request (default 2). */
  retries?: number;
  /**
   * Also call the REST API with the token (doctor, init, rotate; default). `verify` and `token`
   * prove the login (token and identity) and leave API access to doctor's check.
   */
  checkApi?: boolean;
  /** First wait between rounds and its cap; doubles in between. Default 5 s up to 30 s. */
  waitBackoff?: { initialMs: number; maxMs: number };
  onProgress?(event: VerificationEvent): void;
}

export type VerificationEvent =
  | { type: 'attempt-start'; round: number; loginUrl: string; audience: string }
  | { type: 'attempt'; round: number; attempt: PublicAttempt; message: string; hint?: string }
  | { type: 'waiting'; round: number; code: FindingCode; seconds: number; remainingSeconds: number }
  | { type: 'identity'; source: IdentitySource; url: string | null }
  | { type: 'api'; ok: boolean; httpStatus: number | null; url: string };

export type IdentitySource = 'identity-url' | 'userinfo' | 'token';

export interface VerificationResult {
  loginUrl: string;
  audience: string;
  tokenUrl: string;
  instanceUrl: string;
  organizationId: string | null;
  userId: string | null;
  username: string;
  displayName: string | null;
  scope: string | null;
  tokenType: string | null;
  /** From the identity URL's host (login → false, test or a sandbox/scratch My Domain → true); null if unknown. */
  isSandbox: boolean | null;
  /** Server Date − local now, rounded; null without a Date header. Never used to shift exp. */
  clockSkewSeconds: number | null;
  /** The last round's attempts (the one that succeeded). */
  attempts: PublicAttempt[];
  /** How many passes over the audience matrix were made (more than 1 under --wait). */
  rounds: number;
  identitySource: IdentitySource;
  /** The REST API version called; null when the API was not checked (checkApi false). */
  apiVersion: string | null;
  elapsedMs: number;
}

export type VerificationOutcome =
  | { ok: true; result: VerificationResult; accessToken: string }
  | {
      ok: false;
      code: FindingCode;
      /** One line: what failed, where, with Salesforce's words. */
      message: string;
      hint?: string;
      finding: ResolvedFinding;
      /** The last round's attempts; the one reported is the most informative (README: "Finding codes"). */
      attempts: PublicAttempt[];
      rounds: number;
      clockSkewSeconds: number | null;
      /** The pair that did get a token, when the failure came after it (api-access-denied). */
      working: AudiencePair | null;
      elapsedMs: number;
    };

const DEFAULT_WAIT_BACKOFF = { initialMs: 5_000, maxMs: 30_000 };
const GET_BACKOFF_MS = [250, 1000];

function skewOf(attempts: readonly Attempt[]): number | null {
  for (let i = attempts.length - 1; i >= 0; i -= 1) {
    const attempt = attempts[i]!;
    if (attempt.date === undefined || attempt.receivedAt === undefined) continue;
    const server = Date.parse(attempt.date);
    if (Number.isNaN(server)) continue;
    // +0 turns a -0 into 0.
    return Math.round((server - attempt.receivedAt) / 1000) + 0;
  }
  return null;
}

/** `…/id/<orgId>/<userId>`. */
export function parseIdentityUrl(id: string | null): { organizationId: string; userId: string } | null {
  if (!id) return null;
  const match = /\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})\/?$/.exec(id);
  return match ? { organizationId: match[1]!, userId: match[2]! } : null;
}

/**
 * Production vs sandbox from a Salesforce URL's host (the identity URL, else the instance URL):
 * login/test, and My Domain hosts, whose sandbox and scratch partitions (and the legacy
 * `name--sandbox` label) say so. null when the host does not say (loopback, other clouds).
 */
export function sandboxFromIdentityUrl(id: string | null): boolean | null {
  if (!id) return null;
  let host: string;
  try {
    host = new URL(id).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (host === 'login.salesforce.com') return false;
  if (host === 'test.salesforce.com') return true;
  const myDomain = /^([a-z0-9-]+)\.(?:([a-z]+)\.)?my\.salesforce\.com$/.exec(host);
  if (!myDomain) return null;
  const partition = myDomain[2];
  return partition === 'sandbox' || partition === 'scratch' || (partition === undefined && myDomain[1]!.includes('--'));
}

interface GetOutcome {
  response?: HttpResponse;
  transport?: TransportError;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Runs the token exchange over the audience matrix, then the identity check and, unless checkApi is false, the API check. */
export async function runVerification(input: VerificationInput): Promise<VerificationOutcome> {
  const clock = input.clock ?? (() => input.now().getTime());
  const started = clock();
  const deadline = input.now().getTime() + Math.max(0, input.waitSeconds) * 1000;
  const backoff = input.waitBackoff ?? DEFAULT_WAIT_BACKOFF;
  const emit = (event: VerificationEvent) => input.onProgress?.(event);
  const matrix = audienceMatrix({
    login: input.login,
    orgKind: input.orgKind,
    ...(input.fixedAudience !== undefined ? { fixedAudience: input.fixedAudience } : {}),
    ...(input.remembered ? { remembered: input.remembered } : {}),
  });
  const findingContext = { setupHost: input.login.setupHost, ...(input.appKind ? { appKind: input.appKind } : {}) };

  let round = 0;
  let nextWait = backoff.initialMs;
  let roundAttempts: Attempt[] = [];
  let success: Attempt | undefined;
  for (;;) {
    round += 1;
    roundAttempts = [];
    // No HTTP answer from a login URL (after exchangeToken's own retries): another aud cannot
    // reach it either, and each try could cost a whole --timeout. The next login URL may work.
    const unreachable = new Set<string>();
    for (const pair of matrix) {
      if (unreachable.has(pair.login.url)) continue;
      emit({ type: 'attempt-start', round, loginUrl: pair.login.url, audience: pair.audience });
      const attempt = await exchangeToken({
        http: input.http,
        login: pair.login,
        audience: pair.audience,
        clientId: input.clientId,
        username: input.username,
        privateKey: input.privateKey,
        now: input.now,
        timeoutMs: input.timeoutMs,
        sleep: input.sleep,
        clock,
        ...(input.retries !== undefined ? { retries: input.retries } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      roundAttempts.push(attempt);
      if (attempt.httpStatus === null && attempt.outcome !== 'ok') unreachable.add(pair.login.url);
      emit({ type: 'attempt', round, attempt: publicAttempt(attempt), message: attempt.message, ...(attempt.hint ? { hint: attempt.hint } : {}) });
      if (attempt.outcome === 'ok') {
        success = attempt;
        break;
      }
    }
    if (success) break;
    const best = mostInformative(roundAttempts);
    const remainingMs = deadline - input.now().getTime();
    if (!best || !isRetryable(best.outcome) || remainingMs <= 0) break;
    const delay = Math.min(nextWait, remainingMs);
    emit({ type: 'waiting', round, code: best.outcome as FindingCode, seconds: Math.ceil(delay / 1000), remainingSeconds: Math.ceil(remainingMs / 1000) });
    try {
      await input.sleep(delay, input.signal);
    } catch (error) {
      if (input.signal?.aborted) throw new CancelledError();
      throw error;
    }
    if (input.signal?.aborted) throw new CancelledError();
    nextWait = Math.min(nextWait * 2, backoff.maxMs);
  }

  const attempts = roundAttempts.map(publicAttempt);
  const clockSkewSeconds = skewOf(roundAttempts);
  const elapsed = () => Math.max(0, Math.round(clock() - started));

  if (!success || !success.token) {
    const best = mostInformative(roundAttempts);
    const code = (best?.outcome ?? 'network-error') as FindingCode;
    const skipped = matrix.length - roundAttempts.length;
    const tried =
      matrix.length === 1
        ? 'the only login URL/audience pair'
        : `${roundAttempts.length} login URL/audience pair${roundAttempts.length === 1 ? '' : 's'}${skipped > 0 ? `; skipped ${skipped} whose login URL did not answer` : ''}`;
    const message = best
      ? `${best.message} (aud ${best.audience}; tried ${tried}${round > 1 ? ` over ${round} rounds` : ''})`
      : 'No token request was made.';
    return {
      ok: false,
      code,
      message,
      ...(best?.hint ? { hint: best.hint } : {}),
      finding: findingFor(code, findingContext),
      attempts,
      rounds: round,
      clockSkewSeconds,
      working: null,
      elapsedMs: elapsed(),
    };
  }

  // ---- the token works at the token endpoint; now prove it on the identity URL and the API ----
  const token = success.token;
  const accessToken = token.accessToken;
  const instanceUrl = (token.instanceUrl ?? success.loginUrl).replace(/\/+$/, '');
  const fromId = parseIdentityUrl(token.id);
  // classifyTokenResponse accepted instance_url and id only where the token may go (README: "What sfjwt trusts").
  const get = (url: string, auth: boolean) => getWithRetry(input, url, auth ? accessToken : undefined);

  // Identity (or userinfo) and, unless told not to, one authenticated REST call, side by side: one
  // round trip after the token.
  const sandboxFromHost = sandboxFromIdentityUrl(token.id) ?? sandboxFromIdentityUrl(instanceUrl);
  const [identityOutcome, rest] = await Promise.all([
    fetchIdentity(token.id, instanceUrl, get),
    input.checkApi === false ? undefined : callRestApi(instanceUrl, sandboxFromHost === null, get),
  ]);
  const { identity, identitySource, identityUrlUsed } = identityOutcome;
  emit({ type: 'identity', source: identitySource, url: identityUrlUsed });

  const working: AudiencePair = { loginUrl: success.loginUrl, audience: success.audience };
  const apiFailure = (code: FindingCode, message: string, hint?: string): VerificationOutcome => ({
    ok: false,
    code,
    message,
    ...(hint ? { hint } : {}),
    finding: findingFor(code, findingContext),
    attempts,
    rounds: round,
    clockSkewSeconds,
    working,
    elapsedMs: elapsed(),
  });

  let isSandbox = sandboxFromHost;
  if (rest) {
    if (rest.outcome.transport) {
      const classified = classifyTransportError(rest.outcome.transport);
      emit({ type: 'api', ok: false, httpStatus: null, url: rest.url });
      return apiFailure(classified.outcome, `A token was issued, but the REST API at ${instanceUrl} could not be reached: ${classified.message}`, classified.hint);
    }
    const apiResponse = rest.outcome.response!;
    const apiOk = apiResponse.status >= 200 && apiResponse.status < 300;
    emit({ type: 'api', ok: apiOk, httpStatus: apiResponse.status, url: rest.url });
    if (!apiOk) {
      const code: FindingCode = apiResponse.status >= 500 ? 'server-error' : 'api-access-denied';
      return apiFailure(code, `A token was issued, but the REST API refused it: ${rest.url} answered HTTP ${apiResponse.status}${restError(apiResponse.body)}.`);
    }
    const orgRecord = record((record(parseJson(apiResponse.body))?.records as unknown[] | undefined)?.[0]);
    isSandbox ??= typeof orgRecord?.IsSandbox === 'boolean' ? orgRecord.IsSandbox : null;
  }

  const result: VerificationResult = {
    loginUrl: success.loginUrl,
    audience: success.audience,
    tokenUrl: success.tokenUrl,
    instanceUrl,
    organizationId: str(identity?.organization_id) ?? fromId?.organizationId ?? null,
    userId: str(identity?.user_id) ?? fromId?.userId ?? null,
    username: str(identity?.username) ?? input.username,
    displayName: str(identity?.display_name) ?? null,
    scope: token.scope,
    tokenType: token.tokenType,
    isSandbox,
    clockSkewSeconds,
    attempts,
    rounds: round,
    identitySource,
    apiVersion: rest?.version ?? null,
    elapsedMs: elapsed(),
  };
  return { ok: true, result, accessToken };
}

/** ` (INVALID_SESSION_ID: Session expired or invalid)` from a REST error body, or ''. */
function restError(body: string): string {
  const parsed = parseJson(body);
  const first = Array.isArray(parsed) ? record(parsed[0]) : record(parsed);
  if (!first) return '';
  const code = str(first.errorCode) ?? str(first.error);
  const message = str(first.message) ?? str(first.error_description);
  const text = cleanServerText([code, message].filter(Boolean).join(': '));
  return text ? ` (${text})` : '';
}

/** `v66.0` from `[{version: "66.0", url: "/services/data/v66.0"}, ...]`; undefined if unusable. */
export function latestVersion(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  let best: { n: number; v: string } | undefined;
  for (const item of list) {
    const version = str(record(item)?.version);
    if (!version || !/^\d+(\.\d+)?$/.test(version)) continue;
    const n = Number(version);
    if (!best || n > best.n) best = { n, v: `v${version.includes('.') ? version : `${version}.0`}` };
  }
  return best?.v;
}

/**
 * One authenticated REST call at API_VERSION: it proves the token works on the API (the "API
 * Enabled" permission, the api scope). When the identity host does not say whether the org is a
 * sandbox, the call is the Organization query, which also answers that.
 */
async function callRestApi(
  instanceUrl: string,
  askOrg: boolean,
  get: (url: string, auth: boolean) => Promise<GetOutcome>,
): Promise<{ url: string; outcome: GetOutcome; version: string }> {
  const urlFor = (version: string) =>
    `${instanceUrl}/services/data/${version}/${askOrg ? `query?q=${encodeURIComponent('SELECT IsSandbox FROM Organization')}` : ''}`;
  let version = `v${API_VERSION}`;
  let outcome = await get(urlFor(version), true);
  // An instance that does not serve this version yet: use the newest one it lists.
  if (outcome.response?.status === 404) {
    const versions = await get(`${instanceUrl}/services/data/`, false);
    const latest = versions.response?.status === 200 ? latestVersion(parseJson(versions.response.body)) : undefined;
    if (latest && latest !== version) {
      version = latest;
      outcome = await get(urlFor(version), true);
    }
  }
  return { url: urlFor(version), outcome, version };
}

/** The identity URL from the token response, else userinfo; the token alone when both fail. */
async function fetchIdentity(
  id: string | null,
  instanceUrl: string,
  get: (url: string, auth: boolean) => Promise<GetOutcome>,
): Promise<{ identity: Record<string, unknown> | undefined; identitySource: IdentitySource; identityUrlUsed: string | null }> {
  if (id) {
    const answer = await get(id, true);
    const identity = answer.response?.status === 200 ? record(parseJson(answer.response.body)) : undefined;
    if (identity) return { identity, identitySource: 'identity-url', identityUrlUsed: id };
  }
  const userinfoUrl = `${instanceUrl}/services/oauth2/userinfo`;
  const answer = await get(userinfoUrl, true);
  const info = answer.response?.status === 200 ? record(parseJson(answer.response.body)) : undefined;
  if (!info) return { identity: undefined, identitySource: 'token', identityUrlUsed: null };
  return {
    identity: { user_id: info.user_id, organization_id: info.organization_id, username: info.preferred_username, display_name: info.name },
    identitySource: 'userinfo',
    identityUrlUsed: userinfoUrl,
  };
}

/** A GET with the same HTTP-level retries as the exchange (resets and 5xx, never 4xx). */
async function getWithRetry(input: VerificationInput, url: string, bearer: string | undefined): Promise<GetOutcome> {
  const retries = Math.max(0, input.retries ?? 2);
  for (let request = 1; ; request += 1) {
    if (input.signal?.aborted) throw new CancelledError();
    const canRetry = request <= retries;
    const delay = GET_BACKOFF_MS[Math.min(request - 1, GET_BACKOFF_MS.length - 1)]!;
    try {
      const response = await input.http({
        method: 'GET',
        url,
        headers: { accept: 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        timeoutMs: input.timeoutMs,
        ...(input.signal ? { signal: input.signal } : {}),
      });
      if (response.status >= 500 && canRetry) {
        await input.sleep(delay, input.signal);
        continue;
      }
      return { response };
    } catch (error) {
      if (input.signal?.aborted || (error instanceof TransportError && error.kind === 'aborted')) throw new CancelledError();
      if (!(error instanceof TransportError)) throw error;
      if (canRetry && error.kind === 'network' && error.errno !== 'ENOTFOUND') {
        await input.sleep(delay, input.signal);
        continue;
      }
      return { transport: error };
    }
  }
}
