import { validateClientId } from '../../core/credentials.js';
import { inputError } from '../../errors.js';
import type { Step } from '../context.js';
import { instructionsFor } from '../instructions.js';
import { instructionInput, manualStep } from '../manual.js';
import { resolve } from '../resolve.js';

/** A consumer secret is 64 hex digits; a consumer key (3MVG...) is longer and not hex. */
const CONSUMER_SECRET = /^[0-9a-f]{64}$/i;

/** Trimmed and checked; a pasted consumer SECRET is refused (it is never needed). */
export function parseConsumerKey(raw: string, source: string): string {
  const value = raw.trim();
  const where = source === 'answer' ? '' : `${source}: `;
  if (CONSUMER_SECRET.test(value)) {
    throw inputError(
      'client-id-format',
      `${where}that looks like the consumer secret; paste the Consumer Key`,
      'the Consumer Key is the long value (usually starting with 3MVG); the JWT flow never needs the secret',
    );
  }
  return validateClientId(value, source === 'answer' ? 'pasted' : source);
}

/** Where to copy the consumer key, then the key itself (flag, env, saved, or pasted). */
export const consumerKeyStep: Step = {
  id: 'consumer-key',
  title: 'Consumer key',
  async run(ctx) {
    const { options, cmd } = ctx;
    const known = options.clientId ?? cmd.deps.env.SFJWT_CLIENT_ID ?? ctx.stored.clientId;
    if (!known) {
      const nav = await manualStep(ctx, instructionsFor('consumer-key', instructionInput(ctx)), {
        canGoBack: true,
        doneLabel: 'I have the Consumer Key: paste it',
      });
      if (nav === 'back') return 'back';
    }
    ctx.answers.clientId = await resolve(ctx, {
      id: 'clientId',
      what: 'consumer key',
      flag: '--client-id',
      flagValue: options.clientId,
      env: 'SFJWT_CLIENT_ID',
      stored: ctx.stored.clientId,
      storedFrom: ctx.storedFrom.clientId,
      ...(ctx.previous.clientId ? { suggested: ctx.previous.clientId } : {}),
      parse: parseConsumerKey,
      ask: (def, validate) => cmd.deps.prompter.input({ id: 'clientId', message: 'Consumer Key', ...(def ? { default: def } : {}), validate }),
    });
    return 'next';
  },
};
