import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

/** Salesforce documents a 4 KB limit for certificate uploads. */
export const CERT_MAX_BYTES = 4096;

export const certSize: Check = {
  id: 'cert-size',
  title: 'Certificate size (< 4 KB)',
  category: 'certificate',
  codes: ['cert-too-large'],
  requires: ['cert-format'],
  async run(ctx) {
    const text = await ctx.memo.certText();
    if (!text.ok) return { status: 'skip', summary: 'no certificate' };
    if (text.sizeBytes < CERT_MAX_BYTES) return pass(`${text.sizeBytes} bytes`);
    return finding(ctx, 'fail', 'cert-too-large', `${text.path} is ${text.sizeBytes} bytes; Salesforce accepts certificate files under 4 KB`, {
      // A new file: `-out` naming the input would truncate it before it is read.
      hint: 'Upload only the leaf certificate, in PEM without text; this writes it to a new file:',
      command: `openssl x509 -in ${text.path} -out ${text.path}.leaf.crt`,
    });
  },
};
