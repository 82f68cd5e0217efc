import fs from 'node:fs/promises';
import path from 'node:path';
import { createTestDeps, runInProcess } from '../../helpers/deps.js';
import { scriptedPrompter, type Answer, type ScriptedPrompter } from '../../helpers/scripted-prompter.js';

export interface InitRun {
  code: number;
  stdout: string;
  stderr: string;
  opened: string[];
  prompter?: ScriptedPrompter;
  json<T = any>(): T;
}

/**
 * `sfjwt <argv>` in-process with real files, http and clock. With `answers` the run is interactive
 * (both TTYs, no CI) and the prompts are scripted by id; without, it is a CI run (no TTY).
 */
export async function runInit(
  argv: string[],
  options: { home: string; answers?: Record<string, Answer | Answer[]>; env?: Record<string, string>; cwd?: string; homedir?: string; signal?: AbortSignal },
): Promise<InitRun> {
  const prompter = options.answers ? scriptedPrompter(options.answers) : undefined;
  const deps = createTestDeps({
    env: { SFJWT_HOME: options.home, ...(options.answers ? {} : { CI: '1' }), ...options.env },
    ...(prompter ? { prompter, stdinIsTTY: true } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.homedir ? { homedir: options.homedir } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // Interactive needs stdout to be a terminal too; keep the capturing writer.
  if (prompter) deps.stdout = { write: deps.stdout.write, isTTY: true };
  const out = await runInProcess(argv, deps);
  return { ...out, opened: deps.captured.opened, ...(prompter ? { prompter } : {}) };
}

export async function readJson<T = any>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(path.relative(dir, p));
    }
  }
  await walk(dir);
  return out.sort();
}
