import { finding, notApplicable, pass } from '../outcome.js';
import type { Check } from '../types.js';

/** Top-level domains a username's domain plausibly ends with before a sandbox suffix is appended. */
const COMMON_TLDS = new Set(['com', 'org', 'net', 'edu', 'gov', 'mil', 'int', 'io', 'co', 'ai', 'dev', 'app', 'info', 'biz', 'cloud', 'tech', 'eu', 'us', 'uk', 'de', 'fr']);

const SECOND_LEVEL = new Set(['com', 'org', 'net', 'edu', 'gov', 'co', 'ac']);

/**
 * The sandbox suffix of a username (`user@acme.com.uat` → `uat`): a domain that already ends like
 * a real one (`acme.com`) followed by one more label that is not a known top-level domain.
 */
export function sandboxSuffix(username: string): string | undefined {
  const domain = username.trim().toLowerCase().split('@')[1];
  if (!domain) return undefined;
  const labels = domain.split('.');
  if (labels.length < 3) return undefined;
  const last = labels[labels.length - 1]!;
  const before = labels[labels.length - 2]!;
  // Sandbox names like `dev` are also TLDs; only the classic ones are taken as the real end.
  if (last === 'com' || last === 'org' || last === 'net') return undefined;
  // acme.com.au, acme.co.uk: a country's second-level domain, not a suffix.
  if (/^[a-z]{2}$/.test(last) && SECOND_LEVEL.has(before)) return undefined;
  if (!COMMON_TLDS.has(before) && !/^[a-z]{2}$/.test(before)) return undefined;
  return last;
}

/** A heuristic (a warning, never a failure): usernames need not follow the convention. */
export const usernameOrg: Check = {
  id: 'username-org',
  title: 'Username fits the org',
  category: 'settings',
  codes: ['username-org-mismatch'],
  requires: ['username', 'login-url'],
  async run(ctx) {
    const url = ctx.memo.loginUrl();
    const name = ctx.settings.username?.trim();
    if (!url.ok || !name) return { status: 'skip', summary: 'needs the username and login URL' };
    const { normalized } = url;
    const suffix = sandboxSuffix(name);
    const orgKind = ctx.memo.orgKind();
    if (normalized.kind === 'sandbox-my-domain' && normalized.sandboxName) {
      const expected = normalized.sandboxName.toLowerCase();
      if (name.toLowerCase().endsWith(`.${expected}`)) return pass(`ends in .${expected}, like usernames of the ${expected} sandbox`);
      return finding(ctx, 'warn', 'username-org-mismatch', `${name} does not end in .${expected}, but ${normalized.url} is the "${expected}" sandbox, whose usernames usually do`, {
        hint: `Use the sandbox copy of the user (e.g. ${name.replace(/\.[^.@]+$/, suffix ? '' : '$&')}.${expected}) as shown in the sandbox's Users page.`,
        satisfies: true,
      });
    }
    const production = normalized.kind === 'generic-login' || (normalized.kind === 'my-domain' && orgKind === 'production') || orgKind === 'production' || orgKind === 'developer';
    if (production && suffix && normalized.kind !== 'loopback') {
      return finding(ctx, 'warn', 'username-org-mismatch', `${name} ends in ".${suffix}", like a sandbox username, but ${normalized.url} is a production login`, {
        hint: `Use the production username (without ".${suffix}"), or the sandbox's My Domain URL (https://${normalized.myDomainName ?? '<MyDomain>'}--${suffix}.sandbox.my.salesforce.com).`,
        satisfies: true,
      });
    }
    if (normalized.kind === 'loopback') return notApplicable('loopback login URL (the emulator): no naming convention to check');
    return pass(suffix ? `sandbox-style suffix ".${suffix}" on a ${orgKind} org` : `fits a ${orgKind} org`);
  },
};
