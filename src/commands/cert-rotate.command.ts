import { Command } from 'commander';
import { adminOption, adminOrgOption, daysOption, keySizeOption, noOpenOption, timeoutOption, waitOption } from './options.js';

/** Flags typed as CertRotateOptions (cert-rotate.ts). */
export const certRotateCommand = (): Command =>
  new Command('rotate')
    .description('new key and certificate; verified before the old pair is archived')
    .addOption(keySizeOption())
    .addOption(daysOption('validity in days'))
    .addOption(waitOption('propagation wait for the verification (default 600 interactive)'))
    .addOption(timeoutOption())
    .addOption(noOpenOption())
    .addOption(
      adminOption(
        "deploy the new certificate to the profile's app with an admin session, then verify (SFJWT_ADMIN_INSTANCE_URL + SFJWT_ADMIN_ACCESS_TOKEN)",
      ),
    )
    .addOption(adminOrgOption("deploy it with the Salesforce CLI's login of this org (implies --admin)"));
