import { Command } from 'commander';
import { daysOption, keySizeOption } from './options.js';

/** Flags typed as CertGenerateOptions (cert-generate.ts). */
export const certGenerateCommand = (): Command =>
  new Command('generate')
    .description('generate an RSA key (0600) and a self-signed certificate')
    .option('--out-dir <dir>', "where to write server.key and server.crt (default: the profile's key dir with -a, else .)")
    .addOption(keySizeOption())
    .addOption(daysOption('certificate validity in days'))
    .option('--cn <name>', 'certificate common name')
    .option('--force', 'replace existing files (backed up first)', false);
