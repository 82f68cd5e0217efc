/**
 * Values a hostile server or a hand-edited profile can plant (SPEC §10): every export writes them
 * as data in its language, checked by the real interpreters (bash, python3, node), or refuses.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMAT_IDS, formatSpec, renderFormat, type FormatId } from '../../../src/export/formats.js';
import { readTemplates } from '../../../src/export/templates.js';
import type { ExportValues } from '../../../src/export/values.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { checkXml } from './xml.js';

let dir: string;
let marker: string;
let keyFile: string;
const templates = new Map<FormatId, { path: string; text: string }[]>();

beforeAll(async () => {
  dir = await makeTempDir();
  marker = path.join(dir, 'pwned');
  keyFile = path.join(dir, 'server.key');
  fs.writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  for (const id of FORMAT_IDS) templates.set(id, await readTemplates(formatSpec(id)));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const python = has('python3', ['-c', 'import yaml, dotenv']);

/** Everything a value can carry that means something in one of the export languages. */
const evil = () =>
  [
    `\n touch ${marker} #`,
    `'$(touch ${marker})\`touch ${marker}\`;touch ${marker}`,
    ' "q" \\ \\n ',
    ': - &a *b !t {[%@]} ? | > ',
    '<x>&amp;-->--',
    '${{ secrets.X }} $HOME ${HOME}',
    '\u2028\u001b]0;title\u0007',
  ].join('');

type Field = 'username' | 'clientId' | 'loginUrl' | 'endpoint' | 'audience' | 'instanceUrl' | 'keyPath' | 'alias' | 'contactEmail';
const FIELDS: Field[] = ['username', 'clientId', 'loginUrl', 'endpoint', 'audience', 'instanceUrl', 'keyPath', 'alias', 'contactEmail'];

/** A profile whose every text field is `<field>:` + the hostile text (filtered per format). */
function hostile(strip: (text: string) => string = (t) => t, keep: Partial<Record<Field, string>> = {}): ExportValues {
  const v = Object.fromEntries(FIELDS.map((f) => [f, keep[f] ?? `${f}:${strip(evil())}`])) as Record<Field, string>;
  return {
    ...v,
    orgKind: 'production',
    appKind: 'eca',
    audienceSource: 'verified',
    appName: 'sfjwt_prod',
    certPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    sfjwtVersion: '1.2.3',
  };
}

