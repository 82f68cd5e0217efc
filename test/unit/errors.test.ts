import { describe, expect, it } from 'vitest';
import { quoteInput } from '../../src/errors.js';

describe('quoteInput', () => {
  it('escapes every control character a terminal would act on: C0, DEL, C1 (0x9b opens an escape) and bidi overrides', () => {
    const quoted = quoteInput('a\u001b[2J\u007f\u009b31m\u202eb');
    expect(quoted).toBe('"a\\u001b[2J\\u007f\\u009b31m\\u202eb"');
    expect(quoted).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  it('shortens long input', () => {
    expect(quoteInput('x'.repeat(100), 10)).toBe(`"${'x'.repeat(10)}…"`);
  });
});
