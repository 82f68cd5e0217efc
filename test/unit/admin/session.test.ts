import { describe, expect, it } from 'vitest';
import { openAdminSession, type CommandRunner } from '../../../src/admin/session.js';
import type { HttpClient } from '../../../src/net/types.js';
import { UsageError } from '../../../src/errors.js';

const TOKEN = '00D000000000001!AQEAQSecretAdminTokenValue';
const noHttp: HttpClient = async () => {
  throw new Error('no HTTP expected');
};

/** Answers each `sf` sub-command from a table; records the calls. */
function sfRunner(answers: Record<string, { code: number; json?: unknown }>, calls: string[][] = []): CommandRunner {
  return async (file, args) => {
    calls.push([file, ...args]);
    const key = args.slice(0, args.indexOf('--target-org')).join(' ');
    const answer = answers[key];
    if (!answer) return { code: 1, stdout: JSON.stringify({ status: 1, name: 'CommandNotFound', message: `Command ${key} not found` }), stderr: '' };
    return { code: answer.code, stdout: answer.json === undefined ? '' : JSON.stringify(answer.json), stderr: '' };
  };
}

const display = { code: 0, json: { status: 0, result: { instanceUrl: 'https://acme.my.salesforce.com', username: 'admin@acme.com', connectedStatus: 'Connected' } } };

describe('openAdminSession', () => {
  it('is undefined without --admin or --admin-org', async () => {
    expect(await openAdminSession({}, { env: { SFJWT_ADMIN_ACCESS_TOKEN: TOKEN }, http: noHttp })).toBeUndefined();
  });

  it('--admin-org: instance URL and username from org display, the token from show-access-token', async () => {
    const calls: string[][] = [];
    const runner = sfRunner({ 'org display': display, 'org auth show-access-token': { code: 0, json: { status: 0, result: { accessToken: TOKEN } } } }, calls);
    const session = (await openAdminSession({ adminOrg: 'acme' }, { env: {}, http: noHttp, runner }))!;
    expect(session.instanceUrl).toBe('https://acme.my.salesforce.com');
    expect(session.username).toBe('admin@acme.com');
    expect(calls).toEqual([
      ['sf', 'org', 'display', '--target-org', 'acme', '--json'],
      ['sf', 'org', 'auth', 'show-access-token', '--target-org', 'acme', '--json'],
    ]);
    // The token is in no serialisation of the session.
    expect(JSON.stringify(session)).not.toContain(TOKEN);
    expect(JSON.stringify({ ...session })).not.toContain(TOKEN);
    expect(String(session)).not.toContain(TOKEN);
  });

  it('--admin-org on an older sf (no show-access-token): org display\'s accessToken', async () => {
    const runner = sfRunner({ 'org display': { code: 0, json: { status: 0, result: { ...display.json.result, accessToken: TOKEN } } } });
    const session = await openAdminSession({ adminOrg: 'acme' }, { env: {}, http: noHttp, runner });
    expect(session?.instanceUrl).toBe('https://acme.my.salesforce.com');
  });

  it.each([
    ['sf missing', (async () => ({ code: 127, stdout: '', stderr: '', missing: true })) as CommandRunner, /not installed.*sf org login web -o acme/s],
    ['unknown alias', sfRunner({ 'org display': { code: 1, json: { status: 1, name: 'NamedOrgNotFoundError', message: 'No authorization information found for acme.' } } }), /no usable login.*No authorization information.*sf org login web -o acme/s],
    ['expired login', sfRunner({ 'org display': { code: 0, json: { status: 0, result: { ...display.json.result, connectedStatus: 'RefreshTokenAuthError' } } } }), /not usable.*sf org login web -o acme/s],
    ['no token anywhere', sfRunner({ 'org display': display }), /no access token.*sf org login web -o acme/s],
  ])('%s: exit 2 naming `sf org login web -o X`', async (_name, runner, pattern) => {
    const error = await openAdminSession({ adminOrg: 'acme' }, { env: {}, http: noHttp, runner }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    const { message, hint, exitCode } = error as UsageError;
    expect(exitCode).toBe(2);
    expect(`${message} ${hint}`).toMatch(pattern);
  });

  it('--admin: both environment variables are required, and the instance must be Salesforce or loopback', async () => {
    const missing = await openAdminSession({ admin: true }, { env: { SFJWT_ADMIN_INSTANCE_URL: 'https://acme.my.salesforce.com' }, http: noHttp }).catch((e: unknown) => e);
    expect((missing as UsageError).message).toMatch(/SFJWT_ADMIN_ACCESS_TOKEN/);
    const elsewhere = await openAdminSession({ admin: true }, { env: { SFJWT_ADMIN_INSTANCE_URL: 'https://evil.example.com', SFJWT_ADMIN_ACCESS_TOKEN: TOKEN }, http: noHttp }).catch((e: unknown) => e);
    expect((elsewhere as UsageError).exitCode).toBe(2);
    expect((elsewhere as UsageError).message).toMatch(/not a Salesforce host/);
    const plain = await openAdminSession({ admin: true }, { env: { SFJWT_ADMIN_INSTANCE_URL: 'http://acme.my.salesforce.com', SFJWT_ADMIN_ACCESS_TOKEN: TOKEN }, http: noHttp }).catch((e: unknown) => e);
    expect((plain as UsageError).message).toMatch(/not an https URL/);
  });
});
