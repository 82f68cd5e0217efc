import type { CommandContext } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { readConfig } from '../store/config-store.js';
import { validateAlias } from '../store/paths.js';
import type { ConfigDocument, Profile } from '../store/profile.js';

/** The alias named by -a, else SFJWT_ALIAS (the one place they are merged), and which one named it. */
export function explicitAlias(ctx: Pick<CommandContext, 'globals' | 'deps'>): { value: string; from: '--alias' | 'SFJWT_ALIAS' } | undefined {
  if (ctx.globals.alias !== undefined) return { value: ctx.globals.alias, from: '--alias' };
  const env = ctx.deps.env.SFJWT_ALIAS;
  return env === undefined ? undefined : { value: env, from: 'SFJWT_ALIAS' };
}

/** -a, then SFJWT_ALIAS, then the config's default. */
export function chosenAlias(ctx: CommandContext, config: ConfigDocument): string | undefined {
  const named = explicitAlias(ctx);
  if (named) return validateAlias(named.value, named.from);
  return config.default === undefined ? undefined : validateAlias(config.default, 'SFJWT_ALIAS');
}

export function requireProfile(config: ConfigDocument, alias: string | undefined, configDir: string): Profile {
  if (alias === undefined) {
    throw new UsageError('no profile selected and no default profile', 'pass -a <alias>, or create one with `sfjwt init`');
  }
  const profile = config.profiles[alias];
  if (!profile) {
    const known = Object.keys(config.profiles);
    throw new CliError(
      'usage',
      `no profile named "${alias}" in ${configDir}`,
      { hint: known.length > 0 ? `known profiles: ${known.join(', ')}` : 'create one with `sfjwt init`' },
      2,
    );
  }
  return profile;
}

export async function loadSelectedProfile(ctx: CommandContext): Promise<{ config: ConfigDocument; profile: Profile }> {
  const config = await readConfig(ctx.configDir);
  return { config, profile: requireProfile(config, chosenAlias(ctx, config), ctx.configDir) };
}
