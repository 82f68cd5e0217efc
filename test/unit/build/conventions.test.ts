// build.mjs relies on two conventions of the source; these tests keep them true.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../../src/command-names.js';

const SRC = path.resolve(__dirname, '../../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

describe('source conventions the build depends on', () => {
  it('node:fs/promises, node:child_process and node:os are never namespace-imported (the lazy stand-ins have no own keys)', () => {
    const offenders = sourceFiles(SRC).filter((file) =>
      /import\s+\*\s+as\s+\w+\s+from\s+'node:(fs\/promises|child_process|os)'/.test(fs.readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it("every command module cli.ts loads is named after its command (<command>.js or <command>-<sub>.js)", () => {
    const cli = fs.readFileSync(path.join(SRC, 'cli.ts'), 'utf8');
    const modules = [...cli.matchAll(/import\('\.\/commands\/([a-z-]+)\.js'\)/g)].map((m) => m[1]!);
    expect(modules.length).toBeGreaterThanOrEqual(COMMAND_NAMES.length);
    for (const module of modules) {
      expect(COMMAND_NAMES.some((command) => module === command || module.startsWith(`${command}-`)), module).toBe(true);
    }
    // And every command has a module of its own.
    for (const command of COMMAND_NAMES) expect(modules.some((m) => m === command || m.startsWith(`${command}-`)), command).toBe(true);
  });
});
