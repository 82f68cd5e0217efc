import type { CommandContext } from '../command.js';
import { CliError } from '../errors.js';
import { runVerification, type VerificationEvent, type VerificationOutcome } from '../salesforce/verify.js';
import { updateConfig } from '../store/config-store.js';
import { recordVerification } from '../store/profile.js';
import { formatDuration, verificationProgress } from '../ui/verification.js';
import { loadKey, type Credentials } from './credentials.js';
import { warnIfConfigDirOpen } from './locking.js';

const SKEW_WARNING_SECONDS = 30;

export interface VerifyOptions {
  /** Propagation wait (`--wait`). */
  waitSeconds: number;
  /** Narrate the exchange on stderr (default true). */
  narrate?: boolean;
  /** Also call the REST API with the token (default true; see VerificationInput.checkApi). */
  checkApi?: boolean;
}

/** How long an interactive init waits for a new app or certificate to reach Salesforce's login servers. */
export const INTERACTIVE_WAIT_SECONDS = 600;

/**
 * The verification exchange (audience matrix, identity, optionally the API) with the propagation
 * wait: retryable failures are retried up to `waitSeconds`, and on a terminal the wait between
 * rounds is a live countdown showing the last error. The narration is shared (ui/verification.ts).
 */
export async function verifyCredentials(
  ctx: CommandContext,
  creds: Credentials,
  { waitSeconds, narrate: narrateProgress = true, checkApi = true }: VerifyOptions,
): Promise<VerificationOutcome> {
  const { deps, ui } = ctx;
  const key = await loadKey(ctx, creds);
  const narrate = narrateProgress ? verificationProgress(ui, ctx.globals.verbose) : () => undefined;
  let lastError = '';
  let round = 0;
  const roundMessages = new Map<string, string>();
  let waiting: { remainingSeconds: number } | undefined;
  const onProgress = (event: VerificationEvent) => {
    narrate(event);
    if (event.type === 'attempt-start' && event.round !== round) {
      round = event.round;
      roundMessages.clear();
    }
    if (event.type === 'attempt' && event.attempt.outcome !== 'ok') roundMessages.set(event.attempt.outcome, event.message);
    if (event.type === 'waiting') {
      // Show the round's most informative failure (the one the wait is for), not merely the last one.
      lastError = `${event.code}: ${roundMessages.get(event.code) ?? ''}`;
      waiting = { remainingSeconds: event.remainingSeconds };
    }
  };
  // Only the propagation wait (announced by a 'waiting' event) ticks; HTTP retries sleep silently.
  const live = narrateProgress && deps.stderr.isTTY && !deps.env.CI && !ctx.globals.json;
  const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    const current = waiting;
    waiting = undefined;
    if (!current || !live || ms < 1000) return deps.sleep(ms, signal);
    const ends = deps.now().getTime() + ms;
    const text = (left: number) =>
      `Retrying in ${Math.ceil(left / 1000)} s (${formatDuration(Math.max(0, current.remainingSeconds - Math.round((ms - left) / 1000)))} left of the wait; Ctrl-C to stop). Last error: ${lastError}`;
    const spinner = ui.spinner(text(ms));
    try {
      for (let left = ms; left > 0; left = ends - deps.now().getTime()) {
        await deps.sleep(Math.min(1000, left), signal);
        spinner.update(text(Math.max(0, ends - deps.now().getTime())));
      }
    } finally {
      spinner.stop();
    }
  };
  if (narrateProgress) ui.step(`Requesting a token for ${creds.username} at ${creds.login.url}${waitSeconds > 0 ? ` (retrying propagation errors for up to ${formatDuration(waitSeconds)})` : ''}`);
  return runVerification({
    http: deps.http,
    now: deps.now,
    sleep,
    signal: deps.signal,
    login: creds.login,
    orgKind: creds.orgKind,
    appKind: creds.appKind,
    clientId: creds.clientId,
    username: creds.username,
    privateKey: key.key,
    ...(creds.fixedAudience ? { fixedAudience: creds.fixedAudience } : {}),
    ...(creds.remembered ? { remembered: creds.remembered } : {}),
    timeoutMs: creds.timeoutMs,
    waitSeconds,
    checkApi,
    onProgress,
  });
}

export function failureError(outcome: Extract<VerificationOutcome, { ok: false }>, partial: Record<string, unknown>): CliError {
  // A proxy variable that is not a URL is bad input (exit 2), not a failed login.
  const badInput = outcome.attempts.some((attempt) => attempt.error === 'PROXY_URL_INVALID');
  return new CliError(
    outcome.code,
    outcome.message,
    { hint: outcome.hint, causes: outcome.finding.causes, fixes: outcome.finding.fixes, setupUrl: outcome.finding.setupUrl, result: partial },
    badInput ? 2 : 1,
  );
}

/**
 * Records the working audience and the org in the profile. Bookkeeping only: a command that got its
 * token never fails here (a read-only config dir, a lock held too long); it warns instead
 * (`verification-not-recorded`).
 */
export async function rememberSuccess(ctx: CommandContext, creds: Credentials, outcome: Extract<VerificationOutcome, { ok: true }>): Promise<void> {
  const profile = creds.profile;
  const { organizationId, userId } = outcome.result;
  if (!profile || !organizationId || !userId) return;
  const verification = {
    loginUrl: outcome.result.loginUrl,
    audience: outcome.result.audience,
    organizationId,
    userId,
    instanceUrl: outcome.result.instanceUrl,
    time: ctx.deps.now(),
  };
  try {
    await warnIfConfigDirOpen(ctx);
    await updateConfig(ctx.configDir, (config) => {
      const current = config.profiles[profile.alias];
      if (!current) return config;
      return { ...config, profiles: { ...config.profiles, [profile.alias]: recordVerification(current, verification) } };
    });
  } catch (error) {
    ctx.warn(
      'verification-not-recorded',
      `logged in, but could not record the verification in profile "${profile.alias}": ${(error as Error).message}`,
    );
  }
}

export function warnAboutSkew(ctx: CommandContext, skew: number | null): void {
  if (skew !== null && Math.abs(skew) > SKEW_WARNING_SECONDS) {
    ctx.warn(
      'clock-skew',
      `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} the server's; assertions expire ${180} s after signing, so sync the clock (NTP)`,
    );
  }
}
