import { validateUsername } from '../../core/credentials.js';
import { isCliError } from '../../errors.js';
import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

export const username: Check = {
  id: 'username',
  title: 'Username',
  category: 'settings',
  codes: ['username-invalid'],
  async run(ctx) {
    const value = ctx.settings.username;
    if (value === undefined) {
      return finding(ctx, 'fail', 'username-invalid', 'no username given', { hint: 'pass --username, set SFJWT_USERNAME, or use a profile (-a <alias>)' });
    }
    try {
      const valid = validateUsername(value, 'username');
      if (valid !== value) {
        return finding(ctx, 'warn', 'username-invalid', `"${valid}" has surrounding whitespace; sfjwt trims it, other clients may not`, {
          hint: 'Remove the spaces or line breaks around the username where it is stored.',
          satisfies: true,
        });
      }
      return pass(valid);
    } catch (error) {
      if (!isCliError(error)) throw error;
      return finding(ctx, 'fail', 'username-invalid', error.message, error.hint ? { hint: error.hint } : {});
    }
  },
};
