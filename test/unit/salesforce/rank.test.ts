import { describe, expect, it } from 'vitest';
import { TOKEN_CODES, TRANSPORT_CODES, type FindingCode } from '../../../src/salesforce/codes.js';
import { RANK_ORDER, mostInformative, rankOf } from '../../../src/salesforce/rank.js';

const attempt = (outcome: FindingCode | 'ok', id: string = outcome) => ({ outcome, id });

describe('mostInformative', () => {
  it('keeps SPEC §7 order for the ten ranked token codes', () => {
    const spec: FindingCode[] = [
      'login-rate-exceeded',
      'ip-restricted',
      'inactive-user',
      'user-not-admin-approved',
      'user-not-approved',
      'assertion-expired',
      'invalid-assertion',
      'audience-invalid',
      'app-not-installed',
      'client-id-invalid',
    ];
    const ranks = spec.map(rankOf);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });

  it('ranks every token and transport code, transport last', () => {
    for (const code of [...TOKEN_CODES, ...TRANSPORT_CODES]) expect(RANK_ORDER).toContain(code);
    const worstToken = Math.max(...TOKEN_CODES.map(rankOf));
    for (const code of TRANSPORT_CODES) expect(rankOf(code)).toBeGreaterThan(worstToken);
  });

  it('puts the other token answers between audience-invalid and app-not-installed', () => {
    for (const code of ['oauth-error', 'authentication-failure', 'unsupported-grant-type'] as const) {
      expect(rankOf(code)).toBeGreaterThan(rankOf('audience-invalid'));
      expect(rankOf(code)).toBeLessThan(rankOf('app-not-installed'));
    }
  });

  it.each([
    [['app-not-installed', 'app-not-installed', 'audience-invalid'], 'audience-invalid'],
    [['client-id-invalid', 'user-not-approved', 'invalid-assertion'], 'user-not-approved'],
    [['network-error', 'client-id-invalid'], 'client-id-invalid'],
    [['timeout', 'not-token-endpoint', 'network-error'], 'not-token-endpoint'],
    [['audience-invalid', 'ok'], 'ok'],
    [['ip-restricted', 'login-rate-exceeded'], 'login-rate-exceeded'],
  ] as const)('%j → %s', (outcomes, expected) => {
    expect(mostInformative(outcomes.map((o) => attempt(o)))?.outcome).toBe(expected);
  });

  it('takes the earliest attempt on a tie, and undefined for none', () => {
    expect(mostInformative([attempt('audience-invalid', 'first'), attempt('audience-invalid', 'second')])?.id).toBe('first');
    expect(mostInformative([])).toBeUndefined();
  });
});
