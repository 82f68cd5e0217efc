import type { Style } from './style.js';
import { symbolsFor, type Symbols } from './symbols.js';

export interface Out {
  write(text: string): void;
  isTTY: boolean;
  /** Terminal width, when a terminal. */
  columns?: number;
}

export interface Narrator {
  /** A line of narration on stderr (suppressed under --json unless it is a warning). */
  info(line: string): void;
  step(line: string): void;
  success(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  hint(line: string): void;
  /** Detail only shown with --verbose. */
  debug(line: string): void;
  /** A spinner on a TTY outside CI; a plain start line otherwise. Returns a stop function. */
  spinner(text: string): { update(text: string): void; stop(final?: string): void };
  readonly color: Style;
  readonly symbols: Symbols;
}

/** wrap-ansi's signature: text broken into lines of at most `columns`, escape codes kept whole. */
export type Wrapper = (text: string, columns: number, options: { hard: boolean; trim: boolean }) => string;

export interface NarratorOptions {
  stderr: Out;
  /** wrap-ansi, given when stderr is a terminal (loaded only then): narration is wrapped to its width. */
  wrap?: Wrapper;
  style: Style;
  quiet: boolean;
  verbose: boolean;
  animate: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
/** What continuation lines align under: the indent plus a list marker or status symbol ("a) ", "! ", "✔ ", "1. "). */
// eslint-disable-next-line no-control-regex
const HANGING = /^(?:\x1b\[[0-9;]*m)*\s*(?:(?:\x1b\[[0-9;]*m)*(?:[a-z]\)|\d+\.|[!✔✖›☠x-]|!!)(?:\x1b\[[0-9;]*m)* )?/;

/**
 * Narration wrapped to the terminal's width at spaces (a long URL or path overflows rather than
 * breaking), continuation lines aligned under the text after the marker.
 */
export function wrapToWidth(text: string, columns: number, wrap: Wrapper): string {
  // One column spare: a line exactly as wide as the terminal makes some terminals add a blank line.
  const width = columns - 1;
  return text
    .split('\n')
    .map((line) => {
      if (line.replace(SGR, '').length <= width) return line;
      const prefix = HANGING.exec(line)?.[0] ?? '';
      const indent = ' '.repeat(prefix.replace(SGR, '').length);
      const body = wrap(line.slice(prefix.length), Math.max(20, width - indent.length), { hard: false, trim: true });
      return body
        .split('\n')
        .map((part, i) => (i === 0 ? prefix : indent) + part)
        .join('\n');
    })
    .join('\n');
}

export function createNarrator(options: NarratorOptions): Narrator {
  const color = options.style;
  const symbols = symbolsFor(options.env);
  const { wrap } = options;
  const columns = options.stderr.isTTY ? options.stderr.columns : undefined;
  const line = (text: string) => options.stderr.write(`${columns && wrap ? wrapToWidth(text, columns, wrap) : text}\n`);
  const say = (text: string) => {
    if (!options.quiet) line(text);
  };
  return {
    color,
    symbols,
    info: say,
    step: (text) => say(`${color.cyan('›')} ${text}`),
    success: (text) => say(`${color.green(symbols.pass)} ${text}`),
    warn: (text) => line(`${color.yellow(symbols.warn)} ${text}`),
    error: (text) => line(`${color.red(symbols.fail)} ${text}`),
    hint: (text) => say(`  ${color.dim(`${symbols.hint} ${text}`)}`),
    debug: (text) => {
      if (options.verbose && !options.quiet) line(color.dim(text));
    },
    spinner(text) {
      if (options.quiet) return { update: () => undefined, stop: () => undefined };
      if (!options.animate) {
        line(`${color.cyan('›')} ${text}`);
        return { update: () => undefined, stop: (final) => (final ? line(final) : undefined) };
      }
      const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
      let frame = 0;
      let current = text;
      // One terminal line at most: `\r` + erase-line cannot clean up a line that wrapped.
      const fit = (text: string) => {
        const width = (options.stderr.columns ?? 80) - 3;
        return text.length > width ? `${text.slice(0, width - 1)}…` : text;
      };
      const render = () => options.stderr.write(`\r\x1b[2K${color.cyan(frames[frame++ % frames.length]!)} ${fit(current)}`);
      render();
      const timer = setInterval(render, 80);
      timer.unref();
      return {
        update(next) {
          current = next;
          render();
        },
        stop(final) {
          clearInterval(timer);
          options.stderr.write('\r\x1b[2K');
          if (final) line(final);
        },
      };
    },
  };
}
