import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveFiles } from '../../../src/certs/archive.js';
import { listBackups } from '../../../src/certs/backups.js';
import { backUp } from '../../../src/store/key-files.js';
import { backupDir, keyDir } from '../../../src/store/paths.js';
import { withTempDir } from '../../helpers/temp-dir.js';

/** A pid that was alive a moment ago and is now dead (a process that ran and exited). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

/** The name writeFileAtomic gives a temp copy of `name` written by `pid`. */
function tempName(name: string, pid: number): string {
  return `.${name}.${pid.toString(16).padStart(8, '0')}0123456789ab.tmp`;
}

describe('temp copies left in backup folders by a killed run', () => {
  it('are removed by the next backup, in every earlier backup folder; a live writer’s temp stays', async () => {
    await withTempDir(async (configDir) => {
      const keys = keyDir(configDir, 'p');
      const killed = path.join(keys, 'backup', '2020-01-01T00-00-00-000Z');
      await fs.mkdir(path.join(killed, '2'), { recursive: true });
      const leftover = path.join(killed, tempName('server.key', deadPid()));
      const numbered = path.join(killed, '2', tempName('server.crt', deadPid()));
      const live = path.join(killed, tempName('server.crt', process.ppid));
      for (const file of [leftover, numbered, live]) await fs.writeFile(file, '-----BEGIN PRIVATE KEY-----\n', { mode: 0o600 });
      expect((await listBackups(path.join(keys, 'backup'), new Date()))[0]!.files).toEqual([]);

      await fs.writeFile(path.join(keys, 'server.key'), 'key');
      const copies = await backUp([path.join(keys, 'server.key')], backupDir(configDir, 'p', new Date()));

      expect(await fs.readFile(copies[0]!, 'utf8')).toBe('key');
      await expect(fs.access(leftover)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(fs.access(numbered)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(fs.access(live)).resolves.toBeUndefined();
    });
  });

  it('archiveFiles’ numbered subfolders sweep the whole backup folder too', async () => {
    await withTempDir(async (dir) => {
      const root = path.join(dir, 'backup');
      const killed = path.join(root, '2020-01-01T00-00-00-000Z');
      await fs.mkdir(killed, { recursive: true });
      const leftover = path.join(killed, tempName('server.key', deadPid()));
      await fs.writeFile(leftover, 'secret');
      await fs.mkdir(path.join(dir, 'a'));
      await fs.mkdir(path.join(dir, 'b'));
      await fs.writeFile(path.join(dir, 'a', 'server.key'), 'a');
      await fs.writeFile(path.join(dir, 'b', 'server.key'), 'b');
      const copies = await archiveFiles([path.join(dir, 'a', 'server.key'), path.join(dir, 'b', 'server.key')], path.join(root, '2021-01-01T00-00-00-000Z'));
      expect(copies.map((c) => path.relative(root, c))).toEqual([path.join('2021-01-01T00-00-00-000Z', 'server.key'), path.join('2021-01-01T00-00-00-000Z', '2', 'server.key')]);
      await expect(fs.access(leftover)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });
});
