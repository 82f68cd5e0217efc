import { Command } from 'commander';
import { addCredentialOptions } from './options.js';

/** Flags typed as CredentialFlags (core/credentials.ts). */
export const tokenCommand = (): Command =>
  addCredentialOptions(new Command('token').description('print an access token for scripts: curl -H "Authorization: Bearer $(sfjwt token)"'));
