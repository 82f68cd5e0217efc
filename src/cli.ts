import { Command, CommanderError, Help, Option } from 'commander';
import type { CommandHandler, GlobalOptions } from './command.js';
import type { Deps } from './deps.js';
import { packageVersion } from './package-root.js';
import { UsageError, type ExitCode } from './errors.js';
import { execute } from './run.js';

type Loader = () => Promise<CommandHandler<any>>;

/** Commands that change a profile's files run under its lock (see core/locking.ts). */
async function locked(handler: Promise<CommandHandler<any>>, explicitOnly = false): Promise<CommandHandler<any>> {
  const [run, { lockingProfile }] = await Promise.all([handler, import('./core/locking.js')]);
  return lockingProfile(run, explicitOnly);
}

export const VERSION = packageVersion();

function parseInteger(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`invalid ${name} "${value}": expected a whole number from ${min} to ${max}`, `pass ${name} <${min}-${max}>`);
    }
    return n;
  };
}

const orgKindOption = () =>
  new Option('--org-kind <kind>', 'org kind').choices(['production', 'sandbox', 'scratch', 'developer', 'site']);
const appOption = () => new Option('--app <kind>', 'app kind: External Client App or Connected App').choices(['eca', 'connected-app']);

/** The values verify, token, doctor (and export) accept instead of, or on top of, a profile. */
function addCredentialOptions(cmd: Command): Command {
  return cmd
    .option('--login-url <url>', 'My Domain or login URL (env SFJWT_LOGIN_URL)')
    .option('--username <username>', 'run-as username, the JWT sub (env SFJWT_USERNAME)')
    .option('--client-id <key>', 'consumer key, the JWT iss (env SFJWT_CLIENT_ID)')
    .option('--key <file>', 'private key PEM file (env SFJWT_KEY_FILE, or SFJWT_KEY with the PEM itself)')
    .option('--cert <file>', 'certificate PEM file')
    .option('--audience <url>', 'fix the JWT aud instead of trying the audience matrix (env SFJWT_AUDIENCE)')
    .addOption(orgKindOption())
    .addOption(appOption())
    .option('--timeout <seconds>', 'per-request timeout', parseInteger('--timeout', 1, 600));
}

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

  addCredentialOptions(
    program
      .command('verify')
      .description('exchange a token and check the identity, for a profile or ad-hoc values')
      .option('--wait <seconds>', 'keep retrying propagation errors for up to this long', parseInteger('--wait', 0, 3600)),
  ).action(action('verify', () => import('./commands/verify.js').then((m) => m.runVerify)));

  addCredentialOptions(
    program.command('token').description('print an access token for scripts: curl -H "Authorization: Bearer $(sfjwt token)"'),
  ).action(action('token', () => import('./commands/token.js').then((m) => m.runToken)));

  const cert = program.command('cert').description('generate, show, renew, rotate or import keys and certificates');
  cert
    .command('generate')
    .description('generate an RSA key (0600) and a self-signed certificate')
    .option('--out-dir <dir>', "where to write server.key and server.crt (default: the profile's key dir with -a, else .)")
    .addOption(new Option('--key-size <bits>', 'RSA key size').choices(['2048', '3072', '4096']).default('2048'))
    .option('--days <n>', 'certificate validity in days', parseInteger('--days', 1, 36500), 730)
    .option('--cn <name>', 'certificate common name')
    .option('--force', 'replace existing files (backed up first)', false)
    .action(action('cert generate', () => locked(import('./commands/cert-generate.js').then((m) => m.runCertGenerate), true)));
  cert
    .command('show')
    .description('subject, serial, validity, days left, key size, fingerprint, key/cert match')
    .option('--key <file>', 'private key file (default: the profile\'s)')
    .option('--cert <file>', 'certificate file (default: the profile\'s)')
    .option('--history', 'also list backed-up keys and certificates', false)
    .action(action('cert show', () => import('./commands/cert-show.js').then((m) => m.runCertShow)));
  cert
    .command('renew')
    .description('new certificate from the same key: nothing that signs with the key breaks')
    .option('--days <n>', 'validity in days', parseInteger('--days', 1, 36500), 730)
    .option('--key <file>', 'private key file (default: the profile\'s)')
    .option('--cert <file>', 'certificate file to replace (default: the profile\'s)')
    .option('--admin', "deploy the certificate to the profile's app with an admin session (SFJWT_ADMIN_INSTANCE_URL + SFJWT_ADMIN_ACCESS_TOKEN)")
    .option('--admin-org <alias>', "deploy it with the Salesforce CLI's login of this org (implies --admin)")
    .action(action('cert renew', () => locked(import('./commands/cert-renew.js').then((m) => m.run))));
  cert
    .command('rotate')
    .description('new key and certificate; verified before the old pair is archived')
    .addOption(new Option('--key-size <bits>', 'RSA key size').choices(['2048', '3072', '4096']).default('2048'))
    .option('--days <n>', 'validity in days', parseInteger('--days', 1, 36500), 730)
    .option('--wait <seconds>', 'propagation wait for the verification (default 600 interactive)', parseInteger('--wait', 0, 3600))
    .option('--timeout <seconds>', 'per-request timeout', parseInteger('--timeout', 1, 600))
    .option('--no-open', 'never open a browser')
    .option('--admin', "deploy the new certificate to the profile's app with an admin session, then verify (SFJWT_ADMIN_INSTANCE_URL + SFJWT_ADMIN_ACCESS_TOKEN)")
    .option('--admin-org <alias>', "deploy it with the Salesforce CLI's login of this org (implies --admin)")
    .action(action('cert rotate', () => locked(import('./commands/cert-rotate.js').then((m) => m.run))));
  cert
    .command('import')
    .description('bring an existing key (PEM, PKCS#12 or JKS) into a profile')
    .option('--key <file>', 'private key PEM')
    .option('--cert <file>', 'certificate PEM (made from the key when missing)')
    .option('--p12 <file>', 'PKCS#12 / PFX keystore')
    .option('--jks <file>', 'Java keystore (e.g. exported from Certificate and Key Management)')
    .option('--passphrase-env <var>', 'environment variable holding the keystore passphrase')
    .option('--key-alias <name>', 'entry to take from a keystore with several')
    .option('--days <n>', 'validity of a certificate made from the key', parseInteger('--days', 1, 36500), 730)
    .option('--force', 'replace the profile\'s existing key files (backed up first)', false)
    .action(action('cert import', () => locked(import('./commands/cert-import.js').then((m) => m.runCertImport))));

  program
    .command('init')
    .description('guided set-up: key and certificate, app instructions, consumer key, verified login')
    .addOption(orgKindOption())
    .option('--login-url <url>', 'My Domain URL, e.g. https://acme.my.salesforce.com')
    .option('--username <username>', 'run-as username (the JWT sub)')
    .addOption(appOption())
    .option('--app-name <name>', 'name of the External Client App / Connected App to create')
    .option('--contact-email <email>', 'contact email for the app')
    .option('--access <name>', 'profile or permission set that gets access to the app')
    .option('--key <file>', 'use this existing private key instead of generating one')
    .addOption(new Option('--key-size <bits>', 'RSA key size').choices(['2048', '3072', '4096']))
    .option('--days <n>', 'certificate validity in days (default 730)', parseInteger('--days', 1, 36500))
    .option('--out-dir <dir>', "where to write the key and certificate (default: the profile's key dir)")
    .option('--client-id <key>', 'consumer key of the app')
    .option('--wait <seconds>', 'propagation wait for the verification (default 600 interactive, 0 otherwise)', parseInteger('--wait', 0, 3600))
    .option('--timeout <seconds>', 'per-request timeout', parseInteger('--timeout', 1, 600))
    .option('--no-open', 'never open a browser')
    .option('--no-verify', 'save the profile without the verification exchange')
    .option('--dry-run', 'ask everything, then print what would be written and done', false)
    .option('--force', 'replace existing key files (backed up first)', false)
    .option('--admin', 'zero clicks: deploy the External Client App with an admin session (SFJWT_ADMIN_INSTANCE_URL + SFJWT_ADMIN_ACCESS_TOKEN)')
    .option('--admin-org <alias>', "zero clicks with the Salesforce CLI's login of this org (implies --admin)")
    .action(action('init', () => import('./commands/init.js').then((m) => m.runInit)));

  addCredentialOptions(
    program
      .command('doctor')
      .description('diagnose invalid_grant, invalid assertion and every other failure, with the fix')
      .option('--offline', 'skip network checks', false)
      .option('--only <ids>', 'run only these checks or finding codes (comma-separated)')
      .option('--skip <ids>', 'skip these checks or finding codes (comma-separated)')
      .option('--error <text>', 'explain an error message pasted from any tool')
      .option('--assertion <jwt>', "decode and check a JWT from another tool against the profile's certificate")
      .option('--show-assertion', 'print the assertion sfjwt signs (a credential for 3 minutes)', false)
      .option('--all', 'every profile, concurrently', false)
      .option('--strict', 'warnings fail too', false)
      .option('--fix', 'apply the safe automatic fixes (key repair, chmod 600, .gitignore)', false)
      .option('--passphrase-env <var>', "with --fix: the environment variable holding the key's passphrase")
      .option('--admin', "also read the org's own records with an admin session (SFJWT_ADMIN_INSTANCE_URL + SFJWT_ADMIN_ACCESS_TOKEN)")
      .option('--admin-org <alias>', "also read the org's own records with the Salesforce CLI's login of this org"),
  ).action(action('doctor', () => import('./commands/doctor.js').then((m) => m.run)));

  program
    .command('export')
    .description('ready-to-paste settings for the sf CLI, env files, CI pipelines and client code')
    .requiredOption('--format <format>', 'sf | env | github-actions | gitlab-ci | jsforce | simple-salesforce | python | curl | eca-metadata | connected-app-metadata')
    .option('--out <path>', 'write to this file (or directory, for metadata) instead of stdout')
    .option('--include-key', 'include the private key (base64, for a CI secret)', false)
    .option('--force', 'overwrite --out if it exists', false)
    .action(action('export', () => import('./commands/export.js').then((m) => m.runExport)));

  const profiles = program.command('profiles').description('list, show, remove profiles or set the default');
  profiles.command('list').description('list profiles').action(action('profiles list', () => import('./commands/profiles.js').then((m) => m.runList)));
  profiles.command('show').description('show one profile').action(action('profiles show', () => import('./commands/profiles.js').then((m) => m.runShow)));
  profiles
    .command('remove')
    .description('remove a profile (key files are kept unless --delete-keys)')
    .option('--delete-keys', 'also delete its key directory', false)
    .action(action('profiles remove', () => locked(import('./commands/profiles.js').then((m) => m.runRemove))));
  profiles
    .command('default')
    .description('make a profile the default')
    .argument('[alias]', 'alias (or -a)')
    .action(action('profiles default', () => import('./commands/profiles.js').then((m) => m.runDefault)));

  program
    .command('emulator')
    .description('run a local Salesforce token endpoint on 127.0.0.1 that validates assertions like Salesforce')
    .option('--port <port>', 'port (0 = any free port)', parseInteger('--port', 0, 65535), 0)
    .option('--client-id <key>', 'consumer key of the emulated app')
    .option('--cert <file>', 'certificate "uploaded" to the emulated app')
    .option('--username <username>', 'the emulated run-as user')
    .addOption(appOption().default('eca'))
    .addOption(new Option('--policy <policy>', 'Permitted Users policy').choices(['admin', 'self']).default('admin'))
    .addOption(new Option('--assigned <bool>', "the user's profile is assigned to the app").choices(['true', 'false']).default('true'))
    .option('--sandbox', 'emulate a sandbox org', false)
    .option('--config <file>', 'JSON config for several apps and users')
    .option('--admin-token <token>', 'accept this access token as an org admin\'s (deploys, queries, assignments: `sfjwt init --admin`)')
    .action(action('emulator', () => import('./commands/emulator.js').then((m) => m.runEmulator)));

  program
    .command('demo')
    .description('run the whole flow against the embedded emulator in a temporary directory')
    .option('--keep', 'keep the temporary directory', false)
    .action(action('demo', () => import('./commands/demo.js').then((m) => m.runDemo)));

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
