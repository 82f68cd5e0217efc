import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleFileFor, bundleIdOf, cacheFileName, compileCacheDir, loadBundle, type CacheHost } from '../../src/launch.js';
import { homedirFrom } from '../../src/home-dir.js';

const requireFn = createRequire(import.meta.url);
const POSIX = process.platform !== 'win32' && typeof process.getuid === 'function';

/** A small CommonJS bundle that reports what the loader handed it. */
const bundleSource = (tag: string) => `'use strict';
const path = require('node:path');
module.exports.answer = path.basename(__filename);
exports.dir = __dirname;
exports.filename = __filename;
exports.sameExports = this === exports && module.exports === exports;
exports.requireIsGiven = typeof require === 'function' && typeof require('node:os').homedir === 'function';
exports.tag = ${JSON.stringify(tag)};
exports.main = function main(argv) { return 'ran ' + exports.tag + ' ' + argv.join(' '); };
`;

let tmp: string;
let bundles: string;
let cacheDir: string;

const hostFor = (env: NodeJS.ProcessEnv = { SFJWT_CACHE_DIR: cacheDir }): CacheHost => ({
  env,
  platform: process.platform,
  homedir: () => tmp,
  uid: process.getuid?.(),
});

function writeBundle(name: string, tag = 'one'): string {
  const file = path.join(bundles, name);
  fs.writeFileSync(file, bundleSource(tag));
  return file;
}

/** The exact cache file loadBundle uses for this bundle as it is now. */
const cachePathOf = (bundle: string, env: NodeJS.ProcessEnv = { SFJWT_CACHE_DIR: cacheDir }) =>
  path.join(cacheDir, cacheFileName(bundle, bundleIdOf(fs.readFileSync(bundle, 'utf8')), env));

const cacheFiles = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).sort() : []);
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sfjwt-launch-'));
  bundles = path.join(tmp, 'dist');
  fs.mkdirSync(bundles);
  // Not created yet: the first save makes it (0700).
  cacheDir = path.join(tmp, 'cache', 'sfjwt');
});

