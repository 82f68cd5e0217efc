/** Small helpers shared by the crypto modules: PEM armour and base64 wrapping. */

export function wrapBase64(base64: string, width = 64): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += width) lines.push(base64.slice(i, i + width));
  return lines.join('\n');
}

export function derToPem(der: Buffer, label: string): string {
  return `-----BEGIN ${label}-----\n${wrapBase64(der.toString('base64'))}\n-----END ${label}-----\n`;
}
