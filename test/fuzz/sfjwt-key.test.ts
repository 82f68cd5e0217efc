import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { useEmulatorFixture } from '../helpers/fixtures.js';

/**
 * SFJWT_KEY as CI secret stores mangle it (SALESFORCE.md §15.4): `verify` against the emulator
 * either repairs it and succeeds with a warning naming each repair, or exits 2 with the exact cause
 * and sends nothing.
 */
const USER = 'ci@acme.com';
const CLIENT_ID = '3MVG9sfjwtKeyVariants';

const fx = useEmulatorFixture({ clientId: CLIENT_ID, username: USER, app: 'eca' });

async function verifyWithKey(value: string) {
  const home = await fs.mkdtemp(path.join(fx.dir, 'home-'));
  const argv = ['verify', '--json', '--login-url', fx.emulator.url, '--username', USER, '--client-id', CLIENT_ID];
  return runInProcess(argv, createTestDeps({ env: { SFJWT_HOME: home, SFJWT_KEY: value } }));
}

const base64Wrapped = (text: string, width: number) => Buffer.from(text).toString('base64').replace(new RegExp(`(.{${width}})`, 'g'), '$1\n');

describe('SFJWT_KEY repaired with a warning, then verify succeeds', () => {
  const pem = () => fx.keys.keyPem; // PKCS#8, LF, final newline
  const pkcs1 = () => createPrivateKey(fx.keys.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
  const body = () => pem().split('\n').slice(1, -2).join('');

  const cases: Array<[string, () => string, string[]]> = [
    ['as is', pem, []],
    ['PKCS#1 as is', pkcs1, []],
    ['CRLF line endings', () => pem().replace(/\n/g, '\r\n'), ['converted CRLF line endings to LF']],
    ['no final newline', () => pem().trimEnd(), ['added the missing final newline']],
    ['base64 of the PEM on one line', () => Buffer.from(pem()).toString('base64'), ['decoded the base64-encoded PEM']],
    ['base64 of the PEM wrapped at 76 columns (base64 without -w0)', () => base64Wrapped(pem(), 76), ['decoded the base64-encoded PEM']],
    ['base64url of the PEM', () => Buffer.from(pem()).toString('base64url'), ['decoded the base64-encoded PEM']],
    ['surrounding double quotes', () => `"${pem()}"`, ['removed surrounding quotes']],
    ["surrounding single quotes, PKCS#1", () => `'${pkcs1()}'`, ['removed surrounding quotes']],
    ['literal \\n on one line (JSON-escaped)', () => pem().replace(/\n/g, '\\n'), ['turned literal \\n sequences into line breaks']],
    ['quoted, literal \\r\\n', () => `"${pem().replace(/\n/g, '\\r\\n')}"`, ['removed surrounding quotes', 'turned literal \\n sequences into line breaks']],
    ['body collapsed onto one line with spaces', () => `-----BEGIN PRIVATE KEY----- ${body()} -----END PRIVATE KEY-----`, ['restored the line breaks of the PEM body']],
    ['indented (a YAML block)', () => pem().replace(/^/gm, '    '), ['removed indentation']],
    ['byte-order mark', () => `\uFEFF${pem()}`, ['removed a byte-order mark']],
    ['base64 of a CRLF PEM', () => Buffer.from(pem().replace(/\n/g, '\r\n')).toString('base64'), ['decoded the base64-encoded PEM', 'converted CRLF line endings to LF']],
  ];

  it.each(cases)('%s', async (_name, value, repairs) => {
    const out = await verifyWithKey(value());
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const doc = out.json();
    expect(doc.ok).toBe(true);
    const messages = (doc.warnings as Array<{ code: string; message: string }>).filter((w) => w.code === 'key-invalid').map((w) => w.message);
    for (const repair of repairs) expect(messages).toContain(`SFJWT_KEY: ${repair}`);
    if (repairs.length === 0) expect(messages).toEqual([]);
    // The key itself never appears in the output.
    expect(out.stdout + out.stderr).not.toContain(body().slice(0, 40));
  });
});

describe('SFJWT_KEY refused with the exact cause (exit 2), nothing sent', () => {
  const pem = () => fx.keys.keyPem;
  const encrypted = () =>
    generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
  const ec = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const lines = () => pem().split('\n');

  const cases: Array<[string, () => string, string, RegExp]> = [
    ['the certificate instead of the key', () => fx.keys.certPem, 'key-invalid', /^SFJWT_KEY: this is a certificate, not the private key/],
    ['base64 cut in half (a truncated secret)', () => Buffer.from(pem()).toString('base64').slice(0, 800), 'key-invalid', /^SFJWT_KEY: this is a damaged PEM block \(BEGIN line without a matching END line\)/],
    ['PEM without its END line', () => lines().slice(0, -2).join('\n'), 'key-invalid', /BEGIN line without a matching END line/],
    ['a body line lost', () => [...lines().slice(0, 5), ...lines().slice(6)].join('\n'), 'key-invalid', /^SFJWT_KEY: this is a damaged PKCS#8 private key \(its contents do not decode\)/],
    ['an encrypted key', encrypted, 'key-encrypted', /^SFJWT_KEY: the private key is encrypted with a passphrase/],
    ['an EC key', ec, 'key-not-rsa', /^SFJWT_KEY: this is an EC private key \(P-256\); Salesforce accepts RSA keys only/],
    ['only whitespace', () => '  \n ', 'key-invalid', /^SFJWT_KEY: the private key is empty/],
    ['a file path instead of the PEM', () => '/home/runner/work/server.key', 'key-invalid', /^SFJWT_KEY: this is not PEM text \(no -----BEGIN line\)/],
    ['the bare base64 body without BEGIN/END', () => lines().slice(1, -2).join(''), 'key-invalid', /^SFJWT_KEY: this is not PEM text \(no -----BEGIN line\)/],
  ];

  it.each(cases)('%s', async (_name, value, code, message) => {
    const before = fx.emulator.requests.length;
    const out = await verifyWithKey(value());
    expect(out.code, out.stdout + out.stderr).toBe(2);
    const { error } = out.json();
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(fx.emulator.requests.length).toBe(before);
  });
});
