/**
 * The terminal styles sfjwt uses, from chalk. Whether to colour is decided once by the caller
 * (useColor in command.ts: --no-color, NO_COLOR, FORCE_COLOR, a TTY), so chalk's own detection is
 * not consulted: level 1 (16 colours) or plain text. chalk loads only when colour is on: pipes, CI
 * and --json never pay for it.
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

const same = (text: string) => text;

export const plainStyle: Style = { level: 0, bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

export async function createStyle(enabled: boolean): Promise<Style> {
  if (!enabled) return plainStyle;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return {
    level: 1,
    bold: (text) => chalk.bold(text),
    dim: (text) => chalk.dim(text),
    red: (text) => chalk.red(text),
    green: (text) => chalk.green(text),
    yellow: (text) => chalk.yellow(text),
    cyan: (text) => chalk.cyan(text),
  };
}
