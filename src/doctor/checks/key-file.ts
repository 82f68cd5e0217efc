import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

export const keyFile: Check = {
  id: 'key-file',
  title: 'Private key file',
  category: 'key',
  codes: ['key-missing', 'key-unreadable'],
  async run(ctx) {
    const text = await ctx.memo.keyText();
    if (text.ok) return pass(text.path ? `${text.path} is readable` : 'read from SFJWT_KEY (environment)');
    if (text.code === 'key-missing') {
      return finding(ctx, 'fail', 'key-missing', text.message, {
        ...(text.hint ? { hint: text.hint } : {}),
        command: 'sfjwt cert generate',
      });
    }
    // chmod only helps a permission error, not a directory, a device or a 1 GB file.
    if (!/EACCES|EPERM/.test(text.message)) return finding(ctx, 'fail', 'key-unreadable', text.message, text.hint ? { hint: text.hint } : {});
    const file = ctx.settings.key?.kind === 'file' ? ctx.settings.key.path : '<key file>';
    return finding(ctx, 'fail', 'key-unreadable', text.message, { command: `chmod 600 ${file}` });
  },
};
