/**
 * Starts the CLI: picks the bundle for the command (dist/sfjwt-<command>.cjs, or dist/sfjwt.cjs
 * with every command) and runs it through a V8 code cache.
 *
 * Compiling the bundle on every start costs more than the rest of `sfjwt verify` (SPEC §9), and
 * Node 20 has no compile cache of its own (module.enableCompileCache arrived in 22.1). So the
 * bundle is compiled with vm.Script, and the code V8 compiled during a run is saved for the next
 * one: per user, per bundle build and per Node version and flags. Anything wrong with the cache
 * (missing, stale, rejected by V8, unwritable, not ours) only means compiling as before; it never
 * stops the CLI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { commandWordsIn } from './command-names.js';
import { homedirFrom } from './home-dir.js';

const SUFFIX = '.v8cache';
const CACHE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

export interface CacheHost {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homedir(): string;
  /** undefined on Windows, which has no uid. */
  uid: number | undefined;
}

const realHost = (): CacheHost => ({
  env: process.env,
  platform: process.platform,
  homedir: () => homedirFrom(process.env, process.platform, () => os.homedir()),
  uid: process.getuid?.(),
});

/**
 * The bundle to run for this argv. Only a command whose name is a word of argv can run, so: the
 * command's own bundle when argv names one; sfjwt-base.cjs, which has the program but no command,
 * when it names none (help, a typo); sfjwt.cjs with every command when it names several.
 */
export function bundleFileFor(argv: readonly string[]): string {
  const named = commandWordsIn(argv);
  if (named.size === 0) return 'sfjwt-base.cjs';
  return named.size === 1 ? `sfjwt-${[...named][0]}.cjs` : 'sfjwt.cjs';
}

/**
 * The user's cache folder for sfjwt, or undefined when caching is switched off or there is no
 * absolute place for it (no home directory: never a relative folder in the current directory).
 */
