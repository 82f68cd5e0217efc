import type { CommandHandler } from '../command.js';
import { listBackups, type Backup } from '../certs/backups.js';
import { daysLeftText, describePair, renderPairReport, type PairReport } from '../certs/describe.js';
import { locatePair } from '../certs/locate.js';
import { readCertFile, readKeyFile } from '../certs/read.js';
import { warnAboutCertificate } from '../core/cert-expiry.js';

export interface CertShowOptions {
  key?: string;
  cert?: string;
  history: boolean;
}

export interface CertShowResult extends PairReport {
  alias: string | null;
  history?: Backup[];
}

function renderHistory(backups: Backup[], current: PairReport): string[] {
  if (backups.length === 0) return ['History      no backups yet'];
  const lines = ['History (newest first):'];
  for (const backup of backups) {
    lines.push(`  ${backup.time ?? backup.dir}  ${backup.dir}`);
    for (const file of backup.files) {
      const sameKey = file.publicKeyFingerprintSha256 === current.publicKeyFingerprintSha256 ? ' (same key as now)' : '';
      if (file.kind === 'certificate') {
        lines.push(`    ${file.name}  serial ${file.serialNumber}, ${file.notBefore} → ${file.notAfter} (${daysLeftText(file.daysLeft!)}), SHA-256 ${file.fingerprintSha256}${sameKey}`);
      } else if (file.kind === 'key') {
        lines.push(`    ${file.name}  private key, public key SHA-256 ${file.publicKeyFingerprintSha256}${sameKey}`);
      } else {
        lines.push(`    ${file.name}  (not a readable key or certificate)`);
      }
    }
  }
  return lines;
}

export const runCertShow: CommandHandler<CertShowOptions> = async (options, ctx) => {
  const location = await locatePair(ctx, options);
  const now = ctx.deps.now();
  const key = location.keyPath ? await readKeyFile(location.keyPath) : undefined;
  const cert = location.certPath ? await readCertFile(location.certPath) : undefined;
  const report = describePair({
    ...(key && location.keyPath ? { key: { key: key.key, bits: key.bits, path: location.keyPath } } : {}),
    ...(cert && location.certPath ? { cert: { x509: cert.x509, pem: cert.pem, path: location.certPath } } : {}),
    now,
  });
  await warnAboutCertificate(ctx, location.certPath);
  if (report.keyMatchesCertificate === false) {
    ctx.warn('key-cert-mismatch', `${location.certPath} was not made from ${location.keyPath}; Salesforce checks the JWT against the certificate the app holds, so make one from the key with \`sfjwt cert renew\` and upload it`);
  }
  const result: CertShowResult = { alias: location.profile?.alias ?? null, ...report };
  const lines = renderPairReport(report);
  if (options.history) {
    result.history = await listBackups(location.backupRoot, now);
    lines.push('', ...renderHistory(result.history, report));
  }
  return { result, human: lines.join('\n') };
};
