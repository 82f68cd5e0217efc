import path from 'node:path';
import { quoteInput, UsageError } from '../errors.js';

export interface PathEnv {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  homedir: string;
}

/** --config-dir, $SFJWT_HOME, else the platform's config dir. */
export function resolveConfigDir(input: PathEnv & { override?: string; cwd: string }): string {
  if (input.override) return path.resolve(input.cwd, input.override);
  if (input.env.SFJWT_HOME) return path.resolve(input.cwd, input.env.SFJWT_HOME);
  if (input.platform === 'win32') {
    return path.join(input.env.APPDATA ?? path.join(input.homedir, 'AppData', 'Roaming'), 'sfjwt');
  }
  const xdg = input.env.XDG_CONFIG_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'sfjwt');
  return path.join(input.homedir, '.config', 'sfjwt');
}

const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Aliases become directory names under keys/, so path characters are refused. */
export function validateAlias(alias: string, flag = '--alias'): string {
  const trimmed = alias.trim();
  if (!ALIAS.test(trimmed) || trimmed.includes('..')) {
    throw new UsageError(
      `invalid alias ${quoteInput(alias)}: use letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)`,
      `pass ${flag} with a name such as "prod" or "acme-uat"`,
    );
  }
  return trimmed;
}

export function configFile(configDir: string): string {
  return path.join(configDir, 'config.json');
}

export function keyDir(configDir: string, alias: string): string {
  return path.join(configDir, 'keys', alias);
}

export function keyPaths(dir: string): { keyPath: string; certPath: string } {
  return { keyPath: path.join(dir, 'server.key'), certPath: path.join(dir, 'server.crt') };
}

/** Backups sort by name: an ISO timestamp without characters Windows refuses. */
export function backupDir(configDir: string, alias: string, now: Date): string {
  return path.join(keyDir(configDir, alias), 'backup', now.toISOString().replace(/[:.]/g, '-'));
}

/** The `backup` folder a backup dir is in: `backup/<time>`, or `backup/<time>/<n>` (archiveFiles' numbered copies). */
export function backupRootOf(dir: string): string {
  const parent = path.dirname(dir);
  if (path.basename(parent) !== 'backup' && path.basename(path.dirname(parent)) === 'backup') return path.dirname(parent);
  return parent;
}

/** A path the user typed: `~` and `~/…` are the home folder (a prompt gets no shell expansion; neither does --key=~/k.key), relative to `cwd`. */
export function userPath(file: string, where: { cwd: string; homedir?: string }): string {
  const trimmed = file.trim();
  const home = where.homedir;
  if (home !== undefined && trimmed === '~') return home;
  if (home !== undefined && (trimmed.startsWith('~/') || trimmed.startsWith('~\\'))) return path.join(home, trimmed.slice(2));
  return path.resolve(where.cwd, trimmed);
}
