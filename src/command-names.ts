/** sfjwt's top-level commands, in help order (cli.ts defines them; a test keeps the two in step). */
export const COMMAND_NAMES = ['verify', 'token', 'cert', 'init', 'doctor', 'export', 'profiles', 'emulator', 'demo'] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * The commands worth defining for this argv: those it names. Defining all ~20 commands and their
 * options costs milliseconds on every start; the command that runs is always one of the words in
 * argv. Help listings (`sfjwt`, `--help` or `help` alone) and typos (for "did you mean") get all.
 */
export function commandsNamedIn(argv: readonly string[]): ReadonlySet<CommandName> | undefined {
  if (argv.includes('help')) return undefined;
  const named = commandWordsIn(argv);
  return named.size > 0 ? named : undefined;
}

/** The words of argv that are command names, leaving out the values of global options. */
export function commandWordsIn(argv: readonly string[]): ReadonlySet<CommandName> {
  return new Set(
    argv.filter(
      (arg, i): arg is CommandName => (COMMAND_NAMES as readonly string[]).includes(arg) && !GLOBAL_VALUE_OPTIONS.includes(argv[i - 1] ?? ''),
    ),
  );
}

/** Global options that take a value (cli.ts; a test keeps them in step): `-a verify` names a profile. */
export const GLOBAL_VALUE_OPTIONS: readonly string[] = ['-a', '--alias', '--config-dir'];
