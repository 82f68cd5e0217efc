/**
 * The template language of `templates/`, and nothing more: `{{ name | sh }}` substitutes a string
 * through one or more escaping filters (src/export/escape.ts), `{{#if name}}…{{else}}…{{/if}}` and
 * `{{#unless name}}…{{/unless}}` keep or drop a block. Every substitution names the language it
 * lands in, so no value reaches a script, a YAML file or XML unescaped; a value no filter can
 * write safely (or holding a NUL) refuses the export. `${{ … }}` (GitHub and GitLab expressions)
 * is never ours and passes through. A block tag alone on its line takes the line with it.
 */
import { UsageError } from '../errors.js';
import { FILTERS, UnsafeValue } from './escape.js';

export type TemplateValue = string | boolean | undefined;
export type TemplateValues = Readonly<Record<string, TemplateValue>>;

export class TemplateError extends Error {}

type Node =
  | { type: 'text'; text: string }
  | { type: 'var'; name: string; filters: string[] }
  | { type: 'block'; negate: boolean; name: string; then: Node[]; otherwise: Node[] };

const NAME = '[A-Za-z][A-Za-z0-9_]*';
const TAG = new RegExp(
  `(?<!\\$)\\{\\{(?:(#if|#unless) (${NAME})|(else)|/(if|unless)|\\s*(${NAME})((?:\\s*\\|\\s*${NAME})*)\\s*)\\}\\}`,
  'g',
);
const STANDALONE = new RegExp(`^[ \\t]*(\\{\\{(?:#if ${NAME}|#unless ${NAME}|else|/if|/unless)\\}\\})[ \\t]*\\r?\\n`, 'gm');

function parse(template: string, defaultFilter: string | undefined): Node[] {
  const source = template.replace(STANDALONE, '$1');
  const root: Node[] = [];
  // Each open block: where its nodes go now, the block itself, and which branch we are in.
  const stack: { block: Extract<Node, { type: 'block' }>; keyword: string; inElse: boolean }[] = [];
  const target = (): Node[] => {
    const top = stack[stack.length - 1];
    return top ? (top.inElse ? top.block.otherwise : top.block.then) : root;
  };
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const at = match.index;
    if (at > last) target().push({ type: 'text', text: source.slice(last, at) });
    last = at + match[0].length;
    const [, open, openName, elseTag, close, variable, piped] = match;
    if (open && openName) {
      const block: Extract<Node, { type: 'block' }> = { type: 'block', negate: open === '#unless', name: openName, then: [], otherwise: [] };
      target().push(block);
      stack.push({ block, keyword: open.slice(1), inElse: false });
    } else if (elseTag) {
      const top = stack[stack.length - 1];
      if (!top || top.inElse) throw new TemplateError(`{{else}} outside a block at offset ${at}`);
      top.inElse = true;
    } else if (close) {
      const top = stack.pop();
      if (!top || top.keyword !== close) throw new TemplateError(`{{/${close}}} without a matching {{#${close}}} at offset ${at}`);
    } else if (variable) {
      const filters = (piped ?? '').split('|').map((f) => f.trim()).filter(Boolean);
      if (filters.length === 0 && defaultFilter) filters.push(defaultFilter);
      if (filters.length === 0) throw new TemplateError(`{{${variable}}} names no escaping filter (e.g. {{ ${variable} | sh }})`);
      const unknown = filters.find((f) => !(f in FILTERS));
      if (unknown) throw new TemplateError(`unknown filter "${unknown}" in {{ ${variable} }}`);
      target().push({ type: 'var', name: variable, filters });
    }
  }
  if (last < source.length) target().push({ type: 'text', text: source.slice(last) });
  const open = stack[stack.length - 1];
  if (open) throw new TemplateError(`{{#${open.keyword} ${open.block.name}}} is never closed`);
  return root;
}

function truthy(value: TemplateValue): boolean {
  return value !== undefined && value !== false && value !== '';
}

/** `instanceUrl` → "instance URL", for messages. */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().replace(/\burl\b/g, 'URL').replace(/\bid\b/g, 'ID');
}

function escape(name: string, value: string, filters: string[]): string {
  try {
    if (value.includes('\u0000')) throw new UnsafeValue('it contains a NUL character');
    if (/\p{Surrogate}/u.test(value)) throw new UnsafeValue('it is not valid Unicode (a lone surrogate)');
    return filters.reduce((text, filter) => FILTERS[filter]!(text), value);
  } catch (error) {
    if (!(error instanceof UnsafeValue)) throw error;
    throw new UsageError(
      `cannot write the ${words(name)} into the export safely: ${error.message}`,
      'correct the value where it comes from (`sfjwt profiles show`, or the SFJWT_* variable), then export again',
    );
  }
}

function evaluate(nodes: Node[], values: TemplateValues, out: string[]): void {
  for (const node of nodes) {
    if (node.type === 'text') out.push(node.text);
    else if (node.type === 'var') {
      const value = values[node.name];
      if (typeof value !== 'string') {
        throw new TemplateError(value === undefined ? `no value for {{${node.name}}}` : `{{${node.name}}} is a condition, not text`);
      }
      out.push(escape(node.name, value, node.filters));
    } else {
      if (!(node.name in values)) throw new TemplateError(`no value for {{#${node.negate ? 'unless' : 'if'} ${node.name}}}`);
      const on = truthy(values[node.name]) !== node.negate;
      evaluate(on ? node.then : node.otherwise, values, out);
    }
  }
}

/**
 * Renders a template. An unknown name or filter, a substitution without a filter (unless
 * `defaultFilter` is given: file names use `token`) or an unbalanced block is a TemplateError (a
 * bug in a template); a value that cannot be escaped is a UsageError (exit 2).
 */
export function render(template: string, values: TemplateValues, defaultFilter?: string): string {
  const out: string[] = [];
  evaluate(parse(template, defaultFilter), values, out);
  return out.join('');
}
