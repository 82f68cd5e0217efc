import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `git <args>` in `cwd`. Injectable: tests and --all share or replace it. Rejects with ENOENT when git is missing. */
export type GitRunner = (args: string[], cwd: string) => Promise<GitResult>;

export const runGit: GitRunner = (args, cwd) =>
  new Promise((resolve, reject) => {
    execFile('git', args, { cwd, timeout: 10_000, windowsHide: true }, (error, stdout, stderr) => {
      const code = error ? (error as NodeJS.ErrnoException).code : 0;
      if (code === 'ENOENT') return reject(error);
      resolve({ code: typeof code === 'number' ? code : error ? 1 : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });

/**
 * The work tree root above `dir` (a directory holding `.git`, a directory or a worktree's file),
 * or null. Only the file system: no process is started for keys outside any repository, which is
 * the common case and what `doctor --all` over many profiles hits. `cache` is shared across a run.
 */
export async function findGitRoot(dir: string, cache?: Map<string, Promise<string | null>>): Promise<string | null> {
  const lookup = async (current: string): Promise<string | null> => {
    try {
      await fs.stat(path.join(current, '.git'));
      return current;
    } catch {
      const parent = path.dirname(current);
      return parent === current ? null : find(parent);
    }
  };
  const find = (current: string): Promise<string | null> => {
    if (!cache) return lookup(current);
    let hit = cache.get(current);
    if (!hit) {
      hit = lookup(current);
      cache.set(current, hit);
    }
    return hit;
  };
  return find(path.resolve(dir));
}

export type GitStatus =
  | { kind: 'outside' }
  | { kind: 'ignored'; root: string }
  | { kind: 'not-ignored'; root: string; relative: string }
  | { kind: 'tracked'; root: string; relative: string }
  | { kind: 'unknown'; root: string; relative: string; reason: string };

/** Whether `file` sits in a git work tree and whether git ignores or tracks it. */
export async function gitStatusOf(file: string, git: GitRunner, cache?: Map<string, Promise<string | null>>): Promise<GitStatus> {
  const root = await findGitRoot(path.dirname(file), cache);
  if (!root) return { kind: 'outside' };
  const relative = path.relative(root, file).split(path.sep).join('/');
  try {
    const tracked = await git(['ls-files', '--error-unmatch', '--', relative], root);
    if (tracked.code === 0) return { kind: 'tracked', root, relative };
    const ignored = await git(['check-ignore', '-q', '--', relative], root);
    if (ignored.code === 0) return { kind: 'ignored', root };
    if (ignored.code === 1) return { kind: 'not-ignored', root, relative };
    return { kind: 'unknown', root, relative, reason: ignored.stderr.trim() || `git check-ignore exited with ${ignored.code}` };
  } catch {
    return { kind: 'unknown', root, relative, reason: 'git is not installed, so .gitignore could not be checked' };
  }
}
