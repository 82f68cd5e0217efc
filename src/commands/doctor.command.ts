import { Command } from 'commander';
import { addCredentialOptions, adminOption, adminOrgOption } from './options.js';

/** Flags typed as DoctorOptions (doctor/common.ts). */
export const doctorCommand = (): Command =>
  addCredentialOptions(
    new Command('doctor')
      .description('diagnose invalid_grant, invalid assertion and every other failure, with the fix')
      .option('--offline', 'skip network checks', false)
      .option('--only <ids>', 'run only these checks or finding codes (comma-separated)')
      .option('--skip <ids>', 'skip these checks or finding codes (comma-separated)')
      .option('--error <text>', 'explain an error message pasted from any tool')
      .option('--assertion <jwt>', "decode and check a JWT from another tool against the profile's certificate")
      .option('--show-assertion', 'print the assertion sfjwt signs (a credential for 3 minutes)', false)
      .option('--all', 'every profile, concurrently', false)
      .option('--strict', 'warnings fail too', false)
      .option('--fix', 'apply the safe automatic fixes (key repair, chmod 600, .gitignore)', false)
      .option('--passphrase-env <var>', "with --fix: the environment variable holding the key's passphrase")
      .addOption(adminOption("also read the org's own records with an admin session (SFJWT_ADMIN_INSTANCE_URL + SFJWT_ADMIN_ACCESS_TOKEN)"))
      .addOption(adminOrgOption("also read the org's own records with the Salesforce CLI's login of this org")),
  );
