import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/core/settings.js';
import { UsageError } from '../../../src/errors.js';
import { clearProgress, parseProgress, progressFile, readProgress, writeProgress } from '../../../src/store/progress.js';
import type { WizardContext } from '../../../src/wizard/context.js';
import { resolve, type ResolveSpec } from '../../../src/wizard/resolve.js';
import { withTempDir, modeOf } from '../../helpers/temp-dir.js';

function fakeCtx(over: { interactive?: boolean; yes?: boolean } = {}): WizardContext {
  const ui = { info: () => undefined, color: { dim: (s: string) => s } };
  return { ui, interactive: over.interactive ?? false, yes: over.yes ?? false, alias: 'x' } as unknown as WizardContext;
}

/** The flag or variable as core/settings.ts resolves it (flag first: tested there). */
const given = (env: Record<string, string>, flag?: string) => resolveSettings({ flags: { username: flag }, env, cwd: '/' }).username;

const upper = (raw: string, source: string) => {
  if (raw.includes(' ')) throw new UsageError(`bad value (${source})`, 'no spaces');
  return raw.toUpperCase();
};

function spec(over: Partial<ResolveSpec<string>> = {}, asked: string[] = []): ResolveSpec<string> {
  return { id: 'thing', what: 'thing', flag: '--thing', env: 'THING', parse: upper, ask: async () => (asked.push('asked'), 'prompted'), ...over };
}

describe('resolve(): flag or env (core/settings.ts) → stored → --yes default → prompt → fallback → usage error', () => {
  it('takes the first source that has a value', async () => {
    const all = { stored: 'STORED', yesDefault: 'YES', fallback: 'FALLBACK' };
    expect(await resolve(fakeCtx({ yes: true, interactive: true }), spec({ ...all, given: given({ SFJWT_USERNAME: 'env' }, 'flag') }))).toBe('FLAG');
    expect(await resolve(fakeCtx({ yes: true, interactive: true }), spec({ ...all, given: given({ SFJWT_USERNAME: 'env' }) }))).toBe('ENV');
    expect(await resolve(fakeCtx({ yes: true, interactive: true }), spec(all))).toBe('STORED');
    expect(await resolve(fakeCtx({ yes: true, interactive: true }), spec({ yesDefault: 'YES', fallback: 'F' }))).toBe('YES');
    const asked: string[] = [];
    expect(await resolve(fakeCtx({ interactive: true }), spec({ yesDefault: 'YES', fallback: 'F' }, asked))).toBe('PROMPTED');
    expect(asked).toEqual(['asked']);
    expect(await resolve(fakeCtx(), spec({ yesDefault: 'YES', fallback: 'F' }))).toBe('F');
  });

  it('non-interactive and nothing given: a usage error naming the flag and the variable (optional values are undefined)', async () => {
    await expect(resolve(fakeCtx(), spec())).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('missing value: thing'), hint: 'pass --thing <value> (or THING)' });
    expect(await resolve(fakeCtx(), { ...spec(), optional: true })).toBeUndefined();
  });

  it('a bad flag or env value is exit 2 even when interactive; the prompt gets a validator with the message', async () => {
    await expect(resolve(fakeCtx({ interactive: true }), spec({ given: given({}, 'a b') }))).rejects.toMatchObject({ exitCode: 2, message: 'bad value (--username)' });
    await expect(resolve(fakeCtx({ interactive: true }), spec({ given: given({ SFJWT_USERNAME: 'a b' }) }))).rejects.toMatchObject({ message: 'bad value (SFJWT_USERNAME)' });
    let seen: true | string = true;
    await resolve(fakeCtx({ interactive: true }), spec({ ask: async (_d, validate) => ((seen = validate('a b')), 'ok') }));
    // Two sentences: no nested parentheses.
    expect(seen).toBe('Bad value (answer). No spaces.');
  });
});

describe('wizard progress file', () => {
  it('is written 0600 under progress/<alias>.json, read back, and cleared', async () => {
    await withTempDir(async (dir) => {
      await writeProgress(dir, { schemaVersion: 1, alias: 'acme', completed: ['org', 'key'], answers: { loginUrl: 'https://acme.my.salesforce.com' }, generatedKeys: { keyPath: '/k', certPath: '/c' }, updatedAt: 'now' });
      const file = progressFile(dir, 'acme');
      expect(file).toBe(path.join(dir, 'progress', 'acme.json'));
      expect(await modeOf(file)).toBe(0o600);
      expect((await readProgress(dir, 'acme')).progress).toMatchObject({ completed: ['org', 'key'], generatedKeys: { keyPath: '/k', certPath: '/c' } });
      expect((await fs.readdir(path.join(dir, 'progress'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      await clearProgress(dir, 'acme');
      expect(await readProgress(dir, 'acme')).toEqual({});
    });
  });

  it('an unusable file is reported and treated as absent (never trusted)', async () => {
    expect(parseProgress('{', 'a')).toBeUndefined();
    expect(parseProgress(JSON.stringify({ schemaVersion: 1, alias: 'other', completed: [], answers: {} }), 'a')).toBeUndefined();
    expect(parseProgress(JSON.stringify({ schemaVersion: 1, alias: 'a', completed: [1], answers: {} }), 'a')).toBeUndefined();
    await withTempDir(async (dir) => {
      await fs.mkdir(path.join(dir, 'progress'));
      await fs.writeFile(path.join(dir, 'progress', 'a.json'), 'garbage');
      expect((await readProgress(dir, 'a')).problem).toMatch(/starting over/);
    });
  });
});
