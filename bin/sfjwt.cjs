#!/usr/bin/env node
'use strict';
// A small CommonJS entry: `--version` answers without loading the ES module graph.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  import('../dist/bin.js').then(
    (m) => m.main(args),
    (error) => {
      process.stderr.write(`sfjwt: cannot start (${error && error.message}); run \`npm run build\` first\n`);
      process.exitCode = 1;
    },
  );
}
