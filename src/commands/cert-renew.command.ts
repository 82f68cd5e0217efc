import { Command } from 'commander';
import { adminOption, adminOrgOption, daysOption } from './options.js';

/** Flags typed as CertRenewOptions (cert-renew.ts). */
export const certRenewCommand = (): Command =>
  new Command('renew')
    .description('new certificate from the same key: nothing that signs with the key breaks')
    .addOption(daysOption('validity in days'))
    .option('--key <file>', "private key file (default: the profile's)")
    .option('--cert <file>', "certificate file to replace (default: the profile's)")
    .addOption(adminOption("deploy the certificate to the profile's app with an admin session (SFJWT_ADMIN_INSTANCE_URL + SFJWT_ADMIN_ACCESS_TOKEN)"))
    .addOption(adminOrgOption("deploy it with the Salesforce CLI's login of this org (implies --admin)"));
