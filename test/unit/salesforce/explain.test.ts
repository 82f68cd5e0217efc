import { describe, expect, it } from 'vitest';
import { explainErrorText } from '../../../src/salesforce/classify.js';

describe('explainErrorText', () => {
  it('reads current sf CLI output (SALESFORCE.md §4.2)', () => {
    const text = [
      "JwtGrantError: We encountered a JSON web token error, which is likely not an issue with Salesforce CLI. Here’s the error: JwtAuthError::Error authenticating with JWT.",
      'Errors encountered:',
      'External client app is not installed in this org',
      'External client app is not installed in this org',
      'audience is invalid [audience=https://login.salesforce.com login=https://test.salesforce.com/]',
    ].join('\n');
    const result = explainErrorText(text);
    expect(result.codes).toEqual(['app-not-installed', 'audience-invalid']);
    expect(result.matches[0]).toMatchObject({ code: 'app-not-installed', count: 2 });
    expect(result.matches[1]).toMatchObject({
      code: 'audience-invalid',
      audience: 'https://login.salesforce.com',
      loginUrl: 'https://test.salesforce.com/',
      count: 1,
    });
  });

  it('counts repeated "user hasn\'t approved" lines as one cause', () => {
    const text = "Errors encountered:\nuser hasn't approved this consumer\nuser hasn't approved this consumer\nuser hasn't approved this consumer";
    const result = explainErrorText(text);
    expect(result.codes).toEqual(['user-not-approved']);
    expect(result.matches[0]?.count).toBe(3);
  });

  it('reads the older CLI wording', () => {
    const text = 'ERROR running force:auth:jwt:grant:  This org appears to have a problem with its OAuth configuration. Reason: invalid_grant - invalid assertion';
    expect(explainErrorText(text).codes).toEqual(['invalid-assertion']);
  });

  it('reads a JSON body', () => {
    const result = explainErrorText('{"error":"invalid_client_id","error_description":"client identifier invalid"}');
    expect(result.codes).toEqual(['client-id-invalid']);
    expect(result.matches[0]).toMatchObject({ error: 'invalid_client_id', errorDescription: 'client identifier invalid', count: 1 });
  });

  it('reads a Python requests print and traceback', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "sync.py", line 42, in <module>',
      '    token = get_token()',
      "requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: https://login.salesforce.com/services/oauth2/token",
      "{'error': 'invalid_grant', 'error_description': 'invalid assertion'}",
    ].join('\n');
    const result = explainErrorText(text);
    expect(result.codes).toEqual(['invalid-assertion']);
    expect(result.matches[0]).toMatchObject({ error: 'invalid_grant', errorDescription: 'invalid assertion', count: 1 });
  });

  it("reads a Python dict whose description holds an apostrophe", () => {
    const result = explainErrorText(`{'error': 'invalid_grant', 'error_description': "user hasn't approved this consumer"}`);
    expect(result.codes).toEqual(['user-not-approved']);
  });

  it('reads log lines', () => {
    const text = [
      '2026-03-01T10:00:00Z ERROR auth failed: invalid_grant: expired authorization code',
      '2026-03-01T10:05:00Z ERROR request to https://acme.my.salesforce.com failed, reason: unable to get local issuer certificate',
      '2026-03-01T10:06:00Z WARN [{"errorCode":"INVALID_SESSION_ID","message":"Session expired or invalid"}]',
    ].join('\n');
    expect(explainErrorText(text).codes).toEqual(['assertion-expired', 'tls-error', 'api-access-denied']);
  });

  it('reads key and URL problems from the sf CLI', () => {
    expect(explainErrorText('Error: error:0909006C:PEM routines:get_name:no start line').codes).toEqual(['key-invalid']);
    expect(explainErrorText('Invalid instance URL. It should NOT be a lightning domain.').codes).toEqual(['login-url-invalid']);
    expect(explainErrorText('HTTP response contains html content. Check that the org exists and can be reached.').codes).toEqual(['not-token-endpoint']);
  });

  it('falls back to oauth-error for a bare invalid_grant, and nothing for unrelated text', () => {
    expect(explainErrorText('Salesforce said invalid_grant and nothing else').codes).toEqual(['oauth-error']);
    expect(explainErrorText('all good here').codes).toEqual([]);
  });

  it('keeps several JSON bodies apart', () => {
    const text = '{"error":"invalid_grant","error_description":"audience is invalid"}\n{"error":"app_not_found","error_description":"External client app is not installed in this org"}';
    expect(explainErrorText(text).codes).toEqual(['audience-invalid', 'app-not-installed']);
  });
});
