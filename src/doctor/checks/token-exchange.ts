import { TOKEN_CODES, TRANSPORT_CODES } from '../../salesforce/codes.js';
import type { PublicAttempt } from '../../salesforce/exchange.js';
import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

export function describeAttempt(a: PublicAttempt): string {
  const said = [a.error, a.errorDescription].filter(Boolean).join(': ');
  return `${a.outcome === 'ok' ? 'ok' : a.outcome}: POST ${a.loginUrl}/services/oauth2/token aud=${a.audience}${a.httpStatus !== null ? ` → HTTP ${a.httpStatus}` : ''}${said && a.outcome !== 'ok' ? ` ${said}` : ''} (${a.ms} ms)`;
}

/** Every endpoint/aud pair of the audience matrix (README: "verify and token"), each attempt reported, and the pair that works. */
export const tokenExchange: Check = {
  id: 'token-exchange',
  title: 'Token exchange',
  category: 'salesforce',
  codes: [...TOKEN_CODES, ...TRANSPORT_CODES],
  network: true,
  requires: ['key-format', 'login-url', 'username', 'client-id', 'dns', 'tls'],
  async run(ctx) {
    const { outcome } = await ctx.memo.verification();
    const details = outcome.ok ? outcome.result.attempts.map(describeAttempt) : outcome.attempts.map(describeAttempt);
    const working = outcome.ok ? { loginUrl: outcome.result.loginUrl, audience: outcome.result.audience } : outcome.working;
    if (working) {
      const attempts = outcome.ok ? outcome.result.attempts : outcome.attempts;
      const index = attempts.findIndex((a) => a.outcome === 'ok') + 1;
      return pass(`token issued by ${working.loginUrl} with aud ${working.audience} (attempt ${index} of ${attempts.length})`, details);
    }
    if (outcome.ok) throw new Error('unreachable: a successful exchange has a working pair');
    return finding(ctx, 'fail', outcome.code, outcome.message, {
      details,
      ...(outcome.hint ? { hint: outcome.hint } : {}),
      causes: outcome.finding.causes,
    });
  },
};
