import wrapAnsi from 'wrap-ansi';
import { describe, expect, it } from 'vitest';
import { wrapToWidth } from '../../../src/ui/output.js';
import { instructionsFor, renderInstructions } from '../../../src/wizard/instructions.js';

const ins = instructionsFor('app', {
  appKind: 'eca',
  setupHost: 'https://acme.my.salesforce-setup.com',
  certPath: '/home/me/.config/sfjwt/keys/prod/server.crt',
  appName: 'sfjwt-prod',
  username: 'integration@acme.com',
});

describe('narration wrapped to the terminal width', () => {
  it.each([60, 100])('at %i columns: no line wider than the terminal except one long word, no word broken, continuation under the text', (columns) => {
    const lines = renderInstructions(ins, { details: true });
    const wrapped = lines.map((l) => wrapToWidth(l, columns, wrapAnsi)).join('\n').split('\n');
    for (const line of wrapped) {
      // Only a single unbreakable word (a URL or a path) may stick out.
      if (line.length > columns - 1) expect(line.trim(), line).not.toContain(' ');
    }
    // Every word survives whole and in order.
    expect(wrapped.join(' ').split(/\s+/).filter(Boolean)).toEqual(lines.join(' ').split(/\s+/).filter(Boolean));
    // "   e) OAuth Scopes: ..." continues under "OAuth", six columns in.
    const at = wrapped.findIndex((l) => l.startsWith('   e) OAuth Scopes'));
    expect(wrapped[at + 1]).toMatch(/^ {6}\S/);
    // The Setup link is one piece.
    expect(wrapped.some((l) => l.includes(ins.url!))).toBe(true);
  });

  it('keeps colour codes out of the width and the indent', () => {
    const line = `\x1b[33m!\x1b[39m ${'word '.repeat(30).trim()}`;
    const wrapped = wrapToWidth(line, 40, wrapAnsi).split('\n');
    expect(wrapped.length).toBeGreaterThan(1);
    expect(wrapped[1]).toMatch(/^ {2}word/);
  });
});
