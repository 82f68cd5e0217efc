// Bundles dist/ with esbuild: a few files instead of dozens of small ES modules, because Node 20
// pays a few milliseconds per module at start-up (SPEC §9 start-up and verify budgets).
// Commands stay separate chunks (lazy `import()`), so --help and --version load none of them.
// tsc compiles src/ to .build/ first (type-checked); esbuild bundles that JavaScript, so the lazy
// `import(\`./commands/${file}.js\`)` in cli.ts matches real .js files and each command becomes a chunk.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

fs.rmSync('.build', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', '.build'], { stdio: 'inherit' });
fs.rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: {
    bin: '.build/bin.js',
    // Public entry points used by the benches and by people embedding the emulator.
    'emulator/index': '.build/emulator/index.js',
    'crypto/keys': '.build/crypto/keys.js',
    'crypto/cert': '.build/crypto/cert.js',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies are bundled too: resolving packages is the slowest part of Node 20's ESM loader.
  external: ['node-pty'],
  // Bundled CommonJS packages (commander, node-forge) call require() for Node built-ins.
  banner: { js: "import { createRequire as __sfjwtRequire } from 'node:module'; const require = __sfjwtRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  minify: true,
  logLevel: 'warning',
});
