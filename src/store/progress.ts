import fs from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, readTextIfExists, writeFileAtomic, PRIVATE_FILE_MODE } from './files.js';

/**
 * How far `sfjwt init` got for one alias, so a rerun can continue. Answers are plain
 * values (no secrets: the consumer key is not one, and keys are referenced by path only).
 */
export interface WizardProgress {
  schemaVersion: 1;
  alias: string;
  /** Steps finished, in order. */
  completed: string[];
  answers: Record<string, string | boolean | undefined>;
  /** Key files this wizard generated for the alias: reused on resume, never regenerated. */
  generatedKeys?: { keyPath: string; certPath: string };
  updatedAt: string;
}

export function progressFile(configDir: string, alias: string): string {
  return path.join(configDir, 'progress', `${alias}.json`);
}

export type ProgressRead = { progress?: WizardProgress; problem?: string };

function isStringRecord(value: unknown): value is Record<string, string | boolean | undefined> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => v === undefined || typeof v === 'string' || typeof v === 'boolean')
  );
}

/** Parses a progress document; anything unexpected makes it unusable (the wizard then starts over). */
export function parseProgress(text: string, alias: string): WizardProgress | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const doc = raw as Record<string, unknown>;
  if (doc.schemaVersion !== 1 || doc.alias !== alias) return undefined;
  if (!Array.isArray(doc.completed) || !doc.completed.every((s) => typeof s === 'string')) return undefined;
  if (!isStringRecord(doc.answers)) return undefined;
  const keys = doc.generatedKeys as Record<string, unknown> | undefined;
  const generatedKeys =
    keys && typeof keys.keyPath === 'string' && typeof keys.certPath === 'string' ? { keyPath: keys.keyPath, certPath: keys.certPath } : undefined;
  return {
    schemaVersion: 1,
    alias,
    completed: doc.completed as string[],
    answers: doc.answers,
    ...(generatedKeys ? { generatedKeys } : {}),
    updatedAt: typeof doc.updatedAt === 'string' ? doc.updatedAt : '',
  };
}

/** Absent → {}; unreadable or malformed → { problem } (treated as absent, but said). */
export async function readProgress(configDir: string, alias: string): Promise<ProgressRead> {
  const file = progressFile(configDir, alias);
  let text: string | undefined;
  try {
    text = await readTextIfExists(file);
  } catch (error) {
    return { problem: `cannot read ${file}: ${(error as Error).message}` };
  }
  if (text === undefined) return {};
  const progress = parseProgress(text, alias);
  return progress ? { progress } : { problem: `${file} is not a progress file sfjwt can use; starting over` };
}

/** 0600 and atomic, like config.json: a Ctrl-C never leaves half a file. */
export async function writeProgress(configDir: string, progress: WizardProgress): Promise<void> {
  const file = progressFile(configDir, progress.alias);
  await ensureDir(path.dirname(file));
  await writeFileAtomic(file, `${JSON.stringify(progress, null, 2)}\n`, PRIVATE_FILE_MODE);
}

export async function clearProgress(configDir: string, alias: string): Promise<void> {
  await fs.rm(progressFile(configDir, alias), { force: true });
}
