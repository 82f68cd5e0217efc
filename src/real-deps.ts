import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sleep, type Deps } from './deps.js';
import { createHttpClient } from './net/http.js';
import { createInquirerPrompter } from './ui/inquirer-prompter.js';

/** The only place that reads process.*: everything else receives these values. */
export function createRealDeps(signal: AbortSignal): Deps {
  const env = process.env;
  return {
    prompter: createInquirerPrompter({ input: process.stdin, output: process.stderr, signal }),
    http: createHttpClient(env),
    now: () => new Date(),
    random: (n) => new Uint8Array(randomBytes(n)),
    async openUrl(url) {
      const { default: open } = await import('open');
      const child = await open(url, { wait: false });
      child.on('error', () => undefined);
      child.unref();
    },
    sleep,
    env,
    cwd: process.cwd(),
    homedir: os.homedir(),
    platform: process.platform,
    stdout: { write: (s) => void process.stdout.write(s), isTTY: Boolean(process.stdout.isTTY) },
    stderr: { write: (s) => void process.stderr.write(s), isTTY: Boolean(process.stderr.isTTY) },
    stdinIsTTY: Boolean(process.stdin.isTTY),
    signal,
  };
}
