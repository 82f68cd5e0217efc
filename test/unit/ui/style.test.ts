import { beforeAll, describe, expect, it } from 'vitest';
import { createStyle, plainStyle, type Style } from '../../../src/ui/style.js';

const ESC = '\u001b';
const NAMES = ['bold', 'dim', 'red', 'green', 'yellow', 'cyan'] as const;
const strip = (text: string) => text.replace(/\u001b\[\d+m/g, '');

describe('plainStyle', () => {
  const s = plainStyle;
  it('is level 0 and returns text unchanged, whatever the environment says (FORCE_COLOR is decided by the caller)', async () => {
    expect(await createStyle(false)).toBe(plainStyle);
    expect(s.level).toBe(0);
    for (const name of NAMES) expect(s[name]('plain text')).toBe('plain text');
    expect(s.red(`a${s.green('b')}c`)).toBe('abc');
  });
});

describe('createStyle(true)', () => {
  let s: Style;
  beforeAll(async () => {
    s = await createStyle(true);
  });

  it('is level 1: basic 16-colour codes (chalk), never 256-colour or truecolor', () => {
    expect(s.level).toBe(1);
    expect(s.red('text')).toBe(`${ESC}[31mtext${ESC}[39m`);
    expect(s.bold('text')).toBe(`${ESC}[1mtext${ESC}[22m`);
    for (const name of NAMES) expect(s[name]('x')).toMatch(/^\u001b\[\d{1,2}mx\u001b\[\d{2}m$/);
  });

  it('reopens the outer colour after a nested colour closes', () => {
    expect(s.red(`a${s.green('b')}c`)).toBe(`${ESC}[31ma${ESC}[32mb${ESC}[39m${ESC}[31mc${ESC}[39m`);
  });

  it('keeps the text itself, multi-line and non-ASCII included', () => {
    const text = 'ligne 1\nœuvre ✓ 日本';
    expect(strip(s.cyan(text))).toBe(text);
  });
});
