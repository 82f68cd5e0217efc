import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

const KIND_LABEL: Record<string, string> = {
  'my-domain': 'My Domain',
  'sandbox-my-domain': 'sandbox My Domain',
  'generic-login': 'generic production login host',
  'generic-test': 'generic sandbox login host',
  site: 'Experience Cloud site',
  loopback: 'loopback (emulator)',
  other: 'custom or instance host',
};

export const loginUrl: Check = {
  id: 'login-url',
  title: 'Login URL',
  category: 'settings',
  codes: ['login-url-invalid'],
  async run(ctx) {
    const url = ctx.memo.loginUrl();
    if (!url.ok) return finding(ctx, 'fail', 'login-url-invalid', url.message, url.hint ? { hint: url.hint } : {});
    const { normalized } = url;
    const details = [`kind: ${KIND_LABEL[normalized.kind] ?? normalized.kind}`, `org kind: ${ctx.memo.orgKind()}`];
    if (ctx.settings.loginUrl && normalized.url !== ctx.settings.loginUrl.trim()) details.push(`normalised from ${ctx.settings.loginUrl.trim()}`);
    const generic = normalized.kind === 'generic-login' || normalized.kind === 'generic-test';
    if (generic && ctx.settings.appKind !== 'connected-app') {
      // 2026 reports: External Client Apps answer app_not_found through login/test (SALESFORCE.md §2.3).
      return {
        status: 'warn',
        code: 'login-url-invalid',
        summary: `${normalized.url} is a generic login host; External Client Apps are often only found through the org's My Domain`,
        details,
        causes: ['login.salesforce.com and test.salesforce.com cannot always resolve an External Client App, which then answers "External client app is not installed in this org".'],
        fix: { hint: 'Use the My Domain URL (Setup → My Domain), e.g. --login-url https://acme.my.salesforce.com.' },
        satisfies: true,
      };
    }
    return pass(`${normalized.url} (${KIND_LABEL[normalized.kind] ?? normalized.kind})`, details);
  },
};
