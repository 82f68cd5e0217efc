import { isCliError, UsageError, type CliError } from '../errors.js';
import type { Sourced } from '../core/settings.js';
import type { FindingCode } from '../salesforce/codes.js';
import type { WizardContext } from './context.js';

/** The `source` a parser gets for a value typed at a prompt (else a flag or env variable name). */
export const ANSWER = 'answer';

export interface ResolveSpec<T> {
  /** Prompt id (scripted tests answer by it). */
  id: string;
  /** What the value is, for messages: "login URL". */
  what: string;
  flag: string;
  /** What to pass after the flag in a "missing" message: `--login-url <url>`. */
  placeholder?: string;
  /** The environment variable that can give it, for the "missing" message. */
  env?: string;
  /** The flag's or environment variable's value, as core/settings.ts resolved it. */
  given?: Sourced<string>;
  /** Saved progress or the existing profile. */
  stored?: T;
  storedFrom?: 'progress' | 'profile' | 'answer';
  /** Used with --yes when there is a safe default. */
  yesDefault?: T;
  /** A documented default that also applies without a prompt (SPEC: "default ..."). */
  fallback?: T;
  /** Offered as the prompt's default (e.g. the answer before the user went back). */
  suggested?: T;
  /** Nothing needs it: missing is fine, non-interactively too. */
  optional?: boolean;
  /** Validates and normalises text from a flag, env var or prompt; throws a CliError naming `source`. */
  parse(raw: string, source: string): T;
  /**
   * A usable but suspicious value: the reason, else undefined. A typed answer then gets "use it
   * anyway?"; a flag or env value a warning with `doubtCode`.
   */
  doubt?(value: T): string | undefined;
  doubtCode?: FindingCode;
  /** Asks; `validate` re-asks with the parse error until the answer is usable. */
  ask(defaultValue: T | undefined, validate: (raw: string) => true | string): Promise<string>;
  /** How to show a value taken from storage (default String(value)). */
  show?(value: T): string;
}

/** The `given` field of a spec, when there is a value (exactOptionalPropertyTypes). */
export function given(value: Sourced<string> | undefined): { given?: Sourced<string> } {
  return value ? { given: value } : {};
}

/**
 * An input error worded for where the value came from: at a prompt it says what to type; for a
 * flag or environment variable it names it and says what to pass.
 */
export function badValue(source: string, problem: string, fix: { type: string; pass: string }, code: FindingCode = 'usage'): UsageError {
  if (source === ANSWER) return new UsageError(problem, fix.type, code);
  return new UsageError(`${source}: ${problem}`, fix.pass, code);
}

/** Capitalised (unless it starts with a name such as a host or path) and ending with a stop. */
export const sentence = (text: string) => {
  const t = text.trim();
  const s = /^[a-z]+\b(?![.\-/@])/.test(t) ? t.charAt(0).toUpperCase() + t.slice(1) : t;
  return /[.!?:]$/.test(s) ? s : `${s}.`;
};

/** What a prompt shows before asking again: the problem, then what to type, as two sentences. */
export function problemText(error: unknown): string {
  if (isCliError(error)) return error.hint ? `${sentence(error.message)} ${sentence(error.hint)}` : sentence(error.message);
  return (error as Error)?.message ?? String(error);
}

/**
 * problemText for an error raised by code shared with the flags: its hint is replaced by `type`
 * when it speaks of flags or commands, which mean nothing at a prompt.
 */
