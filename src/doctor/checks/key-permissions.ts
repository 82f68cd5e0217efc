import fs from 'node:fs/promises';
import { finding, notApplicable, pass } from '../outcome.js';
import type { Check } from '../types.js';

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

export const keyPermissions: Check = {
  id: 'key-permissions',
  title: 'Private key file permissions',
  category: 'key',
  codes: ['key-permissions'],
  requires: ['key-file'],
  async run(ctx) {
    const text = await ctx.memo.keyText();
    if (!text.ok || !text.path || text.mode === undefined) return notApplicable('the key comes from SFJWT_KEY, not a file');
    if (ctx.deps.platform === 'win32') return notApplicable('file modes are not meaningful on Windows');
    const file = text.path;
    const mode = text.mode;
    if ((mode & 0o077) === 0) return pass(`${file} is private (mode ${octal(mode)})`);
    const everyone = (mode & 0o007) !== 0;
    const who = everyone ? 'every user on this machine' : 'its group';
    return finding(ctx, everyone ? 'fail' : 'warn', 'key-permissions', `${file} can be accessed by ${who} (mode ${octal(mode)})`, {
      hint: `Restrict it to its owner: chmod 600 ${file}`,
      command: `chmod 600 ${file}`,
      auto: { description: `chmod 600 ${file}`, apply: () => fs.chmod(file, 0o600) },
    });
  },
};
