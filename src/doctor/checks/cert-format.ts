import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

export const certFormat: Check = {
  id: 'cert-format',
  title: 'Certificate format',
  category: 'certificate',
  codes: ['cert-invalid'],
  requires: ['cert-file'],
  async run(ctx) {
    const cert = await ctx.memo.cert();
    if (!cert.ok) {
      if (cert.code === null) return { status: 'skip', summary: 'no certificate given', satisfies: false };
      return finding(ctx, 'fail', cert.code, cert.message, cert.hint ? { hint: cert.hint } : {});
    }
    const info = (await ctx.memo.certInfo())!;
    if (info.keyType !== 'rsa') {
      return finding(ctx, 'fail', 'key-not-rsa', `the certificate holds a ${info.keyType} key; Salesforce verifies RS256 with RSA keys only`, { command: 'sfjwt cert generate' });
    }
    return pass(`X.509, ${info.subject}, ${info.keySize}-bit RSA`, [
      `SHA-256 fingerprint ${info.fingerprintSha256}`,
      `serial ${info.serialNumber}${info.selfSigned ? ', self-signed' : ''}`,
    ]);
  },
};
