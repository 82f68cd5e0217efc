import { finding, pass } from '../outcome.js';
import type { Check } from '../types.js';

export const keyFormat: Check = {
  id: 'key-format',
  title: 'Private key format',
  category: 'key',
  codes: ['key-invalid', 'key-encrypted', 'key-not-rsa'],
  requires: ['key-file'],
  async run(ctx) {
    const key = await ctx.memo.key();
    if (!key.ok) return finding(ctx, 'fail', key.code, key.message, key.hint ? { hint: key.hint } : {});
    const described = `RSA private key, unencrypted, ${key.parsed.format === 'pkcs1' ? 'PKCS#1' : 'PKCS#8'} PEM`;
    if (key.parsed.repairs.length > 0) {
      // CI secret stores mangle PEM: sfjwt repairs it, other clients (the sf CLI, PyJWT) will not.
      return finding(ctx, 'warn', 'key-invalid', `${key.label} needed repairs before it parsed: ${key.parsed.repairs.join(', ')}`, {
        hint: key.label === 'SFJWT_KEY'
          ? 'Store the key base64-encoded on one line (`base64 -w0 server.key`) so other tools read it too; sfjwt repaired it this time.'
          : `Rewrite the file as plain PEM with LF line endings: \`openssl pkey -in ${key.label} -out server.key\`.`,
        details: [`key: ${described}`],
        causes: ['Quotes, literal \\n, CRLF line endings or one-line base64 from a CI secret store or a copy-paste; other JWT clients fail on such a key ("PEM_read_bio:no start line").'],
        satisfies: true,
      });
    }
    return pass(described, [`source: ${key.label}`]);
  },
};
