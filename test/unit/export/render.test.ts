import { describe, expect, it } from 'vitest';
import { render, TemplateError } from '../../../src/export/render.js';

describe('render', () => {
  it('substitutes names verbatim', () => {
    expect(render('a={{a}} b={{b_2}}', { a: "x'y", b_2: '<z>' })).toBe("a=x'y b=<z>");
  });

  it('keeps or drops if/else/unless blocks, nested', () => {
    const t = '{{#if on}}[{{#unless off}}in{{else}}out{{/unless}}]{{else}}none{{/if}}';
    expect(render(t, { on: true, off: false })).toBe('[in]');
    expect(render(t, { on: 'yes', off: 'x' })).toBe('[out]');
    expect(render(t, { on: undefined, off: false })).toBe('none');
    expect(render(t, { on: '', off: false })).toBe('none');
  });

  it('removes the line of a tag that stands alone on it', () => {
    const t = 'a\n  {{#if x}}\nb\n{{else}}\nc\n{{/if}}\nd\n';
    expect(render(t, { x: true })).toBe('a\nb\nd\n');
    expect(render(t, { x: false })).toBe('a\nc\nd\n');
  });

  it("leaves other {{ }} text alone (GitHub's ${{ secrets.X }})", () => {
    expect(render('v: ${{ secrets.SF_USERNAME }} {{a}}', { a: '1' })).toBe('v: ${{ secrets.SF_USERNAME }} 1');
  });

  it('an unknown name, a condition used as text, or an unbalanced block is a template error', () => {
    expect(() => render('{{nope}}', {})).toThrow(TemplateError);
    expect(() => render('{{#if nope}}x{{/if}}', {})).toThrow(/no value/);
    expect(() => render('{{flag}}', { flag: true })).toThrow(/condition/);
    expect(() => render('{{#if a}}x', { a: true })).toThrow(/never closed/);
    expect(() => render('x{{/if}}', {})).toThrow(/without a matching/);
    expect(() => render('{{#if a}}x{{/unless}}', { a: true })).toThrow(/without a matching/);
    expect(() => render('{{else}}', {})).toThrow(/outside/);
  });
});
