import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli.js';
import { COMMAND_NAMES, commandsNamedIn, commandWordsIn, GLOBAL_VALUE_OPTIONS, type CommandName } from '../../src/command-names.js';
import { createTestDeps } from '../helpers/deps.js';

const topLevelNames = (only?: ReadonlySet<CommandName>) =>
  createProgram({ deps: createTestDeps(), setExitCode: () => {}, ...(only ? { only } : {}) }).commands.map((c) => c.name());

describe('commandsNamedIn', () => {
  it('is undefined when argv names no command (help listing, options only, typos)', () => {
    expect(commandsNamedIn([])).toBeUndefined();
    expect(commandsNamedIn(['--help'])).toBeUndefined();
    expect(commandsNamedIn(['-h'])).toBeUndefined();
    expect(commandsNamedIn(['--json', '--no-color'])).toBeUndefined();
    expect(commandsNamedIn(['verfy'])).toBeUndefined();
    expect(commandsNamedIn(['Verify', 'CERT'])).toBeUndefined();
  });

  it("is undefined whenever 'help' is a word of argv, even next to a command", () => {
    expect(commandsNamedIn(['help'])).toBeUndefined();
    expect(commandsNamedIn(['help', 'verify'])).toBeUndefined();
    expect(commandsNamedIn(['cert', 'help', 'show'])).toBeUndefined();
  });

  it('is the set of the one command named', () => {
    expect(commandsNamedIn(['verify'])).toEqual(new Set(['verify']));
    expect(commandsNamedIn(['verify', '--json', '--help'])).toEqual(new Set(['verify']));
    expect(commandsNamedIn(['-a', 'acme', 'cert', 'show'])).toEqual(new Set(['cert']));
    expect(commandsNamedIn(['token', 'token'])).toEqual(new Set(['token']));
  });

  it('skips the value of a global option: a profile or folder named like a command', () => {
    expect(commandsNamedIn(['-a', 'verify', 'doctor'])).toEqual(new Set(['doctor']));
    expect(commandsNamedIn(['--alias', 'cert'])).toBeUndefined();
    expect(commandsNamedIn(['--config-dir', 'cert'])).toBeUndefined();
    expect(commandsNamedIn(['-a', 'verify', 'verify'])).toEqual(new Set(['verify']));
  });

  it('is the set of every command name in argv when there are several (e.g. an option value)', () => {
    expect(commandsNamedIn(['doctor', '--error', 'verify'])).toEqual(new Set(['verify', 'doctor']));
    expect(commandsNamedIn(['export', '--format', 'x', 'demo', 'profiles'])).toEqual(new Set(['export', 'demo', 'profiles']));
  });

  it('knows every command name', () => {
    for (const name of COMMAND_NAMES) expect(commandsNamedIn(['--json', name])).toEqual(new Set([name]));
  });
});

describe('commandWordsIn', () => {
  it("is every command name in argv, 'help' or not, leaving out global option values", () => {
    expect(commandWordsIn(['help', 'verify'])).toEqual(new Set(['verify']));
    expect(commandWordsIn(['doctor', '--error', 'help'])).toEqual(new Set(['doctor']));
    expect(commandWordsIn(['-a', 'cert', '--config-dir', 'token', 'doctor'])).toEqual(new Set(['doctor']));
    expect(commandWordsIn(['--help'])).toEqual(new Set());
  });
});

describe('COMMAND_NAMES and createProgram', () => {
  it('GLOBAL_VALUE_OPTIONS are exactly the root options that take a value', () => {
    const program = createProgram({ deps: createTestDeps(), setExitCode: () => {} });
    const takingValues = program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter(Boolean));
    expect([...takingValues].sort()).toEqual([...GLOBAL_VALUE_OPTIONS].sort());
  });

  it('lists exactly the top-level commands cli.ts defines, in help order', () => {
    expect(topLevelNames()).toEqual([...COMMAND_NAMES]);
  });

  it('has no duplicates', () => {
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
  });

  it('defines only the commands asked for', () => {
    expect(topLevelNames(new Set(['verify']))).toEqual(['verify']);
    expect(topLevelNames(new Set(['doctor', 'cert']))).toEqual(['cert', 'doctor']);
    for (const name of COMMAND_NAMES) expect(topLevelNames(new Set([name]))).toEqual([name]);
  });

  it("defines a command's subcommands when it is asked for", () => {
    const program = createProgram({ deps: createTestDeps(), setExitCode: () => {}, only: new Set(['cert']) });
    const cert = program.commands.find((c) => c.name() === 'cert');
    const full = createProgram({ deps: createTestDeps(), setExitCode: () => {} }).commands.find((c) => c.name() === 'cert');
    expect(cert?.commands.map((c) => c.name())).toEqual(full?.commands.map((c) => c.name()));
    expect(cert?.commands.map((c) => c.name())).toContain('show');
  });
});
