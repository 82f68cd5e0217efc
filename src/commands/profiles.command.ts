import { Command } from 'commander';

// The profiles subcommands (handlers in profiles.ts).

export const profilesListCommand = (): Command => new Command('list').description('list profiles');

export const profilesShowCommand = (): Command => new Command('show').description('show one profile');

export const profilesRemoveCommand = (): Command =>
  new Command('remove').description('remove a profile (key files are kept unless --delete-keys)').option('--delete-keys', 'also delete its key directory', false);

export const profilesDefaultCommand = (): Command =>
  new Command('default').description('make a profile the default').argument('[alias]', 'alias (or -a)');
