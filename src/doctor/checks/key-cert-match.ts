import { aliasFlag, finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

export const keyCertMatch: Check = {
  id: 'key-cert-match',
  title: 'Key matches certificate',
  category: 'certificate',
  codes: ['key-cert-mismatch'],
  requires: ['key-format', 'cert-format'],
  async run(ctx) {
    const [prints, cert] = await Promise.all([ctx.memo.publicKeyPrints(), ctx.memo.cert()]);
    if (!prints || !cert.ok) return { status: 'skip', summary: 'needs both the key and the certificate' };
    // Same SPKI hash ⇔ same public key (what keyMatchesCertificate compares), computed once for the details too.
    const { key: keyPrint, cert: certPrint } = prints;
    const details = [`key public-key fingerprint ${keyPrint}`, `certificate public-key fingerprint ${certPrint}`];
    if (keyPrint === certPrint) return pass(`${cert.path} carries this key's public key`, details);
    // Which side is stale is known only after a login (run-checks.ts withLoginEvidence): say both here.
    const renew = `sfjwt cert renew${aliasFlag(ctx.settings.alias)}`;
    return finding(ctx, 'fail', 'key-cert-mismatch', `${cert.path} was not made from this private key: if the app holds this certificate, Salesforce answers "invalid assertion"; if logins work, this file is stale`, {
      hint: `Issue a certificate from this key (\`${renew}\`) and upload it to the app, or use the key that matches the uploaded certificate.`,
      command: renew,
      details,
    });
  },
};
