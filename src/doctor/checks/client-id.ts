import { validateClientId } from '../../core/credentials.js';
import { isCliError } from '../../errors.js';
import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

/** ECA and Connected App consumer secrets are 64 hex digits; consumer keys are ~85 characters, `3MVG…`. */
const SECRET_LIKE = /^[0-9A-Fa-f]{64}$/;
const SHORT = 20;

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
    let valid: string;
    try {
      valid = validateClientId(value, 'consumer key');
    } catch (error) {
      if (!isCliError(error)) throw error;
      return finding(ctx, 'fail', 'client-id-format', /\s/.test(value.trim()) ? 'the consumer key contains spaces or line breaks' : error.message);
    }
    const shown = `${valid.slice(0, 8)}… (${valid.length} characters)`;
    if (SECRET_LIKE.test(valid)) {
      return finding(ctx, 'fail', 'client-id-format', `${shown} looks like the consumer secret (64 hex digits), not the consumer key`, {
        hint: 'Use the Consumer Key (it usually starts with 3MVG); the secret is never needed for the JWT flow.',
      });
    }
    if (valid !== value) {
      return finding(ctx, 'warn', 'client-id-format', `${shown} has surrounding whitespace; sfjwt trims it, other clients send it as is (invalid_client_id)`, {
        hint: 'Remove the spaces or line breaks around the consumer key where it is stored.',
        satisfies: true,
      });
    }
    if (valid.length < SHORT) {
      return finding(ctx, 'warn', 'client-id-format', `${shown} is shorter than a Salesforce consumer key (usually about 85 characters): it may be truncated`, { satisfies: true });
    }
    return pass(shown);
  },
};
