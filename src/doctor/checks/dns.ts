import { classifyTransportError } from '../../salesforce/classify.js';
import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

const DNS_ERRNOS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/** Judged from the one reachability request (no separate lookup): a name that does not resolve fails the request with ENOTFOUND. */
export const dns: Check = {
  id: 'dns',
  title: 'DNS',
  category: 'network',
  codes: ['network-error'],
  network: true,
  requires: ['login-url'],
  async run(ctx) {
    const probe = await ctx.memo.probe();
    const host = probe.login.authority;
    const error = probe.transport;
    // Behind a proxy the proxy resolves the login host; a proxy's own DNS failure is not this host's.
    if (error && error.kind !== 'proxy' && (DNS_ERRNOS.has(error.errno ?? '') || /getaddrinfo/i.test(error.message))) {
      const classified = classifyTransportError(error);
      return finding(ctx, 'fail', 'network-error', `${host} does not resolve (${error.errno ?? error.message})`, {
        ...(classified.hint ? { hint: classified.hint } : {}),
        command: `nslookup ${probe.login.host}`,
      });
    }
    return pass(`${host} resolves`);
  },
};
