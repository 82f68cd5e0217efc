/** Literal quoting for each language the templates are written in (values are inserted verbatim). */

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A POSIX shell word: bare when safe, else single-quoted. */
export function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A single-quoted shell string even when bare would do (assignments read more evenly). */
export function shellString(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A `.env` value: bare when safe (docker --env-file keeps quotes literally), else double-quoted. */
export function dotenvValue(value: string): string {
  return SHELL_SAFE.test(value) ? value : JSON.stringify(value);
}

function escapeQuoted(value: string, quote: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(new RegExp(quote, 'g'), `\\${quote}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

/** A Python string literal. */
export function pyString(value: string): string {
  return `'${escapeQuoted(value, "'")}'`;
}

/** A JavaScript string literal. */
export function jsString(value: string): string {
  return `'${escapeQuoted(value, "'").replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

/** A YAML scalar: bare when it cannot be misread, else single-quoted. */
export function yamlScalar(value: string): string {
  if (/^[A-Za-z0-9_@%+=,./-][A-Za-z0-9_@%+=:,./-]*$/.test(value) && !/: |:$/.test(value) && !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9.]+)$/i.test(value)) {
    return value;
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** Text inside an XML element. */
export function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text inside an XML comment (`--` is not allowed there). */
export function xmlComment(value: string): string {
  return value.replace(/--/g, '- -');
}
