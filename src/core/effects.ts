/**
 * Side effects as data (STYLE habit 2, "decide first, act last"): a command decides what it will
 * write, send or open, as effects that say what they do; `perform` is the one place they happen.
 * A dry run records the descriptions as its plan and applies nothing; a real run applies each and
 * narrates the same description. So `--dry-run` prints the list a real run works through.
 */
export interface Effect<Description = string> {
  describe: readonly Description[];
  apply(): Promise<void>;
}

export interface EffectRun<Description> {
  dryRun: boolean;
  /** The dry run's plan, in order. */
  plan: Description[];
  /** Told of each description: planned (dry run) or done (after its effect applied). */
  narrate(item: Description, done: boolean): void;
}

export async function perform<Description>(run: EffectRun<Description>, effects: readonly Effect<Description>[]): Promise<void> {
  for (const effect of effects) {
    if (!run.dryRun) await effect.apply();
    else run.plan.push(...effect.describe);
    for (const item of effect.describe) run.narrate(item, !run.dryRun);
  }
}
