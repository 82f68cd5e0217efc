import { plainStyle } from '../../../src/ui/style.js';
import { describe, expect, it } from 'vitest';
import { createMemo } from '../../../src/doctor/memo.js';
import { renderAllTable, renderReport, renderSummaryLine, reportJson } from '../../../src/doctor/render.js';
import { exitCodeFor, parseIdList, runChecks, summarize } from '../../../src/doctor/run-checks.js';
import { CHECKS } from '../../../src/doctor/registry.js';
import type { Check, CheckContext, DoctorReport } from '../../../src/doctor/types.js';
import { UsageError } from '../../../src/errors.js';
import { settingsFrom, shared, testDeps } from './fixtures.js';

const symbols = { pass: '✔', warn: '!', fail: '✖', crash: '☠', hint: '›', skip: '-', bullet: '•' };
const plain = { color: plainStyle, symbols, verbose: false, command: 'sfjwt doctor -a acme' };

function ctx(): CheckContext {
  const settings = settingsFrom({});
  const deps = testDeps();
  return { deps, settings, memo: createMemo(settings, deps, shared()) };
}

const fake = (id: string, run: Check['run'], extra: Partial<Check> = {}): Check => ({ id, title: id.toUpperCase(), category: 'key', codes: [], run, ...extra });

describe('the runner', () => {
  it('runs checks concurrently, keeps declared order, turns a throw into crash and skips dependents with the reason', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const checks: Check[] = [
      fake('slow', async () => {
        await gate; // finishes last, but is reported first
        order.push('slow');
        return { status: 'pass', summary: 'slow done' };
      }),
      fake('fast', async () => {
        order.push('fast');
        release();
        return { status: 'warn', summary: 'fast done' };
      }),
      fake('boom', async () => {
        throw new Error('kaput');
      }),
      fake('after-boom', async () => ({ status: 'pass', summary: 'never' }), { requires: ['boom'] }),
      fake('after-fast', async () => ({ status: 'pass', summary: 'ran' }), { requires: ['fast'] }),
      fake('net', async () => ({ status: 'pass', summary: 'never offline' }), { network: true }),
    ];
    const { shown } = await runChecks(checks, ctx(), { offline: true });
    expect(order).toEqual(['fast', 'slow']);
    expect(shown.map((c) => [c.id, c.status])).toEqual([
      ['slow', 'pass'],
      ['fast', 'warn'],
      ['boom', 'crash'],
      ['after-boom', 'skip'],
      ['after-fast', 'pass'],
      ['net', 'skip'],
    ]);
    expect(shown[2]!.summary).toMatch(/kaput.*this is a bug in sfjwt, please report it/);
    expect(shown[3]!.summary).toBe('skipped: "BOOM" crashed');
    expect(shown[5]!.summary).toContain('--offline');
  });

  it('--only runs the prerequisites silently; --skip shows the check as skipped and its dependents say why', async () => {
    const ran: string[] = [];
    const checks: Check[] = [
      fake('base', async () => (ran.push('base'), { status: 'pass', summary: 'ok' }), { codes: ['key-invalid'] }),
      fake('top', async () => (ran.push('top'), { status: 'pass', summary: 'ok' }), { requires: ['base'] }),
      fake('other', async () => (ran.push('other'), { status: 'pass', summary: 'ok' })),
    ];
    const only = await runChecks(checks, ctx(), { only: ['top'], offline: true });
    expect(only.shown.map((c) => c.id)).toEqual(['top']);
    expect(ran.sort()).toEqual(['base', 'top']);
    const skipped = await runChecks(checks, ctx(), { skip: ['key-invalid'], offline: true });
    expect(skipped.shown.map((c) => [c.id, c.status, c.summary])).toEqual([
      ['base', 'skip', 'skipped: --skip (remove it to run this check)'],
      ['top', 'skip', 'skipped: needs "BASE", which --skip turned off'],
      ['other', 'pass', 'ok'],
    ]);
  });

  it('--only/--skip take check ids or finding codes; anything else is a usage error listing the ids', () => {
    expect(parseIdList('key-permissions, invalid-assertion', '--only')).toEqual(['key-permissions', 'invalid-assertion']);
    expect(() => parseIdList('nope', '--only')).toThrow(UsageError);
    expect(() => parseIdList('nope', '--only')).toThrow(/unknown check or finding code "nope"/);
    expect(() => parseIdList(' , ', '--skip')).toThrow(/at least one/);
  });

  it('every registered check has a unique kebab-case id and declares prerequisites that exist earlier', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    CHECKS.forEach((check, index) => {
      expect(check.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      for (const dep of check.requires ?? []) expect(ids.indexOf(dep)).toBeLessThan(index);
    });
  });

  it('exit codes: 0 with warnings, 1 on a failure or crash, 1 on warnings with --strict', () => {
    const s = (over: Partial<ReturnType<typeof summarize>>) => ({ pass: 3, warn: 0, fail: 0, skip: 1, crash: 0, ...over });
    expect(exitCodeFor(s({}), false)).toBe(0);
    expect(exitCodeFor(s({ warn: 2 }), false)).toBe(0);
    expect(exitCodeFor(s({ warn: 2 }), true)).toBe(1);
    expect(exitCodeFor(s({ fail: 1 }), false)).toBe(1);
    expect(exitCodeFor(s({ crash: 1 }), false)).toBe(1);
  });
});

