/** Reads a format's templates from the package's templates/ folder (shipped via package.json "files"). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import type { FormatSpec } from './formats.js';

export const templatesDir = (): string => path.join(packageRoot(), 'templates');

export interface TemplateFile {
  /** Relative output path with "/" separators; may itself hold {{names}}. */
  path: string;
  text: string;
}

async function walk(root: string, rel = ''): Promise<TemplateFile[]> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  const files: TemplateFile[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await walk(root, child)));
    else files.push({ path: child, text: await fs.readFile(path.join(root, child), 'utf8') });
  }
  return files;
}

export async function readTemplates(spec: FormatSpec, dir = templatesDir()): Promise<TemplateFile[]> {
  const where = path.join(dir, spec.template);
  if (spec.kind === 'dir') return walk(where);
  return [{ path: spec.fileName, text: await fs.readFile(where, 'utf8') }];
}
