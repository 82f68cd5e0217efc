import { Command } from 'commander';

/** Flags typed as CertShowOptions (cert-show.ts). */
export const certShowCommand = (): Command =>
  new Command('show')
    .description('subject, serial, validity, days left, key size, fingerprint, key/cert match')
    .option('--key <file>', "private key file (default: the profile's)")
    .option('--cert <file>', "certificate file (default: the profile's)")
    .option('--history', 'also list backed-up keys and certificates', false);
