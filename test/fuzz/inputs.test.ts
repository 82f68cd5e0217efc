import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClaims, decodeJwt, JwtFormatError, signAssertion } from '../../src/crypto/assertion.js';
import { validateClientId, validateUsername } from '../../src/core/credentials.js';
import { CliError } from '../../src/errors.js';
import { explainErrorText } from '../../src/salesforce/classify.js';
import { ALL_CODES } from '../../src/salesforce/codes.js';
import { normalizeLoginUrl } from '../../src/salesforce/login-url.js';
import { readConfig } from '../../src/store/config-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { resultOr, resultOrInputError } from './expect.js';
import { gen, hostileInputs, hugeInputs, truncations } from './gen.js';

/** Hostile input for the JWT decoder, the error explainer, the credential validators and config.json. */

describe('decodeJwt: a decoded JWT or a JwtFormatError (its documented failure), nothing else', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwt = signAssertion(buildClaims({ clientId: '3MVG9fuzz', username: 'a@b.c', audience: 'https://login.salesforce.com', now: new Date() }), privateKey);
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const VALID = [jwt, `${b64({ alg: 'RS256' })}.${b64({ iss: 'x', exp: 1 })}.`, `${b64({})}.${b64({ a: [1, { b: null }] })}.c2ln`];

  it('valid samples decode', () => {
    expect(decodeJwt(jwt).claims.sub).toBe('a@b.c');
  });

  it('500 random and mutated inputs, truncations and 1 MB inputs', () => {
    const cases = [
      ...hostileInputs(7, 500, VALID),
      ...truncations(jwt).map((input) => ({ name: `cut at ${input.length}`, input })),
      ...hugeInputs(jwt).map((input, i) => ({ name: `huge #${i}`, input })),
      // JSON that is valid but not an object, and objects with hostile keys.
      ...['null', '[]', '1', '"s"', 'true', '{"__proto__":{"x":1}}', '{"constructor":1}', '{"a":'.repeat(5000)].map((json) => ({
        name: `payload ${json.slice(0, 20)}`,
        input: `${b64({ alg: 'RS256' })}.${Buffer.from(json).toString('base64url')}.sig`,
      })),
    ];
    for (const { name, input } of cases) {
      const out = resultOr(name, () => decodeJwt(input), JwtFormatError);
      if (!(out instanceof Error)) {
        expect(typeof out.claims, name).toBe('object');
        expect(Array.isArray(out.claims), name).toBe(false);
      }
    }
  });
});

describe('explainErrorText: always a result, codes from the catalogue', () => {
  const VALID = [
    'ERROR running org login jwt:  We encountered a JSON web token error, which is likely not an issue with Salesforce CLI. Here’s the error: user hasn\'t approved this consumer [audience=https://login.salesforce.com login=https://login.salesforce.com]',
    '{"error":"invalid_grant","error_description":"audience is invalid"}',
    "{'error': 'invalid_client_id', 'error_description': 'client identifier invalid'}",
    'invalid_grant - expired authorization code\nUNABLE_TO_GET_ISSUER_CERT_LOCALLY\ngetaddrinfo ENOTFOUND acme.my.salesforce.com',
    '{"error":"\\u0069nvalid_grant","error_description":"\\"quoted\\" \\\\ ip restricted"}',
  ];

  function check(name: string, input: string): void {
    const explained = resultOr(name, () => explainErrorText(input), CliError);
    expect(explained, name).not.toBeInstanceOf(Error);
    const { codes, matches } = explained as ReturnType<typeof explainErrorText>;
    for (const code of codes) expect(ALL_CODES, `${name}: ${code}`).toContain(code);
    for (const match of matches) expect(match.excerpt.length, name).toBeLessThanOrEqual(300);
  }

  it('500 random and mutated inputs, truncations', () => {
    for (const { name, input } of hostileInputs(42, 500, VALID)) check(name, input);
    for (const sample of VALID) for (const input of truncations(sample)) check(`cut at ${input.length}`, input);
  });

  it('1 MB inputs, including a megabyte of repeated error objects, finish', () => {
    for (const [i, input] of hugeInputs(VALID[1]!).entries()) check(`huge #${i}`, input);
    check('unterminated quote', `{"error":"${'\\'.repeat(1 << 19)}`);
    const distinct = Array.from({ length: 15_000 }, (_, i) => `{"error":"e${i}","error_description":"audience is invalid ${i}"}`).join('');
    check('15 000 distinct error objects on one line', distinct);
  });
});

