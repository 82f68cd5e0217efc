import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { checkAudience, genericAudience, isMyDomainAudience } from '../../../src/emulator/audience.js';
import { DEFAULT_ORG_ID, DEFAULT_USER_ID, loadEmulatorConfig, singleAppConfig } from '../../../src/emulator/config.js';
import { baseConfig, makeKeyPair, type KeyPair } from './fixtures.js';

let keys: KeyPair;
beforeAll(() => {
  keys = makeKeyPair();
});

function expectUsage(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toMatch(message);
    return;
  }
  throw new Error('expected a UsageError');
}

describe('loadEmulatorConfig', () => {
  it('accepts a valid config, as an object or as JSON text, and returns a copy', () => {
    const config = baseConfig(keys.publicPem, (c) => (c.simulate = { propagationSeconds: 5, html: false }));
    const loaded = loadEmulatorConfig(config);
    expect(loaded).toEqual(config);
    expect(loaded).not.toBe(config);
    expect(loadEmulatorConfig(JSON.stringify(config))).toEqual(config);
  });

  it.each<[string, (c: Record<string, any>) => void, RegExp]>([
    ['a short org id', (c) => (c.org.orgId = '00D123'), /org\.orgId must be an 18-character org id/],
    ['a non-00D org id', (c) => (c.org.orgId = '005000000000001AAA'), /org\.orgId/],
    ['a missing org name', (c) => delete c.org.name, /org\.name must be a non-empty string/],
    ['a string isSandbox', (c) => (c.org.isSandbox = 'yes'), /org\.isSandbox must be true or false/],
    ['apps not an array', (c) => (c.apps = {}), /^emulator config: apps must be an array/],
    ['an unknown app kind', (c) => (c.apps[1].kind = 'oauth'), /apps\[1\]\.kind must be one of "eca", "connected-app"/],
    ['an unknown policy', (c) => (c.apps[0].policy = 'everyone'), /apps\[0\]\.policy must be one of "admin", "self"/],
    ['a private key as certPem', (c) => (c.apps[0].certPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), /apps\[0\]\.certPem is a private key/],
    ['garbage certPem', (c) => (c.apps[0].certPem = '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----'), /apps\[0\]\.certPem is not a readable PEM/],
    ['not PEM at all', (c) => (c.apps[0].certPem = 'hello'), /apps\[0\]\.certPem must be a PEM certificate/],
    ['assignedUsernames not strings', (c) => (c.apps[0].assignedUsernames = [1]), /apps\[0\]\.assignedUsernames must be an array of strings/],
    ['a bad ipRelaxation', (c) => (c.apps[0].ipRelaxation = 'relax'), /apps\[0\]\.ipRelaxation must be one of/],
    ['a duplicate clientId', (c) => (c.apps[1].clientId = c.apps[0].clientId), /apps\[1\]\.clientId duplicates/],
    ['a bad user id', (c) => (c.users[0].userId = '00D000000000001AAA'), /users\[0\]\.userId must be a 15- or 18-character user id/],
    ['a duplicate username', (c) => (c.users[1].username = c.users[0].username.toUpperCase()), /users\[1\]\.username duplicates/],
    ['a missing email', (c) => delete c.users[0].email, /users\[0\]\.email/],
    ['an unknown simulation', (c) => (c.simulate = { latency: 5 }), /simulate\.latency is not a known simulation/],
    ['a negative propagation', (c) => (c.simulate = { propagationSeconds: -1 }), /simulate\.propagationSeconds must be a number >= 0/],
  ])('rejects %s, naming the field', (_name, mutate, message) => {
    const config = JSON.parse(JSON.stringify(baseConfig(keys.publicPem))) as Record<string, any>;
    mutate(config);
    expectUsage(() => loadEmulatorConfig(config), message);
  });

  it('rejects invalid JSON text and non-objects', () => {
    expectUsage(() => loadEmulatorConfig('{nope'), /not valid JSON/);
    expectUsage(() => loadEmulatorConfig([]), /must be a JSON object/);
  });
});

