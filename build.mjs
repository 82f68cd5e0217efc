// Builds dist/ with esbuild after tsc has type-checked src/ into .build/.
//
// The CLI is CommonJS bundles of our code and commander: dist/sfjwt-<command>.cjs for each command
// and dist/sfjwt.cjs with all of them, started by dist/launch.cjs through a V8 code cache
// (src/launch.ts). Node 20 pays a few milliseconds per ES module and compiles every start afresh,
// which alone would break SPEC §9's start-up and verify budgets. Large dependencies that only some
// commands need (node-forge for PKCS#12, the prompts, undici behind a proxy, open) are separate
// bundles in dist/vendor/, required on first use. The library entry points (the emulator, key and
// certificate generation) stay ES modules. SFJWT_NO_MINIFY=1 keeps names readable for profiling.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const { version } = JSON.parse(fs.readFileSync('package.json', 'utf8'));

fs.rmSync('.build', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', '.build'], { stdio: 'inherit' });
fs.rmSync('dist', { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', minify: !process.env.SFJWT_NO_MINIFY, sourcemap: false, logLevel: 'warning' };

/** Each vendored package: how its bundle re-exports it (CommonJS as is, ES modules by name). */
const VENDORED = {
  'node-forge': "module.exports = require('node-forge');",
  undici: "module.exports = require('undici');",
  '@inquirer/prompts': "export * from '@inquirer/prompts';",
  open: "export { default } from 'open';",
};
const vendorFile = (name) => `vendor/${name.replace(/^@/, '').replace('/', '-')}`;

const commonJs = {
  ...common,
  format: 'cjs',
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  // import() becomes require(): the launcher compiles the bundle as a script, which has no ES module loader.
  supported: { 'dynamic-import': false },
  // import.meta does not exist in CommonJS; a getter keeps the URL lazy.
  define: { 'import.meta.url': '__sfjwtMeta.url', __SFJWT_VERSION__: JSON.stringify(version) },
  banner: { js: "var __sfjwtMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
};

// Each vendored import becomes a require() of its bundle by absolute path (from the bundle's own
// folder), so the launcher can hand the bundle any require function (src/launch.ts).
const vendorExternals = {
  name: 'vendor-externals',
  setup(b) {
    const names = Object.keys(VENDORED).map((n) => n.replace(/[/@]/g, '\\$&'));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'vendor' }));
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
      contents: `module.exports = require(__dirname + ${JSON.stringify(`/${vendorFile(args.path)}.cjs`)});`,
      loader: 'js',
    }));
  },
};

/**
 * Built-ins loaded on first use rather than at start-up, where a start-up path never uses them:
 * commander requires node:child_process only to run executable subcommands (sfjwt has none); our
 * modules use node:fs/promises for writes and for reading FIFOs (reads of regular files are
 * synchronous, store/files.ts), and node:os for a home directory that $HOME already gives, a temp
 * folder or a host name. Each costs from a few tenths of a millisecond to milliseconds to load.
 * The stand-in is a Proxy that loads the real module when a property is first read: default and
 * named imports go through it; a namespace import (`import * as fs`) would see no properties, so
 * none is written that way.
 */
const LAZY_BUILTINS = [
  { module: 'child_process', importer: /[\\/]commander[\\/]/ },
  { module: 'fs/promises', importer: /[\\/]\.build[\\/]/ },
  { module: 'os', importer: /[\\/]\.build[\\/]/ },
];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(child_process|fs\/promises|os)$/ }, (args) => {
      const module = args.path.replace(/^node:/, '');
      const lazy = LAZY_BUILTINS.find((entry) => entry.module === module && entry.importer.test(args.importer));
      return lazy ? { path: module, namespace: 'lazy-builtin' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let real; module.exports = new Proxy({}, { get(_target, name) { real ??= require(${JSON.stringify(`node:${args.path}`)}); return real[name]; } });`,
      loader: 'js',
    }));
  },
};

/**
 * A bundle for one command leaves the other commands' modules out (a stub stands in): a smaller
 * bundle is less to read, deserialize and instantiate on every start. Command modules are named
 * <command>.js or <command>-<sub>.js (cert-generate.js…).
 */
const onlyCommand = (command) => ({
  name: 'only-command',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) => {
      const module = path.basename(args.path, '.js');
      if (!/[\\/]cli\.js$/.test(args.importer) || module === command || module.startsWith(`${command}-`)) return undefined;
      return { path: module, namespace: 'absent-command' };
    });
    b.onLoad({ filter: /.*/, namespace: 'absent-command' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`the ${command || 'base'} bundle has no ${args.path} command (reinstall sfjwt)`)});`,
      loader: 'js',
    }));
  },
});

