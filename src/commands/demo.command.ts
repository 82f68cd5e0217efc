import { Command } from 'commander';

export const demoCommand = (): Command =>
  new Command('demo').description('run the whole flow against the embedded emulator in a temporary directory').option('--keep', 'keep the temporary directory', false);
