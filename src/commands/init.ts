import type { CommandHandler } from '../command.js';
import { CancelledError } from '../errors.js';
import { GoBack } from '../ui/prompter.js';
import { withAliasLock } from '../store/lock.js';
import type { InitOptions, WizardContext } from '../wizard/context.js';
import { createWizard, resolveAlias } from '../wizard/start.js';
import { cancelMessage, runWizard } from '../wizard/wizard.js';

export type { InitOptions };

/** `sfjwt init`: the guided wizard. Ctrl-C anywhere is exit 130 with what was kept. */
export const runInit: CommandHandler<InitOptions & { admin?: boolean; adminOrg?: string }> = async (options, ctx) => {
  let started: WizardContext | undefined;
  try {
    const alias = await resolveAlias(ctx);
    // The zero-click path has no wizard steps: it deploys the app with an admin session.
    if (options.admin || options.adminOrg !== undefined) {
      const { runAdminInit } = await import('../admin/init.js');
      const zeroClick = () => runAdminInit(ctx, options, alias);
      return await (options.dryRun ? zeroClick() : withAliasLock(ctx.configDir, alias, zeroClick));
    }
    // A dry run writes nothing, so it needs no lock; a real run must not interleave with another on the alias.
    const wizard = async () => {
      const { wizard, config } = await createWizard(ctx, options, alias);
      started = wizard;
      return runWizard(wizard, config);
    };
    return await (options.dryRun ? wizard() : withAliasLock(ctx.configDir, alias, wizard));
  } catch (error) {
    // Escape where there is nothing to go back to (the alias, resume or retry question) cancels.
    if (error instanceof CancelledError || error instanceof GoBack || ctx.deps.signal.aborted) throw new CancelledError(cancelMessage(started));
    throw error;
  }
};
