import path from 'node:path';
import type { AdminSessionOptions } from '../admin/session.js';
import type { CommandHandler } from '../command.js';
import { backupDirUnder, locatePair } from '../certs/locate.js';
import { readCertFile, readKeyFile } from '../certs/read.js';
import { renewCertificate } from '../certs/renew.js';
import { uploadGuide } from '../certs/upload-guide.js';
import { describeCertificate, keyMatchesCertificate, publicKeyFingerprint } from '../crypto/inspect.js';
import { requireSalesforceKeySize } from '../crypto/pem.js';
import { UsageError } from '../errors.js';
import { updateConfig } from '../store/config-store.js';
import { ensureDir, exists, writeFileAtomic, PUBLIC_FILE_MODE } from '../store/files.js';
import { backUp, checkWriteTargets } from '../store/key-files.js';
import { keyPaths } from '../store/paths.js';

export interface CertRenewOptions extends AdminSessionOptions {
  days: number;
  key?: string;
  cert?: string;
}

export const run: CommandHandler<CertRenewOptions> = async (options, ctx) => {
  const location = await locatePair(ctx, options);
  const { profile } = location;
  if (!location.keyPath) throw new UsageError('renewing needs the private key the certificate is made from', 'pass --key <file>, or -a <alias> for a profile');
  // With an admin session the app is redeployed instead of asking for the upload.
  const admin = options.admin || options.adminOrg !== undefined ? await import('../admin/certificate.js') : undefined;
  const deployer = await admin?.openAppCertificateDeploy(ctx, options, profile, 'cert renew');
  const now = ctx.deps.now();
  const key = await readKeyFile(location.keyPath);
  requireSalesforceKeySize(key, location.keyPath);
  // A profile without a certificate gets one beside its key.
  const certPath = location.certPath ?? keyPaths(path.dirname(location.keyPath)).certPath;
  const previous = (await exists(certPath)) ? await readCertFile(certPath) : undefined;
  const keyChanged = previous !== undefined && !keyMatchesCertificate(key.key, previous.x509);

  const certPem = renewCertificate({
    privateKey: key.key,
    ...(previous ? { previous: previous.x509 } : {}),
    fallbackCommonName: profile?.alias ?? 'sfjwt',
    days: options.days,
    now,
    random: ctx.deps.random,
  });
  // The old certificate first goes to the backup dir (0600), then the new one replaces it atomically.
  const backupDir = backupDirUnder(location.backupRoot, now);
  await checkWriteTargets([certPath, path.join(backupDir, path.basename(certPath))]);
  // Deployed before anything is written: a refused deploy leaves the local files as they were.
  const deployment = deployer ? await deployer.deploy(certPem) : undefined;
  const [backupPath] = previous ? await backUp([certPath], backupDir) : [];
  await ensureDir(path.dirname(certPath));
  await writeFileAtomic(certPath, certPem, PUBLIC_FILE_MODE);
  const described = describeCertificate(certPem, now);
  if (profile && (profile.certPath !== certPath || deployment)) {
    await updateConfig(ctx.configDir, (config) => {
      const current = config.profiles[profile.alias];
      const held = deployment ? { appCertificateSha256: described.fingerprintSha256 } : {};
      return current ? { ...config, profiles: { ...config.profiles, [profile.alias]: { ...current, certPath, ...held } } } : config;
    });
  }

  const guide = uploadGuide(profile?.appKind, profile?.loginUrl, certPath);
  const result = {
    alias: profile?.alias ?? null,
    keyPath: location.keyPath,
    certPath,
    backupPath: backupPath ?? null,
    subject: described.subject,
    serialNumber: described.serialNumber,
    previousSerialNumber: previous ? previous.x509.serialNumber.toUpperCase() : null,
    notBefore: described.notBefore,
    notAfter: described.notAfter,
    daysLeft: described.daysLeft,
    fingerprintSha256: described.fingerprintSha256,
    publicKeyFingerprintSha256: publicKeyFingerprint(key.key),
    publicKeyUnchanged: !keyChanged,
    uploadRequired: !deployment && (keyChanged || previous === undefined),
    setupUrl: guide.setupUrl,
    ...(deployment ? { deployment } : {}),
  };

  if (backupPath) ctx.ui.info(`  previous certificate backed up to ${backupPath}`);
  const lines = [
    `Renewed      ${certPath}`,
    `Subject      ${described.subject}`,
    `Serial       ${described.serialNumber}${result.previousSerialNumber ? `  (was ${result.previousSerialNumber})` : ''}`,
    `Valid        ${described.notBefore} → ${described.notAfter}`,
    `SHA-256      ${described.fingerprintSha256}`,
    '',
  ];
  if (keyChanged) ctx.warn('key-cert-mismatch', `the previous certificate ${certPath} was made from another key than ${location.keyPath}`);
  if (deployer && deployment) {
    lines.push(`Deployed to the External Client App ${deployer.appName} (deploy ${deployment.id}: ${deployment.status}): the app holds this certificate now; allow a few minutes to reach the login servers.`);
    if (keyChanged) lines.push(`Clients still signing with the previous certificate's key stop working: they need ${location.keyPath}.`);
  } else if (keyChanged) {
    lines.push(
      `The new certificate is made from ${location.keyPath}, the key that signs. Salesforce only accepts it once the app holds this certificate: upload it.`,
    );
  } else if (previous === undefined) {
    lines.push('There was no certificate before: upload this one to the app, or JWT logins signed with this key are refused.');
  } else {
    lines.push(
      `Same key, same public key: everything that signs with ${location.keyPath} keeps working.`,
      'Salesforce does not enforce the expiry of the app\'s certificate, so JWT logins keep working without uploading this one;',
      'upload it anyway if your policy requires current certificates:',
    );
  }
  if (!deployment) lines.push(...guide.steps.map((step, i) => `  ${i + 1}. ${step}`));
  return { result, human: lines.join('\n') };
};
