import type { CommandContext, CommandHandler } from '../command.js';
import { openConfigDirWarning, readConfig } from '../store/config-store.js';
import { tightenOwnDir } from '../store/files.js';
import { withAliasLock } from '../store/lock.js';
import { keyDir } from '../store/paths.js';
import { chosenAlias, explicitAlias } from './select-profile.js';

/** Warns (once per command) when the config dir sfjwt is about to write to is open to other users. */
export async function warnIfConfigDirOpen(ctx: CommandContext): Promise<void> {
  if (ctx.warnings.some((w) => w.code === 'config-dir-open')) return;
  const message = await openConfigDirWarning(ctx.configDir);
  if (message) ctx.warn('config-dir-open', message);
}

/**
 * Runs a command that changes a profile's files under that profile's lock, so two runs (a rotate and
 * a renew, two imports) cannot interleave. `explicitOnly`: lock only when -a / SFJWT_ALIAS names the
 * profile (`cert generate` without -a writes to a plain directory).
 */
export function lockingProfile<O>(handler: CommandHandler<O>, explicitOnly = false): CommandHandler<O> {
  return async (options, ctx, args) => {
    if (explicitOnly && explicitAlias(ctx) === undefined) return handler(options, ctx, args);
    const alias = chosenAlias(ctx, await readConfig(ctx.configDir));
    if (alias === undefined) return handler(options, ctx, args);
    return withAliasLock(ctx.configDir, alias, async () => {
      await warnIfConfigDirOpen(ctx);
      // keys/<alias> is sfjwt's own folder: private even if an older version left it open.
      await tightenOwnDir(keyDir(ctx.configDir, alias));
      return handler(options, ctx, args);
    });
  };
}
