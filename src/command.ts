import type { Deps } from './deps.js';
import type { CliError, ExitCode } from './errors.js';
import type { Narrator } from './ui/output.js';

export interface GlobalOptions {
  json: boolean;
  color: boolean;
  alias?: string;
  configDir?: string;
  interactive: boolean;
  yes: boolean;
  verbose: boolean;
}

export interface Warning {
  code: string;
  message: string;
}

export interface CommandContext {
  command: string;
  deps: Deps;
  globals: GlobalOptions;
  /** Narration on stderr; quiet under --json except warnings. */
  ui: Narrator;
  /** Both TTYs, no CI, no --json, no --no-interactive. */
  interactive: boolean;
  configDir: string;
  warnings: Warning[];
  warn(code: string, message: string): void;
}

export interface CommandOutcome {
  /** Defaults to true. A false outcome still prints its result (doctor's report). */
  ok?: boolean;
  exitCode?: ExitCode;
  result?: unknown;
  /** Human rendering of the result, written to stdout when not --json. */
  human?: string;
  /** The command already wrote its own output (a long-running server announces itself at start). */
  printed?: boolean;
  /** For ok:false outcomes: the error block of the JSON envelope. */
  error?: CliError;
}

export type CommandHandler<Options> = (options: Options, ctx: CommandContext, args: string[]) => Promise<CommandOutcome>;

export function isInteractive(deps: Pick<Deps, 'env' | 'stdinIsTTY' | 'stdout'>, globals: GlobalOptions): boolean {
  return deps.stdout.isTTY && !deps.env.CI && globals.interactive && !globals.json && deps.stdinIsTTY;
}

export function useColor(deps: Pick<Deps, 'env' | 'stderr'>, globals: GlobalOptions): boolean {
  if (!globals.color || deps.env.NO_COLOR !== undefined) return false;
  if (deps.env.FORCE_COLOR && deps.env.FORCE_COLOR !== '0') return true;
  return deps.stderr.isTTY && !deps.env.CI;
}
