import { runProgram } from './cli.js';
import { CancelledError } from './errors.js';
import { createRealDeps } from './real-deps.js';

/** The only place that ends the process (STYLE §5). */
export async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    process.exitCode = 130;
    if (interrupts > 1) process.exit(130);
    controller.abort(new CancelledError(signal === 'SIGINT' ? 'Cancelled.' : `Stopped by ${signal}.`));
    // Writes in flight finish (they are atomic); anything else gets a moment, then we leave.
    setTimeout(() => process.exit(130), 3000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `sfjwt … | head` closes the pipe before we are done writing: the rest of the output has nowhere
  // to go, but the command still finishes and exits with its real code (a failed login stays 1).
  // Any other failure to write stdout (a full disk) is said on stderr; a failing stderr has no one left to tell.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && !process.stderr.destroyed) process.stderr.write(`sfjwt: cannot write the output (${error.code ?? error.message})\n`);
  });
  process.stderr.on('error', () => undefined);
  const deps = createRealDeps(controller.signal);
  let code: number;
  try {
    code = await runProgram(argv, deps);
  } catch (error) {
    // Last resort: one line, never a stack trace (runProgram() already handles expected errors).
    process.stderr.write(`sfjwt: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
    code = 1;
  }
  // A command that was interrupted reports 130 itself (CancelledError); a server stopping cleanly on a signal reports 0.
  const exitCode = code;
  // Exit as soon as the work is done: a raced key generation that lost, or an idle keep-alive
  // socket, must not hold the process open. Flush first so piped output is never cut short.
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(exitCode);
}

/**
 * Resolves once the stream has handed everything to the OS. Nothing buffered (writes to files,
 * terminals and, on Linux, pipes are synchronous) resolves at once, without waiting a turn of the
 * event loop, so the process ends as soon as its output is out.
 */
function flush(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}
