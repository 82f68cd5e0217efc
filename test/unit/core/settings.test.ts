import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkClientId, checkLoginUrl, checkUsername, orgKindOf, profileIsFor, rememberedPair, required, resolveSettings } from '../../../src/core/settings.js';
import { gatherSettings } from '../../../src/doctor/settings.js';
import type { Profile } from '../../../src/store/profile.js';

const profile = {
  alias: 'prod',
  loginUrl: 'https://acme.my.salesforce.com',
  username: 'saved@acme.com',
  clientId: '3MVG9savedConsumerKey',
  keyPath: '/keys/prod/server.key',
  certPath: 'keys/prod/server.crt',
  orgKind: 'production',
  appKind: 'connected-app',
} as unknown as Profile;

describe('resolveSettings: flag, then environment, then profile, then default', () => {
  it('a flag beats the environment, which beats the profile; each value says where it came from', () => {
    const s = resolveSettings({
      flags: { username: 'flag@acme.com', timeout: 5 },
      env: { SFJWT_USERNAME: 'env@acme.com', SFJWT_CLIENT_ID: '3MVG9envConsumerKey' },
      profile,
      cwd: '/work',
    });
    expect(s.username).toEqual({ value: 'flag@acme.com', source: 'flag', from: '--username' });
    expect(s.clientId).toEqual({ value: '3MVG9envConsumerKey', source: 'env', from: 'SFJWT_CLIENT_ID' });
    expect(s.loginUrl).toEqual({ value: 'https://acme.my.salesforce.com', source: 'profile', from: 'profile' });
    expect(s.appKind).toEqual({ value: 'connected-app', source: 'profile', from: 'profile' });
    expect(s.timeoutMs).toEqual({ value: 5000, source: 'flag', from: '--timeout' });
  });

  it('an empty value counts as not given, and the timeout defaults to 30 s', () => {
    const s = resolveSettings({ flags: { username: '' }, env: { SFJWT_USERNAME: '' }, profile, cwd: '/work' });
    expect(s.username?.source).toBe('profile');
    expect(s.timeoutMs).toEqual({ value: 30_000, source: 'default', from: 'default' });
  });

  it('the key: --key, SFJWT_KEY_FILE, SFJWT_KEY text, then the profile; paths resolved against the working directory', () => {
    const cwd = path.resolve('/work');
    expect(resolveSettings({ flags: { key: 'a.key' }, env: { SFJWT_KEY: 'PEM' }, profile, cwd }).key).toEqual({
      value: { kind: 'file', path: path.join(cwd, 'a.key') },
      source: 'flag',
      from: '--key',
    });
    expect(resolveSettings({ flags: {}, env: { SFJWT_KEY_FILE: 'b.key', SFJWT_KEY: 'PEM' }, cwd }).key?.from).toBe('SFJWT_KEY_FILE');
    expect(resolveSettings({ flags: {}, env: { SFJWT_KEY: 'PEM' }, profile, cwd }).key).toEqual({ value: { kind: 'env', text: 'PEM' }, source: 'env', from: 'SFJWT_KEY' });
    expect(resolveSettings({ flags: {}, env: {}, profile, cwd }).certPath?.value).toBe(path.join(cwd, 'keys/prod/server.crt'));
  });

  it('nothing given and no profile: the settings are empty', () => {
    const s = resolveSettings({ flags: {}, env: {}, cwd: '/work' });
    expect(s.loginUrl ?? s.username ?? s.clientId ?? s.key ?? s.orgKind).toBeUndefined();
  });
});

describe('the per-field checks', () => {
  it('a missing value names the flag and the variable that give it', () => {
    const s = resolveSettings({ flags: {}, env: {}, cwd: '/work' });
    expect(() => required(s, 'key')).toThrow(/missing private key/);
    expect(() => checkLoginUrl(s)).toThrow(/missing login URL/);
  });

  it('an invalid value names its source', () => {
    const s = resolveSettings({ flags: { clientId: 'has space' }, env: { SFJWT_USERNAME: 'not-an-email' }, cwd: '/work' });
    expect(() => checkUsername(s)).toThrow(/\(SFJWT_USERNAME\)/);
    expect(() => checkClientId(s)).toThrow(/\(--client-id\)/);
  });

  it('the login URL is normalised once, and the org kind falls back to its hint', () => {
    const s = resolveSettings({ flags: { loginUrl: 'acme--uat.sandbox.my.salesforce.com/' }, env: {}, cwd: '/work' });
    const login = checkLoginUrl(s);
    expect(login.url).toBe('https://acme--uat.sandbox.my.salesforce.com');
    expect(orgKindOf(s, login)).toBe('sandbox');
    expect(orgKindOf(resolveSettings({ flags: { orgKind: 'developer' }, env: {}, cwd: '/work' }), login)).toBe('developer');
  });
});

