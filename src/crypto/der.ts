/** Small helpers shared by the crypto modules: PEM armour and base64 wrapping. */

export function wrapBase64(base64: string, width = 64): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += width) lines.push(base64.slice(i, i + width));
  return lines.join('\n');
}

export function derToPem(der: Buffer, label: string): string {
  return `-----BEGIN ${label}-----\n${wrapBase64(der.toString('base64'))}\n-----END ${label}-----\n`;
}

export function toBinaryString(buffer: Buffer): string {
  return buffer.toString('binary');
}

export function fromBinaryString(bytes: string): Buffer {
  return Buffer.from(bytes, 'binary');
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** DER INTEGER of a non-negative bigint (minimal, with a 00 pad when the top bit is set). */
export function derUnsignedInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('negative integer');
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let body = Buffer.from(hex, 'hex');
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02]), derLength(body.length), body]);
}

export function derSequence(items: Buffer[]): Buffer {
  const body = Buffer.concat(items);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}
