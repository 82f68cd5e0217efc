import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Salesforce documents "within 3 minutes"; only a past exp is enforced in practice. */
export const ASSERTION_LIFETIME_SECONDS = 180;

export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export function buildClaims(input: { clientId: string; username: string; audience: string; now: Date }): AssertionClaims {
  return {
    iss: input.clientId,
    sub: input.username,
    aud: input.audience,
    exp: Math.floor(input.now.getTime() / 1000) + ASSERTION_LIFETIME_SECONDS,
  };
}

function signingInputOf(claims: AssertionClaims): string {
  return `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
}

const keyObject = (privateKey: KeyObject | string) => (typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey);

export function signAssertion(claims: AssertionClaims, privateKey: KeyObject | string): string {
  const signingInput = signingInputOf(claims);
  // One-shot sign: no Sign stream object to build.
  const signature = sign('sha256', Buffer.from(signingInput), keyObject(privateKey));
  return `${signingInput}.${base64url(signature)}`;
}

/**
 * signAssertion on libuv's thread pool: the event loop stays free meanwhile (for loading the HTTP
 * client, or for the other requests of doctor --all, whose many exchanges sign in parallel).
 */
export function signAssertionOffThread(claims: AssertionClaims, privateKey: KeyObject | string): Promise<string> {
  const signingInput = signingInputOf(claims);
  const key = keyObject(privateKey);
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(signingInput), key, (error, signature) => (error ? reject(error) : resolve(`${signingInput}.${base64url(signature)}`)));
  });
}

export class JwtFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtFormatError';
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  if (!BASE64URL.test(segment)) throw new JwtFormatError(`the ${what} is not base64url (it has characters outside A-Z a-z 0-9 - _)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtFormatError(`the ${what} is not valid JSON once base64url-decoded`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new JwtFormatError(`the ${what} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Splits and decodes a compact JWS without verifying it. Throws JwtFormatError with the reason. */
export function decodeJwt(jwt: string): DecodedJwt {
  const trimmed = jwt.trim();
  if (trimmed.startsWith('-----BEGIN')) throw new JwtFormatError('this is a PEM key or certificate, not a signed JWT');
  const parts = trimmed.split('.');
  if (parts.length !== 3) throw new JwtFormatError(`a JWT has 3 dot-separated parts; this has ${parts.length}`);
  const [header, payload, signature] = parts as [string, string, string];
  if (!BASE64URL.test(signature)) throw new JwtFormatError('the signature is not base64url');
  return {
    header: decodeSegment(header, 'header'),
    claims: decodeSegment(payload, 'claims'),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

/** RS256 verification against a certificate or public key PEM. */
export function verifyRs256(decoded: DecodedJwt, certOrPublicKey: string | KeyObject): boolean {
  try {
    const key = typeof certOrPublicKey === 'string' ? createPublicKey(certOrPublicKey) : certOrPublicKey;
    return verify('sha256', Buffer.from(decoded.signingInput), key, decoded.signature);
  } catch {
    return false;
  }
}
