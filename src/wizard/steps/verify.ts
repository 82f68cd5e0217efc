import type { CommandContext } from '../../command.js';
import { loadKey, type Credentials } from '../../core/credentials.js';
import { runVerification, type VerificationEvent, type VerificationOutcome } from '../../salesforce/verify.js';
import { formatDuration, verificationProgress } from '../../ui/verification.js';

export const INTERACTIVE_WAIT_SECONDS = 600;

/**
 * The verification exchange (audience matrix, identity, API) with the propagation wait: retryable
 * failures are retried up to `waitSeconds`, and on a terminal the wait between rounds is a live
 * countdown showing the last error. The narration is the shared one from ui/verification.ts.
 */
export async function verifyWithCountdown(cmd: CommandContext, creds: Credentials, waitSeconds: number): Promise<VerificationOutcome> {
  const { deps, ui } = cmd;
  const key = await loadKey(cmd, creds);
  const narrate = verificationProgress(ui, cmd.globals.verbose);
  let lastError = '';
  let waiting: { remainingSeconds: number } | undefined;
  const onProgress = (event: VerificationEvent) => {
    narrate(event);
    if (event.type === 'attempt' && event.attempt.outcome !== 'ok') lastError = `${event.attempt.outcome}: ${event.message}`;
    if (event.type === 'waiting') waiting = { remainingSeconds: event.remainingSeconds };
  };
  // Only the propagation wait (announced by a 'waiting' event) ticks; HTTP retries sleep silently.
  const live = deps.stderr.isTTY && !deps.env.CI && !cmd.globals.json;
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
  ui.step(`Requesting a token for ${creds.username} at ${creds.loginUrl}${waitSeconds > 0 ? ` (retrying propagation errors for up to ${formatDuration(waitSeconds)})` : ''}`);
  return runVerification({
    http: deps.http,
    now: deps.now,
    sleep,
    signal: deps.signal,
    loginUrl: creds.loginUrl,
    orgKind: creds.orgKind,
    appKind: creds.appKind,
    clientId: creds.clientId,
    username: creds.username,
    privateKey: key.key,
    ...(creds.fixedAudience ? { fixedAudience: creds.fixedAudience } : {}),
    ...(creds.remembered ? { remembered: creds.remembered } : {}),
    timeoutMs: creds.timeoutMs,
    waitSeconds,
    onProgress,
  });
}
