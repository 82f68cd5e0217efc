import type { CommandContext, CommandHandler } from '../command.js';
import { loadKey, resolveCredentials, type CredentialFlags, type Credentials } from '../core/credentials.js';
import { CliError } from '../errors.js';
import { runVerification, type VerificationOutcome } from '../salesforce/verify.js';
import { updateConfig } from '../store/config-store.js';
import { recordVerification } from '../store/profile.js';
import { renderAttempts, renderVerificationSuccess, verificationProgress } from '../ui/verification.js';
import { warnAboutCertificate } from '../core/cert-expiry.js';

export interface VerifyOptions extends CredentialFlags {
  wait?: number;
}

const SKEW_WARNING_SECONDS = 30;

/** Shared by verify and token: resolve, sign, exchange over the matrix, identity. */
export async function verifyCredentials(
  ctx: CommandContext,
  creds: Credentials,
  waitSeconds: number,
  narrate: boolean,
): Promise<VerificationOutcome> {
  const key = await loadKey(ctx, creds);
  const progress = narrate ? verificationProgress(ctx.ui, ctx.globals.verbose) : undefined;
  if (narrate) ctx.ui.step(`Requesting a token for ${creds.username} at ${creds.loginUrl}`);
  return runVerification({
    http: ctx.deps.http,
    now: ctx.deps.now,
    sleep: ctx.deps.sleep,
    signal: ctx.deps.signal,
    loginUrl: creds.loginUrl,
    orgKind: creds.orgKind,
    appKind: creds.appKind,
    clientId: creds.clientId,
    username: creds.username,
    privateKey: key.key,
    fixedAudience: creds.fixedAudience,
    remembered: creds.remembered,
    timeoutMs: creds.timeoutMs,
    waitSeconds,
    onProgress: progress,
  });
}

export function failureError(outcome: Extract<VerificationOutcome, { ok: false }>, partial: Record<string, unknown>): CliError {
  return new CliError(outcome.code, outcome.message, {
    hint: outcome.hint,
    causes: outcome.finding.causes,
    fixes: outcome.finding.fixes,
    setupUrl: outcome.finding.setupUrl,
    result: partial,
  });
}

export async function rememberSuccess(ctx: CommandContext, creds: Credentials, outcome: Extract<VerificationOutcome, { ok: true }>): Promise<void> {
  const profile = creds.profile;
  if (!profile || !outcome.result.organizationId || !outcome.result.userId) return;
  await updateConfig(ctx.configDir, (config) => {
    const current = config.profiles[profile.alias];
    if (!current) return config;
    return {
      ...config,
      profiles: {
        ...config.profiles,
        [profile.alias]: recordVerification(current, {
          loginUrl: outcome.result.loginUrl,
          audience: outcome.result.audience,
          organizationId: outcome.result.organizationId!,
          userId: outcome.result.userId!,
          instanceUrl: outcome.result.instanceUrl,
          time: ctx.deps.now(),
        }),
      },
    };
  });
}

export function warnAboutSkew(ctx: CommandContext, skew: number | null): void {
  if (skew !== null && Math.abs(skew) > SKEW_WARNING_SECONDS) {
    ctx.warn(
      'clock-skew',
      `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} the server's; assertions expire ${180} s after signing, so sync the clock (NTP)`,
    );
  }
}

export const run: CommandHandler<VerifyOptions> = async (options, ctx) => {
  const creds = await resolveCredentials(ctx, options);
  const outcome = await verifyCredentials(ctx, creds, options.wait ?? 0, true);
  warnAboutSkew(ctx, outcome.ok ? outcome.result.clockSkewSeconds : outcome.clockSkewSeconds);
  if (!outcome.ok) {
    if (!ctx.globals.json) {
      ctx.ui.info('  Attempts:');
      for (const line of renderAttempts(outcome.attempts)) ctx.ui.info(`    ${line}`);
    }
    throw failureError(outcome, {
      loginUrl: creds.loginUrl,
      username: creds.username,
      attempts: outcome.attempts,
      clockSkewSeconds: outcome.clockSkewSeconds,
      working: outcome.working,
      elapsedMs: outcome.elapsedMs,
    });
  }
  await warnAboutCertificate(ctx, creds.certPath);
  await rememberSuccess(ctx, creds, outcome);
  const { identitySource: _source, rounds: _rounds, ...result } = outcome.result;
  return {
    result: { ...result, alias: creds.alias ?? null },
    human: renderVerificationSuccess(outcome.result),
  };
};
