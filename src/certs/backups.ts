import fs from 'node:fs/promises';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import path from 'node:path';
import { describeCertificate, publicKeyFingerprint } from '../crypto/inspect.js';
import { classifyPem, normalizeKeyText, pemBlocks } from '../crypto/pem.js';
import { isTempName } from '../store/files.js';

export interface BackupFile {
  name: string;
  path: string;
  kind: 'key' | 'certificate' | 'other';
  serialNumber?: string;
  notBefore?: string;
  notAfter?: string;
  daysLeft?: number;
  fingerprintSha256?: string;
  /** Links a backed-up key to its certificates (and to the live pair after a renewal). */
  publicKeyFingerprintSha256?: string;
}

export interface Backup {
  /** The backup dir's timestamp as ISO 8601, or null for a dir not named by sfjwt. */
  time: string | null;
  dir: string;
  files: BackupFile[];
}

/** "2025-03-04T05-06-07-890Z" (store/paths.ts backupDir) back to "2025-03-04T05:06:07.890Z". */
export function backupTime(name: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/.exec(name);
  if (!match) return null;
  const iso = `${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/** Pure: what one backed-up file is. Damaged files are listed as "other", never an error. */
export function describeBackupFile(name: string, file: string, text: string, now: Date): BackupFile {
  const base: BackupFile = { name, path: file, kind: 'other' };
  try {
    const { kind } = classifyPem(text);
    const blocks = pemBlocks(normalizeKeyText(text).text);
    if (kind === 'rsa-pkcs1' || kind === 'rsa-pkcs8') {
      const block = blocks.find((b) => b.type === 'PRIVATE KEY' || b.type === 'RSA PRIVATE KEY')!;
      return { ...base, kind: 'key', publicKeyFingerprintSha256: publicKeyFingerprint(createPrivateKey(block.pem)) };
    }
    if (kind === 'certificate') {
      const block = blocks.find((b) => b.type === 'CERTIFICATE')!;
      const d = describeCertificate(block.pem, now);
      return {
        ...base,
        kind: 'certificate',
        serialNumber: d.serialNumber,
        notBefore: d.notBefore,
        notAfter: d.notAfter,
        daysLeft: d.daysLeft,
        fingerprintSha256: d.fingerprintSha256,
        publicKeyFingerprintSha256: publicKeyFingerprint(new X509Certificate(block.pem).publicKey),
      };
    }
  } catch {
    // listed as "other"
  }
  return base;
}

/** Every backup under `root` (keys/<alias>/backup), newest first. A missing root means none. */
export async function listBackups(root: string, now: Date): Promise<Backup[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const backups: Backup[] = [];
  for (const name of names.sort().reverse()) {
    const dir = path.join(root, name);
    if (!(await fs.stat(dir)).isDirectory()) continue;
    const files: BackupFile[] = [];
    // archiveFiles puts same-named files in numbered subfolders: list those too ("2/server.key").
    for (const name of (await fs.readdir(dir, { recursive: true })).sort()) {
      const file = path.join(dir, name);
      // A copy still being written (or left by a killed run) is not a backup.
      if (isTempName(name) || !(await fs.stat(file)).isFile()) continue;
      files.push(describeBackupFile(name, file, await fs.readFile(file, 'utf8').catch(() => ''), now));
    }
    backups.push({ time: backupTime(name), dir, files });
  }
  return backups;
}
