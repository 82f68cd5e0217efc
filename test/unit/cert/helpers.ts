import { createHash, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';
import { expect } from 'vitest';
import { createSelfSignedCertificate } from '../../../src/crypto/cert.js';
import { writeConfig } from '../../../src/store/config-store.js';
import { emptyConfig, upsertProfile, type AppKind, type Profile } from '../../../src/store/profile.js';
import type { ConfirmQuestion, InputQuestion, Prompter, SelectQuestion } from '../../../src/ui/prompter.js';

export const CLIENT_ID = '3MVG9_cert_lifecycle_test';
export const USERNAME = 'integration@acme.com';

export interface Pem {
  key: string;
  cert: string;
}

/** An RSA key (PKCS#8) and a self-signed certificate for it, made with the project's own generator. */
export function makePair(commonName = 'prod', days = 730, now = new Date()): Pem {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { key, cert: certFor(key, commonName, days, now) };
}

export function certFor(key: string, commonName = 'prod', days = 730, now = new Date()): string {
  return createSelfSignedCertificate({ privateKeyPem: key, commonName, days, now, random: (n) => new Uint8Array(randomBytes(n)) });
}

/** Writes keys/<alias>/server.key|crt (0600/0644) and a profile pointing at them. */
export async function writeProfile(
  configDir: string,
  alias: string,
  pair: Pem,
  patch: Partial<Profile> & { appKind?: AppKind } = {},
): Promise<Profile> {
  const dir = path.join(configDir, 'keys', alias);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const keyPath = path.join(dir, 'server.key');
  const certPath = path.join(dir, 'server.crt');
  await fs.writeFile(keyPath, pair.key, { mode: 0o600 });
  await fs.writeFile(certPath, pair.cert, { mode: 0o644 });
  const profile: Profile = {
    alias,
    loginUrl: 'https://acme.my.salesforce.com',
    username: USERNAME,
    clientId: CLIENT_ID,
    keyPath,
    certPath,
    orgKind: 'production',
    appKind: 'eca',
    createdAt: '2026-01-02T03:04:05.000Z',
    ...patch,
  };
  let config = emptyConfig();
  try {
    config = JSON.parse(await fs.readFile(path.join(configDir, 'config.json'), 'utf8'));
  } catch {
    // first profile
  }
  await writeConfig(configDir, upsertProfile(config, profile));
  return profile;
}

export async function readProfile(configDir: string, alias: string): Promise<Profile> {
  return JSON.parse(await fs.readFile(path.join(configDir, 'config.json'), 'utf8')).profiles[alias];
}

/** Every file under `dir`: relative path → mode and SHA-256 of the contents (to prove nothing changed). */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(current: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(current, entry.name);
      if (entry.isDirectory()) {
        out[`${path.relative(dir, file)}/`] = 'dir';
        await walk(file);
      } else {
        const stat = await fs.stat(file);
        out[path.relative(dir, file)] = `${(stat.mode & 0o777).toString(8)} ${createHash('sha256').update(await fs.readFile(file)).digest('hex')}`;
      }
    }
  }
  await walk(dir);
  return out;
}

type Answer = unknown | ((question: InputQuestion | SelectQuestion | ConfirmQuestion) => unknown | Promise<unknown>);

/**
 * Answers by question id; an answer may be a function (to act at that moment, e.g. upload the
 * certificate to the emulator) or an array consumed in order. Unexpected questions throw;
 * `done()` asserts every scripted answer was used.
 */
export function scriptedPrompter(script: Record<string, Answer | Answer[]>): Prompter & { asked: string[]; done(): void } {
  const queues = new Map(Object.entries(script).map(([id, a]) => [id, Array.isArray(a) ? [...a] : [a]]));
  const asked: string[] = [];
  const answer = async (question: InputQuestion | SelectQuestion | ConfirmQuestion): Promise<any> => {
    asked.push(question.id);
    const queue = queues.get(question.id);
    if (!queue || queue.length === 0) throw new Error(`unexpected prompt "${question.id}": ${question.message}`);
    const next = queue.shift();
    return typeof next === 'function' ? (next as (q: typeof question) => unknown)(question) : next;
  };
  return {
    asked,
    input: answer,
    password: answer,
    select: answer,
    confirm: answer,
    done() {
      const left = [...queues].filter(([, q]) => q.length > 0).map(([id]) => id);
      expect(left, 'scripted answers not used').toEqual([]);
    },
  };
}

export function hasTool(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

export const HAS_KEYTOOL = hasTool('keytool', ['-help']);
export const HAS_OPENSSL = hasTool('openssl', ['version']);

export function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
}

