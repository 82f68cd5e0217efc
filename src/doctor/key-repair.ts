import { createPrivateKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import { classifyBlock, normalizeKeyText, parsePrivateKey, pemBlocks } from '../crypto/pem.js';
import { inputError } from '../errors.js';
import { PRIVATE_FILE_MODE, readText, writeFileAtomic } from '../store/files.js';
import { backUp } from '../store/key-files.js';

export interface KeyRepair {
  /** The key as sfjwt writes keys: unencrypted PKCS#8 PEM, LF line ends. */
  pem: string;
  /** What changed, in short phrases ("turned literal \n sequences into line breaks"). */
  changes: string[];
}

/** Whether the text holds a passphrase-protected private key (after undoing CI-secret damage). */
export function isEncryptedKey(text: string): boolean {
  return pemBlocks(normalizeKeyText(text).text).some((block) => classifyBlock(block).kind === 'encrypted');
}

function decrypt(text: string, source: string, passphrase: string): { key: KeyObject; repairs: string[] } {
  const { text: normalized, repairs } = normalizeKeyText(text);
  const block = pemBlocks(normalized).find((b) => classifyBlock(b).kind === 'encrypted')!;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.pem, format: 'pem', passphrase });
  } catch {
    throw inputError('key-encrypted', `${source}: the passphrase does not unlock the key`, 'check the passphrase (the one chosen when the key was made); the file was left as it was');
  }
  if (key.asymmetricKeyType !== 'rsa') throw inputError('key-not-rsa', `${source}: this is not an RSA key; Salesforce accepts RSA keys only`, 'generate an RSA key pair with `sfjwt cert generate`');
  return { key, repairs };
}

/**
 * The repaired key: CI-secret damage undone, the passphrase removed (when given), PKCS#1 turned into
 * PKCS#8. Pure; throws the parser's input error for anything it cannot repair (a certificate, EC…).
 */
export function repairKeyText(text: string, source: string, passphrase?: string): KeyRepair {
  if (isEncryptedKey(text)) {
    if (passphrase === undefined) throw inputError('key-encrypted', `${source}: the key is protected by a passphrase`, 'give the passphrase');
    const { key, repairs } = decrypt(text, source, passphrase);
    return { pem: key.export({ type: 'pkcs8', format: 'pem' }).toString(), changes: [...repairs, 'removed the passphrase'] };
  }
  const parsed = parsePrivateKey(text, source);
  const changes = [...parsed.repairs, ...(parsed.format === 'pkcs1' ? ['converted PKCS#1 to PKCS#8'] : [])];
  return { pem: parsed.pem, changes };
}

/**
 * Rewrites a damaged or encrypted key file in place: the original is first copied to `backupDir`
 * (0600), then the repaired key replaces it atomically with mode 0600. A symlink's target is repaired,
 * not replaced by a file. Nothing is written when the key cannot be repaired.
 */
export async function repairKeyFile(file: string, backupDir: string, passphrase?: string): Promise<KeyRepair & { backup: string }> {
  const target = await fs.realpath(file);
  const repair = repairKeyText(await readText(target), file, passphrase);
  const [backup] = await backUp([target], backupDir);
  await writeFileAtomic(target, repair.pem, PRIVATE_FILE_MODE);
  return { ...repair, backup: backup! };
}
