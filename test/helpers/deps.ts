import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { runProgram } from '../../src/cli.js';
import { sleep, type Deps } from '../../src/deps.js';
import { createHttpClient } from '../../src/net/http.js';
import { noPrompter, type Prompter } from '../../src/ui/prompter.js';

export interface Captured {
  stdout: string;
  stderr: string;
  opened: string[];
}

export interface TestDeps extends Deps {
  captured: Captured;
}

/** Real http, clock and files; captured streams; a recording browser; no prompts unless given. */
export function createTestDeps(overrides: Partial<Deps> & { env?: Record<string, string | undefined> } = {}): TestDeps {
  const captured: Captured = { stdout: '', stderr: '', opened: [] };
  const env = { ...overrides.env };
  const deps: TestDeps = {
    prompter: noPrompter as Prompter,
    http: createHttpClient(env),
    now: () => new Date(),
    random: (n) => new Uint8Array(randomBytes(n)),
    openUrl: async (url) => {
      captured.opened.push(url);
    },
    sleep,
    cwd: process.cwd(),
    homedir: os.homedir(),
    platform: process.platform,
    stdout: { write: (s) => void (captured.stdout += s), isTTY: false },
    stderr: { write: (s) => void (captured.stderr += s), isTTY: false },
    stdinIsTTY: false,
    signal: new AbortController().signal,
    ...overrides,
    env,
    captured,
  };
  return deps;
}

/** The whole CLI in-process: argv → exit code, with output captured. */
export async function runInProcess(argv: string[], deps: TestDeps): Promise<{ code: number; stdout: string; stderr: string; json<T = any>(): T }> {
  const code = await runProgram(argv, deps);
  const { stdout, stderr } = deps.captured;
  return {
    code,
    stdout,
    stderr,
    json() {
      return JSON.parse(stdout);
    },
  };
}
