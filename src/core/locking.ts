import type { CommandHandler } from '../command.js';
import { readConfig } from '../store/config-store.js';
import { withAliasLock } from '../store/lock.js';
import { chosenAlias } from './select-profile.js';

/**
 * Runs a command that changes a profile's files under that profile's lock, so two runs (a rotate and
 * a renew, two imports) cannot interleave. `explicitOnly`: lock only when -a / SFJWT_ALIAS names the
 * profile (`cert generate` without -a writes to a plain directory).
 */
export function lockingProfile<O>(handler: CommandHandler<O>, explicitOnly = false): CommandHandler<O> {
  return async (options, ctx, args) => {
    const explicit = ctx.globals.alias ?? ctx.deps.env.SFJWT_ALIAS;
    if (explicitOnly && explicit === undefined) return handler(options, ctx, args);
    const alias = chosenAlias(ctx, await readConfig(ctx.configDir));
    if (alias === undefined) return handler(options, ctx, args);
    return withAliasLock(ctx.configDir, alias, () => handler(options, ctx, args));
  };
}
