import fs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { ensureDir, exists, readText, removeStaleTempsUnder, writeFileAtomic, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE } from './files.js';
import { backupRootOf } from './paths.js';

export interface KeyPairFiles {
  keyPath: string;
  certPath: string;
}

export interface WriteKeyPairInput extends KeyPairFiles {
  keyPem?: string;
  certPem: string;
  force: boolean;
  /** Where replaced files go when --force is given. */
  backupDir: string;
}

export interface WriteKeyPairResult {
  backedUp: string[];
}

/**
 * Never overwrites a key or certificate without --force; with it, the old files are first moved to
 * the backup dir (0600), so nothing a user has is ever lost.
 */
export async function writeKeyPair(input: WriteKeyPairInput): Promise<WriteKeyPairResult> {
  const targets = [...(input.keyPem !== undefined ? [input.keyPath] : []), input.certPath];
  const present: string[] = [];
  for (const file of targets) if (await exists(file)) present.push(file);
  if (present.length > 0 && !input.force) {
    throw new CliError(
      'usage',
      `${present.join(' and ')} already exist${present.length === 1 ? 's' : ''}; refusing to overwrite`,
      { hint: 'pass --force to replace (the old files are backed up first), or choose another --out-dir' },
      2,
    );
  }
  await ensureDir(path.dirname(input.keyPath));
  await ensureDir(path.dirname(input.certPath));
  const backedUp = present.length > 0 ? await backUp(present, input.backupDir) : [];
  if (input.keyPem !== undefined) await writeFileAtomic(input.keyPath, input.keyPem, PRIVATE_FILE_MODE);
  await writeFileAtomic(input.certPath, input.certPem, PUBLIC_FILE_MODE);
  return { backedUp };
}

/**
 * Copies (not moves) so the live files stay until the atomic replace; copies are private. Each
 * backup is a new folder, so temp copies left in earlier ones by a killed run are removed here.
 */
export async function backUp(files: string[], backupDir: string): Promise<string[]> {
  await ensureDir(backupDir);
  const copies: string[] = [];
  for (const file of files) {
    const target = path.join(backupDir, path.basename(file));
    await writeFileAtomic(target, await fs.readFile(file), PRIVATE_FILE_MODE);
    copies.push(target);
  }
  await removeStaleTempsUnder(backupRootOf(backupDir));
  return copies;
}

export async function readFileFor(what: string, file: string): Promise<string> {
  try {
    return await readText(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(what === 'certificate' ? 'cert-missing' : 'key-missing', `${what} file not found: ${file}`, { hint: `check the path, or run \`sfjwt cert generate\`` }, 2);
    if (code === 'EISDIR') throw new CliError('usage', `${file} is a directory, not a ${what} file`, { hint: 'pass the path of the PEM file' }, 2);
    throw new CliError(what === 'certificate' ? 'cert-invalid' : 'key-unreadable', `cannot read ${what} file ${file}: ${(error as Error).message}`, { hint: 'check the file permissions' }, 2);
  }
}