const REPORT: DoctorReport = {
  alias: 'acme',
  loginUrl: 'https://acme.my.salesforce.com',
  checks: [
    { id: 'key-file', title: 'Private key file', category: 'key', status: 'pass', summary: '/k/server.key is readable', details: ['d1'], causes: [], satisfies: true },
    {
      id: 'key-permissions',
      title: 'Private key file permissions',
      category: 'key',
      status: 'fail',
      code: 'key-permissions',
      summary: 'readable by everyone',
      details: ['mode 0644'],
      causes: ['The file mode lets everyone read the key.'],
      fix: { hint: 'chmod it', command: 'chmod 600 /k/server.key', auto: { description: 'chmod 600 /k/server.key', apply: async () => undefined } },
      satisfies: false,
    },
    { id: 'cert-expiry', title: 'Certificate expiry', category: 'certificate', status: 'warn', code: 'cert-expiring', summary: 'expires in 3 days', details: [], causes: [], fix: { hint: 'renew', url: 'https://acme.my.salesforce-setup.com/x' }, satisfies: true },
    { id: 'dns', title: 'DNS', category: 'network', status: 'skip', summary: 'skipped: --offline', details: [], causes: [], satisfies: false },
    { id: 'tls', title: 'TLS', category: 'network', status: 'crash', summary: 'crashed: this is a bug in sfjwt, please report it', details: [], causes: [], satisfies: false },
  ],
  attempts: [],
  working: null,
  diagnosis: [{ code: 'key-permissions', cause: 'readable by everyone', fix: 'chmod it', setupUrl: null, command: 'chmod 600 /k/server.key' }],
  clockSkewSeconds: null,
};

