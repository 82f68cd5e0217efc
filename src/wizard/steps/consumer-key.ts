import { CONSUMER_KEY_ADVICE, judgeConsumerKey } from '../../salesforce/consumer-key.js';
import type { AnswerContext, ManualContext, Step } from '../context.js';
import { instructionsFor } from '../instructions.js';
import { instructionInput, manualStep } from '../manual.js';
import { badValue, given, resolve, type ResolveSpec } from '../resolve.js';

/** Trimmed and judged (salesforce/consumer-key.ts): a secret, a number or a broken paste is refused at once. */
export function parseConsumerKey(raw: string, source: string): string {
  const judged = judgeConsumerKey(raw);
  if (judged.verdict === 'wrong') {
    throw badValue(source, judged.problem, { type: `${CONSUMER_KEY_ADVICE}, and paste it here`, pass: `${CONSUMER_KEY_ADVICE}, and pass it with --client-id` }, 'client-id-format');
  }
  return judged.value;
}

/** A key that is usable but probably cut off: the reason, else undefined. */
function consumerKeyDoubt(value: string): string | undefined {
  const judged = judgeConsumerKey(value);
  return judged.verdict === 'doubtful' ? judged.problem : undefined;
}

export function consumerKeySpec(ctx: Pick<AnswerContext, 'given' | 'stored' | 'storedFrom' | 'previous' | 'deps'>): ResolveSpec<string> {
  return {
    id: 'clientId',
    what: 'consumer key',
    flag: '--client-id',
    placeholder: '<consumer key>',
    env: 'SFJWT_CLIENT_ID',
    ...given(ctx.given.clientId),
    stored: ctx.stored.clientId,
    storedFrom: ctx.storedFrom.clientId,
    ...(ctx.previous.clientId ? { suggested: ctx.previous.clientId } : {}),
    parse: parseConsumerKey,
    doubt: consumerKeyDoubt,
    doubtCode: 'client-id-format',
    ask: (def, validate) => ctx.deps.prompter.input({ id: 'clientId', message: 'Consumer Key', ...(def ? { default: def } : {}), validate }),
  };
}

/** Where to copy the consumer key, then the key itself (flag, env, saved, or pasted). */
export const consumerKeyStep: Step = {
  id: 'consumer-key',
  title: 'Consumer key',
  async run(ctx: AnswerContext & ManualContext) {
    const known = ctx.given.clientId?.value ?? ctx.stored.clientId;
    if (!known) {
      const nav = await manualStep(ctx, instructionsFor('consumer-key', instructionInput(ctx)), {
        canGoBack: true,
        doneLabel: 'I have the Consumer Key: paste it',
      });
      if (nav === 'back') return 'back';
    }
    ctx.answers.clientId = await resolve(ctx, consumerKeySpec(ctx));
    return 'next';
  },
};
