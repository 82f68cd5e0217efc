#!/usr/bin/env node
'use strict';
// A small CommonJS entry: `--version` answers without loading anything; everything else starts the
// command's bundle through dist/launch.cjs, which keeps V8's compiled code between runs (src/launch.ts).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  let launch;
  try {
    // Compiled here rather than require()d: the module resolver's work (a package.json lookup
    // among it) costs more than this file's own start-up.
    const dist = `${__dirname}/../dist`;
    const file = `${dist}/launch.cjs`;
    const launcher = { exports: {} };
    const params = ['exports', 'require', 'module', '__filename', '__dirname'];
    require('node:vm').compileFunction(require('node:fs').readFileSync(file, 'utf8'), params, { filename: file })(launcher.exports, require, launcher, file, dist);
    launch = launcher.exports.launch;
  } catch (error) {
    process.stderr.write(`sfjwt: cannot start (${error && error.message}); run \`npm run build\` first\n`);
    process.exitCode = 1;
  }
  if (launch) launch(`${__dirname}/../dist`, args, require);
}
