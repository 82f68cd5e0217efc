import { CancelledError } from '../errors.js';
import type { Prompter } from './prompter.js';

type Context = { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; signal?: AbortSignal };

function isCancel(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError';
}

async function guard<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (isCancel(error)) throw new CancelledError();
    throw error;
  }
}

/**
 * The real prompter: @inquirer/prompts, loaded only when a question is actually asked. The streams
 * come from a function: touching process.stdin costs milliseconds that commands without questions
 * should not pay.
 */
export function createInquirerPrompter(streams: () => Context): Prompter {
  const load = () => import('@inquirer/prompts');
  let resolved: Context | undefined;
  const context = () => (resolved ??= streams());
  return {
    async input(q) {
      const { input } = await load();
      return guard(() =>
        input({ message: q.message, default: q.default, validate: q.validate ? (v: string) => q.validate!(v) : undefined }, context()),
      );
    },
    async select(q) {
      const { select } = await load();
      return guard(() =>
        select({ message: q.message, choices: q.choices, default: q.default, loop: false }, context()),
      ) as Promise<typeof q.default & string>;
    },
    async confirm(q) {
      const { confirm } = await load();
      return guard(() => confirm({ message: q.message, default: q.default }, context()));
    },
  };
}
