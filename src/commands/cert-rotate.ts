import type { AppCertificateDeploy } from '../admin/certificate.js';
import type { AdminSessionOptions } from '../admin/session.js';
import type { CommandContext, CommandHandler } from '../command.js';
import { generateKeyPairFiles } from '../certs/generate.js';
import { verifyCredentials, warnAboutSkew } from '../core/verification.js';
import { pendingDir, promotePendingPair, readPendingPair } from '../certs/pending.js';
import { subjectAttribute } from '../certs/renew.js';
import { readCertFile } from '../certs/read.js';
import { uploadGuide, type UploadGuide } from '../certs/upload-guide.js';
import { resolveCredentials } from '../core/credentials.js';
import { loadSelectedProfile } from '../core/select-profile.js';
import { describeCertificate, publicKeyFingerprint } from '../crypto/inspect.js';
import type { RsaKeySize } from '../crypto/keys.js';
import { CancelledError, CliError, isCliError, UsageError } from '../errors.js';
import { updateConfig } from '../store/config-store.js';
import { exists } from '../store/files.js';
import { backupDir, keyDir, keyPaths } from '../store/paths.js';
import { recordVerification, type Profile } from '../store/profile.js';
import { renderAttempts } from '../ui/verification.js';

export interface CertRotateOptions extends AdminSessionOptions {
  keySize: string;
  days: number;
  wait?: number;
  timeout?: number;
  open: boolean;
}

function oneCertificateWarning(ctx: CommandContext, alias: string): void {
  ctx.ui.warn('An app holds ONE certificate. Once the new one is live in Salesforce, every client still signing with the old key stops working.');
  ctx.ui.hint(`if the key is not compromised and you only need a current certificate, \`sfjwt cert renew -a ${alias}\` keeps the key: nothing breaks`);
  ctx.ui.hint('for a zero-downtime cutover, create a second app with the new certificate, move the clients, then retire the old app');
}

function printGuide(ctx: CommandContext, guide: UploadGuide, certPath: string): void {
  ctx.ui.info('');
  ctx.ui.info(ctx.ui.color.bold(`Upload the new certificate to the app (${guide.pageTitle}):`));
  guide.steps.forEach((step, i) => ctx.ui.info(`  ${i + 1}. ${step}`));
  ctx.ui.info(`  Certificate: ${certPath}  (never upload the key)`);
}

/** Waits for the user to say the certificate is uploaded; they may read the steps again or stop. */
async function waitForUpload(ctx: CommandContext, guide: UploadGuide, certPath: string, pendingAt: string, alias: string): Promise<void> {
  for (;;) {
    const answer = await ctx.deps.prompter.select({
      id: 'rotate-uploaded',
      message: 'Uploaded and saved the new certificate?',
      choices: [
        { value: 'done', name: 'Yes, verify the new key now' },
        { value: 'again', name: 'Show the steps again' },
        { value: 'stop', name: 'Stop here (the new pair is kept for next time)' },
      ],
    });
    if (answer === 'done') return;
    if (answer === 'stop') {
      throw new CancelledError(`Stopped: ${alias} still uses the old key; the new pair waits in ${pendingAt}. Run \`sfjwt cert rotate -a ${alias}\` to continue.`);
    }
    printGuide(ctx, guide, certPath);
  }
}

/** Best effort: a failed restore is reported in the rotate's error, never thrown over it. */
async function restoreOldCertificate(ctx: CommandContext, deployer: AppCertificateDeploy, pem: string): Promise<{ id: string } | undefined> {
  try {
    return await deployer.deploy(pem);
  } catch (error) {
    if (!isCliError(error)) throw error;
    ctx.ui.warn(`deploying the old certificate back failed: ${error.message}`);
    return undefined;
  }
}

