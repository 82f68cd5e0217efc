import { CONSUMER_KEY_ADVICE, judgeConsumerKey } from '../../salesforce/consumer-key.js';
import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

/** The same judgement the wizard makes at its prompt (salesforce/consumer-key.ts). */
export const clientId: Check = {
  id: 'client-id',
  title: 'Consumer key',
  category: 'settings',
  codes: ['client-id-format'],
  async run(ctx) {
    const value = ctx.settings.clientId;
    if (value === undefined) {
      return finding(ctx, 'fail', 'client-id-format', 'no consumer key given', { hint: 'pass --client-id, set SFJWT_CLIENT_ID, or use a profile (-a <alias>)' });
    }
    const judged = judgeConsumerKey(value);
    if (judged.verdict === 'wrong') return finding(ctx, 'fail', 'client-id-format', judged.problem, { hint: `${CONSUMER_KEY_ADVICE}.` });
    const valid = judged.value;
    const shown = `${valid.slice(0, 8)}… (${valid.length} characters)`;
    if (valid !== value) {
      return finding(ctx, 'warn', 'client-id-format', `${shown} has surrounding whitespace; sfjwt trims it, other clients send it as is (invalid_client_id)`, {
        hint: 'Remove the spaces or line breaks around the consumer key where it is stored.',
        satisfies: true,
      });
    }
    if (judged.verdict === 'doubtful') return finding(ctx, 'warn', 'client-id-format', judged.problem, { hint: `${CONSUMER_KEY_ADVICE}.`, satisfies: true });
    return pass(shown);
  },
};
