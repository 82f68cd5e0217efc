import type { HttpClient } from './net/types.js';
import type { Out } from './ui/output.js';
import type { Prompter } from './ui/prompter.js';

/** Every side effect the core needs, injected so tests can hand in their own. */
export interface Deps {
  prompter: Prompter;
  http: HttpClient;
  now: () => Date;
  random: (bytes: number) => Uint8Array;
  openUrl: (url: string) => Promise<void>;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  homedir: string;
  platform: NodeJS.Platform;
  stdout: Out;
  stderr: Out;
  stdinIsTTY: boolean;
  /** Aborted on SIGINT/SIGTERM so long waits and prompts stop promptly. */
  signal: AbortSignal;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
