export interface Symbols {
  pass: string;
  warn: string;
  fail: string;
  crash: string;
  hint: string;
  skip: string;
  bullet: string;
}

const UNICODE: Symbols = { pass: '✔', warn: '!', fail: '✖', crash: '☠', hint: '›', skip: '-', bullet: '•' };
const ASCII: Symbols = { pass: 'ok', warn: '!', fail: 'x', crash: '!!', hint: '>', skip: '-', bullet: '*' };

export function symbolsFor(env: Readonly<Record<string, string | undefined>>, platform = process.platform): Symbols {
  // Windows consoles outside Windows Terminal still mangle these glyphs.
  const unicode = platform !== 'win32' || Boolean(env.WT_SESSION) || env.TERM_PROGRAM === 'vscode';
  return unicode ? UNICODE : ASCII;
}
