import { describe, expect, it } from 'vitest';
import { render, TemplateError } from '../../../src/export/render.js';

describe('render', () => {
  it('writes each value through the filters its tag names', () => {
    expect(render("a={{ a | sh }} b={{b_2|js}} c={{ c | sh | line }}", { a: "x'y", b_2: '<z>', c: 'p\nq' })).toBe(`a='x'\\''y' b='<z>' c='p\\nq'`);
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

  it("leaves GitHub's and GitLab's ${{ … }} alone", () => {
    expect(render('v: ${{ secrets.SF_USERNAME }} ${{ github }} {{ a | yaml }}', { a: '1' })).toBe("v: ${{ secrets.SF_USERNAME }} ${{ github }} '1'");
  });

  it('file names take the default filter (token), which refuses path separators', () => {
    expect(render('dir/{{appName}}.xml', { appName: 'sfjwt_prod' }, 'token')).toBe('dir/sfjwt_prod.xml');
    expect(() => render('dir/{{appName}}.xml', { appName: '../x' }, 'token')).toThrow(/app name .*only letters/);
  });

  it('a value no filter can write, or a NUL, is a usage error (exit 2) naming the value', () => {
    expect(() => render('{{ username | sh }}', { username: 'a\u0000b' })).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/username.*NUL/) }));
    expect(() => render('{{ instanceUrl | jsonplain }}', { instanceUrl: 'a"b' })).toThrow(/instance URL/);
  });

  it('a substitution without a filter, an unknown filter or name, a condition used as text, or an unbalanced block is a template error', () => {
    expect(() => render('{{a}}', { a: 'x' })).toThrow(/names no escaping filter/);
    expect(() => render('{{ a | nope }}', { a: 'x' })).toThrow(/unknown filter "nope"/);
    expect(() => render('{{ nope | sh }}', {})).toThrow(TemplateError);
    expect(() => render('{{#if nope}}x{{/if}}', {})).toThrow(/no value/);
    expect(() => render('{{ flag | sh }}', { flag: true })).toThrow(/condition/);
    expect(() => render('{{#if a}}x', { a: true })).toThrow(/never closed/);
    expect(() => render('x{{/if}}', {})).toThrow(/without a matching/);
    expect(() => render('{{#if a}}x{{/unless}}', { a: true })).toThrow(/without a matching/);
    expect(() => render('{{else}}', {})).toThrow(/outside/);
  });
});
