import { Command } from 'commander';
import { adminOption, adminOrgOption, appOption, daysOption, keySizeOption, noOpenOption, orgKindOption, timeoutOption, waitOption } from './options.js';

/** Flags typed as InitOptions (wizard/context.ts). */
export const initCommand = (): Command =>
  new Command('init')
    .description('guided set-up: key and certificate, app instructions, consumer key, verified login')
    .addOption(orgKindOption())
    .option('--login-url <url>', 'My Domain URL, e.g. https://acme.my.salesforce.com')
    .option('--username <username>', 'run-as username (the JWT sub)')
    .addOption(appOption())
    .option('--app-name <name>', 'name of the External Client App / Connected App to create')
    .option('--contact-email <email>', 'contact email for the app')
    .option('--access <name>', 'profile or permission set that gets access to the app')
    .option('--key <file>', 'use this existing private key instead of generating one')
    // No defaults: the wizard asks for these when missing.
    .addOption(keySizeOption().default(undefined))
    .addOption(daysOption('certificate validity in days (default 730)').default(undefined))
    .option('--out-dir <dir>', "where to write the key and certificate (default: the profile's key dir)")
    .option('--client-id <key>', 'consumer key of the app')
    .addOption(waitOption('propagation wait for the verification (default 600 interactive, 0 otherwise)'))
    .addOption(timeoutOption())
    .addOption(noOpenOption())
    .option('--no-verify', 'save the profile without the verification exchange')
    .option('--dry-run', 'ask everything, then print what would be written and done', false)
    .option('--force', 'replace existing key files (backed up first)', false)
    .addOption(adminOption('zero clicks: deploy the External Client App with an admin session (SFJWT_ADMIN_INSTANCE_URL + SFJWT_ADMIN_ACCESS_TOKEN)'))
    .addOption(adminOrgOption("zero clicks with the Salesforce CLI's login of this org (implies --admin)"));
