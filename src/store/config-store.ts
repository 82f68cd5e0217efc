import fs from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { ensureDir, readTextIfExists, writeFileAtomic, PRIVATE_FILE_MODE } from './files.js';
import { withConfigLock } from './lock.js';
import { configFile } from './paths.js';
import { ConfigShapeError, emptyConfig, validateConfig, type ConfigDocument } from './profile.js';

/** Reads config.json; absent means empty. A corrupt file is an error naming it, never replaced. */
export async function readConfig(configDir: string): Promise<ConfigDocument> {
  const file = configFile(configDir);
  let text: string | undefined;
  try {
    text = await readTextIfExists(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, 'check the file permissions (it should be 0600 and yours)');
  }
  if (text === undefined || text.trim() === '') return emptyConfig();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${file} is not valid JSON (${(error as Error).message})`,
      `fix or move the file away; sfjwt will not overwrite it`,
    );
  }
  try {
    return validateConfig(parsed);
  } catch (error) {
    if (error instanceof ConfigShapeError) {
      throw new UsageError(`${file} is malformed: ${error.message}`, 'fix the value or move the file away; sfjwt will not overwrite it');
    }
    throw error;
  }
}

/** A config dir sfjwt creates is 0700; one that exists keeps its mode (see openConfigDirWarning). */
export async function writeConfig(configDir: string, config: ConfigDocument): Promise<void> {
  await ensureDir(configDir);
  await writeFileAtomic(configFile(configDir), `${JSON.stringify(config, null, 2)}\n`, PRIVATE_FILE_MODE);
}

/** Read-modify-write in one place so every command updates the file the same way. */
export async function updateConfig(
  configDir: string,
  change: (config: ConfigDocument) => ConfigDocument,
): Promise<ConfigDocument> {
  // Two processes saving at once (parallel `verify` runs) must not lose one another's update.
  await ensureDir(configDir);
  return withConfigLock(configDir, async () => {
    const next = change(await readConfig(configDir));
    await writeConfig(configDir, next);
    return next;
  });
}

/**
 * Like OpenSSH: the config dir is never re-permissioned (it may be the user's project folder), but
 * one that other users can read or write is worth a warning. Undefined when it is private or absent.
 */
export async function openConfigDirWarning(configDir: string): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  const mode = await fs.stat(configDir).then((s) => s.mode & 0o777, () => undefined);
  if (mode === undefined || (mode & 0o066) === 0) return undefined;
  const what = mode & 0o022 ? 'change' : 'list';
  return `${configDir} has mode 0${mode.toString(8)}: other users can ${what} the profiles and keys in it; \`chmod 700 ${configDir}\` keeps it private`;
}
