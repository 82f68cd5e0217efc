import { Command, Option } from 'commander';
import { appOption, parseInteger } from './options.js';

/** Flags typed as EmulatorOptions (emulator.ts). */
export const emulatorCommand = (): Command =>
  new Command('emulator')
    .description('run a local Salesforce token endpoint on 127.0.0.1 that validates assertions like Salesforce')
    .option('--port <port>', 'port (0 = any free port)', parseInteger('--port', 0, 65535), 0)
    .option('--client-id <key>', 'consumer key of the emulated app')
    .option('--cert <file>', 'certificate "uploaded" to the emulated app')
    .option('--username <username>', 'the emulated run-as user')
    .addOption(appOption().default('eca'))
    .addOption(new Option('--policy <policy>', 'Permitted Users policy').choices(['admin', 'self']).default('admin'))
    .addOption(new Option('--assigned <bool>', "the user's profile is assigned to the app").choices(['true', 'false']).default('true'))
    .option('--sandbox', 'emulate a sandbox org', false)
    .option('--config <file>', 'JSON config for several apps and users')
    .option('--admin-token <token>', "accept this access token as an org admin's (deploys, queries, assignments: `sfjwt init --admin`)");
