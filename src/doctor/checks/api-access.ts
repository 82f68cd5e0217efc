import { findingFor, type FindingContext } from '../../salesforce/findings.js';
import { setupPageUrl } from '../../salesforce/setup-pages.js';
import { finding, pass } from '../outcome.js';
import type { Check, Diagnosis } from '../types.js';

/**
 * Why the REST API refused a token it was just given, likeliest first, from what it answered
 * API_DISABLED_FOR_ORG is what a user without "API Enabled" gets (the token
 * itself is issued, with the api scope); "not valid for use with the REST API" is a token without it.
 */
export function apiDenial(message: string, context: FindingContext): Diagnosis[] {
  const info = findingFor('api-access-denied', context);
  const permissionSets = context.setupHost ? setupPageUrl('permission-sets', context.setupHost) : null;
  const item = (cause: number, fix: number, url: string | null = info.setupUrl ?? null): Diagnosis => ({
    code: 'api-access-denied',
    cause: info.causes[cause]!,
    fix: info.fixes[fix]!,
    setupUrl: url,
    command: null,
  });
  const scope = item(0, 0);
  const apiEnabled = item(1, 1, permissionSets);
  const edition = item(2, 2, null);
  if (/API_DISABLED_FOR_ORG|API_CURRENTLY_DISABLED/.test(message)) return [apiEnabled, edition];
  if (/not valid for use with the REST API/i.test(message)) return [scope, item(3, 0)];
  return [scope, apiEnabled, edition];
}

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
    if (outcome.code !== 'api-access-denied') {
      return finding(ctx, 'fail', outcome.code, outcome.message, { ...(outcome.hint ? { hint: outcome.hint } : {}), causes: outcome.finding.causes });
    }
    const causes = apiDenial(outcome.message, ctx.memo.findingContext());
    const likeliest = causes[0]!;
    return {
      status: 'fail',
      code: 'api-access-denied',
      summary: outcome.message,
      causes: causes.map((d) => d.cause),
      fix: { hint: likeliest.fix, ...(likeliest.setupUrl ? { url: likeliest.setupUrl } : {}) },
    };
  },
};
