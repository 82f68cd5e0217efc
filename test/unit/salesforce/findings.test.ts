import { describe, expect, it } from 'vitest';
import { ALL_CODES } from '../../../src/salesforce/codes.js';
import { allFindings, findingFor, isRetryable } from '../../../src/salesforce/findings.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';
import { SETUP_PAGE_IDS, SETUP_PAGES, pageReference, quickFindText, setupUrl } from '../../../src/salesforce/setup-pages.js';

const FINDINGS = allFindings();

describe('FINDINGS catalogue', () => {
  it('has an entry with a title, causes and fixes for every finding code', () => {
    expect(Object.keys(FINDINGS).sort()).toEqual([...ALL_CODES].sort());
    for (const code of ALL_CODES) {
      const finding = FINDINGS[code];
      expect(finding.title, code).not.toBe('');
      expect(finding.causes.length, code).toBeGreaterThan(0);
      expect(finding.fixes.length, code).toBeGreaterThan(0);
      for (const line of [...finding.causes, ...finding.fixes]) expect(line, code).not.toMatch(/\{page:/);
    }
  });

  it('marks exactly the propagation-explainable codes as retryable (SPEC §5 init step 7)', () => {
    const retryable = ALL_CODES.filter((code) => FINDINGS[code].retryable).sort();
    expect(retryable).toEqual(['app-not-installed', 'client-id-invalid', 'invalid-assertion', 'user-not-approved']);
    expect(isRetryable('server-error')).toBe(false);
    expect(isRetryable('timeout')).toBe(false);
    expect(isRetryable('ok')).toBe(false);
  });

  it('user-not-approved covers the known causes', () => {
    const text = FINDINGS['user-not-approved'].causes.join('\n');
    expect(text).toMatch(/self-authorize/);
    expect(text).toMatch(/profile or permission set is not assigned/);
    expect(text).toMatch(/Salesforce API Integration/);
    expect(text).toMatch(/another org/);
    expect(text).toMatch(/minutes ago/);
    expect(text).toMatch(/endpoint\/aud combination/);
  });
});

describe('findingFor', () => {
  const { setupHost } = normalizeLoginUrl('https://acme.my.salesforce.com');

  it('resolves Setup links on the org Setup host for an ECA', () => {
    const finding = findingFor('user-not-approved', { appKind: 'eca', setupHost });
    expect(finding.setupPage).toBe('eca-manager');
    expect(finding.setupUrl).toBe('https://acme.my.salesforce-setup.com/lightning/setup/ManageExternalClientApplication/home');
    expect(finding.fixes[0]).toContain('External Client App Manager (https://acme.my.salesforce-setup.com/lightning/setup/ManageExternalClientApplication/home)');
    expect(finding.fixes.join('\n')).not.toMatch(/Manage Profiles/);
    expect(finding.retryable).toBe(true);
  });

  it('uses Connected App copy and pages for a Connected App', () => {
    const finding = findingFor('user-not-approved', { appKind: 'connected-app', setupHost: normalizeLoginUrl('https://acme--uat.sandbox.my.salesforce.com').setupHost });
    expect(finding.setupPage).toBe('manage-connected-apps');
    expect(finding.setupUrl).toBe('https://acme--uat.sandbox.my.salesforce-setup.com/lightning/setup/ConnectedApplication/home');
    expect(finding.fixes.join('\n')).toMatch(/Manage Profiles or Manage Permission Sets/);
  });

  it('names both app kinds, in one line per item, and Quick Find wording when neither app kind nor org is known', () => {
    const finding = findingFor('client-id-invalid');
    expect(finding.setupUrl).toBeUndefined();
    expect(finding.fixes[0]).toMatch(/^External Client App: .+ Connected App: .+/);
    expect(finding.fixes.join('\n')).toContain('Setup → Quick Find "External Client App Manager"');
    // Items keep their index whatever the app kind: callers pick "the third cause" by position.
    const unknown = findingFor('user-not-approved');
    const eca = findingFor('user-not-approved', { appKind: 'eca' });
    expect(unknown.causes).toHaveLength(eca.causes.length);
    expect(unknown.fixes).toHaveLength(eca.fixes.length);
    expect(unknown.causes[2]).toBe(eca.causes[2]);
    expect(unknown.fixes[0]).toContain('Connected App: ');
  });

  it('puts -a <alias> into the commands it suggests when a profile is in use', () => {
    expect(findingFor('client-id-invalid', { alias: 'acme' }).fixes.join('\n')).toContain('`sfjwt verify -a acme --wait 600`');
    expect(findingFor('client-id-invalid').fixes.join('\n')).toContain('`sfjwt verify --wait 600`');
    expect(findingFor('cert-expiring', { alias: 'acme' }).fixes[0]).toContain('`sfjwt cert renew -a acme`');
    for (const code of ALL_CODES) expect(JSON.stringify(findingFor(code, { alias: 'x' })), code).not.toContain('{-a}');
  });

  it('never suggests a command whose output file can be its input (SPEC §10)', () => {
    for (const code of ALL_CODES) {
      const text = [...FINDINGS[code].causes, ...FINDINGS[code].fixes].join('\n');
      // `-out server.key` run in the key's folder truncates the key before openssl reads it.
      expect(text, code).not.toMatch(/-out (server\.key|server\.crt)\b/);
    }
  });

  it('builds links on a Setup host given as is', () => {
    const finding = findingFor('inactive-user', { setupHost: 'https://acme.my.salesforce-setup.com' });
    expect(finding.setupUrl).toBe('https://acme.my.salesforce-setup.com/lightning/setup/ManageUsers/home');
  });
});

describe('setup pages', () => {
  it('lists every page of SALESFORCE.md §6', () => {
    expect(SETUP_PAGE_IDS.sort()).toEqual(
      [
        'certificates',
        'company-info',
        'connected-app-manager',
        'connected-apps-usage',
        'eca-manager',
        'eca-settings',
        'login-history',
        'manage-connected-apps',
        'my-domain',
        'network-access',
        'permission-sets',
        'profiles',
        'session-settings',
        'users',
      ].sort(),
    );
    for (const id of SETUP_PAGE_IDS) expect(SETUP_PAGES[id].path).toMatch(/^\/lightning\/setup\/[A-Za-z]+\/home$/);
  });

  it.each([
    ['eca-manager', 'https://acme.my.salesforce.com', 'https://acme.my.salesforce-setup.com/lightning/setup/ManageExternalClientApplication/home'],
    ['connected-app-manager', 'https://acme.my.salesforce.com', 'https://acme.my.salesforce-setup.com/lightning/setup/NavigationMenus/home'],
    ['profiles', 'https://acme--uat.sandbox.my.salesforce.com', 'https://acme--uat.sandbox.my.salesforce-setup.com/lightning/setup/EnhancedProfiles/home'],
    ['my-domain', 'https://login.salesforce.com', 'https://login.salesforce.com/lightning/setup/OrgDomain/home'],
    ['login-history', 'http://127.0.0.1:9999', 'http://127.0.0.1:9999/lightning/setup/OrgLoginHistory/home'],
  ] as const)('setupUrl(%s, %s)', (id, loginUrl, expected) => expect(setupUrl(id, loginUrl)).toBe(expected));

  it('has Quick Find wording as a fallback', () => {
    expect(quickFindText('certificates')).toBe('Setup → Quick Find "Certificate and Key Management"');
    expect(pageReference('users')).toBe('Users (Setup → Quick Find "Users")');
  });
});
