import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set by the build (build.mjs) so the bundle never has to look; undefined under vitest. */
declare const __SFJWT_VERSION__: string | undefined;

let root: string | undefined;

/**
 * The package's own folder (holding package.json, bin/ and templates/), found by walking up from
 * this module: src/ under vitest, .build/ after tsc, or the bundle in dist/.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; ) {
    if (isOurPackage(path.join(dir, 'package.json'))) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the sfjwt package folder (reinstall sfjwt)');
    dir = parent;
  }
}

function isOurPackage(file: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name === 'sfjwt';
  } catch {
    return false;
  }
}

export function packageVersion(): string {
  if (typeof __SFJWT_VERSION__ === 'string') return __SFJWT_VERSION__;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
