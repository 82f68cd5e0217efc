import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';

// Option builders shared by several commands; each command's own flags live in its *.command.ts.

export function parseInteger(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`invalid ${name} "${value}": expected a whole number from ${min} to ${max}`, `pass ${name} <${min}-${max}>`);
    }
    return n;
  };
}

export const orgKindOption = () =>
  new Option('--org-kind <kind>', 'org kind').choices(['production', 'sandbox', 'scratch', 'developer', 'site']);

export const appOption = () => new Option('--app <kind>', 'app kind: External Client App or Connected App').choices(['eca', 'connected-app']);

export const keySizeOption = () => new Option('--key-size <bits>', 'RSA key size').choices(['2048', '3072', '4096']).default('2048');

/** Certificate validity. */
export const daysOption = (description: string) =>
  new Option('--days <n>', description).argParser(parseInteger('--days', 1, 36500)).default(730);

export const timeoutOption = () => new Option('--timeout <seconds>', 'per-request timeout').argParser(parseInteger('--timeout', 1, 600));

export const waitOption = (description: string) => new Option('--wait <seconds>', description).argParser(parseInteger('--wait', 0, 3600));

export const noOpenOption = () => new Option('--no-open', 'never open a browser');

export const adminOption = (description: string) => new Option('--admin', description);

export const adminOrgOption = (description: string) => new Option('--admin-org <alias>', description);

/** The values verify, token and doctor accept instead of, or on top of, a profile (typed as CredentialFlags). */
export function addCredentialOptions(cmd: Command): Command {
  return cmd
    .option('--login-url <url>', 'My Domain or login URL (env SFJWT_LOGIN_URL)')
    .option('--username <username>', 'run-as username, the JWT sub (env SFJWT_USERNAME)')
    .option('--client-id <key>', 'consumer key, the JWT iss (env SFJWT_CLIENT_ID)')
    .option('--key <file>', 'private key PEM file (env SFJWT_KEY_FILE, or SFJWT_KEY with the PEM itself)')
    .option('--cert <file>', 'certificate PEM file')
    .option('--audience <url>', 'fix the JWT aud instead of trying the audience matrix (env SFJWT_AUDIENCE)')
    .addOption(orgKindOption())
    .addOption(appOption())
    .addOption(timeoutOption());
}
