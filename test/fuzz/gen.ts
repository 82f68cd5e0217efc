/**
 * A tiny seeded generator for hostile inputs (no dependencies). Every failing case is reproducible
 * from the seed printed in the assertion message.
 */
export interface Gen {
  seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
  /** A string of `n` code points drawn from awkward ranges (controls, BMP, astral, lone surrogates). */
  unicode(n: number): string;
  /** One random mutation of `text`: truncation, bit flip, insertion, deletion, duplication, splice. */
  mutate(text: string): string;
}

/** mulberry32: small, fast, good enough to explore inputs. */
export function gen(seed: number): Gen {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number): Buffer => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = int(256);
    return out;
  };
  const RANGES: ReadonlyArray<[number, number]> = [
    [0x00, 0x20], // controls, NUL
    [0x20, 0x7f], // ASCII
    [0x80, 0x100], // Latin-1
    [0x200b, 0x2010], // zero-width, hyphens
    [0x2028, 0x202f], // line/paragraph separators, bidi
    [0xd800, 0xe000], // lone surrogates
    [0xfeff, 0xff00], // BOM, half-width
    [0x1f600, 0x1f650], // emoji (astral)
    [0x10fff0, 0x110000], // last plane
  ];
  const unicode = (n: number): string => {
    let out = '';
    for (let i = 0; i < n; i++) {
      const [from, to] = pick(RANGES);
      out += String.fromCodePoint(from + int(to - from));
    }
    return out;
  };
  const mutate = (text: string): string => {
    if (text.length === 0) return unicode(1 + int(8));
    const at = int(text.length);
    switch (int(7)) {
      case 0:
        return text.slice(0, at); // truncation
      case 1: {
        const code = text.charCodeAt(at) ^ (1 << int(7)); // bit flip (stays in 0..0x7f for ASCII)
        return text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
      }
      case 2:
        return text.slice(0, at) + unicode(1 + int(4)) + text.slice(at); // insertion
      case 3:
        return text.slice(0, at) + text.slice(at + 1 + int(16)); // deletion
      case 4:
        return text.slice(0, at) + text.slice(at, at + 1 + int(64)).repeat(2) + text.slice(at); // duplication
      case 5:
        return text.slice(at) + text.slice(0, at); // rotation
      default:
        return text.slice(0, at) + pick(['\r\n', '\\n', '"', "'", '-----', '=', ' ', '\t', '\u0000', '{', '}', ':', '.']) + text.slice(at);
    }
  };
  return { seed, next, int, pick, bytes, unicode, mutate };
}

/** `count` cases from `seed`: random bytes, unicode, and 1-3 mutations of the valid samples. */
export function hostileInputs(seed: number, count: number, valid: readonly string[]): Array<{ name: string; input: string }> {
  const g = gen(seed);
  const cases: Array<{ name: string; input: string }> = [];
  for (let i = 0; i < count; i++) {
    const kind = g.int(5);
    if (kind === 0) cases.push({ name: `#${i} random bytes (latin1)`, input: g.bytes(g.int(512)).toString('latin1') });
    else if (kind === 1) cases.push({ name: `#${i} random bytes (utf8)`, input: g.bytes(g.int(512)).toString('utf8') });
    else if (kind === 2) cases.push({ name: `#${i} unicode`, input: g.unicode(g.int(200)) });
    else {
      let input = g.pick(valid);
      const rounds = 1 + g.int(3);
      for (let r = 0; r < rounds; r++) input = g.mutate(input);
      cases.push({ name: `#${i} mutated valid (${rounds})`, input });
    }
  }
  return cases;
}

/** Every truncation point of a valid input is too many; these are spread over its length. */
export function truncations(text: string, points = 24): string[] {
  const out = new Set<string>();
  for (let i = 0; i <= points; i++) out.add(text.slice(0, Math.floor((text.length * i) / points)));
  return [...out];
}

/** 1 MB inputs: junk, a valid sample repeated, and a sample followed by padding. */
export function hugeInputs(valid: string): string[] {
  const mb = 1 << 20;
  return ['A'.repeat(mb), valid.repeat(Math.ceil(mb / Math.max(1, valid.length))).slice(0, mb), valid + ' '.repeat(mb), '-'.repeat(mb), '\n'.repeat(mb)];
}
