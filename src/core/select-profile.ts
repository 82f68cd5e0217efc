import type { CommandContext } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { readConfig } from '../store/config-store.js';
import { validateAlias } from '../store/paths.js';
import type { ConfigDocument, Profile } from '../store/profile.js';

/** -a, then SFJWT_ALIAS, then the config's default. */
export function chosenAlias(ctx: CommandContext, config: ConfigDocument): string | undefined {
  const alias = ctx.globals.alias ?? ctx.deps.env.SFJWT_ALIAS ?? config.default;
  return alias === undefined ? undefined : validateAlias(alias, ctx.globals.alias ? '--alias' : 'SFJWT_ALIAS');
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
