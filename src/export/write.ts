/** Writes rendered export files: atomic, with their mode from creation, never over a file without --force. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../store/files.js';
import type { RenderedFile } from './formats.js';
import { userPath } from '../store/paths.js';

export interface WrittenFile {
  path: string;
  mode: number;
}

async function kindOf(file: string): Promise<'file' | 'dir' | 'none'> {
  try {
    return (await fs.stat(file)).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'none';
  }
}

/** Where one file goes: --out itself, or the format's file name inside --out when that is a directory. */
export async function singleFileTarget(out: string, where: { cwd: string; homedir?: string }, fileName: string): Promise<string> {
  const resolved = userPath(out, where);
  const isDir = /[\\/]$/.test(out) || (await kindOf(resolved)) === 'dir';
  return isDir ? path.join(resolved, fileName) : resolved;
}

/**
 * Checks every target first, so a refusal leaves nothing half-written; then writes each file
 * atomically. Folders are created 0700 when key material is inside, else 0755.
 */
export async function writeFiles(targets: { file: string; rendered: RenderedFile }[], force: boolean): Promise<WrittenFile[]> {
  const present: string[] = [];
  for (const { file } of targets) {
    const kind = await kindOf(file);
    if (kind === 'dir') throw new CliError('usage', `${file} is a directory`, { hint: 'pass --out with a file path, or a different directory' }, 2);
    if (kind === 'file') present.push(file);
  }
  if (present.length > 0 && !force) {
    const shown = present.slice(0, 3).join(', ') + (present.length > 3 ? ` and ${present.length - 3} more` : '');
    throw new CliError('usage', `${shown} already exist${present.length === 1 ? 's' : ''}; refusing to overwrite`, { hint: 'pass --force to replace, or choose another --out' }, 2);
  }
  const written: WrittenFile[] = [];
  for (const { file, rendered } of targets) {
    await ensureDir(path.dirname(file), rendered.mode & 0o077 ? 0o755 : 0o700);
    await writeFileAtomic(file, rendered.content, rendered.mode);
    written.push({ path: file, mode: rendered.mode });
  }
  return written;
}
