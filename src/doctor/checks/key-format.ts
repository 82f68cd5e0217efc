import { repairKeyFile } from '../key-repair.js';
import { finding, fixCommand, pass } from '../outcome.js';
import type { AutoFix, Check } from '../types.js';

/** Rewrites the key file in place (see repairKeyFile), asking for the passphrase of an encrypted one. */
function rewrite(file: string, what: string, encrypted: boolean): AutoFix {
  return {
    description: `${what} ${file} in place (the original kept in backup/)`,
    async apply(io) {
      const repaired = await repairKeyFile(file, io.backupDir(file), encrypted ? await io.passphrase(file) : undefined);
      return `rewrote ${file} (${repaired.changes.join(', ')}); the original is in ${repaired.backup}`;
    },
  };
}

/**
 * A hint from the key parser may name an openssl command writing `server.key` (or `.crt`): run in
 * the key's own folder that truncates the input before reading it. Doctor points the output at a new
 * file instead (a suggested command never writes over its own input).
 */
export function safeOutputs(hint: string): string {
  return hint.replace(/-in (\S+?)(\s[^`]*?)?\s-out \S+?(?=[`\s]|$)/g, (_whole, input: string, middle: string | undefined) => `-in ${input}${middle ?? ''} -out ${input}.pem`);
}

export const keyFormat: Check = {
  id: 'key-format',
  title: 'Private key format',
  category: 'key',
  codes: ['key-invalid', 'key-encrypted', 'key-not-rsa'],
  requires: ['key-file'],
  async run(ctx) {
    const key = await ctx.memo.key();
    const file = ctx.settings.key?.kind === 'file' ? ctx.settings.key.path : undefined;
    if (!key.ok) {
      if (key.code === 'key-encrypted' && file) {
        return finding(ctx, 'fail', 'key-encrypted', key.message, {
          hint: `Remove the passphrase in place: ${fixCommand(ctx)} asks for it (or reads it from --passphrase-env VAR) and keeps the original in backup/.`,
          auto: rewrite(file, 'remove the passphrase of', true),
        });
      }
      return finding(ctx, 'fail', key.code, key.message, key.hint ? { hint: safeOutputs(key.hint) } : {});
    }
    const described = `RSA private key, unencrypted, ${key.parsed.format === 'pkcs1' ? 'PKCS#1' : 'PKCS#8'} PEM`;
    if (key.parsed.repairs.length > 0) {
      // CI secret stores mangle PEM: sfjwt repairs it, other clients (the sf CLI, PyJWT) will not.
      return finding(ctx, 'warn', 'key-invalid', `${key.label} needed repairs before it parsed: ${key.parsed.repairs.join(', ')}`, {
        hint: file
          ? `Rewrite it as plain PEM in place: ${fixCommand(ctx)} (the original is kept in backup/).`
          : 'Store the key base64-encoded on one line (`base64 -w0 server.key`) so other tools read it too; sfjwt repaired it this time.',
        ...(file ? { auto: rewrite(file, 'rewrite as plain PEM', false) } : {}),
        details: [`key: ${described}`],
        causes: ['Quotes, literal \\n, CRLF line endings or one-line base64 from a CI secret store or a copy-paste; other JWT clients fail on such a key ("PEM_read_bio:no start line").'],
        satisfies: true,
      });
    }
    return pass(described, [`source: ${key.label}`]);
  },
};
