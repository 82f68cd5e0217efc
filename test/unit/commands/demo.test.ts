import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asTyped, pathLookup, sfjwtCommand } from '../../../src/commands/demo.js';
import { withTempDir } from '../../helpers/temp-dir.js';

describe('demo: how the user types sfjwt', () => {
  it('`sfjwt` when an executable sfjwt is on PATH, else `npx sfjwt`', async () => {
    expect(await sfjwtCommand(async (name) => name === 'sfjwt')).toBe('sfjwt');
    expect(await sfjwtCommand(async () => false)).toBe('npx sfjwt');
  });

  it('the PATH lookup finds executables only, and ignores the node_modules/.bin that npm and npx add for the run', async () => {
    await withTempDir(async (dir) => {
      const bin = path.join(dir, 'bin');
      const npmBin = path.join(dir, 'proj', 'node_modules', '.bin');
      const plain = path.join(dir, 'plain');
      for (const d of [bin, npmBin, plain]) await fs.mkdir(d, { recursive: true });
      await fs.writeFile(path.join(npmBin, 'sfjwt'), '#!/bin/sh\n', { mode: 0o755 });
      await fs.writeFile(path.join(plain, 'sfjwt'), 'not executable', { mode: 0o644 });
      const lookup = (dirs: string[]) => pathLookup({ PATH: dirs.join(path.delimiter) }, 'linux')('sfjwt');
      expect(await lookup([npmBin, plain, bin])).toBe(false);
      expect(await lookup([])).toBe(false);
      await fs.writeFile(path.join(bin, 'sfjwt'), '#!/bin/sh\n', { mode: 0o755 });
      expect(await lookup([npmBin, plain, bin])).toBe(true);
    });
  });

  it("rewrites the children's `sfjwt …` commands to the way the user types it", () => {
    const doctor = 'All good. Next: `sfjwt export --format sf -a demo` (or `sfjwt token -a demo`).\n/tmp/sfjwt-demo-x/keys';
    expect(asTyped(doctor, 'npx sfjwt')).toBe('All good. Next: `npx sfjwt export --format sf -a demo` (or `npx sfjwt token -a demo`).\n/tmp/sfjwt-demo-x/keys');
    expect(asTyped(doctor, 'sfjwt')).toBe(doctor);
  });
});