function rendered(id: FormatId, values: ExportValues) {
  return renderFormat(formatSpec(id), values, templates.get(id)!);
}

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content, { mode: 0o700 });
  return file;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): string {
  const out = spawnSync(cmd, args, { cwd: dir, env: { ...process.env, ...env }, input, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${out.status}): ${out.stderr}`);
  return out.stdout;
}

/** A directory with stand-ins that record their argv (NUL-separated), stdin and some env. */
function stubs(script: Record<string, string>): string {
  const bin = path.join(dir, `bin-${Object.keys(script).join('-')}`);
  fs.mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(script)) fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
  return bin;
}

const nul = (file: string) => fs.readFileSync(file, 'utf8').split('\0').slice(0, -1);
const noMarker = () => expect(fs.existsSync(marker)).toBe(false);
const noControls = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '');

describe('hostile values are data in every export language', () => {
  it('sf: bash runs the login command with each value as one argument, nothing else runs', () => {
    const values = hostile();
    const file = write('sf-login.sh', rendered('sf', values)[0]!.content);
    run('bash', ['-n', file]);
    const record = path.join(dir, 'sf-args');
    const bin = stubs({ sf: `printf '%s\\0' "$@" "SF_AUDIENCE_URL=$SF_AUDIENCE_URL" > ${record}` });
    run('bash', [file], { PATH: `${bin}:${process.env.PATH}` });
    noMarker();
    expect(nul(record)).toEqual([
      'org', 'login', 'jwt',
      '--username', values.username,
      '--client-id', values.clientId!,
      '--jwt-key-file', values.keyPath!,
      '--instance-url', values.endpoint,
      '--alias', values.alias!,
      `SF_AUDIENCE_URL=${values.audience}`,
    ]);
  });

  it.each([
    ['no single quote or backslash', (t: string) => noControls(t).replace(/['\\]/g, '').replace(/\$\{/g, '$ {')],
    ['a single quote, nothing sh expands', (t: string) => noControls(t).replace(/[$`"\\]/g, '')],
  ])('env (%s): sourcing it sets the exact values and runs nothing', (_name, strip) => {
    const values = hostile(strip);
    const file = write('.env', rendered('env', values)[0]!.content);
    const names = ['SFJWT_LOGIN_URL', 'SFJWT_USERNAME', 'SFJWT_CLIENT_ID', 'SFJWT_KEY_FILE', 'SFJWT_AUDIENCE'];
    const out = run('bash', ['-c', `set -a; . ${file}; set +a; printf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`]);
    noMarker();
    const expected = [values.loginUrl, values.username, values.clientId, values.keyPath, values.audience];
    expect(out.split('\0').slice(0, -1)).toEqual(expected);
    if (python) {
      const parsed = run('python3', ['-c', 'import json,sys,dotenv; print(json.dumps(dotenv.dotenv_values(sys.argv[1])))', file]);
      expect(Object.values(JSON.parse(parsed))).toEqual(expected);
    }
  });

  it.skipIf(!python).each(['github-actions', 'gitlab-ci'] as const)('%s: a YAML parser reads the exact values; no value reaches a script', (id) => {
    const values = hostile(id === 'github-actions' ? (t) => t.replace('${{', '$ {{') : undefined);
    const text = rendered(id, { ...values, audienceSource: 'verified' })[0]!.content;
    const doc = JSON.parse(run('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', write(`${id}.yml`, text)]));
    const job = id === 'github-actions' ? doc.jobs.salesforce : doc['salesforce-jwt'];
    const env = id === 'github-actions' ? job.env : job.variables;
    const unescape = (s: string) => (id === 'gitlab-ci' ? s.replace(/\$\$/g, '$') : s);
    expect(unescape(env.SFJWT_LOGIN_URL)).toBe(values.loginUrl);
    expect(unescape(env.SFJWT_AUDIENCE)).toBe(values.audience);
    expect(unescape(env.SF_JWT_INSTANCE_URL)).toBe(values.endpoint);
    expect(unescape(env.SF_JWT_ALIAS)).toBe(values.alias);
    const scripts = id === 'github-actions' ? job.steps.map((s: { run?: string }) => s.run ?? '') : job.script;
    expect(scripts.join('\n')).not.toContain('touch');
    expect(text).not.toMatch(/^\s*touch/m); // no value starts a line of its own, comments included
  });

  it('jsforce: node reads the exact string constants, and runs nothing', () => {
    const values = hostile();
    const source = rendered('jsforce', values)[0]!.content.replace(/^import \{ Connection \} from 'jsforce';$/m, 'class Connection {}');
    const file = write('login.mjs', `${source}\nexport const values = { LOGIN_URL, AUDIENCE, CLIENT_ID, USERNAME, KEY_FILE };\n`);
    const out = run('node', ['--input-type=module', '-e', `import(${JSON.stringify(file)}).then((m) => process.stdout.write(JSON.stringify(m.values)))`]);
    noMarker();
    expect(JSON.parse(out)).toEqual({ LOGIN_URL: values.endpoint, AUDIENCE: values.audience, CLIENT_ID: values.clientId, USERNAME: values.username, KEY_FILE: values.keyPath });
  });

  it.each(['python', 'simple-salesforce'] as const)('%s: python parses it and reads the exact string literals', (id) => {
    const values = { ...hostile(), endpoint: 'https://acme.my.salesforce.com', audience: 'https://acme.my.salesforce.com' };
    const file = write(`${id}.py`, rendered(id, values)[0]!.content);
    // Module-level NAME = '…' assignments and keyword arguments, read without running anything.
    const reader = [
      'import ast, json, sys',
      'tree = ast.parse(open(sys.argv[1]).read())',
      'found = {}',
      'for node in ast.walk(tree):',
      '    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):',
      '        found[node.targets[0].id] = node.value.value',
      '    if isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant):',
      '        found[node.arg] = node.value.value',
      'print(json.dumps(found))',
    ].join('\n');
    const found = JSON.parse(run('python3', ['-c', reader, file]));
    noMarker();
    if (id === 'python') {
      expect(found).toMatchObject({ TOKEN_URL: 'https://acme.my.salesforce.com/services/oauth2/token', CLIENT_ID: values.clientId, USERNAME: values.username, KEY_FILE: values.keyPath });
    } else {
      expect(found).toMatchObject({ username: values.username, consumer_key: values.clientId, privatekey_file: values.keyPath });
    }
  });

  it('curl: bash runs it, the claims carry the exact values, and curl gets the assertion on stdin only', () => {
    const plain = (t: string) => noControls(t).replace(/["\\]/g, '');
    const values = hostile(plain, { keyPath: keyFile, endpoint: `endpoint:${evil()}` });
    const file = write('login.sh', rendered('curl', values)[0]!.content);
    run('bash', ['-n', file]);
    const record = path.join(dir, 'curl-args');
    const body = [
      `printf '%s\\0' "$@" > ${record}`,
      `cat > ${record}.stdin`,
      'while [ $# -gt 0 ]; do if [ "$1" = --output ]; then printf "{}" > "$2"; fi; shift; done',
      'printf 200',
    ].join('\n');
    const out = run('bash', [file], { PATH: `${stubs({ curl: body })}:${process.env.PATH}` });
    noMarker();
    expect(out.trim()).toBe('{}');
    const args = nul(record);
    expect(args.at(-1)).toBe(`${values.endpoint.replace(/\/+$/, '')}/services/oauth2/token`);
    expect(args).toContain('assertion@-');
    const assertion = fs.readFileSync(`${record}.stdin`, 'utf8');
    expect(args.join(' ')).not.toContain(assertion.split('.')[0]!);
    const claims = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ iss: values.clientId, sub: values.username, aud: values.audience });
  });

  it.each(['eca-metadata', 'connected-app-metadata'] as const)('%s: well-formed XML with the exact text; one-line comments and Markdown', (id) => {
    const values = hostile((t) => t.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ''));
    const files = rendered(id, values);
    const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    for (const f of files.filter((x) => x.path.endsWith('.xml'))) {
      const xml = checkXml(f.content);
      if (xml.text.contactEmail) expect(xml.text.contactEmail.map(decode)).toEqual([values.contactEmail]);
    }
    // In Markdown and XML comments a value stays on its line (element text may hold a line break: it is data).
    for (const f of files.filter((x) => !x.path.endsWith('.xml'))) expect(f.content).not.toMatch(/^ touch/m);
    for (const f of files) expect(f.content.replace(/<([A-Za-z]+)>[^<]*<\/\1>/g, '')).not.toMatch(/^ touch/m);
    JSON.parse(files.find((f) => f.path === 'sfdx-project.json')!.content);
  });
});

