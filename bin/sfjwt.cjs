#!/usr/bin/env node
'use strict';
// The installed command. `--version` answers from package.json alone; everything else starts the
// bundle in dist/ with Node's own compile cache (module.enableCompileCache, Node 22.1+) switched on.
const path = require('node:path');

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  enableCompileCache();
  import('../dist/sfjwt.js').then(
    ({ main }) => main(args),
    (error) => {
      process.stderr.write(`sfjwt: cannot start (${error && error.message}); run \`npm run build\` first\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * Node keeps the code it compiled for the next start: in NODE_COMPILE_CACHE when the user set it,
 * else in a folder of sfjwt's that only this user can write (never a shared temp folder: a cache
 * there could be planted by another user). Nothing here may stop the CLI: no cache just means
 * compiling as before.
 */
function enableCompileCache() {
  const { enableCompileCache: enable } = require('node:module');
  if (!enable || process.env.NODE_DISABLE_COMPILE_CACHE || process.env.NODE_COMPILE_CACHE) return;
  try {
    const dir = privateCacheDir();
    if (dir) enable(dir);
  } catch {
    // A read-only home, a full disk: start without the cache.
  }
}

function privateCacheDir() {
  const fs = require('node:fs');
  const { env } = process;
  const base =
    process.platform === 'win32'
      ? env.LOCALAPPDATA
      : env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)
        ? env.XDG_CACHE_HOME
        : path.join(require('node:os').homedir(), '.cache');
  if (!base || !path.isAbsolute(base)) return undefined;
  const dir = path.join(base, 'sfjwt', 'compile-cache');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return dir;
  // Only a folder of our own that nobody else can write into.
  const stat = fs.lstatSync(dir);
  const ours = stat.isDirectory() && stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
  return ours ? dir : undefined;
}