export const run: CommandHandler<CertRotateOptions> = async (options, ctx) => {
  const { profile } = await loadSelectedProfile(ctx);
  const alias = profile.alias;
  if (!profile.clientId) {
    throw new UsageError(`profile "${alias}" has no consumer key, so a new key cannot be verified`, `finish the set-up first: \`sfjwt init -a ${alias}\``);
  }
  if (!ctx.interactive && !ctx.globals.yes) {
    throw new UsageError(
      'cert rotate changes the key Salesforce trusts for this app; pass --yes to run it without prompts',
      `sfjwt cert rotate -a ${alias} --yes (upload the certificate it prints, then run it again; or give --wait <seconds> to upload during the wait)`,
    );
  }
  // With an admin session the app is redeployed instead of asking for the upload.
  const admin = options.admin || options.adminOrg !== undefined ? await import('../admin/certificate.js') : undefined;
  const deployer = await admin?.openAppCertificateDeploy(ctx, options, profile, 'cert rotate');
  const adminFlag = !deployer ? '' : options.adminOrg !== undefined ? ` --admin-org ${options.adminOrg}` : ' --admin';
  const now = ctx.deps.now();
  const pendingAt = pendingDir(ctx.configDir, alias);
  const pending = keyPaths(pendingAt);
  let state = await readPendingPair(pending);

  oneCertificateWarning(ctx, alias);
  if (ctx.interactive && !ctx.globals.yes && state.state !== 'ready') {
    const go = await ctx.deps.prompter.confirm({ id: 'rotate-continue', message: `Generate a new key pair for ${alias} (the current one stays active until the new one verifies)?`, default: true });
    if (!go) throw new CancelledError('Not rotated; nothing was written.');
  }

  // The old pair is only read: it stays untouched and active until the new one has verified.
  const oldCert = profile.certPath && (await exists(profile.certPath)) ? await readCertFile(profile.certPath) : undefined;
  let reused = false;
  if (state.state === 'ready') {
    reused = true;
    ctx.ui.step(`Reusing the new key pair from an earlier \`cert rotate\` (${pendingAt}, created ${state.createdAt.toISOString()})`);
  } else {
    if (state.state === 'unusable') ctx.ui.warn(`${pendingAt} held an unusable pair (${state.reason}); making a new one (the old files are backed up)`);
    const spinner = ctx.ui.spinner(`Generating a ${options.keySize}-bit RSA key and certificate in ${pendingAt}`);
    try {
      await generateKeyPairFiles({
        dir: pendingAt,
        keySize: Number(options.keySize) as RsaKeySize,
        days: options.days,
        commonName: (oldCert && subjectAttribute(oldCert.x509, 'CN')) ?? alias,
        force: state.state === 'unusable',
        backupDir: backupDir(ctx.configDir, alias, now),
        now,
        random: ctx.deps.random,
      });
    } finally {
      spinner.stop();
    }
    state = await readPendingPair(pending);
    if (state.state !== 'ready') throw new Error(`the new key pair in ${pendingAt} cannot be read back: ${state.state === 'unusable' ? state.reason : 'missing'}`);
  }
  const newCert = describeCertificate(state.cert.pem, now);

  const guide = uploadGuide(profile.appKind, profile.loginUrl, pending.certPath);
  let deployment: Awaited<ReturnType<NonNullable<typeof deployer>['deploy']>> | undefined;
  if (deployer) {
    try {
      deployment = await deployer.deploy(state.cert.pem);
    } catch (error) {
      // Nothing switched: the profile, its files and the app's certificate are the old ones.
      if (!isCliError(error)) throw error;
      throw new CliError(error.code, `${error.message}; ${alias} stays on the old key`, {
        hint: `the new pair stays in ${pendingAt}; fix the deploy, then \`sfjwt cert rotate -a ${alias}${adminFlag}\` deploys it again`,
        causes: error.causes,
        fixes: error.fixes,
        ...(error.result !== undefined ? { result: error.result } : {}),
      }, error.exitCode);
    }
    ctx.ui.success(`Deployed the new certificate to ${deployer.appName} (deploy ${deployment.id}: ${deployment.status})`);
  } else {
    printGuide(ctx, guide, pending.certPath);
    if (ctx.interactive && options.open !== false && guide.setupUrl) {
      await ctx.deps.openUrl(guide.setupUrl).catch(() => ctx.ui.hint('could not open a browser: open the URL above'));
    }
    if (ctx.interactive) await waitForUpload(ctx, guide, pending.certPath, pendingAt, alias);
  }

  const waitSeconds = options.wait ?? (ctx.interactive ? 600 : 0);
  const creds = await resolveCredentials(ctx, {
    loginUrl: profile.loginUrl,
    username: profile.username,
    clientId: profile.clientId,
    key: pending.keyPath,
    cert: pending.certPath,
    orgKind: profile.orgKind,
    app: profile.appKind,
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
  });
  const outcome = await verifyCredentials(ctx, creds, { waitSeconds });
  warnAboutSkew(ctx, outcome.ok ? outcome.result.clockSkewSeconds : outcome.clockSkewSeconds);
  const summary = {
    alias,
    newKeyPath: pending.keyPath,
    newCertPath: pending.certPath,
    serialNumber: newCert.serialNumber,
    notBefore: newCert.notBefore,
    notAfter: newCert.notAfter,
    fingerprintSha256: newCert.fingerprintSha256,
    publicKeyFingerprintSha256: publicKeyFingerprint(state.key.key),
    reusedPendingPair: reused,
    setupUrl: guide.setupUrl,
    ...(deployment ? { deployment } : {}),
  };

  if (!outcome.ok) {
    // The app holds the new certificate now: deploy the old one back so the old key keeps working.
    const restored = deployer && oldCert ? await restoreOldCertificate(ctx, deployer, oldCert.pem) : undefined;
    const rollback = restored
      ? `The app holds the old certificate again (deploy ${restored.id}): clients signing with the old key keep working.`
      : deployer && oldCert
        ? `The app still holds the new certificate and the old one could not be deployed back: clients signing with the old key fail until \`sfjwt cert renew -a ${alias}${adminFlag}\` deploys it.`
        : profile.certPath
      ? `If the new certificate is already saved in the app, clients signing with the old key are failing now: upload the old certificate ${profile.certPath} again to bring them back.`
      : 'If the new certificate is already saved in the app, clients signing with the old key are failing now: upload the old key\'s certificate again (`sfjwt cert renew` makes one from the old key).';
    if (!ctx.globals.json) {
      ctx.ui.info('  Attempts:');
      for (const line of renderAttempts(outcome.attempts)) ctx.ui.info(`    ${line}`);
    }
    const again = `sfjwt cert rotate -a ${alias}${adminFlag}${ctx.interactive ? '' : ' --yes'}`;
    throw new CliError(outcome.code, `the new key did not verify, so ${alias} stays on the old key: ${outcome.message}`, {
      hint: `the new pair stays in ${pendingAt}; \`${again}\` tries again with it`,
      causes: outcome.finding.causes,
      fixes: [
        rollback,
        `Check that the app holds ${pending.certPath} (SHA-256 ${newCert.fingerprintSha256}), then run \`${again}\`.`,
        `Uploaded less than 10 minutes ago? Wait for propagation: \`${again} --wait 600\`.`,
      ],
      setupUrl: guide.setupUrl ?? outcome.finding.setupUrl,
      result: { ...summary, switched: false, keyPath: profile.keyPath, certPath: profile.certPath ?? null, attempts: outcome.attempts, clockSkewSeconds: outcome.clockSkewSeconds },
    });
  }

  // Verified: only now does the new pair become the profile's.
  const live = keyPaths(keyDir(ctx.configDir, alias));
  const archive = backupDir(ctx.configDir, alias, ctx.deps.now());
  const { backedUp } = await promotePendingPair({ pending, live, previous: { keyPath: profile.keyPath, ...(profile.certPath ? { certPath: profile.certPath } : {}) }, backupDir: archive });
  await updateConfig(ctx.configDir, (config) => {
    const current = config.profiles[alias];
    if (!current) return config;
    const switched: Profile = { ...current, keyPath: live.keyPath, certPath: live.certPath, ...(deployment ? { appCertificateSha256: newCert.fingerprintSha256 } : {}) };
    const verified =
      outcome.result.organizationId && outcome.result.userId
        ? recordVerification(switched, {
            loginUrl: outcome.result.loginUrl,
            audience: outcome.result.audience,
            organizationId: outcome.result.organizationId,
            userId: outcome.result.userId,
            instanceUrl: outcome.result.instanceUrl,
            time: ctx.deps.now(),
          })
        : switched;
    return { ...config, profiles: { ...config.profiles, [alias]: verified } };
  });

  const { identitySource: _source, rounds: _rounds, ...verification } = outcome.result;
  const result = { ...summary, switched: true, keyPath: live.keyPath, certPath: live.certPath, backupDir: archive, backedUp, verification };
  const human = [
    `Rotated: ${alias} now signs with the new key (verified at ${outcome.result.tokenUrl}).`,
    `  key           ${live.keyPath}`,
    `  certificate   ${live.certPath}`,
    `  SHA-256       ${newCert.fingerprintSha256}`,
    `  valid until   ${newCert.notAfter}`,
    `  old pair      ${archive}`,
    '',
    'Update every other client that signed with the old key (CI secrets: `sfjwt export --format env --include-key`).',
  ].join('\n');
  return { result, human };
};
