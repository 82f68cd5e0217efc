import { createPrivateKey, createPublicKey, generateKeyPair, generatePrime, sign, verify, type KeyObject } from 'node:crypto';
import { derSequence, derUnsignedInteger } from './der.js';

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export type RsaKeySize = (typeof RSA_KEY_SIZES)[number];

export interface RsaKeyPair {
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  privateKeyPem: string;
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
  publicKeyPem: string;
}

export interface GenerateOptions {
  /**
   * `primes` (default): p and q searched at the same time, one per threadpool thread, with OpenSSL's
   * native `generatePrime`, then assembled here. `openssl`: OpenSSL's own RSA key generation
   * (`generateKeyPair`), which finds p then q one after the other with the slower SP 800-56B method.
   * Measured here: two 1024-bit primes take ~100 ms in sequence, a whole 2048-bit key ~280 ms.
   */
  method?: 'primes' | 'openssl';
}

const E = 65537n;

export function isRsaKeySize(value: number): value is RsaKeySize {
  return (RSA_KEY_SIZES as readonly number[]).includes(value);
}

function bitLength(value: bigint): number {
  return value.toString(2).length;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('not invertible');
  return ((oldS % m) + m) % m;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** A probable prime of exactly `bits` bits with its top two bits set (OpenSSL's BN_generate_prime) and gcd(p-1, e) = 1. */
function primeFor(bits: number): Promise<bigint> {
  return new Promise((resolve, reject) => {
    generatePrime(bits, { bigint: true }, (error, prime) => {
      if (error) return reject(error);
      const p = prime as bigint;
      // e is prime, so gcd(p-1, e) = 1 unless e divides p-1 (1 chance in 65537): draw again.
      resolve((p - 1n) % E === 0n ? primeFor(bits) : p);
    });
  });
}

function pairwiseCheck(privateKey: KeyObject, publicKey: KeyObject): void {
  const data = Buffer.from('sfjwt key pair consistency check');
  if (!verify('sha256', data, publicKey, sign('sha256', data, privateKey))) throw new Error('generated RSA key failed its consistency check');
}

/**
 * RSA key from two primes found in parallel (FIPS 186-4 B.3.1-style checks: n of exactly `bits` bits,
 * |p - q| > 2^(bits/2 - 100), d > 2^(bits/2)). Not constant-time BigInt arithmetic, which is fine for a
 * one-off local key generation.
 */
async function generateFromPrimes(bits: RsaKeySize): Promise<RsaKeyPair> {
  const half = bits / 2;
  for (;;) {
    const [a, b] = await Promise.all([primeFor(half), primeFor(half)]);
    const [p, q] = a > b ? [a, b] : [b, a];
    if (p - q <= 1n << BigInt(half - 100)) continue;
    const n = p * q;
    if (bitLength(n) !== bits) continue;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    const d = modInverse(E, lambda);
    if (d <= 1n << BigInt(half)) continue;
    const der = derSequence([0n, n, E, d, p, q, d % (p - 1n), d % (q - 1n), modInverse(q, p)].map(derUnsignedInteger));
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
    const publicKey = createPublicKey(privateKey);
    pairwiseCheck(privateKey, publicKey);
    return {
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }
}

function generateWithOpenssl(bits: RsaKeySize): Promise<RsaKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: bits,
        publicExponent: Number(E),
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (error, publicKeyPem, privateKeyPem) => (error ? reject(error) : resolve({ privateKeyPem, publicKeyPem })),
    );
  });
}

/**
 * A new RSA key pair, e = 65537. Native prime search (OpenSSL, on the libuv threadpool), never forge's
 * pure-JS one. Racing whole generations was measured too and rejected: the losers cannot be cancelled,
 * keep the process alive until they finish, and slow everything down when the cores are busy.
 */
export async function generateRsaKeyPair(bits: RsaKeySize = 2048, options: GenerateOptions = {}): Promise<RsaKeyPair> {
  if (!isRsaKeySize(bits)) throw new RangeError(`unsupported RSA key size ${String(bits)}; use 2048, 3072 or 4096`);
  return options.method === 'openssl' ? generateWithOpenssl(bits) : generateFromPrimes(bits);
}
