import type { Effect, WizardContext } from './context.js';

/**
 * The one place the wizard's effects happen (STYLE habit 2, "decide first, act last"). A dry run
 * records each effect's description as the plan and applies nothing; a real run applies it and
 * says so under --verbose in the plan's words. So `--dry-run` prints the list a real run works through.
 */
export async function perform(ctx: Pick<WizardContext, 'dryRun' | 'interactive' | 'plan' | 'ui'>, effects: readonly Effect[]): Promise<void> {
  for (const effect of effects) {
    if (ctx.dryRun) {
      ctx.plan.push(...effect.describe);
      // At a prompt the user sees the plan grow where the run would act.
      if (ctx.interactive) for (const item of effect.describe) ctx.ui.info(ctx.ui.color.dim(`  (dry run) would ${item.action} ${item.detail}`));
      continue;
    }
    await effect.apply();
    for (const item of effect.describe) ctx.ui.debug(`  done ${item.action.padEnd(6)} ${item.detail}`);
  }
}

/**
 * A step's effects: applied at once when interactive (the user uploads the certificate the key
 * step wrote), else kept until every value resolved, so a missing flag later leaves nothing behind.
 */
export async function performOrDefer(ctx: Pick<WizardContext, 'dryRun' | 'interactive' | 'plan' | 'ui' | 'pending'>, effects: readonly Effect[]): Promise<void> {
  if (ctx.interactive) await perform(ctx, effects);
  else ctx.pending.push(...effects);
}

/** The deferred effects, in the order the steps decided them. */
export async function performPending(ctx: Pick<WizardContext, 'dryRun' | 'interactive' | 'plan' | 'ui' | 'pending'>): Promise<void> {
  const pending = ctx.pending.splice(0);
  await perform(ctx, pending);
}
