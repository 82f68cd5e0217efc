import fs from 'node:fs/promises';
import type { CommandContext, CommandHandler } from '../command.js';
import { describeCertificate } from '../crypto/inspect.js';
import { chosenAlias, explicitAlias, requireProfile } from '../core/select-profile.js';
import { UsageError } from '../errors.js';
import { readConfig, updateConfig } from '../store/config-store.js';
import { keyDir } from '../store/paths.js';
import { removeProfile, setDefault, type Profile } from '../store/profile.js';

export interface ProfileView extends Profile {
  certDaysLeft: number | null;
  isDefault: boolean;
}

async function certDaysLeft(profile: Profile, now: Date): Promise<number | null> {
  if (!profile.certPath) return null;
  try {
    return describeCertificate(await fs.readFile(profile.certPath, 'utf8'), now).daysLeft;
  } catch {
    return null;
  }
}

async function view(profile: Profile, ctx: CommandContext, defaultAlias: string | undefined): Promise<ProfileView> {
  return { ...profile, certDaysLeft: await certDaysLeft(profile, ctx.deps.now()), isDefault: profile.alias === defaultAlias };
}

function renderTable(rows: ProfileView[]): string {
  if (rows.length === 0) return 'No profiles yet. Create one with `sfjwt init`.';
  const header = ['', 'ALIAS', 'USERNAME', 'LOGIN URL', 'APP', 'CERT DAYS', 'LAST VERIFIED'];
  const body = rows.map((p) => [
    p.isDefault ? '*' : '',
    p.alias,
    p.username,
    p.loginUrl,
    p.appKind,
    p.certDaysLeft === null ? '-' : String(p.certDaysLeft),
    p.lastVerified?.time.slice(0, 19).replace('T', ' ') ?? 'never',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [header, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function renderProfile(p: ProfileView): string {
  const rows: [string, string | undefined][] = [
    ['alias', `${p.alias}${p.isDefault ? ' (default)' : ''}`],
    ['login URL', p.loginUrl],
    ['audience', p.audience ?? '(not verified yet)'],
    ['username', p.username],
    ['consumer key', p.clientId],
    ['org kind', p.orgKind],
    ['app kind', p.appKind === 'eca' ? 'External Client App' : 'Connected App'],
    ['key', p.keyPath],
    ['certificate', p.certPath],
    ['cert days left', p.certDaysLeft === null ? undefined : String(p.certDaysLeft)],
    ['created', p.createdAt],
    ['last verified', p.lastVerified ? `${p.lastVerified.time} (org ${p.lastVerified.organizationId}, ${p.lastVerified.instanceUrl})` : 'never'],
  ];
  return rows
    .filter((r): r is [string, string] => r[1] !== undefined)
    .map(([k, v]) => `${k.padEnd(15)} ${v}`)
    .join('\n');
}

export const runList: CommandHandler<Record<string, never>> = async (_options, ctx) => {
  const config = await readConfig(ctx.configDir);
  const rows = await Promise.all(
    Object.values(config.profiles)
      .sort((a, b) => a.alias.localeCompare(b.alias))
      .map((p) => view(p, ctx, config.default)),
  );
  return { result: { profiles: rows, default: config.default ?? null }, human: renderTable(rows) };
};

export const runShow: CommandHandler<Record<string, never>> = async (_options, ctx) => {
  const config = await readConfig(ctx.configDir);
  const profile = requireProfile(config, chosenAlias(ctx, config), ctx.configDir);
  const shown = await view(profile, ctx, config.default);
  return { result: shown, human: renderProfile(shown) };
};

export const runRemove: CommandHandler<{ deleteKeys: boolean }> = async (options, ctx) => {
  const config = await readConfig(ctx.configDir);
  // Removing is destructive: never fall back to the default profile.
  if (explicitAlias(ctx) === undefined) throw new UsageError('which profile? `profiles remove` needs an alias', 'pass -a <alias>');
  const profile = requireProfile(config, chosenAlias(ctx, config), ctx.configDir);
  const next = await updateConfig(ctx.configDir, (c) => removeProfile(c, profile.alias));
  const dir = keyDir(ctx.configDir, profile.alias);
  if (options.deleteKeys) await fs.rm(dir, { recursive: true, force: true });
  const kept = options.deleteKeys ? 'key files deleted' : `key files kept in ${dir}`;
  return {
    result: { removed: profile.alias, keysDeleted: options.deleteKeys, default: next.default ?? null },
    human: `Removed profile ${profile.alias} (${kept}).`,
  };
};

export const runDefault: CommandHandler<Record<string, never>> = async (_options, ctx, args) => {
  const config = await readConfig(ctx.configDir);
  const alias = args[0] ?? explicitAlias(ctx)?.value;
  const profile = requireProfile(config, alias, ctx.configDir);
  await updateConfig(ctx.configDir, (c) => setDefault(c, profile.alias));
  return { result: { default: profile.alias }, human: `Default profile: ${profile.alias}` };
};
