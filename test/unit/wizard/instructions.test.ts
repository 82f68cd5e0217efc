import { describe, expect, it } from 'vitest';
import { isCliError } from '../../../src/errors.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';
import {
  CALLBACK_URL,
  instructionsFor,
  MANUAL_STEPS,
  renderChecklist,
  renderInstructions,
  sandboxUsernameWarning,
  type InstructionInput,
} from '../../../src/wizard/instructions.js';
import { parseConsumerKey } from '../../../src/wizard/steps/consumer-key.js';
import { parseLoginUrl } from '../../../src/wizard/steps/org.js';

const base: InstructionInput = {
  appKind: 'eca',
  setupHost: normalizeLoginUrl('https://acme.my.salesforce.com').setupHost,
  certPath: '/home/me/.config/sfjwt/keys/prod/server.crt',
  appName: 'sfjwt-prod',
  contactEmail: 'admin@acme.com',
  username: 'integration@acme.com',
};

const text = (input: InstructionInput, step: (typeof MANUAL_STEPS)[number]) => renderInstructions(instructionsFor(step, input)).join('\n');

describe('External Client App instructions (SALESFORCE.md §5.2)', () => {
  it('create: the exact fields, the callback placeholder, the three scopes, JWT toggle, the certificate path and the key warning', () => {
    const out = text(base, 'app');
    expect(out).toContain('External Client App Manager → New External Client App');
    expect(out).toContain('External Client App Name: sfjwt-prod');
    expect(out).toContain('Contact Email: admin@acme.com');
    expect(out).toContain('Distribution State: Local');
    expect(out).toContain('Enable OAuth');
    expect(out).toContain(`Callback URL: ${CALLBACK_URL} (required by the form, never used by the JWT bearer flow)`);
    expect(CALLBACK_URL).toBe('http://localhost:1717/OauthRedirect');
    for (const scope of ['(api)', '(refresh_token, offline_access)', '(openid)']) expect(out).toContain(scope);
    expect(out).toContain('Enable JWT Bearer Flow');
    expect(out).toContain(`Upload Files → choose the certificate: ${base.certPath}`);
    expect(out).toMatch(/Never upload the private key server\.key: it stays on this machine/);
    expect(out).not.toMatch(/(choose|Choose File)[^\n]*server\.key/);
  });

  it('links go to the org\'s own Setup host, with the Quick Find wording as a fallback', () => {
    const ins = instructionsFor('app', base);
    expect(ins.url).toBe('https://acme.my.salesforce-setup.com/lightning/setup/ManageExternalClientApplication/home');
    expect(ins.quickFind).toBe('Setup → Quick Find "External Client App Manager"');
    const sandbox = instructionsFor('app', { ...base, setupHost: normalizeLoginUrl('https://acme--uat.sandbox.my.salesforce.com').setupHost });
    expect(sandbox.url).toBe('https://acme--uat.sandbox.my.salesforce-setup.com/lightning/setup/ManageExternalClientApplication/home');
    expect(instructionsFor('app', { ...base, setupHost: undefined }).url).toBeUndefined();
  });

  it('policies: admin-approved pre-authorization, IP ranges, High Assurance, each with its reason', () => {
    const out = text(base, 'policies');
    expect(out).toContain('Policies tab → Edit');
    expect(out).toContain('Permitted Users: Admin approved users are pre-authorized (the JWT flow has no screen');
    expect(out).toContain('JWT logins always honour the run-as user\'s profile Login IP Ranges, whatever IP Relaxation says');
    // SALESFORCE.md §15.11: IP Relaxation does not lift them for JWT logins, so it is never offered as the fix.
    expect(out).not.toMatch(/set IP Relaxation|Relax IP restrictions/);
    expect(out).toContain('do not require High Assurance (a High Assurance session requirement blocks JWT logins');
  });

  it('access: the named profile or permission set, the integration-licence and Use Any API Client warnings', () => {
    const out = text({ ...base, access: 'Integration API Only' }, 'access');
    expect(out).toContain('select "Integration API Only"');
    expect(out).toContain('External Client App Access');
    expect(out).toContain('Salesforce API Integration licence cannot hold app access');
    expect(out).toContain('"Use Any API Client" permission bypass');
    expect(text(base, 'access')).toContain('the profile (or a permission set) of integration@acme.com');
  });

  it('consumer key: Settings → OAuth Settings → Consumer Key and Secret, email code, never the secret', () => {
    const out = text(base, 'consumer-key');
    expect(out).toContain('Settings tab → OAuth Settings → Consumer Key and Secret');
    expect(out).toContain('verification code');
    expect(out).toContain('consumer secret is never needed');
  });
});