// The launcher picks the bundle from the command names in argv (bundleFileFor in src/launch.ts).
const { COMMAND_NAMES } = await import('./.build/command-names.js');
const cliBundle = (name, plugins) =>
  build({ ...commonJs, entryPoints: { [name]: '.build/bin.js' }, external: ['node-pty'], plugins: [vendorExternals, lazyBuiltins, ...plugins] });

// sfjwt-base has the program (help, errors, suggestions) and no command module at all.
const cliBundles = ['sfjwt', 'sfjwt-base', ...COMMAND_NAMES.map((command) => `sfjwt-${command}`)];
const pluginsFor = (name) => (name === 'sfjwt' ? [] : [onlyCommand(name === 'sfjwt-base' ? '' : name.slice('sfjwt-'.length))]);
await Promise.all([
  ...cliBundles.map((name) => cliBundle(name, pluginsFor(name))),
  build({ ...commonJs, entryPoints: { launch: '.build/launch.js' }, plugins: [lazyBuiltins] }),
  ...Object.entries(VENDORED).map(([name, contents]) =>
    build({ ...commonJs, stdin: { contents, resolveDir: '.', loader: 'js' }, outfile: `dist/${vendorFile(name)}.cjs`, outdir: undefined, outExtension: undefined }),
  ),
  build({
    ...common,
    entryPoints: { 'emulator/index': '.build/emulator/index.js', 'crypto/keys': '.build/crypto/keys.js', 'crypto/cert': '.build/crypto/cert.js' },
    outdir: 'dist',
    splitting: true,
    format: 'esm',
    // Bundled CommonJS packages (node-forge) call require() for Node built-ins.
    banner: { js: "import { createRequire as __sfjwtRequire } from 'node:module'; const require = __sfjwtRequire(import.meta.url);" },
    chunkNames: 'chunks/[name]-[hash]',
  }),
]);

/**
 * esbuild's __toESM turns a CommonJS module (a Node built-in, commander) into an import namespace
 * by defining a getter for every property: node:fs alone has a hundred, and each importing module
 * gets its own copy. That is most of a millisecond per start. This one gives the same namespace by
 * delegation: the same `default`, the same live properties, at the cost of one object. (Only
 * enumerating the namespace's own keys would differ, which these bundles never do: `export *`
 * from a CommonJS module would, and only the vendored bundles, left as they are, have one.)
 */
const TO_ESM = [
  {
    helper: /([\w$]+)=\(([\w$]+),([\w$]+),([\w$]+)\)=>\(\4=\2!=null\?[\w$]+\([\w$]+\(\2\)\):\{\},[\w$]+\(\3\|\|!\2\|\|!\2\.__esModule\?[\w$]+\(\4,"default",\{value:\2,enumerable:!0\}\):\4,\2\)\)/,
    cheap: '$1=($2,$3)=>$2==null?{default:$2}:Object.create($2,$3||!$2.__esModule?{default:{value:$2,enumerable:!0}}:{})',
  },
  {
    helper: /var __toESM = \(mod, isNodeMode, target\) => \(target = [\s\S]*?\n\)\);/,
    cheap:
      'var __toESM = (mod, isNodeMode) => mod == null ? { default: mod } : Object.create(mod, isNodeMode || !mod.__esModule ? { default: { value: mod, enumerable: true } } : {});',
  },
];
function withCheapToEsm(file, source) {
  if (!source.includes('__esModule')) return source;
  const form = TO_ESM.find(({ helper }) => helper.test(source));
  if (!form) throw new Error(`${file}: esbuild's __toESM helper has changed; update TO_ESM in build.mjs`);
  return source.replace(form.helper, form.cheap);
}
fs.writeFileSync('dist/launch.cjs', withCheapToEsm('dist/launch.cjs', fs.readFileSync('dist/launch.cjs', 'utf8')));

// Stamp each CLI bundle with a hash of its content: the launcher names its code cache by it
// (npm gives every installed file the same mtime, so file dates cannot tell two builds apart).
for (const name of cliBundles) {
  const file = `dist/${name}.cjs`;
  const source = withCheapToEsm(file, fs.readFileSync(file, 'utf8'));
  const id = createHash('sha256').update(source).digest('hex').slice(0, 16);
  fs.writeFileSync(file, `// sfjwt-build ${id}\n${source}`);
}
