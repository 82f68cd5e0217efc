/** A tiny well-formedness check for the exported metadata (tag balance, one root, escaped text). */
export interface XmlSummary {
  root: string;
  /** Text of every leaf element, by tag name (in document order). */
  text: Record<string, string[]>;
}

export function checkXml(source: string): XmlSummary {
  let body = source.replace(/^\uFEFF?<\?xml[^?]*\?>\s*/, '');
  if (/<\?xml/.test(body)) throw new Error('XML declaration not at the start');
  body = body.replace(/<!--([\s\S]*?)-->/g, (_m, inner: string) => {
    if (inner.includes('--')) throw new Error('"--" inside a comment');
    return '';
  });
  if (body.includes('<!--')) throw new Error('unterminated comment');
  const stack: string[] = [];
  const text: Record<string, string[]> = {};
  let root: string | undefined;
  let last = 0;
  let open: { name: string; start: number } | undefined;
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
  for (const m of body.matchAll(tag)) {
    const between = body.slice(last, m.index);
    if (/[<>]/.test(between)) throw new Error(`stray markup near: ${between.slice(0, 60)}`);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(between)) throw new Error(`unescaped & in: ${between.slice(0, 60)}`);
    if (stack.length === 0 && between.trim() !== '') throw new Error(`text outside the root: ${between.trim().slice(0, 60)}`);
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      const top = stack.pop();
      if (top !== name) throw new Error(`</${name}> closes <${top}>`);
      if (open && open.name === name) (text[name!] ??= []).push(body.slice(open.start, m.index));
      open = undefined;
    } else {
      if (stack.length === 0) {
        if (root !== undefined) throw new Error('more than one root element');
        root = name!;
      }
      if (!selfClosing) {
        stack.push(name!);
        open = { name: name!, start: m.index + m[0].length };
      }
    }
    last = m.index + m[0].length;
  }
  if (body.slice(last).trim() !== '') throw new Error('text after the root element');
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (root === undefined) throw new Error('no root element');
  return { root, text };
}
