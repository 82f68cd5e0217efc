import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userPath } from '../../../src/store/paths.js';
import { createTestDeps, runInProcess } from '../../helpers/deps.js';
import { makePair } from '../cert/helpers.js';
import { withTempDir } from '../../helpers/temp-dir.js';

/** A path typed as a flag gets no shell expansion (`--key=~/k.key`, a value in a CI variable): sfjwt does it. */
describe('file flags: ~/ is the home folder', () => {
  it('userPath: ~ and ~/… are the home folder; anything else is relative to the working directory', () => {
    expect(userPath('~/keys/k.key', { cwd: '/work', homedir: '/home/ana' })).toBe('/home/ana/keys/k.key');
    expect(userPath(' ~ ', { cwd: '/work', homedir: '/home/ana' })).toBe('/home/ana');
    expect(userPath('~ana/k.key', { cwd: '/work', homedir: '/home/ana' })).toBe('/work/~ana/k.key');
    expect(userPath('keys/k.key', { cwd: '/work', homedir: '/home/ana' })).toBe('/work/keys/k.key');
  });

  it('cert show --cert ~/…, init --key ~/… (and SFJWT_KEY_FILE=~/…) read the files in the home folder', async () => {
    await withTempDir(async (dir) => {
      const homedir = path.join(dir, 'home');
      const cwd = path.join(dir, 'elsewhere');
      await fs.mkdir(homedir);
      await fs.mkdir(cwd);
      const pair = makePair('tilde');
      await fs.writeFile(path.join(homedir, 'k.key'), pair.key, { mode: 0o600 });
      await fs.writeFile(path.join(homedir, 'k.crt'), pair.cert);
      const run = (argv: string[], env: Record<string, string> = {}) =>
        runInProcess(argv, createTestDeps({ env: { SFJWT_HOME: path.join(dir, 'config'), CI: '1', ...env }, cwd, homedir }));

      const shown = await run(['cert', 'show', '--cert', '~/k.crt', '--json']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.json().result.certPath).toBe(path.join(homedir, 'k.crt'));

      const init = ['init', '-a', 'tilde', '--json', '--no-verify', '--org-kind', 'production', '--login-url', 'https://acme.my.salesforce.com', '--username', 'i@acme.com', '--client-id', '3MVG9tildeClientId_0123456789', '--app', 'eca'];
      const byFlag = await run([...init, '--key', '~/k.key']);
      expect(byFlag.code, byFlag.stderr).toBe(0);
      expect(byFlag.json().result.profile).toMatchObject({ keyPath: path.join(homedir, 'k.key'), certPath: path.join(homedir, 'k.crt') });
      const byEnv = await run(init.map((a) => (a === 'tilde' ? 'tilde2' : a)), { SFJWT_KEY_FILE: '~/k.key' });
      expect(byEnv.code, byEnv.stderr).toBe(0);
      expect(byEnv.json().result.profile.keyPath).toBe(path.join(homedir, 'k.key'));
    });
  });
});
