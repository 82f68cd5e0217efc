import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

/** A missing certificate is a warning: the login needs only the key; the check of what was uploaded needs the cert. */
export const certFile: Check = {
  id: 'cert-file',
  title: 'Certificate file',
  category: 'certificate',
  codes: ['cert-missing'],
  async run(ctx) {
    const text = await ctx.memo.certText();
    if (text.ok) return pass(`${text.path} is readable`);
    if (text.code === null) return { status: 'skip', summary: 'no certificate given (--cert <file> checks it against the key)' };
    if (text.code === 'cert-missing') {
      return finding(ctx, 'warn', 'cert-missing', text.message, {
        hint: 'Pass --cert with the certificate uploaded to the app, or issue one from the key: `sfjwt cert renew` (then upload it).',
      });
    }
    return finding(ctx, 'fail', 'cert-invalid', text.message);
  },
};
