import { classifyTransportError } from '../../salesforce/classify.js';
import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

function looksLikeJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

/**
 * GET <login URL>/services/data/: unauthenticated on Salesforce, answers a JSON list of API versions.
 * An HTTP-level failure still lets the token request be tried (it hits another path), so it does
 * not hold back the token exchange; a transport failure does.
 */
export const reachability: Check = {
  id: 'reachability',
  title: 'HTTPS reachability',
  category: 'network',
  codes: ['network-error', 'timeout', 'not-token-endpoint', 'server-error'],
  network: true,
  requires: ['dns'],
  async run(ctx) {
    const probe = await ctx.memo.probe();
    if (probe.transport) {
      const classified = classifyTransportError(probe.transport);
      return finding(ctx, 'fail', classified.outcome, `GET ${probe.url}: ${classified.message}`, classified.hint ? { hint: classified.hint } : {});
    }
    const response = probe.response!;
    const type = response.headers['content-type'] ?? 'no content type';
    if (response.status >= 500) {
      return finding(ctx, 'fail', 'server-error', `GET ${probe.url} answered HTTP ${response.status}`, { satisfies: true });
    }
    if (!looksLikeJson(response.body)) {
      return finding(ctx, 'fail', 'not-token-endpoint', `GET ${probe.url} answered HTTP ${response.status} with ${type}, not Salesforce's JSON`, {
        command: `curl -sI ${probe.url}`,
        satisfies: true,
      });
    }
    return pass(`GET ${probe.url}: HTTP ${response.status}, JSON`);
  },
};
