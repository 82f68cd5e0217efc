import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { execute } from '../../../src/execute.js';
import { debugLogDir } from '../../../src/store/debug-log.js';
import { createTestDeps } from '../../helpers/deps.js';
import { modeOf, withTempDir } from '../../helpers/temp-dir.js';

const globals = { json: true, color: false, interactive: false, yes: false, verbose: false };
const crash = async (): Promise<never> => {
  throw new TypeError('boom at the secret place');
};

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('the debug log of an unexpected error', () => {
  it.skipIf(process.platform === 'win32')('goes to a private folder of the user’s, never through a symlink planted at the old /tmp path', async () => {
    await withTempDir(async (dir) => {
      const tmp = path.join(dir, 'shared-tmp');
      const victim = path.join(dir, 'victim');
      await fs.mkdir(tmp);
      await fs.writeFile(victim, 'precious\n');
      // The path sfjwt used to write: predictable from the pid and the time, in the shared temp folder.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-01-02T03:04:05.678Z'));
      vi.stubEnv('TMPDIR', tmp);
      await fs.symlink(victim, path.join(tmp, `sfjwt-debug-${process.pid}-${Date.now()}.log`));

      const deps = createTestDeps({ env: { XDG_CACHE_HOME: path.join(dir, 'cache') } });
      expect(await execute('verify', crash, {}, [], deps, globals)).toBe(1);

      expect(await fs.readFile(victim, 'utf8')).toBe('precious\n');
      const logs = path.join(dir, 'cache', 'sfjwt', 'logs');
      expect(debugLogDir(deps)).toBe(logs);
      const [name, ...more] = await fs.readdir(logs);
      expect(more).toEqual([]);
      const log = path.join(logs, name!);
      expect(JSON.parse(deps.captured.stdout).error).toMatchObject({ code: 'internal', hint: `details in ${log}; please report it` });
      expect(await fs.readFile(log, 'utf8')).toMatch(/^sfjwt verify\nTypeError: boom at the secret place\n {4}at /);
      expect(await modeOf(logs)).toBe(0o700);
      expect(await modeOf(log)).toBe(0o600);
    });
  });

  it.skipIf(process.platform === 'win32')('a log folder that is a symlink is not written through; the error still says to report it', async () => {
    await withTempDir(async (dir) => {
      const elsewhere = path.join(dir, 'elsewhere');
      await fs.mkdir(elsewhere);
      await fs.mkdir(path.join(dir, 'cache', 'sfjwt'), { recursive: true });
      await fs.symlink(elsewhere, path.join(dir, 'cache', 'sfjwt', 'logs'));
      const deps = createTestDeps({ env: { XDG_CACHE_HOME: path.join(dir, 'cache') } });
      expect(await execute('verify', crash, {}, [], deps, globals)).toBe(1);
      expect(await fs.readdir(elsewhere)).toEqual([]);
      expect(JSON.parse(deps.captured.stdout).error).toMatchObject({ code: 'internal', hint: 'please report it' });
    });
  });

  it.skipIf(process.platform === 'win32')('its own folder, left open by an older version, is made private again', async () => {
    await withTempDir(async (dir) => {
      const logs = path.join(dir, 'cache', 'sfjwt', 'logs');
      await fs.mkdir(logs, { recursive: true, mode: 0o755 });
      await fs.chmod(logs, 0o755);
      const deps = createTestDeps({ env: { XDG_CACHE_HOME: path.join(dir, 'cache') } });
      await execute('verify', crash, {}, [], deps, globals);
      expect(await modeOf(logs)).toBe(0o700);
      expect(await fs.readdir(logs)).toHaveLength(1);
    });
  });
});
