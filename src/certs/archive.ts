import path from 'node:path';
import { exists } from '../store/files.js';
import { backUp } from '../store/key-files.js';

/**
 * Copies every existing file of `files` into `dir` (0600, store/key-files.ts backUp), once each.
 * Two files with the same name (the profile's key elsewhere and keys/<alias>/server.key) would
 * overwrite each other, so later ones go in numbered subfolders.
 */
export async function archiveFiles(files: (string | undefined)[], dir: string): Promise<string[]> {
  const unique = [...new Set(files.filter((f): f is string => f !== undefined).map((f) => path.resolve(f)))];
  const present: string[] = [];
  for (const file of unique) if (await exists(file)) present.push(file);
  const copies: string[] = [];
  const used = new Map<string, number>();
  for (const file of present) {
    const name = path.basename(file);
    const seen = used.get(name) ?? 0;
    used.set(name, seen + 1);
    copies.push(...(await backUp([file], seen === 0 ? dir : path.join(dir, String(seen + 1)))));
  }
  return copies;
}
