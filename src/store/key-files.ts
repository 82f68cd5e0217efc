import { readFileSync, statSync, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { ensureDir, exists, removeStaleTempsUnder, writeFileAtomic, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE } from './files.js';
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

/** What is at `file`, following links; undefined when nothing is (or a folder on the way is not one). */
async function kindAt(file: string): Promise<'file' | 'folder' | 'other' | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new CliError('usage', `cannot reach ${file}: ${(error as Error).message}`, { hint: 'check the permissions of its folders' }, 2);
  }
}

/**
 * Before anything is written: each of `files` is a regular file or absent, and each folder on the way
 * to it is a folder or absent. A stray file named keys/<alias>, or a folder named server.key, is then
 * an exit-2 error naming it instead of a crash halfway through writing.
 */
export async function checkWriteTargets(files: readonly string[]): Promise<void> {
  const inTheWay = (what: string, thing: string) =>
    new CliError('usage', `${what} is ${thing}; sfjwt needs to write there`, { hint: 'move it out of the way, then run the command again' }, 2);
  for (const file of files) {
    const kind = await kindAt(file);
    if (kind === 'folder' || kind === 'other') throw inTheWay(file, kind === 'folder' ? 'a folder, not a file' : 'not a regular file');
    for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const parent = await kindAt(dir);
      if (parent === 'folder') break;
      if (parent) throw inTheWay(dir, 'a file, not a folder');
    }
  }
}

/**
 * Never overwrites a key or certificate without --force; with it, the old files are first moved to
 * the backup dir (0600), so nothing a user has is ever lost.
 */
export async function writeKeyPair(input: WriteKeyPairInput): Promise<WriteKeyPairResult> {
  const targets = [...(input.keyPem !== undefined ? [input.keyPath] : []), input.certPath];
  await checkWriteTargets([...targets, ...targets.map((file) => path.join(input.backupDir, path.basename(file)))]);
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

/** Key and certificate files and keystores are a few KB; nothing read as one may be larger. */
export const MAX_INPUT_FILE_BYTES = 1 << 20;

function fileKind(stat: Stats): string {
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A pipe (`--key <(vault read …)`) has no size to check first: read it, stopping past the limit. */
async function readPipe(file: string): Promise<Buffer | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, null);
      if (bytesRead === 0) return Buffer.concat(chunks);
      total += bytesRead;
      if (total > MAX_INPUT_FILE_BYTES) return undefined;
      chunks.push(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

/**
 * Reads a key, certificate or keystore file: a regular file or a pipe, at most 1 MiB, so
 * `--key /dev/urandom` is refused at once instead of filling the memory. Every failure is an exit-2
 * error naming the file. A regular file is read synchronously (see store/files.ts readText: it is
 * most of `verify`'s file time otherwise); a pipe asynchronously, so Ctrl-C can stop a writer that never comes.
 */
export async function readInputFile(what: string, file: string): Promise<{ data: Buffer; stat: Stats }> {
  const cert = what === 'certificate';
  const unusable = (message: string, hint: string) => new CliError(cert ? 'cert-invalid' : 'key-unreadable', message, { hint }, 2);
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new CliError('usage', `${file} is a directory, not a ${what} file`, { hint: 'pass the path of the file itself' }, 2);
    const tooLarge = unusable(`${file} is larger than 1 MiB: not a ${what} file`, `a ${what} file is a few KB; pass the right file`);
    if (stat.isFile()) {
      if (stat.size > MAX_INPUT_FILE_BYTES) throw tooLarge;
      const data = readFileSync(file);
      if (data.length > MAX_INPUT_FILE_BYTES) throw tooLarge; // grew since the stat
      return { data, stat };
    }
    if (!stat.isFIFO()) throw unusable(`${file} is ${fileKind(stat)}, not a ${what} file`, `pass the path of a ${what} file (or a pipe: <(command))`);
    const data = await readPipe(file);
    if (!data) throw tooLarge;
    return { data, stat };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(cert ? 'cert-missing' : 'key-missing', `${what} file not found: ${file}`, { hint: `check the path, or run \`sfjwt cert generate\`` }, 2);
    throw unusable(`cannot read ${what} file ${file}: ${(error as Error).message}`, 'check the file permissions');
  }
}

export async function readFileFor(what: string, file: string): Promise<string> {
  return (await readInputFile(what, file)).data.toString('utf8');
}
