import type { CommandContext, CommandHandler } from '../command.js';
import type { CredentialFlags } from '../core/credentials.js';
import { UsageError } from '../errors.js';
import { allMode } from './doctor/all-mode.js';
import { assertionMode } from './doctor/assertion-mode.js';
import type { DoctorOptions } from './doctor/common.js';
import { explainMode } from './doctor/explain-mode.js';
import { reportMode } from './doctor/report-mode.js';

export type { DoctorOptions } from './doctor/common.js';

// `sfjwt doctor`: checks that the flags fit together, then hands over to one of its four modes (doctor/*-mode.ts).

const CREDENTIAL_FLAGS: (keyof CredentialFlags)[] = ['loginUrl', 'username', 'clientId', 'key', 'cert', 'audience', 'orgKind', 'app'];

function checkConflicts(options: DoctorOptions, ctx: CommandContext): void {
  const modes = (['error', 'assertion', 'all'] as const).filter((m) => options[m] !== undefined && options[m] !== false);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be combined`, 'run them one at a time');
  if (options.all) {
    const given = CREDENTIAL_FLAGS.filter((f) => options[f] !== undefined);
    if (given.length > 0 || ctx.globals.alias) {
      throw new UsageError('--all diagnoses every profile with its own settings; it takes no -a or credential flags', 'drop --all to diagnose one profile or ad-hoc values');
    }
    if (options.fix) throw new UsageError('--fix applies to one profile at a time', 'run `sfjwt doctor -a <alias> --fix`');
    if (options.showAssertion) throw new UsageError('--show-assertion applies to one profile at a time', 'run `sfjwt doctor -a <alias> --show-assertion`');
    if (options.admin || options.adminOrg !== undefined) throw new UsageError('--admin reads one profile\'s org records at a time', 'run `sfjwt doctor -a <alias> --admin-org <org>`');
  }
  if ((options.error !== undefined || options.assertion !== undefined) && (options.fix || options.showAssertion)) {
    throw new UsageError('--fix and --show-assertion do not apply to --error or --assertion');
  }
  if (options.passphraseEnv !== undefined && !options.fix) throw new UsageError('--passphrase-env is for --fix (removing the passphrase of a key)', 'add --fix');
  // STYLE §3: each fix is confirmed; where nobody can be asked, --yes is the consent.
  if (options.fix && !ctx.interactive && !ctx.globals.yes) {
    throw new UsageError('--fix changes files and cannot ask for confirmation here', 'add --yes to apply every automatic fix, or run it in a terminal to confirm each one');
  }
}

export const run: CommandHandler<DoctorOptions> = async (options, ctx) => {
  checkConflicts(options, ctx);
  if (options.error !== undefined) return explainMode(options, ctx);
  if (options.assertion !== undefined) return assertionMode(options, ctx);
  if (options.all) return allMode(options, ctx);
  return reportMode(options, ctx);
};
