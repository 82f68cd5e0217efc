import { perform as performEffects } from '../core/effects.js';
import type { Effect, PlanItem, WizardContext } from './context.js';

type EffectContext = Pick<WizardContext, 'dryRun' | 'interactive' | 'plan' | 'ui'>;

/**
 * The wizard's effects through core/effects.ts: at a prompt a dry run shows the plan growing
 * where the run would act; a real run says what it did under --verbose, in the plan's words.
 */
export function perform(ctx: EffectContext, effects: readonly Effect[]): Promise<void> {
  const narrate = (item: PlanItem, done: boolean) => {
    if (done) ctx.ui.debug(`  done ${item.action.padEnd(6)} ${item.detail}`);
    else if (ctx.interactive) ctx.ui.info(ctx.ui.color.dim(`  (dry run) would ${item.action} ${item.detail}`));
  };
  return performEffects({ dryRun: ctx.dryRun, plan: ctx.plan, narrate }, effects);
}

/**
 * A step's effects: applied at once when interactive (the user uploads the certificate the key
 * step wrote), else kept until every value resolved, so a missing flag later leaves nothing behind.
 */
export async function performOrDefer(ctx: EffectContext & Pick<WizardContext, 'pending'>, effects: readonly Effect[]): Promise<void> {
  if (ctx.interactive) await perform(ctx, effects);
  else ctx.pending.push(...effects);
}

/** The deferred effects, in the order the steps decided them. */
export async function performPending(ctx: EffectContext & Pick<WizardContext, 'pending'>): Promise<void> {
  await perform(ctx, ctx.pending.splice(0));
}
