// A production install brings exactly the packages the built CLI loads (SPEC §9): every runtime
// dependency is imported by dist/ from node_modules, and dist/ imports nothing it does not declare.
// (build.mjs bundles none of them: a security fix in one reaches users with `npm update`.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const dist = path.join(ROOT, 'dist');
const files = (fs.readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => path.join(dist, f));
const source = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** Bare specifiers of `import … from "x"` and `import("x")`, reduced to package names. */
function importedPackages(code: string): Set<string> {
  const names = new Set<string>();
  for (const [, specifier] of code.matchAll(/(?:\bfrom|\bimport\()\s*"((?:@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*(?:\/[^"]*)?)"/g)) {
    if (specifier!.startsWith('node:')) continue;
    names.add(specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!);
  }
  return names;
}

describe('dist/ and the runtime dependencies', () => {
  it('dist/ loads every declared dependency, and nothing undeclared', () => {
    expect([...importedPackages(source)].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });
});
