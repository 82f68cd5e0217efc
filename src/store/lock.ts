import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliError, UsageError } from '../errors.js';
import { ensureDir, pidIsAlive, PRIVATE_FILE_MODE } from './files.js';
import { configFile, validateAlias } from './paths.js';

export { pidIsAlive };

/** What a lock file holds: who took it, and when. */
export interface LockHolder {
  pid: number;
  /** ISO time the lock was taken. */
  startedAt: string;
  host: string;
  /** Random per acquisition: release removes only its own lock. */
  token: string;
}

export interface AliasLockOptions {
  /** How long to wait for another holder, in ms (default 2000). 0: fail at once. */
  wait?: number;
  /** Poll interval while waiting (default 100 ms). */
  pollMs?: number;
  /** This process's id (default process.pid). */
  pid?: number;
  /** Whether a pid on this host is alive (default: signal 0). */
  isAlive?: (pid: number) => boolean;
  now?: () => Date;
}

export const DEFAULT_LOCK_WAIT_MS = 2000;
/**
 * A lock file that stays empty or unparsable this long was left by a crash between create and write
 * (which are microseconds apart); well under the default wait, so a torn lock delays, never fails.
 */
const TORN_LOCK_MS = 1000;
/**
 * A holder touches its lock this often; a lock untouched for STALE_LOCK_MS is stale even when its
 * pid is alive, because that pid was reused (a crash, then a reboot or a busy machine).
 */
const HEARTBEAT_MS = 10_000;
const STALE_LOCK_MS = 60_000;

/** `<configDir>/locks/<alias>.lock`; the alias is validated (it becomes a file name). */
export function lockFile(configDir: string, alias: string): string {
  return path.join(configDir, 'locks', `${validateAlias(alias)}.lock`);
}

/** The config-wide lock: a leading dot, which no alias can have. */
export function configLockFile(configDir: string): string {
  return path.join(configDir, 'locks', '.config.lock');
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && Number.isInteger(value.pid) && value.pid > 0 && typeof value.token === 'string') {
      return { pid: value.pid, startedAt: String(value.startedAt ?? ''), host: String(value.host ?? ''), token: value.token };
    }
  } catch {
    // fall through
  }
  return undefined;
}

async function readHolder(file: string): Promise<{ holder?: LockHolder; text: string; ageMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    return { holder: parseHolder(text), text, ageMs: Date.now() - stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function tryCreate(file: string, holder: LockHolder): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // The locks dir was removed by a holder releasing the last lock: recreate it and try again. That
    // holder may remove it again meanwhile (mkdir -p sees EEXIST, then ENOENT): just try again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      await ensureDir(path.dirname(file)).catch((mkdirError: NodeJS.ErrnoException) => {
        if (mkdirError.code !== 'ENOENT') throw mkdirError;
      });
      return false;
    }
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Removes a stale lock without ever removing a live one: the file is first moved aside (atomic, so
 * two processes breaking the same stale lock cannot both succeed), then checked; if what was moved
 * is not the stale lock that was seen, it is put back (link fails if yet another lock appeared).
 */
async function breakStaleLock(file: string, seenText: string): Promise<void> {
  const aside = `${file}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await fs.rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => '');
  if (moved !== seenText) await fs.link(aside, file).catch(() => undefined);
  await fs.rm(aside, { force: true });
}

function busyError(file: string, what: string, holder: LockHolder | undefined): CliError {
  const who = holder ? `another sfjwt (pid ${holder.pid}${holder.host && holder.host !== os.hostname() ? ` on ${holder.host}` : ''})` : 'another sfjwt';
  return new CliError('usage', `${who} is changing ${what}; wait for it or remove ${file} if it is stale`, {
    hint: holder?.startedAt ? `the lock was taken at ${holder.startedAt}` : undefined,
  });
}

/** Lock files held by the calling async context: a nested withAliasLock on the same alias just runs. */
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Runs `fn` holding `<configDir>/locks/<alias>.lock` (created with O_EXCL, mode 0600, holding pid,
 * host, start time; touched every HEARTBEAT_MS). A lock of this host whose pid is dead, or that has
 * not been touched for STALE_LOCK_MS, is stale and taken over. Another live
 * holder is waited for up to `wait` ms; then a CliError (exit 1) names its pid and the lock file.
 * The lock is removed afterwards, whatever `fn` does (a SIGKILL leaves it behind, as stale).
 */
export async function withAliasLock<T>(configDir: string, alias: string, fn: () => Promise<T>, options: AliasLockOptions = {}): Promise<T> {
  return withLock(lockFile(configDir, alias), `profile ${alias}`, fn, options);
}

/**
 * The same for config.json as a whole: a read-modify-write (updateConfig) by two processes at once
 * would otherwise lose one of the changes, even for different profiles.
 */
export async function withConfigLock<T>(configDir: string, fn: () => Promise<T>, options: AliasLockOptions = {}): Promise<T> {
  return withLock(configLockFile(configDir), configFile(configDir), fn, options);
}

async function withLock<T>(file: string, what: string, fn: () => Promise<T>, options: AliasLockOptions): Promise<T> {
  const outer = heldHere.getStore();
  if (outer?.has(file)) return fn();
  const wait = options.wait ?? DEFAULT_LOCK_WAIT_MS;
  const pollMs = options.pollMs ?? 100;
  const isAlive = options.isAlive ?? pidIsAlive;
  const now = options.now ?? (() => new Date());
  const self: LockHolder = {
    pid: options.pid ?? process.pid,
    startedAt: now().toISOString(),
    host: os.hostname(),
    token: randomBytes(8).toString('hex'),
  };
  try {
    await acquire(file, what, self, { wait, pollMs, isAlive });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new UsageError(`cannot take the lock ${file}: ${(error as Error).message}`, `check that ${path.dirname(file)} is yours and writable`);
  }
  const heartbeat = setInterval(() => {
    const time = new Date();
    fs.utimes(file, time, time).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await heldHere.run(new Set([...(outer ?? []), file]), fn);
  } finally {
    clearInterval(heartbeat);
    const current = await readHolder(file).catch(() => undefined);
    if (current?.holder?.token === self.token) {
      await fs.rm(file, { force: true });
      // Leave no trace when nothing else is locked: a refused command must not change the config dir.
      await fs.rmdir(path.dirname(file)).catch(() => undefined);
    }
  }
}

async function acquire(
  file: string,
  what: string,
  self: LockHolder,
  options: { wait: number; pollMs: number; isAlive: (pid: number) => boolean },
): Promise<void> {
  const { wait, pollMs, isAlive } = options;
  const deadline = Date.now() + wait;
  for (;;) {
    if (await tryCreate(file, self)) return;
    const seen = await readHolder(file);
    if (seen === undefined) continue; // released in between: try again at once
    const local = seen.holder !== undefined && (seen.holder.host === '' || seen.holder.host === os.hostname());
    const stale = seen.holder ? local && (!isAlive(seen.holder.pid) || seen.ageMs > STALE_LOCK_MS) : seen.ageMs > TORN_LOCK_MS;
    if (stale) {
      await breakStaleLock(file, seen.text);
      continue;
    }
    if (Date.now() >= deadline) throw busyError(file, what, seen.holder);
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}
