import { describe, expect, it } from 'vitest';
import { createStyle, type Style } from '../../../src/ui/style.js';

const ESC = '\u001b';
const NAMES = ['bold', 'dim', 'red', 'green', 'yellow', 'cyan'] as const;
const CODES: Record<(typeof NAMES)[number], [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

describe('createStyle(false)', () => {
  const s = createStyle(false);
  it('is level 0 and returns text unchanged', () => {
    expect(s.level).toBe(0);
    for (const name of NAMES) {
      expect(s[name]('plain text')).toBe('plain text');
      expect(s[name]('')).toBe('');
    }
    expect(s.red(`a${s.green('b')}c`)).toBe('abc');
  });

  it('leaves escape codes already in the text alone', () => {
    const coloured = createStyle(true).green('x');
    expect(s.red(coloured)).toBe(coloured);
  });
});

describe('createStyle(true)', () => {
  const s: Style = createStyle(true);

  it('is level 1', () => {
    expect(s.level).toBe(1);
  });

  it.each(NAMES)('%s wraps the text in its open and close codes', (name) => {
    const [open, close] = CODES[name];
    expect(s[name]('text')).toBe(`${ESC}[${open}mtext${ESC}[${close}m`);
    expect(s[name]('two words')).toBe(`${ESC}[${open}mtwo words${ESC}[${close}m`);
    expect(s[name]('')).toBe(`${ESC}[${open}m${ESC}[${close}m`);
  });

  it('reopens the outer colour after a nested colour closes', () => {
    const out = s.red(`a${s.green('b')}c`);
    expect(out).toContain(`${ESC}[39m${ESC}[31m`);
    expect(out).toBe(`${ESC}[31ma${ESC}[32mb${ESC}[39m${ESC}[31mc${ESC}[39m`);
  });

  it('reopens after every nested close, and bold/dim after a nested bold or dim', () => {
    expect(s.yellow(`${s.cyan('1')}-${s.red('2')}`)).toBe(`${ESC}[33m${ESC}[36m1${ESC}[39m${ESC}[33m-${ESC}[31m2${ESC}[39m${ESC}[33m${ESC}[39m`);
    expect(s.bold(`x${s.dim('y')}z`)).toBe(`${ESC}[1mx${ESC}[2my${ESC}[22m${ESC}[1mz${ESC}[22m`);
  });

  it('does not touch the close codes of the other kind (colour inside bold)', () => {
    expect(s.bold(`x${s.red('y')}z`)).toBe(`${ESC}[1mx${ESC}[31my${ESC}[39mz${ESC}[22m`);
    expect(s.red(`x${s.bold('y')}z`)).toBe(`${ESC}[31mx${ESC}[1my${ESC}[22mz${ESC}[39m`);
  });

  it('keeps the text itself, multi-line and non-ASCII included', () => {
    const text = 'ligne 1\nœuvre ✓ 日本';
    const out = s.cyan(text);
    expect(out.replace(/\u001b\[\d+m/g, '')).toBe(text);
  });
});
