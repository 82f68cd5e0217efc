import fs from 'node:fs/promises';
import path from 'node:path';
import { finding, notApplicable, pass } from '../outcome.js';
import type { Check } from '../types.js';

/** Appends `/<relative>` to the work tree's .gitignore, on a line of its own. */
async function ignore(root: string, relative: string): Promise<void> {
  const file = path.join(root, '.gitignore');
  let current = '';
  try {
    current = await fs.readFile(file, 'utf8');
  } catch {
    // no .gitignore yet
  }
  const line = `/${relative}`;
  if (current.split(/\r?\n/).includes(line)) return;
  await fs.appendFile(file, `${current === '' || current.endsWith('\n') ? '' : '\n'}${line}\n`);
}

export const keyInGit: Check = {
  id: 'key-in-git',
  title: 'Private key kept out of git',
  category: 'key',
  codes: ['key-in-git'],
  requires: ['key-file'],
  async run(ctx) {
    const text = await ctx.memo.keyText();
    if (!text.ok || !text.path) return notApplicable('the key comes from SFJWT_KEY, not a file');
    const status = await ctx.memo.gitStatus();
    switch (status.kind) {
      case 'outside':
        return pass('not inside a git work tree');
      case 'ignored':
        return pass(`ignored by git in ${status.root}`);
      case 'tracked':
        return finding(ctx, 'fail', 'key-in-git', `${status.relative} is committed to the git repository at ${status.root}`, {
          hint: 'Anyone with the repository has the key: rotate it (`sfjwt cert rotate`), then remove the file from git and ignore it.',
          command: `git -C ${status.root} rm --cached -- ${status.relative} && echo /${status.relative} >> ${path.join(status.root, '.gitignore')}`,
        });
      case 'not-ignored':
        return finding(ctx, 'warn', 'key-in-git', `${status.relative} is inside the git work tree ${status.root} and not ignored`, {
          hint: `Add /${status.relative} to ${path.join(status.root, '.gitignore')}, or keep keys in the sfjwt config dir.`,
          command: `echo /${status.relative} >> ${path.join(status.root, '.gitignore')}`,
          auto: { description: `add /${status.relative} to ${path.join(status.root, '.gitignore')}`, apply: () => ignore(status.root, status.relative) },
        });
      case 'unknown':
        return finding(ctx, 'warn', 'key-in-git', `${status.relative} is inside the git work tree ${status.root}; ${status.reason}`, {
          hint: `Make sure ${status.relative} is listed in ${path.join(status.root, '.gitignore')}.`,
        });
    }
  },
};
