import { Chalk } from 'chalk';

/**
 * The terminal styles sfjwt uses, from chalk. Whether to colour is decided once by the caller
 * (useColor in command.ts: --no-color, NO_COLOR, FORCE_COLOR, a TTY), so chalk's own detection is
 * not consulted: level 1 (16 colours) or 0 (plain text).
 */
export interface Style {
  readonly level: 0 | 1;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

export function createStyle(enabled: boolean): Style {
  const chalk = new Chalk({ level: enabled ? 1 : 0 });
  return {
    level: enabled ? 1 : 0,
    bold: (text) => chalk.bold(text),
    dim: (text) => chalk.dim(text),
    red: (text) => chalk.red(text),
    green: (text) => chalk.green(text),
    yellow: (text) => chalk.yellow(text),
    cyan: (text) => chalk.cyan(text),
  };
}
