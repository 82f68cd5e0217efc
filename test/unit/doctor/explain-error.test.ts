import { describe, expect, it } from 'vitest';
import { explainError } from '../../../src/doctor/explain-error.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';
import { exitCodeFor, summarize } from '../../../src/doctor/run-checks.js';

const SF_CLI_ECA = `Error (JwtGrantError): We encountered a JSON web token error, which is likely not an issue with Salesforce CLI. Here’s the error: JwtAuthError::Error authenticating with JWT.
Errors encountered:
External client app is not installed in this org
External client app is not installed in this org
audience is invalid [audience=https://login.salesforce.com login=https://test.salesforce.com/]`;

const SF_CLI_NOT_APPROVED = `JwtGrantError: We encountered a JSON web token error, which is likely not an issue with Salesforce CLI. Here’s the error: JwtAuthError::Error authenticating with JWT.
Errors encountered:
user hasn't approved this consumer
user hasn't approved this consumer
user hasn't approved this consumer`;

const PYTHON = `Traceback (most recent call last):
  File "seed.py", line 41, in <module>
    r.raise_for_status()
requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: https://login.salesforce.com/services/oauth2/token
{'error': 'invalid_grant', 'error_description': 'invalid assertion'}`;

describe('doctor --error explains pasted errors offline', () => {
  it.each([
    ['sf CLI, ECA through the generic hosts', SF_CLI_ECA, ['app-not-installed', 'audience-invalid'], 'app-not-installed', /My Domain/],
    ['sf CLI, three "not approved" lines', SF_CLI_NOT_APPROVED, ['user-not-approved'], 'user-not-approved', /Admin approved users are pre-authorized/],
    ['a JSON body', '{"error":"invalid_grant","error_description":"expired authorization code"}', ['assertion-expired'], 'assertion-expired', /clock/],
    ['a Python traceback with a dict print', PYTHON, ['invalid-assertion'], 'invalid-assertion', /cert/],
    ['a log line', '2026-05-01T10:00:00Z ERROR auth failed: invalid_client_id client identifier invalid', ['client-id-invalid'], 'client-id-invalid', /consumer key/],
    ['OpenSSL on a non-PEM key', 'Error: error:0909006C:PEM routines:get_name:no start line (PEM_read_bio:no start line)', ['key-invalid'], 'key-invalid', /PEM/],
    ['older sf CLI wording', 'This org appears to have a problem with its OAuth configuration. Reason: invalid_grant - invalid assertion', ['invalid-assertion'], 'invalid-assertion', /certificate/],
    ['an IP restriction', '{"error":"invalid_grant","error_description":"ip restricted"}', ['ip-restricted'], 'ip-restricted', /IP/],
    ['a corporate proxy', 'Error: unable to get local issuer certificate', ['tls-error'], 'tls-error', /NODE_EXTRA_CA_CERTS/],
    ['the ECA error code', 'OAUTH_EC_APP_NOT_FOUND', ['app-not-installed'], 'app-not-installed', /My Domain|org/],
  ])('%s', (_name, text, codes, top, fix) => {
    const report = explainError(text);
    expect([...new Set(report.checks.map((c) => c.code))]).toEqual(codes);
    for (const check of report.checks) {
      expect(check).toMatchObject({ category: 'error', status: 'fail' });
      expect(check.causes.length).toBeGreaterThan(0);
      expect(check.fix?.hint).toBeTruthy();
    }
    expect(report.diagnosis[0]?.code).toBe(top);
    expect(`${report.diagnosis[0]?.cause} ${report.diagnosis[0]?.fix}`).toMatch(fix);
    expect(exitCodeFor(summarize(report.checks), false)).toBe(1);
  });

  it('counts the sf CLI\'s repeated lines and keeps the [audience=… login=…] suffix', () => {
    const report = explainError(SF_CLI_ECA);
    expect(report.checks[0]!.summary).toContain('(2 times)');
    expect(report.checks[1]!.summary).toContain('[aud https://login.salesforce.com at https://test.salesforce.com/]');
  });

  it('"Unexpected end of JSON input" is the sf CLI\'s wrapper, not Salesforce: a warning with the upgrade advice', () => {
    const report = explainError('JwtGrantError: We encountered a JSON web token error... Unexpected end of JSON input');
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ id: 'error-unexpected-end-of-json', status: 'warn' });
    expect(report.checks[0]!.fix?.hint).toMatch(/Upgrade the sf CLI/);
    expect(exitCodeFor(summarize(report.checks), false)).toBe(0);
  });

  it('"Client ID is required for JWT authentication" names the missing consumer key', () => {
    const report = explainError('Error: Client ID is required for JWT authentication.');
    expect(report.checks[0]).toMatchObject({ code: 'client-id-format', status: 'fail' });
  });

  it('unrecognised text is a warning (exit 0 unless --strict) that points at a test of the login itself', () => {
    const report = explainError('Segmentation fault (core dumped)');
    expect(report.checks).toEqual([expect.objectContaining({ id: 'error-unrecognised', status: 'warn', summary: 'not recognised as a Salesforce JWT bearer error' })]);
    expect(report.checks[0]!.fix?.command).toBe('sfjwt verify');
    expect(explainError('Segmentation fault', { alias: 'acme' }).checks[0]!.fix?.command).toBe('sfjwt verify -a acme');
    expect(exitCodeFor(summarize(report.checks), false)).toBe(0);
    expect(exitCodeFor(summarize(report.checks), true)).toBe(1);
  });

  it('with a profile\'s login URL and app kind, fixes link to that org\'s Setup pages', () => {
    const report = explainError("user hasn't approved this consumer", { login: normalizeLoginUrl('https://acme.my.salesforce.com'), appKind: 'connected-app', orgKind: 'production' });
    expect(report.checks[0]!.fix?.url).toBe('https://acme.my.salesforce-setup.com/lightning/setup/ConnectedApplication/home');
    expect(report.diagnosis[0]).toMatchObject({ code: 'user-not-approved', setupUrl: 'https://acme.my.salesforce-setup.com/lightning/setup/ConnectedApplication/home' });
  });
});
