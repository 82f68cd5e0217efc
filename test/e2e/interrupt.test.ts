import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, TEST_CACHE_DIR } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { makePair, p12WithRounds } from '../unit/cert/helpers.js';

/** CPU seconds (user + system, every thread) a Linux process has used so far. */
function cpuSeconds(pid: number): number {
  // Fields after the command name, which sits in parentheses and may hold spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * SPEC §10: every CPU-heavy step can be interrupted. A PKCS#12 file under the round cap can still
 * ask for 9,900,000 rounds (20-40 s of node-forge); before, the process was deaf to signals until
 * they were done. The test timeout is what fails without the fix, not a timed assertion.
 */
describe.skipIf(process.platform !== 'linux')('a signal stops a long PKCS#12 key derivation', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s: exit 130, nothing written', async (signal) => {
    await withTempDir(async (home) => {
      await fs.writeFile(path.join(home, 'slow.p12'), p12WithRounds(makePair('slow'), 'mac', 9_900_000));
      const child = spawn(process.execPath, [BIN, 'cert', 'import', '-a', 'slow', '--p12', 'slow.p12'], {
        cwd: home,
        env: { PATH: process.env.PATH, CI: '1', NO_COLOR: '1', SFJWT_HOME: home, XDG_CACHE_HOME: TEST_CACHE_DIR },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Busy in the derivation: start-up uses a fraction of a CPU second, the rounds many.
      while (cpuSeconds(child.pid!) < 1.5) await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill(signal);
      expect(await exit).toBe(130);
      expect(stderr).toMatch(signal === 'SIGINT' ? /Cancelled/ : /Stopped by SIGTERM/);
      await expect(fs.access(path.join(home, 'keys'))).rejects.toThrow();
    });
  }, 15_000);
});
