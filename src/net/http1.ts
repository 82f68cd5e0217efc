/**
 * HTTP/1.1 on the wire (RFC 9112), client side only: the bytes of a request and an incremental
 * parser for the answer. No I/O: src/net/direct.ts moves the bytes. sfjwt owns this instead of
 * node:http because loading and driving node:http costs more than the rest of `verify` together
 * (SPEC §9); the answers it reads are Salesforce's token and identity endpoints, and the emulator.
 */

/** The bytes were not HTTP sfjwt can read, or a request could not be written as HTTP. */
export class HttpWireError extends Error {
  constructor(
    message: string,
    /** The connection closed before the answer was complete (rather than the bytes being wrong). */
    readonly cut = false,
  ) {
    super(message);
    this.name = 'HttpWireError';
  }
}

export interface WireRequest {
  method: string;
  url: URL;
  headers: Readonly<Record<string, string>>;
  body?: string;
}

export interface WireResponse {
  status: number;
  /** Lower-case names; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The connection may carry another request (keep-alive, and the answer ended where it said). */
  reusable: boolean;
}

export interface WireLimits {
  maxHeadBytes: number;
  maxBodyBytes: number;
}

export const DEFAULT_WIRE_LIMITS: WireLimits = { maxHeadBytes: 64 * 1024, maxBodyBytes: 16 * 1024 * 1024 };