describe('singleAppConfig', () => {
  it('builds the one-app config of the emulator flags with the documented defaults', () => {
    const config = singleAppConfig({ clientId: 'abc', certPem: keys.publicPem, username: 'ci.bot@acme.com' });
    expect(config.org).toMatchObject({ orgId: DEFAULT_ORG_ID, isSandbox: false, active: true });
    expect(config.apps).toEqual([
      { clientId: 'abc', kind: 'eca', certPem: keys.publicPem, policy: 'admin', assignedUsernames: ['ci.bot@acme.com'], approvedUsernames: [] },
    ]);
    expect(config.users).toEqual([
      { username: 'ci.bot@acme.com', userId: DEFAULT_USER_ID, displayName: 'Ci Bot', email: 'ci.bot@acme.com', active: true },
    ]);
  });

  it('maps --policy self --assigned to an approval, and --assigned false to none', () => {
    const self = singleAppConfig({ clientId: 'abc', certPem: keys.publicPem, username: 'u@x.com', policy: 'self', app: 'connected-app', isSandbox: true });
    expect(self.apps[0]).toMatchObject({ kind: 'connected-app', policy: 'self', assignedUsernames: [], approvedUsernames: ['u@x.com'] });
    expect(self.org.isSandbox).toBe(true);
    const none = singleAppConfig({ clientId: 'abc', certPem: keys.publicPem, username: 'u@x.com', assigned: false });
    expect(none.apps[0]).toMatchObject({ assignedUsernames: [], approvedUsernames: [] });
  });

  it('validates what it builds', () => {
    expectUsage(() => singleAppConfig({ clientId: 'abc', certPem: 'not a cert', username: 'u@x.com' }), /apps\[0\]\.certPem/);
  });
});

describe('audience helpers', () => {
  const base = 'http://127.0.0.1:5000';

  it('matches loopback audiences with either scheme, either name and an optional trailing slash', () => {
    for (const aud of ['http://127.0.0.1:5000', 'https://127.0.0.1:5000/', 'http://localhost:5000/', 'https://localhost:5000']) {
      expect(isMyDomainAudience(aud, base)).toBe(true);
    }
    for (const aud of ['http://127.0.0.1:5001', 'http://127.0.0.1', 'ftp://127.0.0.1:5000', 'http://127.0.0.1:5000/x', 'http://127.0.0.1:5000/?a=1']) {
      expect(isMyDomainAudience(aud, base)).toBe(false);
    }
  });

  it('matches a non-loopback My Domain exactly', () => {
    expect(isMyDomainAudience('https://acme.my.salesforce.com/', 'https://acme.my.salesforce.com')).toBe(true);
    expect(isMyDomainAudience('http://acme.my.salesforce.com', 'https://acme.my.salesforce.com')).toBe(false);
  });

  it('recognises the generic hosts only over https', () => {
    expect(genericAudience('https://login.salesforce.com/')).toBe('login');
    expect(genericAudience('https://TEST.salesforce.com')).toBe('test');
    expect(genericAudience('http://login.salesforce.com')).toBeUndefined();
    expect(genericAudience('https://login.salesforce.com/services')).toBeUndefined();
  });

  it('applies the rule of each app kind', () => {
    const ctx = { baseUrl: base, isSandbox: false };
    expect(checkAudience(base, 'eca', ctx)).toBe('ok');
    expect(checkAudience('https://login.salesforce.com', 'eca', ctx)).toBe('app-not-installed');
    expect(checkAudience('https://login.salesforce.com', 'connected-app', ctx)).toBe('ok');
    expect(checkAudience(base, 'connected-app', ctx)).toBe('audience-invalid');
    expect(checkAudience('https://test.salesforce.com', 'connected-app', { ...ctx, isSandbox: true })).toBe('ok');
    expect(checkAudience(['https://login.salesforce.com'], 'connected-app', ctx)).toBe('audience-invalid');
    expect(checkAudience(undefined, 'eca', ctx)).toBe('audience-invalid');
  });
});
