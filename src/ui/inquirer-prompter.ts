import { CancelledError } from '../errors.js';
import { GoBack, type Prompter } from './prompter.js';

type Context = { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; signal?: AbortSignal };

/**
 * Raw mode without a reader echoes nothing: keys typed during a wait neither land on the spinner
 * line nor reach the next prompt. Raw mode also turns Ctrl-C into a byte, so it is re-sent as SIGINT.
 */
function holdKeys(input: NodeJS.ReadableStream | undefined): () => void {
  const tty = input as (NodeJS.ReadStream & { isRaw?: boolean }) | undefined;
  if (!tty?.isTTY || typeof tty.setRawMode !== 'function') return () => undefined;
  const wasRaw = Boolean(tty.isRaw);
  const onData = (data: Buffer | string) => {
    if (String(data).includes('\x03')) process.kill(process.pid, 'SIGINT');
  };
  tty.setRawMode(true);
  tty.on('data', onData);
  tty.resume();
  return () => {
    tty.off('data', onData);
    tty.setRawMode(wasRaw);
    tty.pause();
  };
}

function isCancel(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError';
}

/**
 * Runs one prompt with its own AbortSignal, aborted by the run's signal (Ctrl-C) or by Escape, the
 * cancellation @inquirer/prompts documents: Escape becomes GoBack, anything else CancelledError.
 */
async function guard<T>(base: Context, ask: (context: Context) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(base.signal?.reason);
  base.signal?.addEventListener('abort', onAbort);
  const input = base.input ?? process.stdin;
  let escaped = false;
  const onKey = (_: unknown, key?: { name?: string }) => {
    if (key?.name !== 'escape') return;
    escaped = true;
    controller.abort();
  };
  input.on('keypress', onKey);
  try {
    return await ask({ ...base, signal: controller.signal });
  } catch (error) {
    if (escaped && isCancel(error)) throw new GoBack();
    if (isCancel(error)) throw new CancelledError();
    throw error;
  } finally {
    input.off('keypress', onKey);
    base.signal?.removeEventListener('abort', onAbort);
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
      return guard(context(), (c) => input({ message: q.message, default: q.default, validate: q.validate ? (v: string) => q.validate!(v) : undefined }, c));
    },
    async password(q) {
      const { password } = await load();
      return guard(context(), (c) => password({ message: q.message, mask: true }, c));
    },
    async select(q) {
      const { select } = await load();
      return guard(context(), (c) => select({ message: q.message, choices: q.choices, default: q.default, loop: false }, c)) as Promise<typeof q.default & string>;
    },
    async confirm(q) {
      const { confirm } = await load();
      return guard(context(), (c) => confirm({ message: q.message, default: q.default }, c));
    },
    hold: () => holdKeys(context().input),
  };
}
