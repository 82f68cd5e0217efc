import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext, CommandHandler } from '../command.js';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../emulator/index.js';
import { CliError } from '../errors.js';
import { packageRoot } from '../package-root.js';

const bin = () => path.join(packageRoot(), 'bin', 'sfjwt.cjs');
const DEMO_USER = 'integration@sfjwt-demo.example';
const DEMO_ALIAS = 'demo';
const DEMO_ADMIN = 'admin@sfjwt-demo.example';

interface DemoStep {
  title: string;
  args: string[];
  /** Lines of the child's stdout to show (tokens are never shown). */
  show?: (stdout: string) => string[];
  /** Extra environment for this step (the admin session of the zero-click run). */
  env?: NodeJS.ProcessEnv;
}

interface StepReport {
  title: string;
  command: string;
  ok: boolean;
  exitCode: number | null;
  ms: number;
}

function runChild(args: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether an executable `name` is on the user's PATH. */
export type PathLookup = (name: string) => Promise<boolean>;

/**
 * Looks through PATH as the user's shell would. Folders ending in node_modules/.bin are skipped:
 * npm and npx put them on PATH for the run only, so a command found there is not one the user can type.
 */
export function pathLookup(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): PathLookup {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((d) => d && !/[\\/]node_modules[\\/]\.bin[\\/]?$/.test(d));
  const suffixes = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  return async (name) => {
    for (const dir of dirs) {
      for (const suffix of suffixes) {
        try {
          const file = path.join(dir, name + suffix);
          if ((await fs.stat(file)).isFile()) {
            await fs.access(file, fsConstants.X_OK);
            return true;
          }
        } catch {
          // not here
        }
      }
    }
    return false;
  };
}

/** How the user types sfjwt: `sfjwt` when it is installed on PATH, else `npx sfjwt` (a clone, `npm run demo`). */
export async function sfjwtCommand(lookup: PathLookup): Promise<string> {
  return (await lookup('sfjwt')) ? 'sfjwt' : 'npx sfjwt';
}

/** The children print `sfjwt …` commands (e.g. doctor's "Next: `sfjwt export …`"): show them as the user types them. */
export function asTyped(text: string, cli: string): string {
  return cli === 'sfjwt' ? text : text.replace(/`sfjwt /g, `\`${cli} `);
}

function indent(text: string, ui: CommandContext['ui']): void {
  for (const line of text.trimEnd().split('\n')) if (line.trim()) ui.info(`    ${ui.color.dim(line)}`);
}

/** The whole flow, offline: each step is the real CLI, run as a user would type it. */
export const runDemo: CommandHandler<{ keep: boolean }> = (options, ctx) => runDemoWith(options, ctx, pathLookup(ctx.deps.env, ctx.deps.platform));

export async function runDemoWith(options: { keep: boolean }, ctx: CommandContext, lookup: PathLookup): ReturnType<CommandHandler<{ keep: boolean }>> {
  const { ui } = ctx;
  const cli = await sfjwtCommand(lookup);
  const started = performance.now();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'sfjwt-demo-'));
  const home = path.join(work, 'home');
  const keysDir = path.join(work, 'keys');
  // As long as the keys Salesforce generates (85 characters), so no check takes it for a cut-off one.
  const clientId = `3MVG9demo${Buffer.from(ctx.deps.random(38)).toString('hex')}`;
  const adminToken = `00Ddemo!${Buffer.from(ctx.deps.random(24)).toString('hex')}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...ctx.deps.env,
    SFJWT_HOME: home,
    SFJWT_ALIAS: undefined,
    CI: '1',
    ...(ui.color.level > 0 ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' }),
  };
  delete childEnv.SFJWT_ALIAS;
  for (const name of ['SFJWT_LOGIN_URL', 'SFJWT_USERNAME', 'SFJWT_CLIENT_ID', 'SFJWT_KEY', 'SFJWT_KEY_FILE', 'SFJWT_AUDIENCE']) delete childEnv[name];
  const reports: StepReport[] = [];
  let emulator: RunningEmulator | undefined;

  const runStep = async (step: DemoStep): Promise<void> => {
    const shown = `${cli} ${step.args.join(' ')}`;
    ui.info('');
    ui.info(`${ui.color.bold(step.title)}`);
    ui.info(`  ${ui.color.cyan('$')} ${shown}`);
    const t0 = performance.now();
    const child = await runChild(step.args, { ...childEnv, ...step.env }, ctx.deps.signal);
    const ms = Math.round(performance.now() - t0);
    const ok = child.code === 0;
    reports.push({ title: step.title, command: shown, ok, exitCode: child.code, ms });
    const out = asTyped(step.show ? step.show(child.stdout).join('\n') : child.stdout, cli);
    indent(out, ui);
    if (!ok || ctx.globals.verbose) indent(child.stderr, ui);
    if (ok) ui.success(`${step.title} ${ui.color.dim(`(${ms} ms)`)}`);
    else {
      ui.error(`${step.title} failed with exit code ${child.code} ${ui.color.dim(`(${ms} ms)`)}`);
      throw new CliError('internal', `demo step failed: ${shown}`, { hint: `work files kept in ${work}`, result: { steps: reports } });
    }
  };

  ui.info(ui.color.bold('sfjwt demo: a JWT bearer login from nothing, against a local Salesforce emulator (no org, no network)'));
  ui.info(ui.color.dim(`  working in ${work}`));
  let failed = false;
  try {
    await runStep({ title: '1. Generate an RSA key and a self-signed certificate', args: ['cert', 'generate', '--out-dir', keysDir, '--cn', 'sfjwt-demo'] });

    ui.info('');
    ui.info(ui.color.bold('2. Start the emulator with the certificate "uploaded" to an External Client App'));
    const t0 = performance.now();
    emulator = await startEmulator(
      {
        ...singleAppConfig({ clientId, certPem: await fs.readFile(path.join(keysDir, 'server.crt'), 'utf8'), username: DEMO_USER, app: 'eca' }),
        admins: [{ username: DEMO_ADMIN, accessToken: adminToken }],
      },
      { port: 0 },
    );
    const ms = Math.round(performance.now() - t0);
    reports.push({ title: '2. Start the emulator', command: '(in process)', ok: true, exitCode: 0, ms });
    ui.info(`    ${ui.color.dim(`${emulator.url} plays the org's My Domain; consumer key ${clientId}; run-as user ${DEMO_USER}`)}`);
    ui.success(`Emulator listening on ${emulator.url} ${ui.color.dim(`(${ms} ms)`)}`);

    const credentials = ['--login-url', emulator.url, '--username', DEMO_USER, '--client-id', clientId, '--key', path.join(keysDir, 'server.key')];
    for (const step of demoSteps(credentials)) await runStep(step);
    await runStep({
      title: '8. zero clicks: init --admin deploys a new External Client App by metadata, assigns the user and verifies',
      args: ['init', '-a', `${DEMO_ALIAS}-admin`, '--admin', '--org-kind', 'production', '--login-url', emulator.url, '--username', DEMO_USER, '--yes'],
      // What `sf org login web` would give (or --admin-org <alias> reads it from the Salesforce CLI).
      env: { SFJWT_ADMIN_INSTANCE_URL: emulator.url, SFJWT_ADMIN_ACCESS_TOKEN: adminToken },
    });
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await emulator?.stop();
    if (!options.keep && !failed) await fs.rm(work, { recursive: true, force: true });
  }

  const total = Math.round(performance.now() - started);
  ui.info('');
  ui.success(ui.color.bold(`All ${reports.length} steps passed in ${(total / 1000).toFixed(1)} s.`));
  ui.info(`  Next, with your own org: ${ui.color.cyan(`${cli} init`)}  (or see README.md for CI flags)`);
  // The steps were narrated one by one above; stdout stays empty (--json carries them as data).
  return { result: { steps: reports, elapsedMs: total, kept: options.keep ? work : null } };
}

/** The steps after the emulator is up: what a user types, against the emulator instead of an org. */
function demoSteps(credentials: string[]): DemoStep[] {
  const alias = ['-a', DEMO_ALIAS];
  return [
    {
      title: '3. init: save a profile and verify it (non-interactive, as in CI)',
      args: ['init', ...alias, '--org-kind', 'production', '--app', 'eca', ...credentials, '--no-open', '--yes'],
    },
    { title: '4. verify: token exchange and identity check for the profile', args: ['verify', ...alias] },
    {
      title: '5. token: an access token for scripts (shown redacted here)',
      args: ['token', ...alias, '--json'],
      show: (stdout) => {
        const parsed = JSON.parse(stdout) as { result: { accessToken: string; instanceUrl: string } };
        return [`accessToken: ${parsed.result.accessToken.slice(0, 15)}… (redacted)`, `instanceUrl: ${parsed.result.instanceUrl}`];
      },
    },
    { title: '6. doctor: every local and network check', args: ['doctor', ...alias] },
    { title: '7. export: the Salesforce CLI login command for this profile', args: ['export', '--format', 'sf', ...alias] },
  ];
}

export { DEMO_ALIAS };