describe('a value that cannot be written safely refuses the export (exit 2)', () => {
  const refuses = (id: FormatId, values: ExportValues, message: RegExp) => {
    let error: unknown;
    try {
      rendered(id, values);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  };

  const plain = () => hostile(() => 'x');
  const MY_DOMAIN = 'https://acme.my.salesforce.com';

  it.each(FORMAT_IDS)('%s: a NUL character anywhere', (id) => {
    refuses(id, { ...plain(), endpoint: MY_DOMAIN, audience: MY_DOMAIN, username: 'a\u0000b', contactEmail: 'a\u0000b' }, /cannot write the (username|contact email) into the export safely: it contains a NUL/);
  });

  it('env: a single quote together with $ (no .env quoting survives sh)', () => {
    refuses('env', hostile(() => 'x', { username: "o'brien$(x)@acme.com" }), /username.*single quote/);
    refuses('env', hostile(() => 'x', { username: 'a${HOME}b' }), /username.*expand/);
  });

  it('github-actions: ${{ would be evaluated by GitHub', () => {
    refuses('github-actions', hostile(() => 'x', { loginUrl: 'https://x/${{ secrets.SF_JWT_KEY_BASE64 }}' }), /login URL.*\$\{\{/);
  });

  it('curl: a double quote in a claim', () => {
    refuses('curl', hostile(() => 'x', { username: 'a"b@acme.com' }), /username.*JSON claims/);
  });
});
