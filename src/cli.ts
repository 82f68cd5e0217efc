import { Command, CommanderError, Help } from 'commander';
import type { CommandHandler, GlobalOptions } from './command.js';
import { certGenerateCommand } from './commands/cert-generate.command.js';
import { certImportCommand } from './commands/cert-import.command.js';
import { certRenewCommand } from './commands/cert-renew.command.js';
import { certRotateCommand } from './commands/cert-rotate.command.js';
import { certShowCommand } from './commands/cert-show.command.js';
import { demoCommand } from './commands/demo.command.js';
import { doctorCommand } from './commands/doctor.command.js';
import { emulatorCommand } from './commands/emulator.command.js';
import { exportCommand } from './commands/export.command.js';
import { initCommand } from './commands/init.command.js';
import { profilesDefaultCommand, profilesListCommand, profilesRemoveCommand, profilesShowCommand } from './commands/profiles.command.js';
import { tokenCommand } from './commands/token.command.js';
import { verifyCommand } from './commands/verify.command.js';
import type { Deps } from './deps.js';
import { packageVersion } from './package-root.js';
import { UsageError, type ExitCode } from './errors.js';
import { execute } from './execute.js';

type Loader = () => Promise<CommandHandler<any>>;

/** Commands that change a profile's files run under its lock (see core/locking.ts). */
async function locked(handler: Promise<CommandHandler<any>>, explicitOnly = false): Promise<CommandHandler<any>> {
  const [run, { lockingProfile }] = await Promise.all([handler, import('./core/locking.js')]);
  return lockingProfile(run, explicitOnly);
}

export const VERSION = packageVersion();

export interface ProgramHooks {
  deps: Deps;
  setExitCode(code: ExitCode): void;
}

export function createProgram({ deps, setExitCode }: ProgramHooks): Command {
  const program = new Command('sfjwt');
  program
    .description('Set up, verify, diagnose and keep working a Salesforce OAuth 2.0 JWT Bearer login')
    .version(VERSION, '-V, --version')
    .option('--json', 'print one JSON document on stdout', false)
    .option('--no-color', 'disable colour (also NO_COLOR)')
    .option('-a, --alias <name>', 'profile alias (env SFJWT_ALIAS; default: the default profile)')
    .option('--config-dir <dir>', 'config directory (env SFJWT_HOME)')
    .option('--no-interactive', 'never prompt; missing values are errors')
    .option('-y, --yes', 'accept safe defaults', false)
    .option('--verbose', 'show details', false)
    .showHelpAfterError('(run with --help for usage)')
    // "(default: false)" on every switch is noise.
    .configureHelp({
      optionDescription(option) {
        return Help.prototype.optionDescription.call(this, option).replace(/ \(default: false\)$/, '');
      },
    })
    .addHelpText(
      'after',
      `
Start here:
  sfjwt demo                 the whole flow against a local emulator (no org needed)
  sfjwt init                 set up a JWT login for your org, step by step
  sfjwt verify -a <alias>    check that the login works
  sfjwt doctor -a <alias>    find out why it does not, and the fix

Exit codes: 0 ok, 1 failed, 2 usage or input error, 130 cancelled.`,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
      // Commander prints its own parse errors; ours go through the JSON envelope when asked.
      outputError: (s, write) => write(s),
    });

  const action = (name: string, load: Loader) =>
    async function (this: Command, ...received: unknown[]) {
      const cmd = received[received.length - 1] as Command;
      const options = cmd.opts();
      const globals = cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
      // Loading inside the handler: a broken install is reported like any unexpected error.
      const handler: CommandHandler<unknown> = async (o, c, a) => (await load())(o, c, a);
      setExitCode(await execute(name, handler, options, cmd.args, deps, normalizeGlobals(globals)));
    };
  /** Attaches a command defined in src/commands/ as `.command()` would (help, output and exit settings) and runs its handler. */
  const add = (parent: Command, cmd: Command, load: Loader) => {
    const name = parent === program ? cmd.name() : `${parent.name()} ${cmd.name()}`;
    parent.addCommand(cmd.copyInheritedSettings(parent).action(action(name, load)));
  };

  add(program, verifyCommand(), () => import('./commands/verify.js').then((m) => m.runVerify));
  add(program, tokenCommand(), () => import('./commands/token.js').then((m) => m.runToken));

  const cert = program.command('cert').description('generate, show, renew, rotate or import keys and certificates');
  add(cert, certGenerateCommand(), () => locked(import('./commands/cert-generate.js').then((m) => m.runCertGenerate), true));
  add(cert, certShowCommand(), () => import('./commands/cert-show.js').then((m) => m.runCertShow));
  add(cert, certRenewCommand(), () => locked(import('./commands/cert-renew.js').then((m) => m.run)));
  add(cert, certRotateCommand(), () => locked(import('./commands/cert-rotate.js').then((m) => m.run)));
  add(cert, certImportCommand(), () => locked(import('./commands/cert-import.js').then((m) => m.runCertImport)));

  add(program, initCommand(), () => import('./commands/init.js').then((m) => m.runInit));
  add(program, doctorCommand(), () => import('./commands/doctor.js').then((m) => m.run));
  add(program, exportCommand(), () => import('./commands/export.js').then((m) => m.runExport));

  const profiles = program.command('profiles').description('list, show, remove profiles or set the default');
  add(profiles, profilesListCommand(), () => import('./commands/profiles.js').then((m) => m.runList));
  add(profiles, profilesShowCommand(), () => import('./commands/profiles.js').then((m) => m.runShow));
  add(profiles, profilesRemoveCommand(), () => locked(import('./commands/profiles.js').then((m) => m.runRemove)));
  add(profiles, profilesDefaultCommand(), () => import('./commands/profiles.js').then((m) => m.runDefault));

  add(program, emulatorCommand(), () => import('./commands/emulator.js').then((m) => m.runEmulator));
  add(program, demoCommand(), () => import('./commands/demo.js').then((m) => m.runDemo));

  return program;
}

function normalizeGlobals(raw: GlobalOptions & Record<string, unknown>): GlobalOptions {
  return {
    json: Boolean(raw.json),
    color: raw.color !== false,
    alias: typeof raw.alias === 'string' ? raw.alias : undefined,
    configDir: typeof raw.configDir === 'string' ? raw.configDir : undefined,
    interactive: raw.interactive !== false,
    yes: Boolean(raw.yes),
    verbose: Boolean(raw.verbose),
  };
}

/** Parses argv and runs the command; commander's own errors become exit 2 (help/version stay 0). */
export async function runProgram(argv: string[], deps: Deps): Promise<ExitCode> {
  let exitCode: ExitCode = 0;
  const program = createProgram({ deps, setExitCode: (code) => (exitCode = code) });
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return 0;
      if (wantsJson) {
        deps.stdout.write(
          `${JSON.stringify({ ok: false, command: argv.find((a) => !a.startsWith('-')) ?? '', error: { code: 'usage', message: error.message.replace(/^error: /, ''), hint: 'run with --help for usage', causes: [], fixes: [] }, warnings: [] }, null, 2)}\n`,
        );
      }
      return 2;
    }
    if (error instanceof UsageError) {
      // Thrown by an option parser before the action ran.
      return execute('', async () => Promise.reject(error), {}, [], deps, {
        json: wantsJson, color: !argv.includes('--no-color'), interactive: true, yes: false, verbose: false,
      });
    }
    throw error;
  }
  return exitCode;
}
