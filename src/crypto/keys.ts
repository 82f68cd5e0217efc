import { generateKeyPair } from 'node:crypto';

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
   * How many generations to race on the libuv threadpool; the first to finish wins. RSA prime
   * search time varies a lot from run to run, so racing cuts the median and the tail. The losers
   * cannot be cancelled and keep the event loop alive until they finish, so the gain shows in wall
   * time only if the process exits once its work is done.
   */
  race?: number;
}

export function isRsaKeySize(value: number): value is RsaKeySize {
  return (RSA_KEY_SIZES as readonly number[]).includes(value);
}

function generateOnce(bits: RsaKeySize): Promise<RsaKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: bits,
        publicExponent: 0x10001,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (error, publicKeyPem, privateKeyPem) => (error ? reject(error) : resolve({ privateKeyPem, publicKeyPem })),
    );
  });
}

/** Native (OpenSSL, threadpool) RSA key generation; never forge's pure-JS prime search, which is ~10x slower. */
export async function generateRsaKeyPair(bits: RsaKeySize = 2048, options: GenerateOptions = {}): Promise<RsaKeyPair> {
  if (!isRsaKeySize(bits)) throw new RangeError(`unsupported RSA key size ${String(bits)}; use 2048, 3072 or 4096`);
  const race = Math.max(1, Math.floor(options.race ?? 1));
  if (race === 1) return generateOnce(bits);
  try {
    return await Promise.any(Array.from({ length: race }, () => generateOnce(bits)));
  } catch (error) {
    throw error instanceof AggregateError ? (error.errors[0] as Error) : error;
  }
}