export function compileCacheDir(host: Pick<CacheHost, 'env' | 'platform' | 'homedir'>): string | undefined {
  const { env } = host;
  if (env.SFJWT_NO_COMPILE_CACHE || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const isAbsolute = host.platform === 'win32' ? path.win32.isAbsolute : path.posix.isAbsolute;
  const absolute = (dir: string | undefined) => (dir && isAbsolute(dir) ? dir : undefined);
  if (env.SFJWT_CACHE_DIR) return absolute(env.SFJWT_CACHE_DIR);
  let home: string | undefined;
  try {
    home = absolute(host.homedir());
  } catch {
    home = undefined;
  }
  const under = (base: string | undefined, ...parts: string[]) => (base ? path.join(base, ...parts) : undefined);
  if (host.platform === 'win32') return under(absolute(env.LOCALAPPDATA) ?? under(home, 'AppData', 'Local'), 'sfjwt', 'Cache');
  if (host.platform === 'darwin') return under(home, 'Library', 'Caches', 'sfjwt');
  return under(absolute(env.XDG_CACHE_HOME) ?? under(home, '.cache'), 'sfjwt');
}

/** FNV-1a: a short stable tag for the Node flags (V8 rejects a cache made under other flags). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/** What the cache file name starts with for this Node: its V8, CPU and flags. */
function cachePrefix(env: NodeJS.ProcessEnv): string {
  return `${process.versions.v8}-${process.arch}-${hash(`${process.execArgv.join(' ')}|${env.NODE_OPTIONS ?? ''}`)}-`;
}

/** The first line build.mjs writes into each bundle: a hash of the rest of it. */
const BUILD_STAMP = /^\/\/ sfjwt-build ([0-9a-z]+)\n/;

/**
 * What the bundle is, by content: V8 checks a cache only against the source's length, and npm
 * gives every installed file the same mtime, so neither could tell two builds apart. The build's
 * stamp costs nothing to read; an unstamped bundle is hashed here.
 */
export function bundleIdOf(source: string): string {
  return BUILD_STAMP.exec(source.slice(0, 64))?.[1] ?? hash(source);
}

/**
 * `<v8>-<arch>-<flags>-<bundle>-<id>.v8cache`: another Node, other flags or another build of the
 * bundle each get their own file, so alternating between them does not keep rewriting one.
 */
export function cacheFileName(bundlePath: string, bundleId: string, env: NodeJS.ProcessEnv): string {
  return `${cachePrefix(env)}${path.basename(bundlePath, '.cjs')}-${bundleId}${SUFFIX}`;
}

/** Only a folder of ours that nobody else can write to: a planted cache would be planted code. */
function isPrivateDir(dir: string, uid: number | undefined): boolean {
  try {
    const stat = fs.statSync(dir);
    return stat.isDirectory() && (uid === undefined || (stat.uid === uid && (stat.mode & 0o022) === 0));
  } catch {
    return false;
  }
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

export type CacheState = 'off' | 'hit' | 'miss' | 'rejected';

export interface LoadedBundle {
  exports: Record<string, unknown>;
  cache: CacheState;
  /** Writes the cache when this run could not use one; call it once the command has run. */
  saveCache(): void;
}

/**
 * Loads a CommonJS bundle the way require() would, with its compiled code cached between runs.
 * `requireFn` serves the bundle's own require() calls: Node built-ins and, by absolute path, the
 * vendored bundles (build.mjs), so the caller's require does (no node:module to load for one).
 */
export function loadBundle(bundlePath: string, requireFn: NodeJS.Require, host: CacheHost = realHost()): LoadedBundle {
  const source = fs.readFileSync(bundlePath, 'utf8');
  const dir = compileCacheDir(host);
  const cacheFile = dir === undefined ? undefined : path.join(dir, cacheFileName(bundlePath, bundleIdOf(source), host.env));
  const cachedData = cacheFile && isPrivateDir(dir!, host.uid) ? readIfPresent(cacheFile) : undefined;
  // The same wrapper as Node's CommonJS loader, so the bundle sees exports, require, module…
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundlePath,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, requireFn, module, bundlePath, path.dirname(bundlePath));
  const cache: CacheState = dir === undefined ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  let saved = false;
  return {
    exports: module.exports,
    cache,
    saveCache() {
      if (saved || !cacheFile || cache === 'hit' || cache === 'off') return;
      saved = true;
      writeCache(cacheFile, script.createCachedData(), host);
    },
  };
}

/** Atomic (temp file + rename), 0600 in a 0700 folder; older caches of the same bundle go. */
function writeCache(file: string, data: Buffer, host: CacheHost): void {
  const dir = path.dirname(file);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isPrivateDir(dir, host.uid)) return;
    fs.writeFileSync(temp, data, { mode: 0o600 });
    fs.renameSync(temp, file);
    // <prefix><bundle>-<id>.v8cache: same prefix and bundle, another build → stale; so is the temp
    // file of a save that died more than a minute ago, and any cache (another Node's, other flags')
    // not rewritten for 30 days: an old one still in use costs one compile to make again.
    const name = path.basename(file);
    const sameBundle = name.slice(0, name.lastIndexOf('-') + 1);
    const now = Date.now();
    for (const other of fs.readdirSync(dir)) {
      if (other === name || !/\.v8cache(\.\d+\.tmp)?$/.test(other)) continue;
      const otherFile = path.join(dir, other);
      const age = now - fs.statSync(otherFile).mtimeMs;
      const rest = other.startsWith(sameBundle) ? other.slice(sameBundle.length) : '';
      const stale =
        /^[0-9a-z]+\.v8cache$/.test(rest) || (other.endsWith('.tmp') && age > 60_000) || age > CACHE_MAX_AGE_MS;
      if (stale) fs.rmSync(otherFile, { force: true });
    }
  } catch {
    // A cache is an optimisation: a read-only home or a full disk must not fail the command.
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // nothing more to do
    }
  }
}

/** bin/sfjwt.cjs → here: load the command's bundle, run it, save the cache as the process ends. */
export function launch(distDir: string, argv: string[], requireFn: NodeJS.Require): void {
  let bundle: LoadedBundle;
  try {
    bundle = loadBundle(path.join(distDir, bundleFileFor(argv)), requireFn);
  } catch (error) {
    process.stderr.write(`sfjwt: cannot start (${(error as Error)?.message ?? String(error)}); run \`npm run build\` first\n`);
    process.exitCode = 1;
    return;
  }
  process.once('exit', () => bundle.saveCache());
  (bundle.exports.main as (argv: string[]) => Promise<void>)(argv);
}
