/**
 * The escaping filters of the template language (`{{ value | sh }}`), one per output context.
 * Each returns the value written safely for its context, or throws UnsafeValue when it cannot:
 * the export is then refused rather than written wrong.
 */

/** Why a value cannot be written in a context; render() turns it into a UsageError. */
export class UnsafeValue extends Error {}

export type Filter = (value: string) => string;

/** Characters a shell word and a dotenv value take bare. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** C0 and C1 controls, DEL and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');

function hex(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control characters as visible escapes (\n, \x1b, \u2028). */
function escapeControls(value: string): string {
  return value.replace(CONTROLS, (c) => NAMED[c] ?? hex(c));
}

function refuse(reason: string): never {
  throw new UnsafeValue(reason);
}

function describeControl(value: string): string {
  const c = CONTROL.exec(value)?.[0] ?? '';
  return c === '\n' ? 'a line break' : `the control character ${JSON.stringify(c)}`;
}

function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A POSIX shell word: bare when safe, else single-quoted (nothing expands inside '…'). */
const sh: Filter = (value) => (SAFE.test(value) ? value : singleQuoted(value));

/** A single-quoted shell string even when bare would do (assignments read more evenly). */
const shq: Filter = singleQuoted;

/**
 * A `.env` value that dotenv parsers and `set -a; . ./.env` read the same: bare when safe
 * (docker --env-file keeps quotes literally), else single quotes (literal in sh; some dotenv
 * parsers unescape \\ and \' there), else double quotes when nothing in it expands in sh or dotenv.
 * A value with a `'` or `\\` and also `$`, a backtick, `"` or `\\` fits no quoting: refused.
 */
const dotenv: Filter = (value) => {
  if (SAFE.test(value)) return value;
  if (CONTROL.test(value)) refuse(`it contains ${describeControl(value)}, which a .env line cannot hold`);
  if (value.includes('${')) refuse('it contains "${", which dotenv parsers expand whatever the quoting');
  if (!/['\\]/.test(value)) return `'${value}'`;
  if (!/[$`"\\]/.test(value)) return `"${value}"`;
  return refuse('it mixes a single quote or backslash with $, `, " or \\, which no .env quoting keeps intact for both sh and dotenv');
};

const YAML_PLAIN = /^[A-Za-z_./][A-Za-z0-9_@%+=:,./-]*$/;
/** Plain scalars YAML 1.1 reads as something else: booleans, null, numbers, dates, .inf. */
const YAML_SPECIAL = /^(true|false|null|yes|no|on|off|y|n|~|[-+.]?[0-9].*|\.(inf|nan))$/i;
/** What YAML cannot hold raw even inside quotes: line breaks fold, other controls are not printable. */
const YAML_UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

/**
 * A complete YAML scalar: plain when it cannot be misread (no `: `, no `#`, not a bool, null or
 * number), single-quoted when printable, else double-quoted with escapes (\n, \x1b).
 */
const yaml: Filter = (value) => {
  if (YAML_PLAIN.test(value) && !/:$/.test(value) && !YAML_SPECIAL.test(value)) return value;
  if (!YAML_UNPRINTABLE.test(value)) return `'${value.replace(/'/g, "''")}'`;
  const escaped = value.replace(/[\\"]/g, '\\$&').replace(new RegExp(YAML_UNPRINTABLE.source, 'g'), (c) => NAMED[c] ?? hex(c));
  return `"${escaped}"`;
};

/** A GitHub Actions value: `${{ … }}` in it would be evaluated as an expression (secrets included). */
const gha: Filter = (value) => (value.includes('${{') ? refuse('it contains "${{", which GitHub Actions would evaluate as an expression') : value);

/** A GitLab CI variable value: GitLab expands `$NAME` in it, `$$` is a literal `$`. */
const gitlab: Filter = (value) => value.replace(/\$/g, '$$$$');

/** A string literal for JavaScript ('…') or Python ('…'): the same escapes serve both. */
const quoted: Filter = (value) => `'${escapeControls(value.replace(/\\/g, '\\\\').replace(/'/g, "\\'"))}'`;

/** A JSON string literal. */
const json: Filter = (value) => JSON.stringify(value);

/** Text a JSON string can carry between its quotes unchanged (the curl script's printf). */
const jsonplain: Filter = (value) => {
  if (/["\\]/.test(value)) refuse('it contains " or \\, which the curl script cannot put into its JSON claims');
  if (CONTROL.test(value)) refuse(`it contains ${describeControl(value)}, which the curl script cannot put into its JSON claims`);
  return value;
};

/** Characters XML 1.0 forbids even as references. */
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

function xmlChars(value: string): string {
  if (XML_FORBIDDEN.test(value)) refuse(`it contains ${describeControl(value)}, which XML cannot hold`);
  return value;
}

/** Text inside an XML element. */
const xml: Filter = (value) => xmlChars(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text inside an XML comment: one line, no `--`, and no `-` right before the closing `-->`. */
const xmlcomment: Filter = (value) => escapeControls(xmlChars(value)).replace(/-(?=-|$)/g, '- ');

/** One line of prose or a line comment (#, //, Markdown): control characters shown as escapes. */
const line: Filter = escapeControls;

/** Text inside a Python """docstring""": one line, backslashes doubled, no `"""`. */
const pydoc: Filter = (value) => escapeControls(value).replace(/\\/g, '\\\\').replace(/"(?=")|(?<=")"/g, '\\"');

/** A name that is safe bare everywhere (file names, versions): letters, digits, . _ + @ -. */
const token: Filter = (value) =>
  /^[A-Za-z0-9][A-Za-z0-9._+@-]*$/.test(value) ? value : refuse('only letters, digits and . _ + @ - are allowed here');

export const FILTERS: Readonly<Record<string, Filter>> = {
  sh,
  shq,
  dotenv,
  yaml,
  gha,
  gitlab,
  js: quoted,
  py: quoted,
  json,
  jsonplain,
  xml,
  xmlcomment,
  line,
  pydoc,
  token,
};
