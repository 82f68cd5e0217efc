import { ASSERTION_LIFETIME_SECONDS } from '../../crypto/assertion.js';
import { finding, notApplicable, pass } from '../outcome.js';
import type { Check } from '../types.js';

export const SKEW_WARNING_SECONDS = 30;

/** Server Date − local time, in whole seconds (positive: this machine is behind). */
export function skewSeconds(date: string | undefined, receivedAt: number): number | null {
  if (!date) return null;
  const server = Date.parse(date);
  return Number.isNaN(server) ? null : Math.round((server - receivedAt) / 1000) + 0;
}

export const clockSkew: Check = {
  id: 'clock-skew',
  title: 'Clock',
  category: 'network',
  codes: ['clock-skew'],
  network: true,
  requires: ['reachability'],
  async run(ctx) {
    const probe = await ctx.memo.probe();
    const skew = skewSeconds(probe.response?.headers.date, probe.receivedAt);
    if (skew === null) return notApplicable('the server sent no Date header to compare with');
    const abs = Math.abs(skew);
    const direction = skew > 0 ? 'behind' : 'ahead of';
    const details = [`server Date ${probe.response!.headers.date}`, `skew ${skew} s (positive: this machine is behind)`];
    // exp = now + 180 s on this clock: already past for a server that far ahead.
    if (skew >= ASSERTION_LIFETIME_SECONDS) {
      return finding(ctx, 'fail', 'clock-skew', `this machine's clock is ${abs} s behind Salesforce's: every assertion's exp (now + ${ASSERTION_LIFETIME_SECONDS} s) is already past when it arrives ("expired authorization code")`, {
        hint: 'Sync the clock with NTP (e.g. `sudo timedatectl set-ntp true`, or your OS time settings). sfjwt never shifts exp to hide this.',
        details,
      });
    }
    if (abs > SKEW_WARNING_SECONDS) {
      return finding(ctx, 'warn', 'clock-skew', `this machine's clock is ${abs} s ${direction} Salesforce's`, {
        hint: 'Sync the clock with NTP: assertions are valid for 180 s, so a growing skew will make them expire on arrival.',
        details,
      });
    }
    return pass(`within ${abs} s of Salesforce's clock`, details);
  },
};
