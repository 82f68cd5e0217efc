import { expect } from 'vitest';
import { CliError } from '../../src/errors.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: CliError };

/**
 * Runs `fn` on a hostile input: it must return, or throw a CliError with exit code 2 and one of
 * `codes`, with a one-line message (unless `oneLine: false`: validators that quote the input verbatim). Anything else (TypeError, RangeError, a raw OpenSSL error) fails
 * the test with the input's name, so the case can be replayed from its seed.
 */
export function resultOrInputError<T>(name: string, fn: () => T, codes: readonly string[], options: { oneLine?: boolean } = {}): Outcome<T> {
  let value: T;
  try {
    value = fn();
  } catch (error) {
    if (!(error instanceof CliError)) {
      expect.fail(`${name}: threw ${(error as Error)?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)}`);
    }
    expect(error.exitCode, `${name}: exit code`).toBe(2);
    expect(codes, `${name}: code ${error.code}`).toContain(error.code);
    if (options.oneLine !== false) {
      expect(error.message, `${name}: one line`).not.toMatch(/\n/);
      expect(error.message.length, `${name}: message length`).toBeLessThan(600);
    }
    return { ok: false, error };
  }
  return { ok: true, value };
}

/** Same for a function whose documented failure is its own error class (decodeJwt → JwtFormatError). */
export function resultOr<T>(name: string, fn: () => T, errorClass: new (...args: never[]) => Error): T | Error {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof errorClass)) {
      expect.fail(`${name}: threw ${(error as Error)?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)}`);
    }
    return error;
  }
}
