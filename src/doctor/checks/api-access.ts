import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

export const apiAccess: Check = {
  id: 'api-access',
  title: 'REST API access',
  category: 'salesforce',
  codes: ['api-access-denied'],
  network: true,
  requires: ['token-exchange'],
  async run(ctx) {
    const { outcome } = await ctx.memo.verification();
    if (outcome.ok) return pass(`${outcome.result.instanceUrl}/services/data/${outcome.result.apiVersion ?? ''} answered with the token`, [`scope: ${outcome.result.scope ?? '-'}`]);
    return finding(ctx, 'fail', outcome.code, outcome.message, {
      ...(outcome.hint ? { hint: outcome.hint } : {}),
      causes: outcome.finding.causes,
    });
  },
};