/** PKCS#12 built by node-forge, so this path never depends on external tools. */
export function forgeP12(p: Pem, password: string, options: { friendlyName?: string; algorithm?: 'aes256' | '3des'; useMac?: boolean } = {}): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(p.key), [forge.pki.certificateFromPem(p.cert)], password, {
    algorithm: options.algorithm ?? 'aes256',
    friendlyName: options.friendlyName ?? 'mykey',
    useMac: options.useMac ?? true,
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/**
 * A node-forge PKCS#12 (empty passphrase) whose key-derivation rounds are rewritten to `rounds`
 * after it was made (making it with them would run them): the MAC's, or the key's (that file has
 * no MAC, which would otherwise be checked first).
 */
export function p12WithRounds(p: Pem, where: 'mac' | 'key', rounds: number, algorithm: 'aes256' | '3des' = 'aes256'): Buffer {
  const { asn1 } = forge;
  const pfx = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(p.key), [forge.pki.certificateFromPem(p.cert)], '', {
    algorithm,
    useMac: where === 'mac',
    count: 2048,
  });
  const from = asn1.integerToDer(2048).getBytes();
  const to = asn1.integerToDer(rounds).getBytes();
  // Every INTEGER 2048 under `node`, looking into OCTET STRINGs that hold DER (the key bag is nested twice).
  const rewrite = (node: forge.asn1.Asn1): boolean => {
    if (Array.isArray(node.value)) return node.value.map(rewrite).some(Boolean);
    if (node.type === asn1.Type.INTEGER && node.value === from) {
      node.value = to;
      return true;
    }
    if (node.type !== asn1.Type.OCTETSTRING) return false;
    let inner: forge.asn1.Asn1;
    try {
      inner = asn1.fromDer(node.value, true);
    } catch {
      return false;
    }
    if (!rewrite(inner)) return false;
    node.value = asn1.toDer(inner).getBytes();
    return true;
  };
  const [, authSafe, macData] = pfx.value as forge.asn1.Asn1[];
  if (!rewrite(where === 'mac' ? macData! : authSafe!)) throw new Error(`no iteration count found in the ${where} part`);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}

/** X.509 DER of a PEM certificate. */
export function certDer(pem: string): Buffer {
  return Buffer.from(pem.split('\n').filter((line) => line && !line.startsWith('-----')).join(''), 'base64');
}

export function certPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Certificates Node's X509Certificate accepts but cannot fully read: validity dates that print as
 * "Bad time value" (a letter in the notBefore month), and a public key that does not decode (the
 * rsaEncryption OID's last byte changed).
 */
export function brokenCertificates(pem: string): { badDate: Buffer; badKey: Buffer } {
  const der = certDer(pem);
  const badDate = Buffer.from(der);
  badDate[der.indexOf(Buffer.from([0x17, 0x0d])) + 4] = 0x58; // UTCTime YYMMDD…: 'X' in the month
  const badKey = Buffer.from(der);
  badKey[der.indexOf(Buffer.from('2a864886f70d010101', 'hex')) + 8] = 0x7f;
  return { badDate, badKey };
}

/** Java chars as JKS hashes them: UTF-16BE. */
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();

function jksString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/**
 * A JKS keystore (version 2) as keytool writes it, built here so the certificate bytes can be
 * anything (the fuzz tests put damaged ones in) under a valid integrity digest: one private key entry
 * (Sun's KeyProtector: SHA-1 keystream, SHA-1 check) with `chain` as its certificates.
 */
export function makeJks(keyPem: string, chain: Buffer[], password: string, alias = 'mykey'): Buffer {
  const plain = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const pwd = utf16be(password);
  const salt = randomBytes(20);
  const encrypted = Buffer.alloc(plain.length);
  let digest: Buffer = salt;
  for (let offset = 0; offset < plain.length; offset += 20) {
    digest = createHash('sha1').update(pwd).update(digest).digest();
    for (let i = 0; i < 20 && offset + i < plain.length; i++) encrypted[offset + i] = plain[offset + i]! ^ digest[i]!;
  }
  const protectedKey = Buffer.concat([salt, encrypted, createHash('sha1').update(pwd).update(plain).digest()]);
  // EncryptedPrivateKeyInfo { AlgorithmIdentifier { 1.3.6.1.4.1.42.2.17.1.1, NULL }, OCTET STRING }
  const derLength = (n: number) => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
  const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
  const algorithm = tlv(0x30, Buffer.concat([Buffer.from('060a2b060104012a02110101', 'hex'), Buffer.from([0x05, 0x00])]));
  const keyInfo = tlv(0x30, Buffer.concat([algorithm, tlv(0x04, protectedKey)]));
  const body = Buffer.concat([
    u32(0xfeedfeed),
    u32(2),
    u32(1),
    u32(1), // private key entry
    jksString(alias),
    Buffer.alloc(8), // timestamp
    u32(keyInfo.length),
    keyInfo,
    u32(chain.length),
    ...chain.flatMap((cert) => [jksString('X.509'), u32(cert.length), cert]),
  ]);
  const integrity = createHash('sha1').update(pwd).update('Mighty Aphrodite', 'utf8').update(body).digest();
  return Buffer.concat([body, integrity]);
}
