import { isInteractive, useColor, type CommandContext, type CommandHandler, type CommandOutcome, type GlobalOptions } from './command.js';
import type { Deps } from './deps.js';
import { CancelledError, CliError, isCliError, type ExitCode } from './errors.js';
import { resolveConfigDir } from './store/paths.js';
import { createNarrator, type Narrator } from './ui/output.js';
import { createStyle } from './ui/style.js';

const DOCTOR_TIP_CODES_EXCLUDED = new Set(['usage', 'internal']);

export function renderEnvelope(command: string, result: unknown, warnings: CommandContext['warnings']): string {
  return `${JSON.stringify({ ok: true, command, result, warnings }, null, 2)}\n`;
}

export async function createContext(command: string, deps: Deps, globals: GlobalOptions): Promise<CommandContext> {
  const ui = createNarrator({
    stderr: deps.stderr,
    style: await createStyle(useColor(deps, globals)),
    // Loaded only for a terminal: pipes and CI never wrap.
    ...(deps.stderr.isTTY ? { wrap: (await import('wrap-ansi')).default } : {}),
    quiet: globals.json,
    verbose: globals.verbose,
    animate: deps.stderr.isTTY && !deps.env.CI && !globals.json,
    env: deps.env,
  });
  const warnings: CommandContext['warnings'] = [];
  return {
    command,
    deps,
    globals,
    ui,
    interactive: isInteractive(deps, globals),
    // Not {...deps}: spreading would run every getter (stdinIsTTY creates process.stdin).
    configDir: resolveConfigDir({ env: deps.env, platform: deps.platform, homedir: deps.homedir, cwd: deps.cwd, override: globals.configDir }),
    warnings,
    warn(code, message) {
      warnings.push({ code, message });
      ui.warn(message);
    },
  };
}

function errorBlock(error: CliError): Record<string, unknown> {
  return {
    code: error.code,
    message: error.message,
    hint: error.hint ?? null,
    causes: error.causes,
    fixes: error.fixes,
    ...(error.setupUrl ? { setupUrl: error.setupUrl } : {}),
  };
}

export function printError(ui: Narrator, error: CliError, command: string): void {
  ui.error(error.message);
  if (error.hint) ui.hint(error.hint);
  if (error.causes.length > 0) {
    ui.info(ui.color.bold('  Likely causes:'));
    for (const cause of error.causes) ui.info(`    ${ui.symbols.bullet} ${cause}`);
  }
  if (error.fixes.length > 0) {
    ui.info(ui.color.bold('  Fix:'));
    for (const fix of error.fixes) ui.info(`    ${ui.symbols.bullet} ${fix}`);
  }
  if (error.setupUrl) ui.info(`  Setup: ${error.setupUrl}`);
  if (error.exitCode === 1 && command !== 'doctor' && !DOCTOR_TIP_CODES_EXCLUDED.has(error.code)) {
    ui.info(ui.color.dim('  Run `sfjwt doctor` to diagnose.'));
  }
}

/** Runs a handler and renders its outcome: the one place that turns results and errors into output + exit code. */
export async function execute<O>(
  command: string,
  handler: CommandHandler<O>,
  options: O,
  args: string[],
  deps: Deps,
  globals: GlobalOptions,
): Promise<ExitCode> {
  const ctx = await createContext(command, deps, globals);
  let outcome: CommandOutcome;
  try {
    outcome = await handler(options, ctx, args);
  } catch (caught) {
    let error: CliError;
    if (isCliError(caught)) error = caught;
    else if (deps.signal.aborted) error = new CancelledError();
    else {
      // The stack goes to a private file; the user sees one line. Loaded only here: rare, off the start-up path.
      const { writeDebugLog } = await import('./store/debug-log.js');
      const log = writeDebugLog(`sfjwt ${command}\n${caught instanceof Error ? (caught.stack ?? caught.message) : String(caught)}\n`, deps, deps.now());
      error = new CliError('internal', `unexpected error: ${(caught as Error)?.message ?? String(caught)}`, {
        hint: log ? `details in ${log}; please report it` : 'please report it',
      });
    }
    if (error instanceof CancelledError && !globals.json) {
      ctx.ui.warn(error.message);
    } else if (globals.json) {
      deps.stdout.write(
        `${JSON.stringify({ ok: false, command, error: errorBlock(error), ...(error.result !== undefined ? { result: error.result } : {}), warnings: ctx.warnings }, null, 2)}\n`,
      );
    } else {
      printError(ctx.ui, error, command);
    }
    return error.exitCode;
  }
  const ok = outcome.ok ?? true;
  if (outcome.printed) {
    // already written
  } else if (globals.json) {
    const envelope = ok
      ? undefined
      : {
          ok: false,
          command,
          error: outcome.error ? errorBlock(outcome.error) : { code: 'internal', message: 'failed' },
          ...(outcome.result !== undefined ? { result: outcome.result } : {}),
          warnings: ctx.warnings,
        };
    deps.stdout.write(envelope ? `${JSON.stringify(envelope, null, 2)}\n` : renderEnvelope(command, outcome.result ?? {}, ctx.warnings));
  } else {
    if (outcome.human) deps.stdout.write(outcome.human.endsWith('\n') ? outcome.human : `${outcome.human}\n`);
    if (!ok && outcome.error) printError(ctx.ui, outcome.error, command);
  }
  return outcome.exitCode ?? (ok ? 0 : outcome.error?.exitCode ?? 1);
}