afterEach(() => {
  // A test may leave a folder read-only or world-writable; make it removable again.
  for (const dir of [tmp, path.join(tmp, 'cache'), cacheDir]) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch {
      // not there
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('bundleFileFor', () => {
  it("picks the command's own bundle when argv names exactly one command", () => {
    expect(bundleFileFor(['verify', '--json'])).toBe('sfjwt-verify.cjs');
    expect(bundleFileFor(['-a', 'x', 'cert', 'show'])).toBe('sfjwt-cert.cjs');
    expect(bundleFileFor(['doctor'])).toBe('sfjwt-doctor.cjs');
    expect(bundleFileFor(['--json', 'token', '--profile', 'acme'])).toBe('sfjwt-token.cjs');
    // The same name twice is still one command.
    expect(bundleFileFor(['export', 'export'])).toBe('sfjwt-export.cjs');
  });

  it('runs the base bundle (the program, no command) when argv names no command: help, typos', () => {
    expect(bundleFileFor([])).toBe('sfjwt-base.cjs');
    expect(bundleFileFor(['--help'])).toBe('sfjwt-base.cjs');
    expect(bundleFileFor(['help'])).toBe('sfjwt-base.cjs');
    expect(bundleFileFor(['verfy'])).toBe('sfjwt-base.cjs');
  });

  it("runs the one command's bundle even when 'help' is a word of argv (help verify, doctor --error help)", () => {
    expect(bundleFileFor(['help', 'verify'])).toBe('sfjwt-verify.cjs');
    expect(bundleFileFor(['verify', 'help'])).toBe('sfjwt-verify.cjs');
    expect(bundleFileFor(['doctor', '--error', 'help'])).toBe('sfjwt-doctor.cjs');
  });

  it('runs the full bundle when argv names more than one command', () => {
    expect(bundleFileFor(['doctor', '--error', 'verify'])).toBe('sfjwt.cjs');
    expect(bundleFileFor(['profiles', 'default', 'verify'])).toBe('sfjwt.cjs');
  });

  it('reads a global option value named like a command as the value it is', () => {
    expect(bundleFileFor(['-a', 'verify', 'doctor'])).toBe('sfjwt-doctor.cjs');
    expect(bundleFileFor(['--config-dir', 'cert'])).toBe('sfjwt-base.cjs');
  });

  it('matches command names exactly (no prefixes, no case folding)', () => {
    expect(bundleFileFor(['VERIFY'])).toBe('sfjwt-base.cjs');
    expect(bundleFileFor(['--verify'])).toBe('sfjwt-base.cjs');
    expect(bundleFileFor(['ver'])).toBe('sfjwt-base.cjs');
  });
});

describe('homedirFrom (os.homedir() without loading node:os)', () => {
  const fallback = () => '/from/os';
  it('is $HOME on Linux and macOS, as os.homedir() reads it', () => {
    expect(homedirFrom({ HOME: '/home/ana' }, 'linux', fallback)).toBe('/home/ana');
    expect(homedirFrom({ HOME: '/Users/ana' }, 'darwin', fallback)).toBe('/Users/ana');
  });
  it('asks os.homedir() when HOME is unset or empty, and always on Windows (USERPROFILE)', () => {
    expect(homedirFrom({}, 'linux', fallback)).toBe('/from/os');
    expect(homedirFrom({ HOME: '' }, 'linux', fallback)).toBe('/from/os');
    expect(homedirFrom({ HOME: 'C:\\msys\\home' }, 'win32', fallback)).toBe('/from/os');
  });
});

describe('compileCacheDir', () => {
  const home = path.join(path.sep, 'home', 'u');
  const host = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}) => ({ env, platform, homedir: () => home });

  it('is switched off by SFJWT_NO_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE, even with SFJWT_CACHE_DIR', () => {
    expect(compileCacheDir(host('linux', { SFJWT_NO_COMPILE_CACHE: '1' }))).toBeUndefined();
    expect(compileCacheDir(host('linux', { NODE_DISABLE_COMPILE_CACHE: '1' }))).toBeUndefined();
    expect(compileCacheDir(host('linux', { SFJWT_NO_COMPILE_CACHE: '1', SFJWT_CACHE_DIR: '/c' }))).toBeUndefined();
    expect(compileCacheDir(host('darwin', { NODE_DISABLE_COMPILE_CACHE: 'true', SFJWT_CACHE_DIR: '/c' }))).toBeUndefined();
    expect(compileCacheDir(host('win32', { SFJWT_NO_COMPILE_CACHE: '1', LOCALAPPDATA: 'C:\\L' }))).toBeUndefined();
  });

  it('treats an empty switch as not set', () => {
    expect(compileCacheDir(host('linux', { SFJWT_NO_COMPILE_CACHE: '', SFJWT_CACHE_DIR: '/c' }))).toBe('/c');
  });

  it('uses SFJWT_CACHE_DIR as given on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(compileCacheDir(host(platform, { SFJWT_CACHE_DIR: '/my/cache', XDG_CACHE_HOME: '/x', LOCALAPPDATA: '/l' }))).toBe('/my/cache');
    }
  });

  it('on Linux uses $XDG_CACHE_HOME/sfjwt, else ~/.cache/sfjwt', () => {
    expect(compileCacheDir(host('linux', { XDG_CACHE_HOME: '/xdg' }))).toBe(path.join('/xdg', 'sfjwt'));
    expect(compileCacheDir(host('linux'))).toBe(path.join(home, '.cache', 'sfjwt'));
    expect(compileCacheDir(host('linux', { XDG_CACHE_HOME: '' }))).toBe(path.join(home, '.cache', 'sfjwt'));
    expect(compileCacheDir(host('freebsd'))).toBe(path.join(home, '.cache', 'sfjwt'));
  });

  it('on macOS uses ~/Library/Caches/sfjwt (not XDG)', () => {
    expect(compileCacheDir(host('darwin'))).toBe(path.join(home, 'Library', 'Caches', 'sfjwt'));
    expect(compileCacheDir(host('darwin', { XDG_CACHE_HOME: '/xdg' }))).toBe(path.join(home, 'Library', 'Caches', 'sfjwt'));
  });

  it('on Windows uses %LOCALAPPDATA%\\sfjwt\\Cache, else ~\\AppData\\Local\\sfjwt\\Cache', () => {
    expect(compileCacheDir(host('win32', { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }))).toBe(
      path.join('C:\\Users\\u\\AppData\\Local', 'sfjwt', 'Cache'),
    );
    expect(compileCacheDir(host('win32'))).toBe(path.join(home, 'AppData', 'Local', 'sfjwt', 'Cache'));
  });

  it('never picks a relative folder: no home directory or relative variables mean no cache', () => {
    const noHome = { env: {}, platform: 'linux' as NodeJS.Platform, homedir: () => '' };
    expect(compileCacheDir(noHome)).toBeUndefined();
    expect(compileCacheDir({ ...noHome, homedir: () => { throw new Error('no passwd entry'); } })).toBeUndefined();
    expect(compileCacheDir({ ...noHome, env: { XDG_CACHE_HOME: 'relative/cache' } })).toBeUndefined();
    expect(compileCacheDir({ ...noHome, env: { SFJWT_CACHE_DIR: 'cache' } })).toBeUndefined();
    expect(compileCacheDir({ env: { XDG_CACHE_HOME: 'relative' }, platform: 'linux', homedir: () => '/home/u' })).toBe(path.join('/home/u', '.cache', 'sfjwt'));
  });
});

