import path from 'node:path';
import type { CommandContext } from '../command.js';
import { chosenAlias, explicitAlias, requireProfile } from '../core/select-profile.js';
import { UsageError } from '../errors.js';
import { readConfig } from '../store/config-store.js';
import { backupDir, keyDir } from '../store/paths.js';
import type { ConfigDocument, Profile } from '../store/profile.js';
import { userPath } from '../store/paths.js';

export interface PairLocation {
  config: ConfigDocument;
  profile?: Profile;
  keyPath?: string;
  certPath?: string;
  /** Where this pair's backups live: keys/<alias>/backup for a profile, else <dir>/backup beside the files. */
  backupRoot: string;
}

/**
 * The key and certificate `cert show` and `cert renew` work on. With -a (or SFJWT_ALIAS) or no file
 * flags: the profile's, each file flag overriding its half. With only file flags: just those files
 * (the default profile's other half would make a meaningless pair).
 */
export async function locatePair(ctx: CommandContext, flags: { key?: string; cert?: string }): Promise<PairLocation> {
  const config = await readConfig(ctx.configDir);
  const useProfile = explicitAlias(ctx) !== undefined || (flags.key === undefined && flags.cert === undefined);
  const profile = useProfile ? requireProfile(config, chosenAlias(ctx, config), ctx.configDir) : undefined;
  const keyPath = flags.key !== undefined ? userPath(flags.key, ctx.deps) : profile?.keyPath;
  const certPath = flags.cert !== undefined ? userPath(flags.cert, ctx.deps) : profile?.certPath;
  const anchor = certPath ?? keyPath;
  if (!profile && anchor === undefined) throw new UsageError('no key or certificate to work on', 'pass -a <alias>, or --key/--cert files');
  return {
    config,
    ...(profile ? { profile } : {}),
    ...(keyPath ? { keyPath } : {}),
    ...(certPath ? { certPath } : {}),
    backupRoot: profile ? path.join(keyDir(ctx.configDir, profile.alias), 'backup') : path.join(path.dirname(anchor!), 'backup'),
  };
}

/** A timestamped backup dir under `root`, named exactly as store/paths.ts names profile backups. */
export function backupDirUnder(root: string, now: Date): string {
  return path.join(root, path.basename(backupDir(root, '_', now)));
}
