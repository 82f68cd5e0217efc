import type { FindingCode } from './salesforce/codes.js';

export type ExitCode = 0 | 1 | 2 | 130;

export interface ErrorDetails {
  hint?: string;
  causes?: string[];
  fixes?: string[];
  setupUrl?: string;
  /** Partial result to include in the JSON envelope (e.g. verify attempts). */
  result?: unknown;
}

/** An expected failure: printed as one line plus hint, never with a stack trace. */
export class CliError extends Error {
  readonly code: FindingCode | 'internal';
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly causes: string[];
  readonly fixes: string[];
  readonly setupUrl?: string;
  readonly result?: unknown;

  constructor(code: FindingCode | 'internal', message: string, details: ErrorDetails = {}, exitCode: ExitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
    this.hint = details.hint;
    this.causes = details.causes ?? [];
    this.fixes = details.fixes ?? [];
    this.setupUrl = details.setupUrl;
    this.result = details.result;
  }
}

/** Bad or missing flag or value, unreadable or malformed input file: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string, code: FindingCode = 'usage') {
    super(code, message, { hint }, 2);
    this.name = 'UsageError';
  }
}

/** Input error carrying a specific local finding code (e.g. key-encrypted), still exit 2. */
export function inputError(code: FindingCode, message: string, hint?: string): UsageError {
  return new UsageError(message, hint, code);
}

/** Ctrl-C in a prompt or SIGINT: exit 130. */
export class CancelledError extends CliError {
  constructor(message = 'Cancelled.') {
    super('usage', message, {}, 130);
    this.name = 'CancelledError';
  }
}

export function isCliError(error: unknown): error is CliError {
  return error instanceof CliError;
}

/**
 * A user's input inside a one-line message: control characters escaped, long values shortened, so a
 * pasted blob (a key, a whole log) can never turn an error into pages of output.
 */
export function quoteInput(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  // JSON escapes C0 controls; DEL, C1 controls (a lone 0x9b starts a terminal escape) and bidi overrides too.
  return JSON.stringify(shown).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
