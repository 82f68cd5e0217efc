import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';

export const FIXED_NOW = new Date('2025-03-04T05:06:07.890Z');

/** Deterministic "random": bytes start, start+1, ... */
export function counterRandom(start = 0): (n: number) => Uint8Array {
  return (n) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
}

export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

export function rsaPems(bits = 2048): { pkcs8: string; pkcs1: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function sshString(value: Buffer | string): Buffer {
  const body = Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/** An "openssh-key-v1" blob good enough for classification (header and public key, dummy private part). */
export function fakeOpenSshKey(keyType: 'ssh-rsa' | 'ssh-ed25519', cipher = 'none'): string {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const blob = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString(cipher),
    sshString(cipher === 'none' ? 'none' : 'bcrypt'),
    sshString(''),
    count,
    sshString(Buffer.concat([sshString(keyType), sshString(Buffer.alloc(32, 7))])),
    sshString(Buffer.alloc(64, 9)),
  ]);
  const body = blob.toString('base64').replace(/(.{70})/g, '$1\n');
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** Only the block type matters for classification; node:crypto cannot make a CSR. */
export const FAKE_CSR = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.alloc(48, 1).toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
