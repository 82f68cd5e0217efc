import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAliasLock } from '../../src/store/lock.js';
import { runCli } from '../helpers/cli.js';
import { makeKeyFiles, type KeyFiles } from '../helpers/fixtures.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let dir: string;
let home: string;
let keys: KeyFiles;

beforeAll(async () => {
  dir = await makeTempDir();
  home = path.join(dir, 'home');
  keys = await makeKeyFiles(path.join(home, 'keys', 'p'));
  await fs.writeFile(
    path.join(home, 'config.json'),
    JSON.stringify({
      schemaVersion: 1,
      default: 'p',
      profiles: { p: { loginUrl: 'https://acme.my.salesforce.com', username: 'ci@acme.com', clientId: '3MVG9lockTestClient', keyPath: keys.keyPath, certPath: keys.certPath, orgKind: 'production', appKind: 'eca', createdAt: new Date().toISOString() } },
    }),
  );
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('commands that change a profile take its lock', () => {
  it.each([
    [['cert', 'renew', '-a', 'p']],
    [['cert', 'generate', '-a', 'p', '--force']],
    [['cert', 'import', '-a', 'p', '--key', 'x.pem', '--force']],
    [['profiles', 'remove', '-a', 'p']],
    [['init', '-a', 'p', '--org-kind', 'production', '--no-verify', '--yes']],
  ])('%j waits, then stops with a clear message while another run holds the lock', async (argv) => {
    const certBefore = await fs.readFile(keys.certPath, 'utf8');
    const out = await withAliasLock(home, 'p', () => runCli(argv, { env: { SFJWT_HOME: home } }));
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`another sfjwt \\(pid ${process.pid}\\) is changing profile p; wait for it or remove .*locks/p\\.lock`));
    expect(await fs.readFile(keys.certPath, 'utf8')).toBe(certBefore);
    expect(JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8')).profiles.p).toBeDefined();
  });

  it('without a competing run, the same command works and leaves no lock behind', async () => {
    const out = await runCli(['cert', 'renew', '-a', 'p', '--json'], { env: { SFJWT_HOME: home } });
    expect(out.code).toBe(0);
    await expect(fs.access(path.join(home, 'locks'))).rejects.toThrow();
  });
});