describe('bundleIdOf', () => {
  it("reads the build's stamp from the first line without hashing", () => {
    expect(bundleIdOf('// sfjwt-build 0bf9fdef19f9d829\nexports.a = 1;')).toBe('0bf9fdef19f9d829');
  });

  it('hashes an unstamped bundle by content: same length, other content, other id', () => {
    const a = bundleIdOf('exports.v = 1;');
    expect(bundleIdOf('exports.v = 1;')).toBe(a);
    expect(bundleIdOf('exports.v = 2;')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-z]+$/);
  });
});

describe('cacheFileName', () => {
  const id = '0bf9fdef19f9d829';

  it('names the bundle and its build id, and ends with .v8cache', () => {
    const name = cacheFileName('/opt/sfjwt/dist/sfjwt-verify.cjs', id, {});
    expect(name.endsWith(`-sfjwt-verify-${id}.v8cache`)).toBe(true);
    expect(name).not.toContain(path.sep === '/' ? '/' : '\\');
    expect(name).not.toContain('.cjs');
  });

  it('starts with the V8 version and CPU architecture of this Node', () => {
    expect(cacheFileName('/d/sfjwt.cjs', id, {}).startsWith(`${process.versions.v8}-${process.arch}-`)).toBe(true);
  });

  it('is stable for the same inputs', () => {
    expect(cacheFileName('/d/sfjwt.cjs', id, { NODE_OPTIONS: '--x' })).toBe(cacheFileName('/other/sfjwt.cjs', id, { NODE_OPTIONS: '--x' }));
  });

  it('differs when NODE_OPTIONS differs (V8 rejects a cache made under other flags)', () => {
    const plain = cacheFileName('/d/sfjwt.cjs', id, {});
    const flagged = cacheFileName('/d/sfjwt.cjs', id, { NODE_OPTIONS: '--max-old-space-size=4096' });
    const other = cacheFileName('/d/sfjwt.cjs', id, { NODE_OPTIONS: '--max-old-space-size=2048' });
    expect(new Set([plain, flagged, other]).size).toBe(3);
    // Only the flags tag changes.
    expect(flagged.endsWith(`-sfjwt-${id}.v8cache`)).toBe(true);
  });

  it('differs between bundles and between builds of one bundle', () => {
    const names = [cacheFileName('/d/sfjwt.cjs', id, {}), cacheFileName('/d/sfjwt-verify.cjs', id, {}), cacheFileName('/d/sfjwt.cjs', 'ffff', {})];
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('loadBundle', () => {
  it('runs the bundle like require() would: exports, module, require, __filename and __dirname', () => {
    const file = writeBundle('sfjwt-verify.cjs');
    const loaded = loadBundle(file, requireFn, hostFor());
    expect(loaded.exports.answer).toBe('sfjwt-verify.cjs');
    expect(loaded.exports.filename).toBe(file);
    expect(loaded.exports.dir).toBe(bundles);
    expect(loaded.exports.sameExports).toBe(true);
    expect(loaded.exports.requireIsGiven).toBe(true);
    expect((loaded.exports.main as (argv: string[]) => string)(['verify', '--json'])).toBe('ran one verify --json');
  });

  it('returns module.exports as replaced by the bundle', () => {
    const file = path.join(bundles, 'sfjwt.cjs');
    fs.writeFileSync(file, "module.exports = { replaced: require('node:path').sep };");
    expect(loadBundle(file, requireFn, hostFor()).exports).toEqual({ replaced: path.sep });
  });

  it('passes the given require to the bundle', () => {
    const file = path.join(bundles, 'sfjwt.cjs');
    fs.writeFileSync(file, "exports.got = require('anything');");
    const calls: string[] = [];
    const fakeRequire = Object.assign((id: string) => (calls.push(id), `module ${id}`), requireFn) as unknown as NodeJS.Require;
    expect(loadBundle(file, fakeRequire, hostFor()).exports.got).toBe('module anything');
    expect(calls).toEqual(['anything']);
  });

  it('throws for a missing bundle (launch reports it) and lets errors thrown by the bundle through', () => {
    expect(() => loadBundle(path.join(bundles, 'nope.cjs'), requireFn, hostFor())).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    const broken = path.join(bundles, 'sfjwt.cjs');
    fs.writeFileSync(broken, "throw new Error('boom from the bundle');");
    expect(() => loadBundle(broken, requireFn, hostFor())).toThrow('boom from the bundle');
    expect(cacheFiles()).toEqual([]);
  });

  it('first run is a miss; saveCache writes a private cache file in a private folder; the next run is a hit', () => {
    const file = writeBundle('sfjwt-verify.cjs');
    const first = loadBundle(file, requireFn, hostFor());
    expect(first.cache).toBe('miss');
    expect(fs.existsSync(cacheDir)).toBe(false);

    first.saveCache();
    const cacheFile = cachePathOf(file);
    expect(cacheFiles()).toEqual([path.basename(cacheFile)]);
    expect(fs.statSync(cacheFile).size).toBeGreaterThan(0);
    if (POSIX) {
      expect(modeOf(cacheFile)).toBe(0o600);
      expect(modeOf(cacheDir)).toBe(0o700);
    }

    const second = loadBundle(file, requireFn, hostFor());
    expect(second.cache).toBe('hit');
    expect(second.exports.answer).toBe('sfjwt-verify.cjs');
    expect(second.exports.dir).toBe(bundles);
    expect((second.exports.main as (argv: string[]) => string)(['verify'])).toBe('ran one verify');
  });

  it('writes once however often saveCache is called, and not at all after a hit', () => {
    const file = writeBundle('sfjwt.cjs');
    const first = loadBundle(file, requireFn, hostFor());
    first.saveCache();
    const cacheFile = cachePathOf(file);
    expect(fs.existsSync(cacheFile)).toBe(true);
    fs.rmSync(cacheFile);
    expect(() => first.saveCache()).not.toThrow();
    expect(fs.existsSync(cacheFile)).toBe(false);

    // Cache it again, then a hit must not rewrite it.
    loadBundle(file, requireFn, hostFor()).saveCache();
    const written = fs.readFileSync(cacheFile);
    const hit = loadBundle(file, requireFn, hostFor());
    expect(hit.cache).toBe('hit');
    fs.rmSync(cacheFile);
    hit.saveCache();
    expect(fs.existsSync(cacheFile)).toBe(false);
    expect(written.length).toBeGreaterThan(0);
  });

  it('a garbage cache file is rejected, the bundle still runs, and saveCache replaces it with a valid one', () => {
    const file = writeBundle('sfjwt-cert.cjs');
    const cacheFile = cachePathOf(file);
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const garbage = randomBytes(4096);
    fs.writeFileSync(cacheFile, garbage, { mode: 0o600 });

    const rejected = loadBundle(file, requireFn, hostFor());
    expect(rejected.cache).toBe('rejected');
    expect(rejected.exports.answer).toBe('sfjwt-cert.cjs');
    expect((rejected.exports.main as (argv: string[]) => string)(['cert'])).toBe('ran one cert');

    rejected.saveCache();
    expect(fs.readFileSync(cacheFile).equals(garbage)).toBe(false);
    expect(cacheFiles()).toEqual([path.basename(cacheFile)]); // no temp file left behind
    const next = loadBundle(file, requireFn, hostFor());
    expect(next.cache).toBe('hit');
    expect(next.exports.answer).toBe('sfjwt-cert.cjs');
  });

  it('an empty cache file is not used as a cache (a miss) and is replaced on save', () => {
    const file = writeBundle('sfjwt.cjs');
    const cacheFile = cachePathOf(file);
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(cacheFile, '', { mode: 0o600 });
    const loaded = loadBundle(file, requireFn, hostFor());
    expect(['miss', 'rejected']).toContain(loaded.cache);
    expect(loaded.exports.answer).toBe('sfjwt.cjs');
    loaded.saveCache();
    expect(fs.statSync(cacheFile).size).toBeGreaterThan(0);
    expect(loadBundle(file, requireFn, hostFor()).cache).toBe('hit');
  });

  it.skipIf(!POSIX)('does not use a group/world-writable cache folder: always a miss, nothing written', () => {
    const file = writeBundle('sfjwt-verify.cjs');
    // A valid cache made while the folder was private…
    loadBundle(file, requireFn, hostFor()).saveCache();
    const before = cacheFiles();
    expect(before).toHaveLength(1);
    // …is not trusted once others can write there (it could have been planted).
    fs.chmodSync(cacheDir, 0o777);
    const cacheFile = cachePathOf(file);
    fs.rmSync(cacheFile);
    for (let i = 0; i < 2; i += 1) {
      const loaded = loadBundle(file, requireFn, hostFor());
      expect(loaded.cache).toBe('miss');
      expect(loaded.exports.answer).toBe('sfjwt-verify.cjs');
      loaded.saveCache();
      expect(cacheFiles()).toEqual([]);
    }
    // The folder is left as it was, not "fixed" behind the user's back.
    expect(modeOf(cacheDir)).toBe(0o777);
  });

  it.skipIf(!POSIX)('does not read a valid cache from a world-writable folder', () => {
    const file = writeBundle('sfjwt.cjs');
    loadBundle(file, requireFn, hostFor()).saveCache();
    expect(loadBundle(file, requireFn, hostFor()).cache).toBe('hit');
    fs.chmodSync(cacheDir, 0o757);
    expect(loadBundle(file, requireFn, hostFor()).cache).toBe('miss');
    fs.chmodSync(cacheDir, 0o770);
    expect(loadBundle(file, requireFn, hostFor()).cache).toBe('miss');
    fs.chmodSync(cacheDir, 0o700);
    expect(loadBundle(file, requireFn, hostFor()).cache).toBe('hit');
  });

  it.skipIf(!POSIX)('does not use a cache folder owned by another user', () => {
    const file = writeBundle('sfjwt.cjs');
    loadBundle(file, requireFn, hostFor()).saveCache();
    const cacheFile = cachePathOf(file);
    const otherUser = { ...hostFor(), uid: process.getuid!() + 1 };
    expect(loadBundle(file, requireFn, otherUser).cache).toBe('miss');
    fs.rmSync(cacheFile);
    loadBundle(file, requireFn, otherUser).saveCache();
    expect(cacheFiles()).toEqual([]);
  });

  it('an unwritable cache location (a path under a regular file) still loads, and saving does not throw', () => {
    const file = writeBundle('sfjwt.cjs');
    const aFile = path.join(tmp, 'afile');
    fs.writeFileSync(aFile, 'not a folder');
    const host = hostFor({ SFJWT_CACHE_DIR: path.join(aFile, 'cache') });
    const loaded = loadBundle(file, requireFn, host);
    expect(loaded.cache).toBe('miss');
    expect(loaded.exports.answer).toBe('sfjwt.cjs');
    expect(() => loaded.saveCache()).not.toThrow();
    expect(fs.readFileSync(aFile, 'utf8')).toBe('not a folder');
    expect(fs.readdirSync(tmp).sort()).toEqual(['afile', 'dist']);
  });

  it.skipIf(!POSIX || process.getuid?.() === 0)('a read-only cache folder: loads, saving does not throw and leaves no temp file', () => {
    const file = writeBundle('sfjwt.cjs');
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(cacheDir, 0o500);
    const loaded = loadBundle(file, requireFn, hostFor());
    expect(loaded.cache).toBe('miss');
    expect(() => loaded.saveCache()).not.toThrow();
    expect(cacheFiles()).toEqual([]);
  });

  it('SFJWT_NO_COMPILE_CACHE: state off, the bundle runs, nothing is written', () => {
    const file = writeBundle('sfjwt.cjs');
    const host = hostFor({ SFJWT_CACHE_DIR: cacheDir, SFJWT_NO_COMPILE_CACHE: '1' });
    const loaded = loadBundle(file, requireFn, host);
    expect(loaded.cache).toBe('off');
    expect(loaded.exports.answer).toBe('sfjwt.cjs');
    loaded.saveCache();
    expect(fs.existsSync(cacheDir)).toBe(false);
    // Also with a usable cache present: it is not read.
    loadBundle(file, requireFn, hostFor()).saveCache();
    expect(loadBundle(file, requireFn, host).cache).toBe('off');
  });

  it('NODE_DISABLE_COMPILE_CACHE also switches it off', () => {
    const file = writeBundle('sfjwt.cjs');
    const loaded = loadBundle(file, requireFn, hostFor({ SFJWT_CACHE_DIR: cacheDir, NODE_DISABLE_COMPILE_CACHE: '1' }));
    expect(loaded.cache).toBe('off');
    loaded.saveCache();
    expect(fs.existsSync(cacheDir)).toBe(false);
  });

  it('a rebuilt bundle drops its stale cache but keeps the caches of other bundles and other Node flags', () => {
    const full = writeBundle('sfjwt.cjs', 'full');
    const verify = writeBundle('sfjwt-verify.cjs', 'verify');
    const flagged = { SFJWT_CACHE_DIR: cacheDir, NODE_OPTIONS: '--stack-size=900' };
    loadBundle(full, requireFn, hostFor()).saveCache();
    loadBundle(verify, requireFn, hostFor()).saveCache();
    loadBundle(full, requireFn, hostFor(flagged)).saveCache();
    const oldFull = path.basename(cachePathOf(full));
    const verifyCache = path.basename(cachePathOf(verify));
    const flaggedFull = path.basename(cachePathOf(full, flagged));
    expect(cacheFiles()).toEqual([oldFull, verifyCache, flaggedFull].sort());

    // Rebuild the full bundle: other content, other size, other mtime.
    fs.writeFileSync(full, `${bundleSource('full, rebuilt')}\nexports.rebuilt = true;\n`);
    const later = new Date(fs.statSync(verify).mtimeMs + 60_000);
    fs.utimesSync(full, later, later);
    const newFull = path.basename(cachePathOf(full));
    expect(newFull).not.toBe(oldFull);

    const rebuilt = loadBundle(full, requireFn, hostFor());
    expect(rebuilt.cache).toBe('miss');
    expect(rebuilt.exports.rebuilt).toBe(true);
    expect(rebuilt.exports.tag).toBe('full, rebuilt');
    rebuilt.saveCache();

    // The `sfjwt-` of the full bundle's name must not match sfjwt-verify's cache.
    expect(cacheFiles()).toEqual([newFull, verifyCache, flaggedFull].sort());
    expect(loadBundle(verify, requireFn, hostFor()).cache).toBe('hit');
    expect(loadBundle(full, requireFn, hostFor()).cache).toBe('hit');
  });

  it("a rebuilt command bundle drops only its own stale cache, not the full bundle's", () => {
    const full = writeBundle('sfjwt.cjs', 'full');
    const verify = writeBundle('sfjwt-verify.cjs', 'verify');
    loadBundle(full, requireFn, hostFor()).saveCache();
    loadBundle(verify, requireFn, hostFor()).saveCache();
    const fullCache = path.basename(cachePathOf(full));
    const oldVerify = path.basename(cachePathOf(verify));

    fs.writeFileSync(verify, `${bundleSource('verify 2')}\n// a longer build\n`);
    const later = new Date(fs.statSync(full).mtimeMs + 120_000);
    fs.utimesSync(verify, later, later);
    const loaded = loadBundle(verify, requireFn, hostFor());
    expect(loaded.cache).toBe('miss');
    loaded.saveCache();
    const newVerify = path.basename(cachePathOf(verify));
    expect(newVerify).not.toBe(oldVerify);
    expect(cacheFiles()).toEqual([fullCache, newVerify].sort());
  });

  it('leaves files in the cache folder that are not build caches of the same bundle', () => {
    const full = writeBundle('sfjwt.cjs');
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const prefix = cacheFileName(full, 'x', { SFJWT_CACHE_DIR: cacheDir }).replace(/sfjwt-x\.v8cache$/, '');
    const recentTemp = `${prefix}sfjwt-abc.v8cache.999.tmp`;
    const unrelated = ['README', `${prefix}sfjwt-notes.txt`, `${prefix}sfjwt-verify-1.v8cache`, `${prefix}sfjwt-x-1.v8cache`, recentTemp];
    for (const name of unrelated) fs.writeFileSync(path.join(cacheDir, name), 'keep me');
    const stale = `${prefix}sfjwt-1a2.v8cache`;
    fs.writeFileSync(path.join(cacheDir, stale), 'old build');
    // The temp file of a save that died long ago goes too; a recent one may still be in use.
    const deadTemp = `${prefix}sfjwt-abc.v8cache.998.tmp`;
    fs.writeFileSync(path.join(cacheDir, deadTemp), 'half written');
    const longAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(cacheDir, deadTemp), longAgo, longAgo);

    loadBundle(full, requireFn, hostFor()).saveCache();
    const files = cacheFiles();
    expect(files).not.toContain(stale);
    expect(files).not.toContain(deadTemp);
    for (const name of unrelated) expect(files).toContain(name);
    expect(files).toContain(path.basename(cachePathOf(full)));
  });

  it("drops any cache not rewritten for 30 days (another Node's, other flags'), and keeps recent ones and other files", () => {
    const full = writeBundle('sfjwt.cjs');
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const write = (name: string, daysOld: number) => {
      const file = path.join(cacheDir, name);
      fs.writeFileSync(file, 'x');
      const when = new Date(Date.now() - daysOld * 86_400_000);
      fs.utimesSync(file, when, when);
    };
    write('10.2.154.26-node.26-x64-abc-sfjwt-verify-0123.v8cache', 40);
    write('10.2.154.26-node.26-x64-abc-sfjwt-doctor-4567.v8cache', 1);
    write('notes.txt', 400);
    loadBundle(full, requireFn, hostFor()).saveCache();
    const files = cacheFiles();
    expect(files).not.toContain('10.2.154.26-node.26-x64-abc-sfjwt-verify-0123.v8cache');
    expect(files).toContain('10.2.154.26-node.26-x64-abc-sfjwt-doctor-4567.v8cache');
    expect(files).toContain('notes.txt');
    expect(files).toContain(path.basename(cachePathOf(full)));
  });

  // V8 checks a code cache against the source's length only, and npm installs every file with the
  // same fixed mtime: a same-length rebuild must still get a cache of its own.
  it('a same-size rebuild with the same mtime does not run the old compiled code', () => {
    const file = path.join(bundles, 'sfjwt.cjs');
    fs.writeFileSync(file, 'exports.v = 1; exports.f = function () { return "old"; };');
    const fixed = new Date('1985-10-26T08:15:00.000Z');
    fs.utimesSync(file, fixed, fixed);
    loadBundle(file, requireFn, hostFor()).saveCache();

    fs.writeFileSync(file, 'exports.v = 2; exports.f = function () { return "new"; };');
    fs.utimesSync(file, fixed, fixed);
    const loaded = loadBundle(file, requireFn, hostFor());
    expect(loaded.exports.v).toBe(2);
    expect((loaded.exports.f as () => string)()).toBe('new');
  });
});
