import path from 'node:path';
import type { CommandHandler } from '../command.js';
import { DEFAULT_ORG_ID, DEFAULT_USER_ID, loadEmulatorConfig, singleAppConfig, startEmulator, type EmulatorConfig } from '../emulator/index.js';
import { UsageError } from '../errors.js';
import { renderEnvelope } from '../execute.js';
import { readFileFor } from '../store/key-files.js';

export interface EmulatorOptions {
  port: number;
  clientId?: string;
  cert?: string;
  username?: string;
  app: 'eca' | 'connected-app';
  policy: 'admin' | 'self';
  assigned: 'true' | 'false';
  sandbox: boolean;
  config?: string;
  adminToken?: string;
}

/** The admin of `--admin-token`: `init --admin` against the emulator. */
export const EMULATOR_ADMIN_USERNAME = 'admin@emulator.example.com';

/** With --admin-token and no app flags: an org with the run-as user and no app yet (init --admin deploys it). */
function appFreeConfig(options: EmulatorOptions): EmulatorConfig {
  if (!options.username) throw new UsageError('missing --username', 'pass --username <run-as user> with --admin-token (or --config <json>)');
  return loadEmulatorConfig({
    org: { orgId: DEFAULT_ORG_ID, name: 'sfjwt Emulator Org', isSandbox: options.sandbox, active: true },
    apps: [],
    users: [{ username: options.username, userId: DEFAULT_USER_ID, displayName: 'Integration User', email: options.username, active: true }],
  });
}

async function configFromOptions(options: EmulatorOptions, cwd: string): Promise<EmulatorConfig> {
  if (options.config) {
    const file = path.resolve(cwd, options.config);
    const text = await readFileFor('emulator config', file);
    try {
      return loadEmulatorConfig(text);
    } catch (error) {
      throw new UsageError(`${file}: ${(error as Error).message}`, 'see `sfjwt emulator --help` and the README for the config format');
    }
  }
  if (options.adminToken !== undefined && !options.clientId && !options.cert) return appFreeConfig(options);
  const missing = (['clientId', 'cert', 'username'] as const).filter((k) => !options[k]);
  if (missing.length > 0) {
    const flags = missing.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(`missing ${flags.join(', ')}`, 'pass --client-id, --cert and --username (or --config <json>); `sfjwt demo` shows it all working');
  }
  const certPem = await readFileFor('certificate', path.resolve(cwd, options.cert!));
  return singleAppConfig({
    clientId: options.clientId!,
    certPem,
    username: options.username!,
    app: options.app,
    policy: options.policy,
    assigned: options.assigned === 'true',
    isSandbox: options.sandbox,
  });
}

/** Runs until SIGINT/SIGTERM; prints its base URL on stdout first so scripts can read it. */
export const runEmulator: CommandHandler<EmulatorOptions> = async (options, ctx) => {
  const config = await configFromOptions(options, ctx.deps.cwd);
  if (options.adminToken !== undefined) {
    if (!/^\S{8,}$/.test(options.adminToken)) throw new UsageError('invalid --admin-token: expected at least 8 characters without spaces');
    config.admins = [...(config.admins ?? []), { username: EMULATOR_ADMIN_USERNAME, accessToken: options.adminToken }];
  }
  const emulator = await startEmulator(config, { port: options.port });
  const result = {
    url: emulator.url,
    port: emulator.port,
    tokenUrl: `${emulator.url}/services/oauth2/token`,
    apps: config.apps.map((a) => ({ clientId: a.clientId, kind: a.kind, policy: a.policy })),
    users: config.users.map((u) => u.username),
  };
  if (ctx.globals.json) ctx.deps.stdout.write(renderEnvelope('emulator', result, ctx.warnings));
  else ctx.deps.stdout.write(`${emulator.url}\n`);
  ctx.ui.success(`Salesforce emulator listening on ${emulator.url} (token endpoint ${result.tokenUrl})`);
  for (const app of result.apps) ctx.ui.info(`  app ${app.clientId} (${app.kind}, policy ${app.policy})`);
  ctx.ui.info(`  users: ${result.users.join(', ')}`);
  // The admin token itself is the caller's: never echoed.
  for (const admin of config.admins ?? []) ctx.ui.info(`  admin: ${admin.username} (zero-click: SFJWT_ADMIN_INSTANCE_URL=${emulator.url} sfjwt init --admin)`);
  ctx.ui.info(`  try: sfjwt verify --login-url ${emulator.url} --username ${result.users[0] ?? '<user>'} --client-id ${result.apps[0]?.clientId ?? '<key>'} --key <server.key>`);
  ctx.ui.info('  Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    if (ctx.deps.signal.aborted) resolve();
    ctx.deps.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await emulator.stop();
  ctx.ui.info('Emulator stopped.');
  // A clean stop on a signal is success for a server.
  return { printed: true, exitCode: 0 };
};

