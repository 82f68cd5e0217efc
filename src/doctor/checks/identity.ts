import { pass } from '../outcome.js';
import type { Check } from '../types.js';

export const identity: Check = {
  id: 'identity',
  title: 'Identity',
  category: 'salesforce',
  codes: [],
  network: true,
  requires: ['token-exchange'],
  async run(ctx) {
    const run = await ctx.memo.verification();
    const { outcome } = run;
    if (!run.identity) return { status: 'skip', summary: 'no token to ask with' };
    if (run.identity.source === 'token') {
      return {
        status: 'warn',
        summary: 'neither the identity URL nor /services/oauth2/userinfo answered; the user and org come from the token response only',
        details: [],
        causes: ['The app lacks the `id`/`openid` scopes, or a proxy blocks the identity URL.'],
        fix: { hint: 'Add the "Access the identity URL service (id, profile, email, address, phone)" or openid scope to the app.' },
        satisfies: true,
      };
    }
    if (!outcome.ok) return pass(`answered at ${run.identity.url}`);
    const r = outcome.result;
    return pass(`${r.username}${r.displayName ? ` (${r.displayName})` : ''}, user ${r.userId ?? '?'} in org ${r.organizationId ?? '?'}${r.isSandbox === null ? '' : r.isSandbox ? ' (sandbox)' : ' (production)'}`, [
      `from ${run.identity.url}`,
      `instance ${r.instanceUrl}`,
    ]);
  },
};
