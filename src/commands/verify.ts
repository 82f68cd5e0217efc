import type { CommandHandler } from '../command.js';
import { warnAboutCertificate } from '../core/cert-expiry.js';
import { resolveCredentials, type CredentialFlags } from '../core/credentials.js';
import { failureError, rememberSuccess, verifyCredentials, warnAboutSkew } from '../core/verification.js';
import { renderAttempts, renderVerificationSuccess } from '../ui/verification.js';

export interface VerifyFlags extends CredentialFlags {
  wait?: number;
}

export const runVerify: CommandHandler<VerifyFlags> = async (options, ctx) => {
  const creds = await resolveCredentials(ctx, options);
  const outcome = await verifyCredentials(ctx, creds, { waitSeconds: options.wait ?? 0, checkApi: false });
  warnAboutSkew(ctx, outcome.ok ? outcome.result.clockSkewSeconds : outcome.clockSkewSeconds);
  if (!outcome.ok) {
    if (!ctx.globals.json) {
      ctx.ui.info('  Attempts:');
      for (const line of renderAttempts(outcome.attempts)) ctx.ui.info(`    ${line}`);
    }
    throw failureError(outcome, {
      loginUrl: creds.login.url,
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
