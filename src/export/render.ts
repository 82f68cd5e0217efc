/**
 * The template language of `templates/`, and nothing more: `{{name}}` substitutes a string,
 * `{{#if name}}…{{else}}…{{/if}}` and `{{#unless name}}…{{/unless}}` keep or drop a block.
 * Names are plain identifiers with no spaces, so other `{{ … }}` text (GitHub's
 * `${{ secrets.X }}`) passes through untouched. A tag alone on its line takes the line with it.
 * Values are inserted verbatim: the per-format builders quote them for their language.
 */
export type TemplateValue = string | boolean | undefined;
export type TemplateValues = Readonly<Record<string, TemplateValue>>;

export class TemplateError extends Error {}

type Node =
  | { type: 'text'; text: string }
  | { type: 'var'; name: string }
  | { type: 'block'; negate: boolean; name: string; then: Node[]; otherwise: Node[] };

const NAME = '[A-Za-z][A-Za-z0-9_]*';
const TAG = new RegExp(`\\{\\{(?:(#if|#unless) (${NAME})|(else)|/(if|unless)|(${NAME}))\\}\\}`, 'g');
const STANDALONE = new RegExp(`^[ \\t]*(\\{\\{(?:#if ${NAME}|#unless ${NAME}|else|/if|/unless)\\}\\})[ \\t]*\\r?\\n`, 'gm');

function parse(template: string): Node[] {
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
    const [, open, openName, elseTag, close, variable] = match;
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
      target().push({ type: 'var', name: variable });
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

function evaluate(nodes: Node[], values: TemplateValues, out: string[]): void {
  for (const node of nodes) {
    if (node.type === 'text') out.push(node.text);
    else if (node.type === 'var') {
      const value = values[node.name];
      if (typeof value !== 'string') {
        throw new TemplateError(value === undefined ? `no value for {{${node.name}}}` : `{{${node.name}}} is a condition, not text`);
      }
      out.push(value);
    } else {
      if (!(node.name in values)) throw new TemplateError(`no value for {{#${node.negate ? 'unless' : 'if'} ${node.name}}}`);
      const on = truthy(values[node.name]) !== node.negate;
      evaluate(on ? node.then : node.otherwise, values, out);
    }
  }
}

/** Renders a template; an unknown name or an unbalanced block is a TemplateError (a bug in a template). */
export function render(template: string, values: TemplateValues): string {
  const out: string[] = [];
  evaluate(parse(template), values, out);
  return out.join('');
}
