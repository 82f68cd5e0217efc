import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

export const keySize: Check = {
  id: 'key-size',
  title: 'RSA key size',
  category: 'key',
  codes: ['key-size'],
  requires: ['key-format'],
  async run(ctx) {
    const key = await ctx.memo.key();
    if (!key.ok) return { status: 'skip', summary: 'no usable key' };
    const bits = key.parsed.bits;
    if (bits < 2048) return finding(ctx, 'fail', 'key-size', `${bits}-bit key: Salesforce's documented minimum is 2048 bits`, { command: 'sfjwt cert generate --key-size 2048' });
    if (bits > 4096) return finding(ctx, 'warn', 'key-size', `${bits}-bit key: larger than 4096 bits, which some clients refuse`, { command: 'sfjwt cert generate --key-size 4096' });
    return pass(`${bits} bits`);
  },
};