describe('login URL, username and consumer key validation', () => {
  // Messages quote the input through quoteInput (escaped, shortened): one line even for a megabyte.
  const QUOTES_INPUT = { oneLine: true };
  const cases = (seed: number, valid: string[]) => [
    ...hostileInputs(seed, 400, valid),
    ...valid.flatMap((v) => truncations(v, 12).map((input) => ({ name: `cut ${input}`, input }))),
    ...hugeInputs(valid[0]!).map((input, i) => ({ name: `huge #${i}`, input })),
  ];

  it('normalizeLoginUrl: a normalised URL or login-url-invalid', () => {
    const valid = [
      'https://acme.my.salesforce.com',
      'acme--uat.sandbox.my.salesforce.com',
      'https://login.salesforce.com/services/oauth2/token',
      'http://127.0.0.1:8080',
      'https://acme.lightning.force.com/lightning/page/home',
      'https://[::1]:443',
      'https://xn--80ak6aa92e.com/site',
    ];
    for (const { name, input } of cases(3, valid)) {
      const out = resultOrInputError(name, () => normalizeLoginUrl(input), ['login-url-invalid'], QUOTES_INPUT);
      if (out.ok) expect(() => new URL(out.value.url), name).not.toThrow();
    }
  });

  it('validateUsername: the trimmed username or username-invalid', () => {
    for (const { name, input } of cases(4, ['integration@acme.com', 'ci@acme.com.uat', 'a@b'])) {
      const out = resultOrInputError(name, () => validateUsername(input, '--username'), ['username-invalid'], QUOTES_INPUT);
      if (out.ok) expect(out.value, name).toMatch(/^[^\s@]+@[^\s@]+$/);
    }
  });

  it('validateClientId: the trimmed key or client-id-format', () => {
    for (const { name, input } of cases(5, ['3MVG9fakeConsumerKey.value_1', 'ABCDEFGH'])) {
      const out = resultOrInputError(name, () => validateClientId(input, '--client-id'), ['client-id-format']);
      if (out.ok) expect(out.value, name).toMatch(/^[A-Za-z0-9._]{8,256}$/);
    }
  });

  it('validateClientId boundaries: 8 to 256 letters, digits, "." or "_", surrounding space trimmed', () => {
    const valid = ['A'.repeat(8), 'a.b_c.9Z', 'A'.repeat(256), ' 3MVG9key.value_1\n'];
    const invalid = ['A'.repeat(7), 'A'.repeat(257), '3MVG9 key.value', '3MVG9-key.value', '3MVG9key\tvalue', 'é'.repeat(10), ''];
    for (const input of valid) expect(validateClientId(input, '--client-id')).toBe(input.trim());
    for (const input of invalid) expect(() => validateClientId(input, '--client-id'), input).toThrow(/invalid consumer key/);
  });
});

describe('readConfig on damaged config.json: a config or a CliError (exit 2) naming the file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const profile = {
    alias: 'prod',
    loginUrl: 'https://acme.my.salesforce.com',
    username: 'ci@acme.com',
    clientId: '3MVG9fakeConsumerKey',
    keyPath: '/home/ci/.config/sfjwt/keys/prod/server.key',
    certPath: '/home/ci/.config/sfjwt/keys/prod/server.crt',
    orgKind: 'production',
    appKind: 'eca',
  };
  const valid = JSON.stringify({ schemaVersion: 1, default: 'prod', profiles: { prod: profile } }, null, 2);

  /** Random JSON values, to put where the profile fields are. */
  function randomJson(g: ReturnType<typeof gen>, depth = 0): unknown {
    switch (g.int(depth > 2 ? 5 : 7)) {
      case 0:
        return null;
      case 1:
        return g.int(2) === 0;
      case 2:
        return g.pick([0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, 0.5]);
      case 3:
        return g.unicode(g.int(20));
      case 4:
        return g.pick(['', '__proto__', 'constructor', 'prod', 'https://acme.my.salesforce.com']);
      case 5:
        return Array.from({ length: g.int(4) }, () => randomJson(g, depth + 1));
      default: {
        const out: Record<string, unknown> = {};
        for (let i = g.int(4); i > 0; i--) out[g.pick(['alias', 'loginUrl', 'username', 'keyPath', '__proto__', 'constructor', g.unicode(3)])] = randomJson(g, depth + 1);
        return out;
      }
    }
  }

  it('random text, truncations, mutations, 1 MB, and structurally hostile JSON', async () => {
    const g = gen(11);
    const texts = [
      ...hostileInputs(12, 150, [valid]).map((c) => c.input),
      ...truncations(valid, 40),
      ...hugeInputs(valid),
      '{"schemaVersion":1,"profiles":{"__proto__":{"alias":"x"}}}',
      '{"schemaVersion":1,"profiles":{"constructor":{}}}',
      '{"schemaVersion":1,"__proto__":{"profiles":1}}',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      '{"schemaVersion":2}',
      '{"schemaVersion":1,"profiles":[]}',
    ];
    for (let i = 0; i < 150; i++) {
      const doc = { schemaVersion: 1, default: randomJson(g), profiles: { prod: { ...profile } } as Record<string, unknown> };
      const field = g.pick([...Object.keys(profile), 'lastVerified', 'audience', 'extra']);
      if (g.int(3) === 0) doc.profiles[g.pick(['prod', '__proto__', 'constructor', g.unicode(4)])] = randomJson(g);
      else (doc.profiles.prod as Record<string, unknown>)[field] = randomJson(g);
      texts.push(JSON.stringify(doc));
    }
    const file = path.join(dir, 'config.json');
    for (const [i, text] of texts.entries()) {
      await fs.writeFile(file, text);
      const name = `config #${i} (${text.slice(0, 60)})`;
      try {
        const config = await readConfig(dir);
        expect(config.schemaVersion, name).toBe(1);
        expect(Object.getPrototypeOf(config.profiles), `${name}: profiles keeps a plain prototype`).toBe(Object.prototype);
        for (const [alias, p] of Object.entries(config.profiles)) expect(typeof p, `${name}: ${alias}`).toBe('object');
      } catch (error) {
        if (!(error instanceof CliError)) expect.fail(`${name}: threw ${(error as Error).name}: ${(error as Error).message}`);
        expect(error.exitCode, name).toBe(2);
        expect(error.message, name).toContain(file);
      }
    }
  });
});
