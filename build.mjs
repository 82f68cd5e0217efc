// Builds dist/: tsc type-checks src/, then esbuild bundles our own code as ES modules.
//
// Dependencies stay in node_modules (packages: 'external'), so `npm audit` and `npm update` reach
// users without a rebuild of sfjwt. Each `import()` in src/ becomes a chunk of its own, loaded when a
// command first needs it. Entry points: dist/sfjwt.js (the CLI, started by bin/sfjwt.cjs) and
// dist/emulator/index.js (the emulator as a library, for users' own tests and the bench).
// SFJWT_NO_MINIFY=1 keeps names readable for profiling.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const { version } = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noEmit'], { stdio: 'inherit' });

fs.rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { sfjwt: 'src/bin.ts', 'emulator/index': 'src/emulator/index.ts' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  minify: !process.env.SFJWT_NO_MINIFY,
  define: { __SFJWT_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
