import { CancelledError } from '../errors.js';
import { writeProgress, type WizardProgress } from '../store/progress.js';
import { GoBack } from '../ui/prompter.js';
import { OWNED } from './answers.js';
import type { Step, StepId, StepOutcome, WizardContext } from './context.js';
import { performOrDefer } from './effects.js';
import { accessStep } from './steps/access.js';
import { appStep } from './steps/app.js';
import { consumerKeyStep } from './steps/consumer-key.js';
import { keyStep } from './steps/key.js';
import { orgStep } from './steps/org.js';
import { policiesStep } from './steps/policies.js';

export const STEPS: readonly Step[] = [orgStep, keyStep, appStep, policiesStep, accessStep, consumerKeyStep];

export async function saveProgress(ctx: WizardContext): Promise<void> {
  // Non-interactive runs are one shot (every value is a flag): nothing is written before all resolved.
  if (ctx.dryRun || !ctx.interactive) return;
  const progress: WizardProgress = {
    schemaVersion: 1,
    alias: ctx.alias,
    completed: [...ctx.done],
    answers: { ...ctx.answers },
    ...(ctx.generatedKeys ? { generatedKeys: ctx.generatedKeys } : {}),
    updatedAt: ctx.deps.now().toISOString(),
  };
  await writeProgress(ctx.configDir, progress);
  ctx.progressSaved = true;
}

/** Forgets a step's answers so it asks again, offering them as defaults. */
function reask(ctx: WizardContext, step: StepId): void {
  ctx.done.delete(step);
  for (const id of OWNED[step]) {
    const value = ctx.answers[id] ?? ctx.stored[id];
    if (value !== undefined) (ctx.previous as Record<string, unknown>)[id] = value;
    delete ctx.answers[id];
    delete ctx.stored[id];
  }
}

/**
 * Runs the steps in order. "Go back one step" (a manual step's menu) lands on the previous step:
 * the app step keeps its answers and shows its instructions again; a step of questions asks them
 * again with the answers as defaults. Escape at a prompt (GoBack) asks the current step again when
 * it has answered something already, else goes back one step.
 */
export async function runSteps(ctx: WizardContext, steps: readonly Step[] = STEPS): Promise<void> {
  let index = 0;
  while (index < steps.length) {
    if (ctx.deps.signal.aborted) throw new CancelledError();
    const step = steps[index]!;
    let outcome: StepOutcome | 'again';
    try {
      const result = await step.run(ctx);
      if (typeof result === 'object') await performOrDefer(ctx, result.effects);
      outcome = typeof result === 'object' ? result.outcome : result;
    } catch (error) {
      if (!(error instanceof GoBack)) throw error;
      outcome = OWNED[step.id].some((id) => ctx.answers[id] !== undefined) ? 'again' : 'back';
    }
    if (outcome === 'again' || (outcome === 'back' && index === 0)) {
      reask(ctx, step.id);
      continue;
    }
    if (outcome === 'back') {
      index -= 1;
      const previous = steps[index]!;
      if (previous.id === 'app') {
        ctx.done.delete('app');
        for (const id of OWNED.app) {
          const value = ctx.answers[id];
          if (value === undefined) continue;
          (ctx.stored as Record<string, unknown>)[id] = value;
          ctx.storedFrom[id] = 'answer';
        }
      } else reask(ctx, previous.id);
      continue;
    }
    ctx.done.add(step.id);
    await saveProgress(ctx);
    index += 1;
  }
}

