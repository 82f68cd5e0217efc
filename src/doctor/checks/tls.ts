import { classifyTransportError } from '../../salesforce/classify.js';
import { finding, notApplicable, pass } from '../outcome.js';
import type { Check } from '../types.js';

export const tls: Check = {
  id: 'tls',
  title: 'TLS',
  category: 'network',
  codes: ['tls-error'],
  network: true,
  requires: ['dns'],
  async run(ctx) {
    const probe = await ctx.memo.probe();
    const host = probe.login.authority;
    if (probe.login.origin.startsWith('http://')) return notApplicable(`plain http:// to ${host} (loopback)`);
    const error = probe.transport;
    if (error?.kind === 'tls') {
      const classified = classifyTransportError(error);
      return finding(ctx, 'fail', 'tls-error', `TLS handshake with ${host} failed: ${error.message}`, classified.hint ? { hint: classified.hint } : {});
    }
    if (!probe.response) return { status: 'skip', summary: `no connection to ${host} (see reachability)` };
    return pass(`certificate of ${host} trusted`);
  },
};
