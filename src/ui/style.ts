/**
 * The few terminal styles sfjwt uses. Whether to colour is decided once (useColor in command.ts:
 * --no-color, NO_COLOR, FORCE_COLOR, a TTY), so no detection library is needed at start-up.
 */
export interface Style {
  /** 0: plain text; 1: ANSI colours. */
  readonly level: 0 | 1;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

type StyleName = keyof typeof CODES;

function ansi(name: StyleName): (text: string) => string {
  const [open, close] = CODES[name].map((code) => `\u001b[${code}m`) as [string, string];
  // A nested style closes with the same code as ours: reopen ours after it (as chalk does).
  return (text) => `${open}${text.replaceAll(close, close + open)}${close}`;
}

const identity = (text: string) => text;

export function createStyle(enabled: boolean): Style {
  const pick = (name: StyleName) => (enabled ? ansi(name) : identity);
  return {
    level: enabled ? 1 : 0,
    bold: pick('bold'),
    dim: pick('dim'),
    red: pick('red'),
    green: pick('green'),
    yellow: pick('yellow'),
    cyan: pick('cyan'),
  };
}
