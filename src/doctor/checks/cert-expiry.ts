import { EXPIRY_WARNING_DAYS } from '../../core/cert-expiry.js';
import { aliasFlag, finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

const NOT_ENFORCED = 'Salesforce does not enforce certificate expiry for JWT logins, so this cannot explain invalid_grant or "invalid assertion".';

export const certExpiry: Check = {
  id: 'cert-expiry',
  title: 'Certificate expiry',
  category: 'certificate',
  codes: ['cert-expired', 'cert-expiring'],
  requires: ['cert-format'],
  async run(ctx) {
    const info = await ctx.memo.certInfo();
    if (!info) return { status: 'skip', summary: 'no certificate' };
    const until = info.notAfter.slice(0, 10);
    if (info.daysLeft < 0) {
      return finding(ctx, 'warn', 'cert-expired', `expired ${-info.daysLeft} days ago (${until}); ${NOT_ENFORCED}`, {
        hint: 'Renew it from the same key when your policy asks for it: nothing that signs with the key breaks.',
        command: `sfjwt cert renew${aliasFlag(ctx.settings.alias)}`,
      });
    }
    if (info.daysLeft < EXPIRY_WARNING_DAYS) {
      return finding(ctx, 'warn', 'cert-expiring', `expires in ${info.daysLeft} days (${until}); ${NOT_ENFORCED}`, {
        hint: 'Renew it from the same key (the public key does not change, so nothing breaks).',
        command: `sfjwt cert renew${aliasFlag(ctx.settings.alias)}`,
      });
    }
    return pass(`valid until ${until} (${info.daysLeft} days)`);
  },
};
