import { Command } from 'commander';

/** Flags typed as ExportOptions (export.ts). */
export const exportCommand = (): Command =>
  new Command('export')
    .description('ready-to-paste settings for the sf CLI, env files, CI pipelines and client code')
    .requiredOption('--format <format>', 'sf | env | github-actions | gitlab-ci | jsforce | simple-salesforce | python | curl | eca-metadata | connected-app-metadata')
    .option('--out <path>', 'write to this file (or directory, for metadata) instead of stdout')
    .option('--include-key', 'include the private key (base64, for a CI secret)', false)
    .option('--force', 'overwrite --out if it exists', false);
