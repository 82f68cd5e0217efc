import { randomBytes } from 'node:crypto';
import { constants as fsConstants, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;
export const PRIVATE_DIR_MODE = 0o700;

export async function ensureDir(dir: string, mode = PRIVATE_DIR_MODE): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode });
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Signal 0 checks existence only; EPERM means it exists but belongs to someone else. */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `.<name>.<8 hex: writer pid><12 hex: random>.tmp`: the pid tells a dead writer's leftover apart. */
function tempName(file: string): string {
  return `.${path.basename(file)}.${process.pid.toString(16).padStart(8, '0')}${randomBytes(6).toString('hex')}.tmp`;
}

const STALE_TEMP_MS = 3600_000;
/** `.<name>.<id>.tmp` as tempName makes it (id: 8 hex pid + 12 hex random; older versions: 12 hex). */
const TEMP_NAME = /^\.(.+)\.([0-9a-f]{8})?[0-9a-f]{12}\.tmp$/;

/** Whether a file name is one of writeFileAtomic's temp files (never a finished file). */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(path.basename(name));
}

/** Removes one temp file when its writer was killed mid-write: its pid is dead, or it is over an hour old. */
async function removeIfStale(temp: string, pidHex: string | undefined): Promise<void> {
  const pid = pidHex !== undefined ? Number.parseInt(pidHex, 16) : undefined;
  const old = await fs.stat(temp).then((s) => Date.now() - s.mtimeMs > STALE_TEMP_MS, () => false);
  if (old || (pid !== undefined && pid !== process.pid && !pidIsAlive(pid))) await fs.rm(temp, { force: true });
}

/** Removes stale temp files of `file` (see removeIfStale). */
async function removeStaleTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  for (const entry of await fs.readdir(dir).catch(() => [] as string[])) {
    const match = TEMP_NAME.exec(entry);
    if (match?.[1] === path.basename(file)) await removeIfStale(path.join(dir, entry), match[2]);
  }
}

/**
 * The same for every temp file in `root` and below. Backups go to a new `backup/<time>` folder each
 * time, so a copy killed mid-write (a private key) would otherwise stay there for good.
 */
export async function removeStaleTempsUnder(root: string): Promise<void> {
  for (const entry of await fs.readdir(root, { recursive: true }).catch(() => [] as string[])) {
    const match = TEMP_NAME.exec(path.basename(entry));
    if (match) await removeIfStale(path.join(root, entry), match[2]);
  }
}

/**
 * Makes a folder sfjwt itself names (keys/<alias>) private again when an older version or a copy
 * left it open. Only a real folder of this user's: a symlink or someone else's folder is left alone.
 */
export async function tightenOwnDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const stat = await fs.lstat(dir).catch(() => undefined);
  if (!stat?.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o077) === 0) return;
  await fs.chmod(dir, PRIVATE_DIR_MODE);
}

/**
 * Temp file (created with the final mode, so a private key is never readable by others, not even
 * for a moment) + fsync + rename: a crash or Ctrl-C leaves the old file or the new one, never half.
 * A temp file left by a writer that was killed is removed by the next successful write.
 */
export async function writeFileAtomic(file: string, data: string | Buffer, mode: number): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, tempName(file));
  const handle = await fs.open(temp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await removeStaleTemps(file);
}

/**
 * Reads a text file. A regular file (config, keys, certificates: a few KB) is read synchronously:
 * the promise API's open/stat/read/close thread-pool round trips are most of `verify`'s file time.
 * Anything else, such as a FIFO from `--key <(vault read …)`, is read asynchronously, so a writer
 * that never comes cannot block Ctrl-C. Errors are the usual ErrnoExceptions (ENOENT, EISDIR…).
 */
export async function readText(file: string): Promise<string> {
  return statSync(file).isFile() ? readFileSync(file, 'utf8') : fs.readFile(file, 'utf8');
}

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readText(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
