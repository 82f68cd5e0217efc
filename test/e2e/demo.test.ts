/** `sfjwt demo` as a newcomer sees it: each step once, and commands they can type as shown. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const nodeDir = path.dirname(process.execPath);
const TITLES = ['1. Generate', '2. Start the emulator', '3. init', '4. verify', '5. token', '6. doctor', '7. export'];

describe('sfjwt demo', () => {
  it('without sfjwt on PATH (a clone): each step once, on stderr only, and every command says npx sfjwt', async () => {
    // Only node's own folder, plus an npm-style node_modules/.bin holding sfjwt (npm run adds one for the run).
    const npmBin = path.join(dir, 'proj', 'node_modules', '.bin');
    await fs.mkdir(npmBin, { recursive: true });
    await fs.writeFile(path.join(npmBin, 'sfjwt'), '#!/bin/sh\n', { mode: 0o755 });
    const out = await runCli(['demo'], { env: { PATH: [npmBin, nodeDir].join(path.delimiter) }, timeoutMs: 120_000 });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('');
    // Each step's heading once, and no second list of the steps after the last one.
    for (const title of TITLES) expect(out.stderr.split('\n').filter((line) => line.startsWith(title)), title).toHaveLength(1);
    expect(out.stderr).not.toMatch(/^ok\s+\d+ ms/m);
    expect(out.stderr).toContain('$ npx sfjwt cert generate');
    expect(out.stderr).toContain('Next, with your own org: npx sfjwt init');
    expect(out.stderr).toContain('Next: `npx sfjwt export --format sf -a demo`');
    expect(out.stderr).not.toMatch(/\$ sfjwt |: sfjwt init|`sfjwt /);
  }, 120_000);

  it('with sfjwt installed on PATH: the commands say sfjwt', async () => {
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin, { recursive: true });
    await fs.writeFile(path.join(bin, 'sfjwt'), '#!/bin/sh\n', { mode: 0o755 });
    const out = await runCli(['demo'], { env: { PATH: [bin, nodeDir].join(path.delimiter) }, timeoutMs: 120_000 });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('$ sfjwt cert generate');
    expect(out.stderr).toContain('Next, with your own org: sfjwt init');
    expect(out.stderr).not.toContain('npx sfjwt');
  }, 120_000);
});
