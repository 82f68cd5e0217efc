import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
const COMMANDS = path.join(SRC, 'commands');
// Only the command layer itself and the program that wires it up may reach into commands/.
const ALLOWED = [COMMANDS + path.sep, path.join(SRC, 'cli.ts')];

/** Static `from '…'`, side-effect `import '…'` and dynamic `import('…')` specifiers. */
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

function commandImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const [, specifier] of text.matchAll(SPECIFIER)) {
    const target = path.resolve(path.dirname(file), specifier!);
    if (target === COMMANDS || target.startsWith(COMMANDS + path.sep)) found.push(specifier!);
  }
  return found;
}

describe('layering', () => {
  it('the scan sees static, dynamic and type-only imports of commands/', () => {
    const file = path.join(SRC, 'wizard/steps/key.ts');
    const text = [
      "import { a } from '../../commands/cert-generate.js';",
      "import type { B } from '../../commands/verify.js';",
      "const m = await import('../../commands/token.js');",
      "import { c } from '../../certs/generate.js';",
    ].join('\n');
    expect(commandImports(file, text)).toEqual(['../../commands/cert-generate.js', '../../commands/verify.js', '../../commands/token.js']);
  });

  it('no module below the command layer imports from src/commands/', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      if (ALLOWED.some((allowed) => file === allowed || file.startsWith(allowed))) continue;
      const text = await fs.readFile(file, 'utf8');
      for (const specifier of commandImports(file, text)) offenders.push(`${path.relative(SRC, file)} → ${specifier}`);
    }
    expect(offenders).toEqual([]);
  });
});
