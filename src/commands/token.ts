import type { CommandHandler } from '../command.js';
import { resolveCredentials, type CredentialFlags } from '../core/credentials.js';
import { failureError, rememberSuccess, verifyCredentials } from '../core/verification.js';

/**
 * Prints just the access token (for `$(sfjwt token)`). Tokens are never written to disk; each run is
 * one login, so scripts should reuse the value rather than call this in a loop (3,600 logins/hour).
 */
export const runToken: CommandHandler<CredentialFlags> = async (options, ctx) => {
  const creds = await resolveCredentials(ctx, options);
  const outcome = await verifyCredentials(ctx, creds, { waitSeconds: 0, narrate: ctx.globals.verbose, checkApi: false });
  if (!outcome.ok) {
    throw failureError(outcome, { loginUrl: creds.login.url, username: creds.username, attempts: outcome.attempts });
  }
  await rememberSuccess(ctx, creds, outcome);
  const r = outcome.result;
  return {
    result: {
      accessToken: outcome.accessToken,
      instanceUrl: r.instanceUrl,
      organizationId: r.organizationId,
      userId: r.userId,
      scope: r.scope,
      tokenType: r.tokenType,
    },
    human: outcome.accessToken,
  };
};