describe('Connected App instructions (SALESFORCE.md §5.3)', () => {
  const ca = { ...base, appKind: 'connected-app' as const };
  it('says when a Connected App is possible at all, and uses the legacy fields', () => {
    const ins = instructionsFor('app', ca);
    expect(ins.note).toMatch(/already have one, or where Salesforce Support re-enabled creating them/);
    expect(ins.note).toMatch(/Spring '26/);
    const out = text(ca, 'app');
    expect(out).toContain('App Manager → New Connected App');
    expect(out).toContain('Enable OAuth Settings');
    expect(out).toContain(`Use digital signatures → Choose File: ${base.certPath}`);
    expect(out).toContain('Save → Continue');
    expect(ins.url).toBe('https://acme.my.salesforce-setup.com/lightning/setup/NavigationMenus/home');
  });
  it('policies and access on Manage Connected Apps; consumer key via View → Manage Consumer Details', () => {
    expect(text(ca, 'policies')).toContain('Manage Connected Apps → sfjwt-prod → Edit Policies');
    expect(instructionsFor('policies', ca).url).toBe('https://acme.my.salesforce-setup.com/lightning/setup/ConnectedApplication/home');
    expect(text(ca, 'access')).toContain('Manage Profiles or Manage Permission Sets');
    expect(text(ca, 'consumer-key')).toContain('View → Manage Consumer Details');
  });
});

describe('copy and layout', () => {
  it('"never upload the private key" names the key file actually used', () => {
    expect(text({ ...base, keyPath: '/home/me/keys/acme-prod.pem' }, 'app')).toContain('Never upload the private key acme-prod.pem: it stays on this machine.');
    expect(text({ ...base, appKind: 'connected-app', keyPath: '/k/ci.key' }, 'app')).toContain('Never upload the private key ci.key:');
  });

  it('fields first: the reasons only with details, and never nested parentheses', () => {
    for (const appKind of ['eca', 'connected-app'] as const) {
      for (const step of MANUAL_STEPS) {
        const ins = instructionsFor(step, { ...base, appKind });
        const short = renderInstructions(ins, { details: false }).join('\n');
        const long = renderInstructions(ins, { details: true }).join('\n');
        for (const line of ins.lines) {
          expect(short).toContain(line.text);
          if (line.why) {
            expect(short).not.toContain(line.why);
            expect(long).toContain(`${line.text} (${line.why})`);
          }
        }
        for (const l of long.split('\n')) expect(l, l).not.toMatch(/\([^()]*\([^()]*\)[^()]*\)/);
      }
    }
    expect(renderInstructions(instructionsFor('app', base), { details: false }).join('\n')).not.toContain('required by the form');
  });
});

describe('checklist and hints', () => {
  it('numbers all four manual steps once', () => {
    const lines = renderChecklist(MANUAL_STEPS.map((s) => instructionsFor(s, base)));
    expect(lines.filter((l) => /^\d\. /.test(l)).map((l) => l.slice(0, 2))).toEqual(['1.', '2.', '3.', '4.']);
  });
  it('warns when a sandbox username lacks the sandbox suffix', () => {
    expect(sandboxUsernameWarning('integration@acme.com', 'uat')).toMatch(/integration@acme\.com\.uat/);
    expect(sandboxUsernameWarning('integration@acme.com.uat', 'uat')).toBeUndefined();
    expect(sandboxUsernameWarning('integration@acme.com', undefined)).toBeUndefined();
  });
});

describe('input parsers used by the steps', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (isCliError(error)) return { code: error.code, exit: error.exitCode, message: error.message };
      throw error;
    }
    return undefined;
  };
  it('consumer key: trimmed; spaces refused; a 64-hex consumer secret refused with the right words', () => {
    expect(parseConsumerKey('  3MVG9abcdefghijklmnop  ', 'answer')).toBe('3MVG9abcdefghijklmnop');
    expect(codeOf(() => parseConsumerKey('3MVG9 abc def', '--client-id'))).toMatchObject({ code: 'client-id-format', exit: 2 });
    const secret = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
    expect(codeOf(() => parseConsumerKey(secret, '--client-id'))).toMatchObject({
      code: 'client-id-format',
      message: '--client-id: that is a consumer secret (64 hex digits), not the consumer key',
    });
    // The shape of a Connected App's consumer secret.
    expect(codeOf(() => parseConsumerKey('1234567890123456789', 'answer'))).toMatchObject({
      code: 'client-id-format',
      message: 'that is a consumer secret (19 digits), not the consumer key',
    });
  });
  it('login URL: a flag value that is refused names the flag and keeps the SPEC code', () => {
    expect(codeOf(() => parseLoginUrl('https://acme.lightning.force.com', '--login-url'))).toMatchObject({
      code: 'login-url-invalid',
      exit: 2,
      message: expect.stringMatching(/^--login-url: .*Lightning/),
    });
    expect(codeOf(() => parseLoginUrl('http://acme.my.salesforce.com', 'SFJWT_LOGIN_URL'))).toMatchObject({ code: 'login-url-invalid' });
    expect(parseLoginUrl('http://127.0.0.1:1234', '--login-url').url).toBe('http://127.0.0.1:1234');
  });
});
