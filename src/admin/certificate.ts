/**
 * `cert renew|rotate --admin` / `--admin-org X`: the new certificate is deployed into
 * the app's ExtlClntAppGlobalOauthSettings instead of being uploaded by hand. Only for a profile
 * made by `init --admin`: its `appName` and consumer key name the app (a redeploy with another
 * key is refused by Salesforce, §16.2), rendered by the same generator as `init`.
 */
import type { CommandContext } from '../command.js';
import { UsageError } from '../errors.js';
import type { Profile } from '../store/profile.js';
import { deployZip, preflightApiVersion, type DeployOutcome } from './deploy.js';
import { certificatePackage, permissionSetName } from './metadata.js';
import { openAdminSession, type AdminSessionOptions, type CommandRunner } from './session.js';

export interface AppCertificateDeploy {
  appName: string;
  /** Where the session came from, for messages (never the token). */
  source: string;
  deploy(certificatePem: string): Promise<DeployOutcome>;
}

/** The app a profile made by `init --admin` deploys to, or a usage error saying why there is none. */
function managedApp(profile: Profile | undefined, command: string): { appName: string; clientId: string; profile: Profile } {
  if (!profile) throw new UsageError(`${command} --admin deploys to the app of a profile made by \`sfjwt init --admin\``, `pass -a <alias> instead of --key/--cert`);
  const { appName, clientId } = profile;
  if (profile.managedBy !== 'admin' || typeof appName !== 'string' || !clientId) {
    throw new UsageError(
      `profile "${profile.alias}" was not set up by \`sfjwt init --admin\`, so sfjwt does not know which app holds its certificate`,
      `drop --admin and upload the certificate by hand (\`sfjwt ${command} -a ${profile.alias}\` prints the steps)`,
    );
  }
  return { appName, clientId, profile };
}

/**
 * The deployer the options ask for, or undefined without --admin/--admin-org. The session is
 * opened and the API version read here, before any file is written: a bad session changes nothing.
 */
export async function openAppCertificateDeploy(
  ctx: CommandContext,
  options: AdminSessionOptions & { timeout?: number },
  profile: Profile | undefined,
  command: 'cert renew' | 'cert rotate',
  runner?: CommandRunner,
): Promise<AppCertificateDeploy | undefined> {
  if (!options.admin && options.adminOrg === undefined) return undefined;
  const app = managedApp(profile, command);
  const { deps, ui } = ctx;
  const session = (await openAdminSession(options, {
    env: deps.env,
    http: deps.http,
    signal: deps.signal,
    timeoutMs: (options.timeout ?? 30) * 1000,
    ...(runner ? { runner } : {}),
  }))!;
  ui.step(`Admin session: ${session.instanceUrl} (${session.source})`);
  const version = await preflightApiVersion(session);
  return {
    appName: app.appName,
    source: session.source,
    async deploy(certificatePem) {
      const { profile: p } = app;
      const pkg = certificatePackage(
        {
          appName: app.appName,
          contactEmail: typeof p.contactEmail === 'string' ? p.contactEmail : p.username,
          username: p.username,
          certificatePem,
          consumerKey: app.clientId,
          permissionSet: permissionSetName(p.alias),
          apiVersion: version,
        },
        deps.now(),
      );
      const spinner = ui.spinner(`Deploying the certificate to the External Client App ${app.appName}`);
      try {
        return await deployZip(session, version, pkg.zip, pkg.components.map(({ type, fullName }) => ({ type, fullName })), {
          sleep: deps.sleep,
          signal: deps.signal,
          onStatus: (status) => spinner.update(`Deploying the certificate to ${app.appName}: ${status}`),
        });
      } finally {
        spinner.stop();
      }
    },
  };
}
