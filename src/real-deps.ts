import os from 'node:os';
import { sleep, type Deps } from './deps.js';
import { createHttpClient } from './net/http.js';
import { createInquirerPrompter } from './ui/inquirer-prompter.js';

/** The only place that reads process.*: everything else receives these values. */
export function createRealDeps(signal: AbortSignal): Deps {
  const env = process.env;
  return {
    prompter: createInquirerPrompter(() => ({ input: process.stdin, output: process.stderr, signal })),
    http: createHttpClient(env),
    now: () => new Date(),
    // Web Crypto's global: node:crypto is not loaded until a command needs random bytes.
    random: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
    async openUrl(url) {
      const { default: open } = await import('open');
      const child = await open(url, { wait: false });
      // A missing opener fails asynchronously: report it so the caller can say "open it yourself".
      if (child.pid === undefined) {
        await new Promise<void>((resolve, reject) => {
          child.once('error', reject);
          child.once('spawn', () => resolve());
          setTimeout(resolve, 1000).unref();
        });
      }
      child.unref();
    },
    sleep,
    env,
    cwd: process.cwd(),
    get homedir() {
      return os.homedir();
    },
    platform: process.platform,
    stdout: { write: (s) => void process.stdout.write(s), isTTY: Boolean(process.stdout.isTTY) },
    stderr: {
      write: (s) => void process.stderr.write(s),
      isTTY: Boolean(process.stderr.isTTY),
      get columns() {
        return process.stderr.columns;
      },
    },
    // A getter: creating process.stdin costs milliseconds, and only interactive runs ask (after
    // finding stdout is a terminal, see isInteractive).
    get stdinIsTTY() {
      return Boolean(process.stdin.isTTY);
    },
    signal,
  };
}
