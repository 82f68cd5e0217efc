import path from 'node:path';
import type { CommandHandler } from '../command.js';
import { loadEmulatorConfig, singleAppConfig, startEmulator, type EmulatorConfig } from '../emulator/index.js';
import { UsageError } from '../errors.js';
import { renderEnvelope } from '../run.js';
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
export const run: CommandHandler<EmulatorOptions> = async (options, ctx) => {
  const config = await configFromOptions(options, ctx.deps.cwd);
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