describe('the remembered pair: normalised once where the profile is read', () => {
  const verified = { ...profile, audience: 'https://login.salesforce.com', lastVerified: { loginUrl: 'https://login.salesforce.com/' } } as unknown as Profile;

  it('is the recorded endpoint as a login URL value, for the org the profile was made for', () => {
    const settings = resolveSettings({ flags: {}, env: {}, profile: verified, cwd: '/work' });
    const login = checkLoginUrl(settings);
    expect(profileIsFor(settings, login)).toBe(true);
    expect(rememberedPair(verified, login, true)).toMatchObject({ login: { url: 'https://login.salesforce.com', kind: 'generic-login' }, audience: 'https://login.salesforce.com' });
  });

  it("is the profile's own login URL when no endpoint was recorded", () => {
    const login = checkLoginUrl(resolveSettings({ flags: {}, env: {}, profile, cwd: '/work' }));
    expect(rememberedPair({ ...profile, audience: 'https://acme.my.salesforce.com' } as Profile, login, true)?.login).toBe(login);
  });

  it('none for another org, or when a hand-edited URL no longer normalises (no crash)', () => {
    const other = resolveSettings({ flags: { loginUrl: 'https://other.my.salesforce.com' }, env: {}, profile: verified, cwd: '/work' });
    expect(profileIsFor(other, checkLoginUrl(other))).toBe(false);
    const sameByFlag = resolveSettings({ flags: { loginUrl: 'ACME.my.salesforce.com/' }, env: {}, profile: verified, cwd: '/work' });
    expect(profileIsFor(sameByFlag, checkLoginUrl(sameByFlag))).toBe(true);
    const broken = { ...verified, loginUrl: 'https://acme.lightning.force.com', lastVerified: { loginUrl: 'not a url' } } as unknown as Profile;
    const flagged = resolveSettings({ flags: { loginUrl: 'https://acme.my.salesforce.com' }, env: {}, profile: broken, cwd: '/work' });
    expect(profileIsFor(flagged, checkLoginUrl(flagged))).toBe(false);
    expect(rememberedPair(broken, checkLoginUrl(flagged), true)).toBeUndefined();
    expect(gatherSettings({ flags: {}, env: {}, profile: broken, cwd: '/work', useEnv: false }).remembered).toBeUndefined();
  });
});

describe("doctor's settings: the same resolution, unchecked", () => {
  it('the login URL is normalised once; an invalid one is a finding, not an error', () => {
    const ok = gatherSettings({ flags: { loginUrl: 'acme.my.salesforce.com/' }, env: {}, cwd: '/work', useEnv: true });
    expect(ok.login).toMatchObject({ ok: true, normalized: { url: 'https://acme.my.salesforce.com', kind: 'my-domain' } });
    const bad = gatherSettings({ flags: {}, env: { SFJWT_LOGIN_URL: 'https://acme.lightning.force.com' }, cwd: '/work', useEnv: true });
    expect(bad.loginUrl).toBe('https://acme.lightning.force.com');
    expect(bad.login).toMatchObject({ ok: false, code: 'login-url-invalid', hint: expect.stringContaining('https://acme.my.salesforce.com') });
  });

  it('under --all the environment is left out, so every profile is its own', () => {
    const s = gatherSettings({ flags: {}, env: { SFJWT_USERNAME: 'env@acme.com', SFJWT_KEY: 'PEM' }, profile, cwd: '/work', useEnv: false });
    expect(s.username).toBe('saved@acme.com');
    expect(s.key).toEqual({ kind: 'file', path: path.resolve('/work', '/keys/prod/server.key'), source: 'profile' });
  });
});
