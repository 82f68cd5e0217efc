import { loginUrlConcern } from '../../salesforce/login-url.js';
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
    // The same judgement the wizard asks the user to confirm (salesforce/login-url.ts).
    const concern = loginUrlConcern(normalized, ctx.settings.appKind);
    if (concern) {
      return { status: 'warn', code: 'login-url-invalid', summary: concern.message, details, causes: [concern.cause], fix: { hint: `${concern.hint}.` }, satisfies: true };
    }
    return pass(`${normalized.url} (${KIND_LABEL[normalized.kind] ?? normalized.kind})`, details);
  },
};
