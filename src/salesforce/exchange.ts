import type { KeyObject } from 'node:crypto';
import { JWT_BEARER_GRANT, buildClaims, signAssertionOffThread } from '../crypto/assertion.js';
import { CancelledError, inputError } from '../errors.js';
import { TransportError, type HttpClient, type HttpResponse } from '../net/types.js';
import { classifyTokenResponse, classifyTransportError, type TokenResponse } from './classify.js';
import type { FindingCode } from './codes.js';
import type { NormalizedLoginUrl } from './login-url.js';

export type { TokenResponse } from './classify.js';

/** One token request (with its HTTP-level retries) for one endpoint/aud pair. */
export interface Attempt {
  loginUrl: string;
  audience: string;
  tokenUrl: string;
  outcome: 'ok' | FindingCode;
  /** null when no HTTP answer came back (transport failure). */
  httpStatus: number | null;
  /** OAuth `error`; for a transport failure, the errno (ECONNREFUSED, ...) if known. */
  error: string | null;
  /** OAuth `error_description`; for transport and non-JSON answers, what happened. */
  errorDescription: string | null;
  /** Wall time of the attempt including HTTP-level retries. */
  ms: number;
  /** The server's Date header, for clock-skew checks. */
  date?: string;
  /** Local time (epoch ms, from `now`) when that answer arrived. */
  receivedAt?: number;
  /** One line for a person. */
  message: string;
  /** A hint for transport failures (proxy, CA, DNS). */
  hint?: string;
  /** How many HTTP requests were made (1 + retries used). */
  requests: number;
  /** Internal only: never serialise an Attempt as is (see publicAttempt). */
  token?: TokenResponse;
}

/** The fields of an attempt that may appear in output (verify's `attempts`). */
export interface PublicAttempt {
  loginUrl: string;
  audience: string;
  outcome: 'ok' | FindingCode;
  httpStatus: number | null;
  error: string | null;
  errorDescription: string | null;
  ms: number;
}

export function publicAttempt(attempt: Attempt): PublicAttempt {
  return {
    loginUrl: attempt.loginUrl,
    audience: attempt.audience,
    outcome: attempt.outcome,
    httpStatus: attempt.httpStatus,
    error: attempt.error,
    errorDescription: attempt.errorDescription,
    ms: attempt.ms,
  };
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface ExchangeInput {
  http: HttpClient;
  /** The token endpoint's login URL (its tokenUrl is posted to). */
  login: NormalizedLoginUrl;
  audience: string;
  clientId: string;
  username: string;
  privateKey: KeyObject | string;
  now: () => Date;
  timeoutMs: number;
  /** HTTP-level retries on connection resets and 5xx (never on 4xx). Default 2. */
  retries?: number;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Monotonic milliseconds for `ms`; defaults to now().getTime(). */
  clock?: () => number;
  /** Delays before retry 1, 2, ...; the last one repeats. */
  backoffMs?: readonly number[];
}

export const DEFAULT_BACKOFF_MS: readonly number[] = [250, 1000];

/** Errnos not worth retrying: the host does not exist. */
const NO_RETRY_ERRNOS = new Set(['ENOTFOUND']);

function isCancel(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof TransportError && error.kind === 'aborted');
}

/**
 * Signs an assertion for (login, audience) and posts it to the token endpoint, form-encoded
 * with grant_type and assertion only. Retries up to `retries` times with
 * backoff on network errors (connection resets, refused, DNS hiccups) and 5xx, never on 4xx.
 * A fresh assertion is signed for every request, so `exp` is always now + 180 s. Never adjusts
 * exp for clock skew. Resolves with the classified attempt; throws only CancelledError (abort)
 * or an input error when the key cannot sign.
 */
export async function exchangeToken(input: ExchangeInput): Promise<Attempt> {
  const retries = Math.max(0, input.retries ?? 2);
  const backoff = input.backoffMs ?? DEFAULT_BACKOFF_MS;
  const clock = input.clock ?? (() => input.now().getTime());
  const url = input.login.tokenUrl;
  const started = clock();
  const base = { loginUrl: input.login.url, audience: input.audience, tokenUrl: url };

  let requests = 0;
  for (;;) {
    if (input.signal?.aborted) throw new CancelledError();
    let assertion: string;
    try {
      const claims = buildClaims({ clientId: input.clientId, username: input.username, audience: input.audience, now: input.now() });
      // On the thread pool: doctor --all's many exchanges sign in parallel.
      assertion = await signAssertionOffThread(claims, input.privateKey);
    } catch (error) {
      throw inputError('key-invalid', `The private key cannot sign the assertion: ${(error as Error).message}`, 'Run `sfjwt doctor` to check the key.');
    }
    // The same form encoding URLSearchParams gives these values (a URN and base64url), at a fraction
    // of the cost: doctor --all builds hundreds.
    const body = `grant_type=${encodeURIComponent(JWT_BEARER_GRANT)}&assertion=${encodeURIComponent(assertion)}`;

    requests += 1;
    const canRetry = requests <= retries;
    const delay = backoff[Math.min(requests - 1, backoff.length - 1)] ?? 1000;
    let response: HttpResponse;
    try {
      response = await input.http({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        timeoutMs: input.timeoutMs,
        ...(input.signal ? { signal: input.signal } : {}),
      });
    } catch (error) {
      if (isCancel(error, input.signal)) throw new CancelledError();
      if (!(error instanceof TransportError)) throw error;
      if (canRetry && error.kind === 'network' && !NO_RETRY_ERRNOS.has(error.errno ?? '')) {
        await sleepOrCancel(input, delay);
        continue;
      }
      const classified = classifyTransportError(error);
      return {
        ...base,
        outcome: classified.outcome,
        httpStatus: null,
        error: error.errno ?? null,
        errorDescription: error.message,
        ms: Math.max(0, Math.round(clock() - started)),
        message: `${url}: ${classified.message}`,
        ...(classified.hint ? { hint: classified.hint } : {}),
        requests,
      };
    }
    const receivedAt = input.now().getTime();
    if (response.status >= 500 && canRetry) {
      await sleepOrCancel(input, delay);
      continue;
    }
    const classified = classifyTokenResponse({ status: response.status, headers: response.headers, body: response.body, url, login: input.login });
    const date = response.headers.date;
    const common = {
      ...base,
      httpStatus: response.status,
      ms: Math.max(0, Math.round(clock() - started)),
      ...(date ? { date, receivedAt } : {}),
      requests,
    };
    if (classified.outcome === 'ok') {
      return { ...common, outcome: 'ok', error: null, errorDescription: null, message: `Token issued by ${url}.`, token: classified.token };
    }
    const oauth = classified.error !== undefined || classified.errorDescription !== undefined;
    return {
      ...common,
      outcome: classified.outcome,
      error: classified.error ?? null,
      // Non-JSON answers keep what happened (status, HTML title) in the description slot.
      errorDescription: classified.errorDescription ?? (oauth ? null : classified.message),
      message: classified.message,
    };
  }
}

async function sleepOrCancel(input: ExchangeInput, ms: number): Promise<void> {
  try {
    await input.sleep(ms, input.signal);
  } catch (error) {
    if (input.signal?.aborted) throw new CancelledError();
    throw error;
  }
  if (input.signal?.aborted) throw new CancelledError();
}
