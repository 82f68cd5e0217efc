import { flagSetting } from '../../core/settings.js';
import type { AnswerContext, ManualContext, Step } from '../context.js';
import { instructionsFor } from '../instructions.js';
import { instructionInput, manualStep } from '../manual.js';
import { badValue, given, resolve } from '../resolve.js';

export function parseAccessName(raw: string, source: string): string {
  const value = raw.trim();
  if (value.length > 255) throw badValue(source, `a profile or permission set name has at most 255 characters (this one has ${value.length})`, { type: 'Type its name as Setup shows it', pass: 'pass --access "<profile or permission set>"' });
  return value;
}

/** Which profile or permission set gets the app (optional: the copy then says "the user's profile"). */
export const accessStep: Step = {
  id: 'access',
  title: 'Access',
  async run(ctx: AnswerContext & ManualContext) {
    const access = await resolve(ctx, {
      id: 'access',
      what: 'profile or permission set',
      flag: '--access',
      ...given(flagSetting(ctx.options.access, '--access')),
      stored: ctx.stored.access,
      storedFrom: ctx.storedFrom.access,
      optional: true,
      ...(ctx.previous.access ? { suggested: ctx.previous.access } : {}),
      parse: parseAccessName,
      ask: (def) =>
        ctx.deps.prompter.input({
          id: 'access',
          message: `Profile or permission set of ${ctx.answers.username ?? 'the run-as user'} to give access (Enter: decide in Setup)`,
          ...(def ? { default: def } : {}),
        }),
    });
    if (access) ctx.answers.access = access;
    else delete ctx.answers.access;
    return manualStep(ctx, instructionsFor('access', instructionInput(ctx)));
  },
};