describe('the renderer', () => {
  it('prints a category header, one symbol line per check, the fix under each non-pass, the diagnosis, the summary and the next command', () => {
    const text = renderReport(REPORT, plain);
    const lines = text.split('\n');
    expect(lines[0]).toBe('sfjwt doctor · profile acme · https://acme.my.salesforce.com');
    expect(lines).toContain('Private key');
    expect(lines).toContain('Certificate');
    expect(lines).toContain('  ✔ Private key file: /k/server.key is readable');
    expect(lines).toContain('  ✖ Private key file permissions: readable by everyone');
    expect(lines).toContain('      › chmod it');
    // The command is the automatic fix: said once, with --fix named.
    expect(lines).toContain('        Run: chmod 600 /k/server.key (--fix does this)');
    expect(text).not.toContain('Automatic fix');
    expect(lines).toContain('  ! Certificate expiry: expires in 3 days');
    expect(lines).toContain('        Setup: https://acme.my.salesforce-setup.com/x');
    expect(lines).toContain('  - DNS: skipped: --offline');
    expect(lines).toContain('  ☠ TLS: crashed: this is a bug in sfjwt, please report it');
    expect(lines).toContain('Diagnosis (most likely first)');
    expect(lines).toContain('1 passed, 1 warning, 1 failed, 1 crashed, 1 skipped (5 checks)');
    expect(lines.at(-1)).toMatch(/A check crashed: this is a bug in sfjwt/);
    // Details only with --verbose.
    expect(text).not.toContain('mode 0644');
    expect(renderReport(REPORT, { ...plain, verbose: true })).toContain('mode 0644');
  });

  it('names the next command: --fix when an automatic fix exists, a re-run otherwise, export when all is well', () => {
    const noCrash = { ...REPORT, checks: REPORT.checks.filter((c) => c.status !== 'crash') };
    expect(renderReport(noCrash, plain).split('\n').at(-1)).toBe('Run `sfjwt doctor -a acme --fix` to apply 1 automatic fix, then fix the rest by hand.');
    const manual = { ...noCrash, checks: noCrash.checks.filter((c) => c.id !== 'key-permissions') };
    expect(renderReport(manual, plain).split('\n').at(-1)).toBe('Re-run `sfjwt doctor -a acme` after fixing.');
    const good = { ...manual, checks: manual.checks.filter((c) => c.status === 'pass'), working: { loginUrl: 'https://acme.my.salesforce.com', audience: 'https://acme.my.salesforce.com' } };
    expect(renderReport(good, plain).split('\n').at(-1)).toBe('All good. Next: `sfjwt export --format sf -a acme` (or `sfjwt token -a acme`).');
  });

  it('summary line in the house wording', () => {
    expect(renderSummaryLine({ pass: 7, warn: 1, fail: 1, skip: 0, crash: 0 })).toBe('7 passed, 1 warning, 1 failed (9 checks)');
    expect(renderSummaryLine({ pass: 1, warn: 0, fail: 0, skip: 0, crash: 0 })).toBe('1 passed (1 check)');
  });

  it('JSON: SPEC shape, fix always an object, no internal fields, the auto fix as a boolean', () => {
    const json = reportJson(REPORT) as any;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['summary', 'checks', 'attempts', 'working', 'diagnosis']));
    expect(json.summary).toEqual({ pass: 1, warn: 1, fail: 1, skip: 1, crash: 1 });
    expect(json.checks[0]).toEqual({
      id: 'key-file',
      title: 'Private key file',
      category: 'key',
      status: 'pass',
      summary: '/k/server.key is readable',
      details: ['d1'],
      causes: [],
      fix: { hint: null, url: null, command: null, auto: false },
    });
    expect(json.checks[1]).toMatchObject({ code: 'key-permissions', fix: { hint: 'chmod it', url: null, command: 'chmod 600 /k/server.key', auto: true } });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('--all: one row per profile with status, counts and the top finding, then a count', () => {
    const table = renderAllTable(
      [
        { alias: 'acme', report: REPORT },
        { alias: 'ok', report: { ...REPORT, checks: [REPORT.checks[0]!], diagnosis: [] } },
      ],
      plain,
    );
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^ALIAS\s+STATUS\s+PASS WARN FAIL SKIP\s+TOP FINDING$/);
    expect(lines[1]).toMatch(/^acme\s+☠ crash\s+1\s+1\s+2\s+1\s+key-permissions: readable by everyone$/);
    expect(lines[2]).toMatch(/^ok\s+✔ pass\s+1\s+0\s+0\s+0\s+-$/);
    expect(lines).toContain('2 profiles: 1 ok, 0 with warnings, 1 failing.');
  });
});

describe('cancellation', () => {
  it('Ctrl-C during a check propagates instead of being reported as a crash', async () => {
    const controller = new AbortController();
    const settings = settingsFrom({});
    const deps = { ...testDeps(), signal: controller.signal };
    const context: CheckContext = { deps, settings, memo: createMemo(settings, deps, shared()) };
    const check = fake('waits', async () => {
      controller.abort();
      throw new Error('aborted');
    });
    await expect(runChecks([check], context, { offline: true })).rejects.toThrow('aborted');
  });
});