export function promptProblem(error: CliError, type: string): string {
  const hint = error.hint && !/(^|\s)(pass |--)|`sfjwt /i.test(error.hint) ? error.hint : type;
  return `${sentence(error.message)} ${sentence(hint)}`;
}

/** The validate function a prompt gets from a parser. */
export function validatorFor(parse: (raw: string, source: string) => unknown, source = ANSWER): (raw: string) => true | string {
  return (raw) => {
    try {
      parse(raw, source);
      return true;
    } catch (error) {
      if (!isCliError(error)) throw error;
      return problemText(error);
    }
  };
}

/**
 * The value without asking, in resolve()'s order (flag or environment, as resolved once by
 * core/settings.ts → progress/profile → `--yes` default); `undefined` when only a prompt (or the
 * fallback) could give it. Also tells a non-interactive run, before anything is decided, which
 * values are missing.
 */
function settled<T>(ctx: Pick<WizardContext, 'yes'>, spec: ResolveSpec<T>): { value: T | undefined; from: 'given' | 'stored' | 'default' } | undefined {
  if (spec.given) return { value: spec.parse(spec.given.value, spec.given.from), from: 'given' };
  if (spec.stored !== undefined) return { value: spec.stored, from: 'stored' };
  if (ctx.yes && spec.yesDefault !== undefined) return { value: spec.yesDefault, from: 'default' };
  // --yes accepts "not given" for a value nothing needs.
  if (ctx.yes && spec.optional) return { value: undefined, from: 'default' };
  return undefined;
}

/** Would this value be missing in a run that cannot ask? */
export function isMissing<T>(ctx: Pick<WizardContext, 'yes'>, spec: ResolveSpec<T>): boolean {
  return settled(ctx, spec) === undefined && spec.fallback === undefined && !spec.optional;
}

/** One usage error listing every missing value and what to pass for each (non-interactive runs). */
export function missingValuesError(specs: readonly ResolveSpec<unknown>[]): UsageError {
  const what = specs.map((s) => s.what);
  const pass = specs.map((s) => `${s.flag} ${s.placeholder ?? '<value>'}${s.env ? ` (or ${s.env})` : ''}`);
  return new UsageError(
    `missing ${what.length > 1 ? `${what.length} values` : 'value'}: ${what.join(', ')}; sfjwt cannot ask here (not interactive)`,
    `pass ${pass.join(', ')}`,
  );
}

/**
 * The one resolver (STYLE §2): flag → environment → progress/profile → `--yes` default → prompt →
 * documented default → usage error naming the flag. A bad flag or env value is exit 2 even when
 * interactive: the user typed it on purpose and should fix it there.
 */
type ResolveContext = Pick<WizardContext, 'yes' | 'interactive' | 'alias' | 'ui' | 'warn' | 'deps'>;

export async function resolve<T>(ctx: ResolveContext, spec: ResolveSpec<T>): Promise<T>;
export async function resolve<T>(ctx: ResolveContext, spec: ResolveSpec<T> & { optional: true }): Promise<T | undefined>;
export async function resolve<T>(ctx: ResolveContext, spec: ResolveSpec<T>): Promise<T | undefined> {
  const found = settled(ctx, spec);
  if (found) {
    if (found.from === 'stored' && ctx.interactive && spec.storedFrom !== 'answer') {
      const shown = spec.show ? spec.show(found.value as T) : String(found.value);
      ctx.ui.info(ctx.ui.color.dim(`  ${spec.what}: ${shown} (from the ${spec.storedFrom === 'profile' ? `profile "${ctx.alias}"` : 'saved progress'})`));
    }
    if (found.from === 'given' && found.value !== undefined) {
      const doubt = spec.doubt?.(found.value);
      if (doubt) ctx.warn(spec.doubtCode ?? 'usage', `${spec.given!.from}: ${doubt}`);
    }
    return found.value;
  }
  if (ctx.interactive) {
    const validate = validatorFor(spec.parse);
    let suggested = spec.suggested ?? spec.yesDefault ?? spec.fallback;
    for (;;) {
      const value = spec.parse(await spec.ask(suggested, validate), ANSWER);
      const doubt = spec.doubt?.(value);
      if (!doubt) return value;
      const anyway = await ctx.deps.prompter.confirm({ id: `${spec.id}-anyway`, message: `${sentence(doubt)} Use it anyway?`, default: false });
      if (anyway) return value;
      suggested = undefined;
    }
  }
  if (spec.fallback !== undefined) return spec.fallback;
  if (spec.optional) return undefined;
  throw missingValuesError([spec as ResolveSpec<unknown>]);
}
