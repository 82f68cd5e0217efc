import type { CommandContext } from '../command.js';
import { describeCertificate } from '../crypto/inspect.js';
import { readFileFor } from '../store/key-files.js';

export const EXPIRY_WARNING_DAYS = 30;

/** A warning, never a failure: Salesforce does not enforce certificate expiry for JWT. */
export async function warnAboutCertificate(ctx: CommandContext, certPath: string | undefined): Promise<void> {
  if (!certPath) return;
  let daysLeft: number;
  try {
    daysLeft = describeCertificate(await readFileFor('certificate', certPath), ctx.deps.now()).daysLeft;
  } catch {
    return;
  }
  if (daysLeft < 0) {
    ctx.warn('cert-expired', `certificate ${certPath} expired ${-daysLeft} days ago; Salesforce still accepts it, but renew it if policy requires: \`sfjwt cert renew\``);
  } else if (daysLeft < EXPIRY_WARNING_DAYS) {
    ctx.warn('cert-expiring', `certificate ${certPath} expires in ${daysLeft} days; renew with the same key (no downtime): \`sfjwt cert renew\``);
  }
}
