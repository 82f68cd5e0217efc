import { Command } from 'commander';
import { addCredentialOptions, waitOption } from './options.js';

/** Flags typed as VerifyFlags (verify.ts). */
export const verifyCommand = (): Command =>
  addCredentialOptions(
    new Command('verify')
      .description('exchange a token and check the identity, for a profile or ad-hoc values')
      .addOption(waitOption('keep retrying propagation errors for up to this long')),
  );
