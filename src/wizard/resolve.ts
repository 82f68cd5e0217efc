import { isCliError, UsageError } from '../errors.js';
import type { WizardContext } from './context.js';

export interface ResolveSpec<T> {
  /** Prompt id (scripted tests answer by it). */
  id: string;
  /** What the value is, for messages: "login URL". */
  what: string;
  flag: string;
  flagValue?: string;
  env?: string;
  /** Saved progress or the existing profile. */
  stored?: T;
  storedFrom?: 'progress' | 'profile';
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
  /** Asks; `validate` re-asks with the parse error until the answer is usable. */
  ask(defaultValue: T | undefined, validate: (raw: string) => true | string): Promise<string>;
  /** How to show a value taken from storage (default String(value)). */
  show?(value: T): string;
}

/** `message (hint)`: what a prompt shows before asking again. */
export function problemText(error: unknown): string {
  if (isCliError(error)) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return (error as Error)?.message ?? String(error);
}

/** The validate function a prompt gets from a parser. */
export function validatorFor(parse: (raw: string, source: string) => unknown, source = 'answer'): (raw: string) => true | string {
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
 * The one resolver (STYLE §2): flag → environment → progress/profile → `--yes` default → prompt →
 * documented default → usage error naming the flag. A bad flag or env value is exit 2 even when
 * interactive: the user typed it on purpose and should fix it there.
 */
export async function resolve<T>(ctx: WizardContext, spec: ResolveSpec<T>): Promise<T>;
export async function resolve<T>(ctx: WizardContext, spec: ResolveSpec<T> & { optional: true }): Promise<T | undefined>;
export async function resolve<T>(ctx: WizardContext, spec: ResolveSpec<T>): Promise<T | undefined> {
  if (spec.flagValue !== undefined && spec.flagValue !== '') return spec.parse(spec.flagValue, spec.flag);
  const fromEnv = spec.env ? ctx.cmd.deps.env[spec.env] : undefined;
  if (spec.env && fromEnv !== undefined && fromEnv !== '') return spec.parse(fromEnv, spec.env);
  if (spec.stored !== undefined) {
    if (ctx.interactive) {
      const shown = spec.show ? spec.show(spec.stored) : String(spec.stored);
      ctx.cmd.ui.info(ctx.cmd.ui.color.dim(`  ${spec.what}: ${shown} (from the ${spec.storedFrom === 'profile' ? `profile "${ctx.alias}"` : 'saved progress'})`));
    }
    return spec.stored;
  }
  if (ctx.yes && spec.yesDefault !== undefined) return spec.yesDefault;
  // --yes accepts "not given" for a value nothing needs.
  if (ctx.yes && spec.optional) return undefined;
  if (ctx.interactive) {
    const validate = validatorFor(spec.parse);
    const raw = await spec.ask(spec.suggested ?? spec.yesDefault ?? spec.fallback, validate);
    return spec.parse(raw, 'answer');
  }
  if (spec.fallback !== undefined) return spec.fallback;
  if (spec.optional) return undefined;
  throw new UsageError(
    `missing ${spec.what}: sfjwt cannot ask here (not interactive)`,
    `pass ${spec.flag} <value>${spec.env ? ` or set ${spec.env}` : ''}`,
  );
}
