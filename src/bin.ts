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
  const deps = createRealDeps(controller.signal);
  const { run } = await import('./cli.js');
  const code = await run(argv, deps);
  process.exitCode = controller.signal.aborted ? 130 : code;
}
