import type { CommandHandler } from '../command.js';
import { CancelledError } from '../errors.js';
import { GoBack } from '../ui/prompter.js';
import { withAliasLock } from '../store/lock.js';
import type { InitOptions, WizardContext } from '../wizard/context.js';
import { cancelMessage, createWizard, resolveAlias, runWizard } from '../wizard/run.js';

export type { InitOptions };

/** `sfjwt init`: the guided wizard. Ctrl-C anywhere is exit 130 with what was kept. */
export const run: CommandHandler<InitOptions & { admin?: boolean; adminOrg?: string }> = async (options, cmd) => {
  let ctx: WizardContext | undefined;
  try {
    const alias = await resolveAlias(cmd);
    // The zero-click path has no wizard steps: it deploys the app with an admin session.
    if (options.admin || options.adminOrg !== undefined) {
      const { runAdminInit } = await import('../admin/init.js');
      const zeroClick = () => runAdminInit(cmd, options, alias);
      return await (options.dryRun ? zeroClick() : withAliasLock(cmd.configDir, alias, zeroClick));
    }
    // A dry run writes nothing, so it needs no lock; a real run must not interleave with another on the alias.
    const wizard = async () => {
      const created = await createWizard(cmd, options, alias);
      ctx = created.ctx;
      return runWizard(ctx, created.config);
    };
    return await (options.dryRun ? wizard() : withAliasLock(cmd.configDir, alias, wizard));
  } catch (error) {
    // Escape where there is nothing to go back to (the alias, resume or retry question) cancels.
    if (error instanceof CancelledError || error instanceof GoBack || cmd.deps.signal.aborted) throw new CancelledError(cancelMessage(ctx));
    throw error;
  }
};
