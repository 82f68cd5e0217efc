import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateConfig } from '../../../src/store/config-store.js';
import { emptyConfig } from '../../../src/store/profile.js';
import { createTestDeps, runInProcess } from '../../helpers/deps.js';
import { makeKeyFiles } from '../../helpers/fixtures.js';
import { modeOf, withTempDir } from '../../helpers/temp-dir.js';

const posix = process.platform !== 'win32';

/** A folder the user made (0755, like any project folder) holding one profile "p" with its keys. */
async function userFolder(dir: string): Promise<string> {
  const folder = path.join(dir, 'proj');
  await fs.mkdir(folder);
  await fs.chmod(folder, 0o755);
  const keys = await makeKeyFiles(path.join(folder, 'keys', 'p'));
  // An older sfjwt (or a copy) left keys/p open.
  await fs.chmod(path.join(folder, 'keys', 'p'), 0o755);
  const profile = { loginUrl: 'https://acme.my.salesforce.com', username: 'ci@acme.com', clientId: '3MVG9modeTest', keyPath: keys.keyPath, certPath: keys.certPath, orgKind: 'production', appKind: 'eca', createdAt: new Date().toISOString() };
  await fs.writeFile(path.join(folder, 'config.json'), JSON.stringify({ schemaVersion: 1, default: 'p', profiles: { p: profile } }), { mode: 0o600 });
  return folder;
}

describe.skipIf(!posix)('the config dir’s mode', () => {
  it('an existing config dir keeps its mode when config.json is written', async () => {
    await withTempDir(async (dir) => {
      const folder = path.join(dir, 'proj');
      await fs.mkdir(folder);
      await fs.chmod(folder, 0o750);
      await updateConfig(folder, () => emptyConfig());
      expect(await modeOf(folder)).toBe(0o750);
      expect(await modeOf(path.join(folder, 'config.json'))).toBe(0o600);
    });
  });

  it('a config dir sfjwt creates (and its parents) is 0700', async () => {
    await withTempDir(async (dir) => {
      await updateConfig(path.join(dir, 'new', 'cfg'), () => emptyConfig());
      expect(await modeOf(path.join(dir, 'new'))).toBe(0o700);
      expect(await modeOf(path.join(dir, 'new', 'cfg'))).toBe(0o700);
    });
  });

  it.each([
    ['--config-dir', (folder: string) => ({ argv: ['--config-dir', folder], env: {} })],
    ['SFJWT_HOME', (folder: string) => ({ argv: [], env: { SFJWT_HOME: folder } })],
  ])('%s pointing at a 0755 folder: a profile change leaves its mode, warns, and makes keys/<alias> 0700', async (_how, pointAt) => {
    await withTempDir(async (dir) => {
      const folder = await userFolder(dir);
      const { argv, env } = pointAt(folder);
      const out = await runInProcess([...argv, 'cert', 'renew', '-a', 'p', '--json'], createTestDeps({ env, cwd: dir }));
      expect(out.code, out.stderr).toBe(0);
      expect(await modeOf(folder)).toBe(0o755);
      expect(await modeOf(path.join(folder, 'keys', 'p'))).toBe(0o700);
      expect(out.json().warnings).toEqual([
        { code: 'config-dir-open', message: `${folder} has mode 0755: other users can list the profiles and keys in it; \`chmod 700 ${folder}\` keeps it private` },
      ]);
    });
  });

  it('a group-writable folder: the warning says others can change what is in it; a private one gets no warning', async () => {
    await withTempDir(async (dir) => {
      const folder = await userFolder(dir);
      await fs.chmod(folder, 0o775);
      const open = await runInProcess(['cert', 'renew', '-a', 'p', '--json'], createTestDeps({ env: { SFJWT_HOME: folder } }));
      expect(open.json().warnings).toEqual([{ code: 'config-dir-open', message: expect.stringContaining('has mode 0775: other users can change the profiles') }]);
      await fs.chmod(folder, 0o700);
      const closed = await runInProcess(['cert', 'renew', '-a', 'p', '--json'], createTestDeps({ env: { SFJWT_HOME: folder } }));
      expect(closed.json()).toMatchObject({ ok: true, warnings: [] });
    });
  });
});
