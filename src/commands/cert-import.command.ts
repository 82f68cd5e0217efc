import { Command } from 'commander';
import { daysOption } from './options.js';

/** Flags typed as CertImportOptions (cert-import.ts). */
export const certImportCommand = (): Command =>
  new Command('import')
    .description('bring an existing key (PEM, PKCS#12 or JKS) into a profile')
    .option('--key <file>', 'private key PEM')
    .option('--cert <file>', 'certificate PEM (made from the key when missing)')
    .option('--p12 <file>', 'PKCS#12 / PFX keystore')
    .option('--jks <file>', 'Java keystore (e.g. exported from Certificate and Key Management)')
    .option('--passphrase-env <var>', 'environment variable holding the keystore passphrase')
    .option('--key-alias <name>', 'entry to take from a keystore with several')
    .addOption(daysOption('validity of a certificate made from the key'))
    .option('--force', "replace the profile's existing key files (backed up first)", false);
