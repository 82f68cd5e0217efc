import fs from 'node:fs/promises';
import path from 'node:path';
import { keyMatchesCertificate } from '../crypto/inspect.js';
import type { ParsedCertificate, ParsedPrivateKey } from '../crypto/pem.js';
import { ensureDir, exists } from '../store/files.js';
import type { KeyPairFiles } from '../store/key-files.js';
import { keyDir } from '../store/paths.js';
import { archiveFiles } from './archive.js';
import { readCertFile, readKeyFile } from './read.js';

/** `keys/<alias>/next/`: where `cert rotate` keeps the new pair until it has verified. */
export function pendingDir(configDir: string, alias: string): string {
  return path.join(keyDir(configDir, alias), 'next');
}

export type PendingPair =
  | { state: 'none' }
  | { state: 'ready'; key: ParsedPrivateKey; cert: ParsedCertificate; createdAt: Date }
  /** Something is there but not a usable matching pair (an interrupted write, a hand edit). */
  | { state: 'unusable'; reason: string };

export async function readPendingPair(files: KeyPairFiles): Promise<PendingPair> {
  const [hasKey, hasCert] = await Promise.all([exists(files.keyPath), exists(files.certPath)]);
  if (!hasKey && !hasCert) return { state: 'none' };
  if (!hasKey || !hasCert) return { state: 'unusable', reason: `only ${hasKey ? files.keyPath : files.certPath} is there` };
  try {
    const [key, cert] = await Promise.all([readKeyFile(files.keyPath), readCertFile(files.certPath)]);
    if (!keyMatchesCertificate(key.key, cert.x509)) return { state: 'unusable', reason: 'its key and certificate do not match' };
    return { state: 'ready', key, cert, createdAt: (await fs.stat(files.certPath)).mtime };
  } catch (error) {
    return { state: 'unusable', reason: (error as Error).message };
  }
}

/**
 * Makes the verified pending pair the live one. The previous files (and anything else at the live
 * paths) are copied to the backup dir (0600) first; then each pending file is renamed over its live
 * path (atomic on one file system), key first: an interruption in between leaves the verified key
 * live, never lost.
 */
export async function promotePendingPair(input: {
  pending: KeyPairFiles;
  live: KeyPairFiles;
  /** The profile's current files, wherever they are (they may live outside keys/<alias>). */
  previous: { keyPath: string; certPath?: string };
  backupDir: string;
}): Promise<{ backedUp: string[] }> {
  const backedUp = await archiveFiles([input.previous.keyPath, input.previous.certPath, input.live.keyPath, input.live.certPath], input.backupDir);
  await ensureDir(path.dirname(input.live.keyPath));
  await fs.rename(input.pending.keyPath, input.live.keyPath);
  await fs.rename(input.pending.certPath, input.live.certPath);
  await fs.rmdir(path.dirname(input.pending.keyPath)).catch(() => undefined);
  return { backedUp };
}