const TOKEN_CHARS = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Latin-1 text without control characters: what node:http accepts in a header value.
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
// Framing and the Host are the wire's business, never a caller's.
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/** The request as bytes: Host, the caller's headers, and a Content-Length for a body. */
export function formatRequest(request: WireRequest): Buffer {
  if (!TOKEN_CHARS.test(request.method)) throw new HttpWireError(`"${request.method}" is not an HTTP method`);
  let head = `${request.method} ${request.url.pathname}${request.url.search} HTTP/1.1\r\nHost: ${request.url.host}\r\n`;
  for (const [name, value] of Object.entries(request.headers)) {
    if (!TOKEN_CHARS.test(name)) throw new HttpWireError(`"${name}" is not a valid header name`);
    if (BAD_VALUE_CHAR.test(value)) throw new HttpWireError(`the ${name} header holds a line break or control character`);
    if (!OWN_HEADERS.has(name.toLowerCase())) head += `${name}: ${value}\r\n`;
  }
  if (request.body === undefined) return Buffer.from(`${head}\r\n`, 'latin1');
  const body = Buffer.from(request.body, 'utf8');
  return Buffer.concat([Buffer.from(`${head}Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}

/**
 * How long an idle keep-alive connection may wait before sfjwt reuses it: a second under the
 * server's own `Keep-Alive: timeout=N`, and never over 4 s (Node servers and most balancers close
 * at 5 s), so a request is not sent on a connection the server is closing.
 */
export function idleReuseMs(headers: Readonly<Record<string, string>>): number {
  const ceiling = 4000;
  const keepAlive = headers['keep-alive'];
  if (!keepAlive) return ceiling;
  for (const part of keepAlive.split(',')) {
    const [name, value] = part.split('=');
    if (name?.trim().toLowerCase() !== 'timeout' || value === undefined) continue;
    const seconds = Number(value.trim());
    if (Number.isFinite(seconds)) return Math.max(0, Math.min(ceiling, (seconds - 1) * 1000));
  }
  return ceiling;
}

type State = 'status' | 'headers' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close' | 'done';

const EMPTY = Buffer.alloc(0);
const LF = 0x0a;
const CR = 0x0d;

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

function listTokens(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((token) => token.trim().toLowerCase()).filter(Boolean);
}

/**
 * Reads one answer from the bytes of a connection, pushed as they arrive. Interim 1xx answers are
 * skipped; the body is framed by Transfer-Encoding: chunked, Content-Length, or the connection's
 * close, as RFC 9112 §6.3 orders them. Anything else throws HttpWireError, never another error.
 */
export class ResponseParser {
  private pending: Buffer = EMPTY;
  private state: State = 'status';
  private received = false;
  private headBytes = 0;
  private version = '';
  private status = 0;
  private readonly headerValues = new Map<string, string>();
  private readonly bodyParts: Buffer[] = [];
  private bodyBytes = 0;
  private remaining = 0;
  private keepAlive = false;

  constructor(private readonly limits: WireLimits = DEFAULT_WIRE_LIMITS) {}

  /** Whether any byte of an answer has arrived (a request that got none may be sent again). */
  get receivedAny(): boolean {
    return this.received;
  }

  /** Feeds the next bytes; returns the answer once it is complete. */
  push(chunk: Buffer): WireResponse | undefined {
    if (this.isDone()) throw new HttpWireError('more bytes after the end of the answer');
    if (chunk.length === 0) return undefined;
    this.received = true;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.step()) {
      if (this.isDone()) return this.finish(this.keepAlive && this.pending.length === 0);
    }
    return undefined;
  }

  /** The peer closed the connection: a close-delimited body ends here, anything else was cut. */
  end(): WireResponse {
    if (this.state === 'close') return this.finish(false);
    if (!this.received) throw new HttpWireError('the connection closed before any answer', true);
    throw new HttpWireError('the connection closed in the middle of the answer', true);
  }

  // A method, not an inline test: TypeScript would keep `state` narrowed across step().
  private isDone(): boolean {
    return this.state === 'done';
  }

  /** One step of the state machine; false when it needs more bytes. */
  private step(): boolean {
    switch (this.state) {
      case 'status':
        return this.readStatusLine();
      case 'headers':
        return this.readHeaderLine();
      case 'length':
        return this.readCounted('done');
      case 'chunk-size':
        return this.readChunkSize();
      case 'chunk-data':
        return this.readCounted('chunk-end');
      case 'chunk-end':
        return this.readChunkEnd();
      case 'trailers':
        return this.readTrailerLine();
      case 'close':
        this.takeBody(this.pending.length);
        return false;
      case 'done':
        return false;
    }
  }

  /** The next line without its CRLF (a bare LF is accepted), or undefined until one is complete. */
  private takeLine(): string | undefined {
    const end = this.pending.indexOf(LF);
    if (end < 0) {
      if (this.headBytes + this.pending.length > this.limits.maxHeadBytes) this.tooLargeHead();
      return undefined;
    }
    this.headBytes += end + 1;
    if (this.headBytes > this.limits.maxHeadBytes) this.tooLargeHead();
    const lineEnd = end > 0 && this.pending[end - 1] === CR ? end - 1 : end;
    const line = this.pending.toString('latin1', 0, lineEnd);
    this.pending = this.pending.subarray(end + 1);
    return line;
  }

  private tooLargeHead(): never {
    throw new HttpWireError(`the answer's headers are larger than ${kib(this.limits.maxHeadBytes)}`);
  }

  private readStatusLine(): boolean {
    const line = this.takeLine();
    if (line === undefined) return false;
    // "HTTP/1.1 200 OK": the version, a space, three digits, then a space and a reason, or nothing.
    const version = line.slice(0, 8);
    const digits = line.slice(9, 12);
    const status = Number(digits);
    const validVersion = version === 'HTTP/1.1' || version === 'HTTP/1.0';
    const validStatus = digits.length === 3 && isDigits(digits) && status >= 100;
    if (!validVersion || line[8] !== ' ' || !validStatus || (line.length > 12 && line[12] !== ' ')) {
      throw new HttpWireError(`not an HTTP/1.1 status line: "${printable(line)}"`);
    }
    this.version = version;
    this.status = status;
    this.headerValues.clear();
    this.state = 'headers';
    return true;
  }

  private readHeaderLine(): boolean {
    const line = this.takeLine();
    if (line === undefined) return false;
    if (line === '') return this.endOfHead();
    if (line[0] === ' ' || line[0] === '\t') throw new HttpWireError('a folded header line (obsolete line folding)');
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN_CHARS.test(name)) throw new HttpWireError(`not a header line: "${printable(line)}"`);
    const key = name.toLowerCase();
    const value = trimOws(line.slice(colon + 1));
    if (BAD_VALUE_CHAR.test(value)) throw new HttpWireError(`a control character in the ${printable(name)} header`);
    const previous = this.headerValues.get(key);
    this.headerValues.set(key, previous === undefined ? value : `${previous}, ${value}`);
    return true;
  }

  private endOfHead(): boolean {
    const status = this.status;
    if (status === 101) throw new HttpWireError('the server switched protocols (101)');
    if (status < 200) {
      // An interim answer (100 Continue, 103 Early Hints): the real one follows.
      this.state = 'status';
      return true;
    }
    const connection = listTokens(this.headerValues.get('connection'));
    this.keepAlive = this.version === 'HTTP/1.1' ? !connection.includes('close') : connection.includes('keep-alive');
    const codings = listTokens(this.headerValues.get('transfer-encoding'));
    const contentLength = this.headerValues.get('content-length');
    if (status === 204 || status === 304) {
      this.state = 'done';
    } else if (codings.length > 0) {
      if (codings.length !== 1 || codings[0] !== 'chunked') {
        throw new HttpWireError(`an unsupported Transfer-Encoding: ${this.headerValues.get('transfer-encoding')}`);
      }
      // Both framings at once is a smuggling pattern: read by the chunks, then drop the connection.
      if (contentLength !== undefined) this.keepAlive = false;
      this.state = 'chunk-size';
    } else if (contentLength !== undefined) {
      this.remaining = parseContentLength(contentLength);
      if (this.remaining > this.limits.maxBodyBytes) this.tooLargeBody();
      this.state = this.remaining === 0 ? 'done' : 'length';
    } else {
      this.keepAlive = false;
      this.state = 'close';
    }
    return true;
  }

  private tooLargeBody(): never {
    throw new HttpWireError(`the answer is larger than ${kib(this.limits.maxBodyBytes)}`);
  }

  private takeBody(count: number): void {
    if (count === 0) return;
    if (this.bodyBytes + count > this.limits.maxBodyBytes) this.tooLargeBody();
    this.bodyParts.push(this.pending.subarray(0, count));
    this.bodyBytes += count;
    this.pending = this.pending.subarray(count);
  }

  /** Reads the rest of a body of known length (Content-Length, or one chunk), then moves on. */
  private readCounted(next: State): boolean {
    const count = Math.min(this.remaining, this.pending.length);
    this.takeBody(count);
    this.remaining -= count;
    if (this.remaining > 0) return false;
    this.state = next;
    return true;
  }

  private readChunkSize(): boolean {
    // Chunk lines are limited one by one: a long body may come in many small chunks.
    this.headBytes = 0;
    const line = this.takeLine();
    if (line === undefined) return false;
    const semicolon = line.indexOf(';');
    const hex = trimOws(semicolon < 0 ? line : line.slice(0, semicolon));
    if (hex === '' || hex.length > 8 || !isHex(hex)) throw new HttpWireError(`not a chunk size: "${printable(line)}"`);
    this.remaining = Number.parseInt(hex, 16);
    if (this.bodyBytes + this.remaining > this.limits.maxBodyBytes) this.tooLargeBody();
    this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
    return true;
  }

  // Exactly CRLF after the data: a lenient reading here would let a wrong size pass unnoticed.
  private readChunkEnd(): boolean {
    if (this.pending.length < 2) return false;
    if (this.pending[0] !== CR || this.pending[1] !== LF) throw new HttpWireError('a chunk longer than its size');
    this.pending = this.pending.subarray(2);
    this.state = 'chunk-size';
    return true;
  }

  private readTrailerLine(): boolean {
    const line = this.takeLine();
    if (line === undefined) return false;
    if (line === '') this.state = 'done';
    return true;
  }

  private finish(reusable: boolean): WireResponse {
    this.state = 'done';
    return {
      status: this.status,
      headers: Object.fromEntries(this.headerValues),
      body: this.bodyParts.length === 1 ? this.bodyParts[0]! : Buffer.concat(this.bodyParts),
      reusable,
    };
  }
}

/** Without the spaces and tabs around it (String.trim would also take a Latin-1 NBSP). */
function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(start, end);
}

/** "12", or "12, 12" from a repeated header; any other value is refused (RFC 9112 §6.3). */
function parseContentLength(value: string): number {
  const values = new Set(value.split(',').map((part) => part.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || only === '' || only.length > 15 || !isDigits(only)) {
    throw new HttpWireError(`an invalid Content-Length: "${printable(value)}"`);
  }
  return Number(only);
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

function isHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const letter = code | 0x20;
    if (!((code >= 0x30 && code <= 0x39) || (letter >= 0x61 && letter <= 0x66))) return false;
  }
  return true;
}

/** At most 80 characters, control characters as `?`: a bad line quoted in a one-line error. */
function printable(text: string): string {
  let out = '';
  for (let i = 0; i < text.length && i < 80; i++) {
    const code = text.charCodeAt(i);
    out += code < 0x20 || code === 0x7f ? '?' : text[i];
  }
  return text.length > 80 ? `${out}…` : out;
}
