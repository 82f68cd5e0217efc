/**
 * A deliberately small SOQL reader: `SELECT f1, f2 | COUNT() FROM Object [WHERE a = 'x' AND b IN ('y')
 * AND c != null ...] [ORDER BY ...] [LIMIT n]`. Enough for the queries sfjwt, the sf CLI and
 * typical verification scripts send; anything else is MALFORMED_QUERY.
 */

export type SoqlValue = string | number | boolean | null;

export interface SoqlCondition {
  field: string;
  op: '=' | '!=' | 'in' | 'not in';
  values: SoqlValue[];
}

export interface SoqlQuery {
  /** Field names as written; empty with `count`. */
  fields: string[];
  count: boolean;
  object: string;
  where: SoqlCondition[];
  /** The first ORDER BY key (the others are accepted and ignored). */
  orderBy?: { field: string; descending: boolean };
  limit?: number;
}

export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_TYPE' | 'INVALID_FIELD',
    message: string,
  ) {
    super(message);
    this.name = 'SoqlError';
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const VALUE = String.raw`'(?:[^'\\]|\\.)*'|true|false|null|-?\d+(?:\.\d+)?`;
const CONDITION = new RegExp(
  String.raw`^([A-Za-z_][\w.]*)\s*(?:(=|!=|<>)\s*(${VALUE})|(not\s+in|in)\s*\(\s*((?:${VALUE})(?:\s*,\s*(?:${VALUE}))*)\s*\))\s*`,
  'i',
);
const VALUE_GLOBAL = new RegExp(VALUE, 'gi');

function malformed(query: string, why: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', `${why}: ${query.trim()}`);
}

function parseValue(raw: string): SoqlValue {
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  return Number(raw);
}

function parseWhere(query: string, where: string): SoqlCondition[] {
  const conditions: SoqlCondition[] = [];
  let rest = where.trim();
  while (rest.length > 0) {
    const match = CONDITION.exec(rest);
    if (!match) throw malformed(query, 'unsupported WHERE clause');
    const [whole, field, op, single, listOp, list] = match;
    if (op !== undefined && single !== undefined) {
      conditions.push({ field: field!, op: op === '=' ? '=' : '!=', values: [parseValue(single)] });
    } else {
      const values = [...(list ?? '').matchAll(VALUE_GLOBAL)].map((m) => parseValue(m[0]));
      conditions.push({ field: field!, op: /^not/i.test(listOp ?? '') ? 'not in' : 'in', values });
    }
    rest = rest.slice(whole.length);
    if (rest.length === 0) break;
    const and = /^and\s+/i.exec(rest);
    if (!and) throw malformed(query, 'only AND-joined conditions are supported');
    rest = rest.slice(and[0].length);
  }
  return conditions;
}

export function parseSoql(query: string): SoqlQuery {
  const match = /^\s*select\s+([\s\S]+?)\s+from\s+([A-Za-z_][A-Za-z0-9_]*)([\s\S]*)$/i.exec(query);
  if (!match) throw malformed(query, 'unexpected token');
  const [, fieldList, object, tail] = match as unknown as [string, string, string, string];

  let count = false;
  const fields: string[] = [];
  for (const raw of fieldList.split(',')) {
    const field = raw.trim();
    if (/^count\(\s*\)$/i.test(field)) {
      count = true;
      continue;
    }
    if (!IDENT.test(field)) throw malformed(query, `unexpected field "${field}"`);
    fields.push(field);
  }
  if (count && fields.length > 0) throw malformed(query, 'COUNT() cannot be combined with fields');

  const clauses = /^\s*(?:where\s+([\s\S]+?))?\s*(?:order\s+by\s+([\s\S]+?))?\s*(?:limit\s+(\d+))?\s*$/i.exec(tail);
  if (!clauses) throw malformed(query, 'unexpected token');
  const [, where, order, limit] = clauses;
  if (tail.trim() !== '' && where === undefined && clauses[2] === undefined && limit === undefined) {
    throw malformed(query, 'unexpected token');
  }

  const parsed: SoqlQuery = { fields, count, object, where: where ? parseWhere(query, where) : [] };
  if (order !== undefined) {
    const first = /^([A-Za-z_][\w.]*)(?:\s+(asc|desc))?(?:\s+nulls\s+(?:first|last))?\s*(?:,|$)/i.exec(order.trim());
    if (!first) throw malformed(query, 'unsupported ORDER BY clause');
    parsed.orderBy = { field: first[1]!, descending: /^desc$/i.test(first[2] ?? '') };
  }
  if (limit !== undefined) parsed.limit = Number(limit);
  return parsed;
}
