import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './files.js';

export interface DebugLogPlace {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  homedir: string;
}

/** `<cache>/sfjwt/logs`: %LOCALAPPDATA% on Windows, else $XDG_CACHE_HOME or ~/.cache (beside the compile cache). */
export function debugLogDir({ env, platform, homedir }: DebugLogPlace): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  const base = platform === 'win32' ? env.LOCALAPPDATA : xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.cache');
  return base && path.isAbsolute(base) ? path.join(base, 'sfjwt', 'logs') : undefined;
}

/**
 * Writes `text` to a new file in the user's private log folder and returns its path, or undefined
 * when that cannot be done safely. Never a predictable path in a shared temp folder (another user
 * could plant a symlink there): the folder must be this user's own real folder (made 0700), and
 * the file is created exclusively (a name that exists, symlink or not, is never written through).
 */
export function writeDebugLog(text: string, place: DebugLogPlace, now: Date): string | undefined {
  try {
    const dir = debugLogDir(place);
    if (!dir) return undefined;
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (place.platform !== 'win32') {
      const stat = fs.lstatSync(dir);
      if (!stat.isDirectory() || stat.uid !== process.getuid?.()) return undefined;
      if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, PRIVATE_DIR_MODE);
    }
    const file = path.join(dir, `debug-${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}-${randomBytes(4).toString('hex')}.log`);
    const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW = 0 } = fs.constants;
    const fd = fs.openSync(file, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, PRIVATE_FILE_MODE);
    try {
      fs.writeSync(fd, text);
    } finally {
      fs.closeSync(fd);
    }
    return file;
  } catch {
    return undefined;
  }
}
