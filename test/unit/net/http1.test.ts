import { describe, expect, it } from 'vitest';
import { formatRequest, HttpWireError, idleReuseMs, ResponseParser, type WireLimits, type WireResponse } from '../../../src/net/http1.js';

const TOKEN_URL = new URL('https://acme.my.salesforce.com/services/oauth2/token');

describe('formatRequest', () => {
  it('a POST: request line, Host, the headers in order, then a Content-Length in bytes and the body', () => {
    const wire = formatRequest({
      method: 'POST',
      url: TOKEN_URL,
      headers: { 'user-agent': 'sfjwt', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=x&assertion=é',
    });
    expect(wire.toString('utf8')).toBe(
      'POST /services/oauth2/token HTTP/1.1\r\nHost: acme.my.salesforce.com\r\nuser-agent: sfjwt\r\n' +
        'content-type: application/x-www-form-urlencoded\r\nContent-Length: 25\r\n\r\ngrant_type=x&assertion=é',
    );
  });

  it('a GET has no Content-Length; the query stays, a non-default port and an IPv6 literal are in the Host', () => {
    expect(formatRequest({ method: 'GET', url: new URL('http://[::1]:8443/id/00D/005?version=latest'), headers: {} }).toString()).toBe(
      'GET /id/00D/005?version=latest HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n',
    );
    expect(formatRequest({ method: 'GET', url: new URL('https://login.salesforce.com:443'), headers: {} }).toString()).toBe(
      'GET / HTTP/1.1\r\nHost: login.salesforce.com\r\n\r\n',
    );
  });

  it("a caller's Host, Content-Length, Transfer-Encoding or Connection never reach the wire", () => {
    const wire = formatRequest({
      method: 'POST',
      url: TOKEN_URL,
      headers: { Host: 'evil.example', 'Content-Length': '1', 'transfer-encoding': 'chunked', connection: 'close' },
      body: 'abc',
    }).toString();
    expect(wire).toBe('POST /services/oauth2/token HTTP/1.1\r\nHost: acme.my.salesforce.com\r\nContent-Length: 3\r\n\r\nabc');
  });

  it.each([
    ['a CRLF in a value (a token from a hostile server)', { authorization: 'Bearer abc\r\nX-Injected: 1' }],
    ['a bare LF in a value', { authorization: 'Bearer abc\nx' }],
    ['a NUL in a value', { authorization: 'Bearer \0' }],
    ['a character beyond Latin-1', { authorization: 'Bearer ☃' }],
    ['a space in a name', { 'x bad': '1' }],
    ['a colon in a name', { 'x:bad': '1' }],
    ['an empty name', { '': '1' }],
  ])('refuses %s', (_name, headers) => {
    expect(() => formatRequest({ method: 'GET', url: TOKEN_URL, headers })).toThrow(HttpWireError);
  });

  it('refuses a method that is not a token', () => {
    expect(() => formatRequest({ method: 'GET /x HTTP/1.1\r\n', url: TOKEN_URL, headers: {} })).toThrow('is not an HTTP method');
  });
});

describe('idleReuseMs: a second under the server keep-alive timeout, at most 4 s', () => {
  it.each([
    [{}, 4000],
    [{ 'keep-alive': 'timeout=5' }, 4000],
    [{ 'keep-alive': 'timeout=3, max=100' }, 2000],
    [{ 'keep-alive': 'max=100, Timeout = 2' }, 1000],
    [{ 'keep-alive': 'timeout=1' }, 0],
    [{ 'keep-alive': 'timeout=0' }, 0],
    [{ 'keep-alive': 'timeout=120' }, 4000],
    [{ 'keep-alive': 'timeout=soon' }, 4000],
    [{ 'keep-alive': 'timeout' }, 4000],
  ])('%j → %i ms', (headers, expected) => expect(idleReuseMs(headers)).toBe(expected));
});

/** Parses `text` fed in pieces of `sizes` bytes (cycled), then `end()` if still open. */
function parse(text: string | Buffer, sizes: number[] = [Number.MAX_SAFE_INTEGER], limits?: WireLimits): WireResponse {
  const parser = new ResponseParser(limits);
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    const answer = parser.push(bytes.subarray(at, at + size));
    at += size;
    if (answer) {
      expect(at, 'the answer completes only with its last byte').toBeGreaterThanOrEqual(bytes.length);
      return answer;
    }
  }
  return parser.end();
}

function bodyOf(answer: WireResponse): string {
  return answer.body.toString('utf8');
}

const TOKEN_JSON = '{"access_token":"00D!x","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00D/005"}';

// Answers a server may send, and what sfjwt must read from each.
const VALID: Array<{ name: string; wire: string; status: number; body: string; reusable: boolean }> = [
  {
    name: 'Content-Length',
    wire: `HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: ${TOKEN_JSON.length}\r\n\r\n${TOKEN_JSON}`,
    status: 200,
    body: TOKEN_JSON,
    reusable: true,
  },
  {
    name: 'chunked, with a chunk extension and a trailer',
    wire: 'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n19;ext=1\r\n{"error":"invalid_grant",\r\n1c\r\n"error_description":"expir"}\r\n0\r\nX-Trailer: t\r\n\r\n',
    status: 400,
    body: '{"error":"invalid_grant","error_description":"expir"}',
    reusable: true,
  },
  {
    name: 'interim 100 Continue and 103 Early Hints before the answer',
    wire: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    status: 200,
    body: 'ok',
    reusable: true,
  },
  { name: '204 has no body', wire: 'HTTP/1.1 204 No Content\r\nContent-Type: text/plain\r\n\r\n', status: 204, body: '', reusable: true },
  { name: 'Content-Length: 0', wire: 'HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n', status: 302, body: '', reusable: true },
  { name: 'Connection: close', wire: 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok', status: 200, body: 'ok', reusable: false },
  { name: 'HTTP/1.0 ends at the close', wire: 'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>', status: 200, body: '<html>', reusable: false },
  { name: 'HTTP/1.0 with keep-alive', wire: 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx', status: 200, body: 'x', reusable: true },
  { name: 'no framing: the body ends at the close', wire: 'HTTP/1.1 503 Service Unavailable\r\n\r\nmaintenance', status: 503, body: 'maintenance', reusable: false },
  { name: 'bare LF line ends, no reason phrase', wire: 'HTTP/1.1 200\nContent-Length: 2\n\nok', status: 200, body: 'ok', reusable: true },
  {
    name: 'both framings: the chunks win and the connection is not reused',
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    status: 200,
    body: 'ok',
    reusable: false,
  },
];

describe('ResponseParser: the answers a server may send', () => {
  it.each(VALID)('$name', ({ wire, status, body, reusable }) => {
    const answer = parse(wire);
    expect({ status: answer.status, body: bodyOf(answer), reusable: answer.reusable }).toEqual({ status, body, reusable });
  });

  it.each(VALID)('$name: the same answer however the bytes are split', ({ wire }) => {
    const whole = parse(wire);
    for (const sizes of [[1], [2], [3, 1], [7], [13, 2, 1]]) {
      expect(parse(wire, sizes), `pieces of ${sizes.join(',')}`).toEqual(whole);
    }
  });

  it('header names are lower case; a repeated header is joined; __proto__ is just a name', () => {
    const answer = parse('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Padded:   v  \r\n__proto__: p\r\nContent-Length: 0\r\n\r\n');
    expect(Object.entries(answer.headers)).toEqual([
      ['set-cookie', 'a=1, b=2'],
      ['x-padded', 'v'],
      ['__proto__', 'p'],
      ['content-length', '0'],
    ]);
    expect(Object.getPrototypeOf(answer.headers)).toBe(Object.prototype);
  });

  it('a UTF-8 body split inside a character still decodes whole', () => {
    const body = Buffer.from('{"name":"Zoë 😀"}');
    const wire = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
    expect(bodyOf(parse(wire, [1]))).toBe('{"name":"Zoë 😀"}');
  });

  it('bytes after the answer leave it whole but the connection unusable', () => {
    const answer = parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n');
    expect(answer).toMatchObject({ status: 200, reusable: false });
    expect(bodyOf(answer)).toBe('ok');
  });
});

describe('ResponseParser: what it refuses, always as HttpWireError', () => {
  const tiny: WireLimits = { maxHeadBytes: 64, maxBodyBytes: 16 };
  it.each([
    ['a TLS or binary answer', '\x16\x03\x01\x00\x02\x02\x28\r\n\r\n', 'not an HTTP/1.1 status line'],
    ['HTTP/2 preface', 'HTTP/2 200\r\n\r\n', 'not an HTTP/1.1 status line'],
    ['an SSH banner', 'SSH-2.0-OpenSSH_9.2\r\n', 'not an HTTP/1.1 status line'],
    ['a two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', 'not an HTTP/1.1 status line'],
    ['a status with a sign', 'HTTP/1.1 +20 OK\r\n\r\n', 'not an HTTP/1.1 status line'],
    ['a status of 099', 'HTTP/1.1 099 X\r\n\r\n', 'not an HTTP/1.1 status line'],
    ['a four-digit status', 'HTTP/1.1 2000 OK\r\n\r\n', 'not an HTTP/1.1 status line'],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', 'not a header line'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok', 'not a header line'],
    ['a bare CR in a value', 'HTTP/1.1 200 OK\r\nX-A: 1\rX-B: 2\r\n\r\n', 'control character in the X-A header'],
    ['a folded header', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\n\r\n', 'folded header'],
    ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'invalid Content-Length'],
    ['a Content-Length in exponent form', 'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n', 'invalid Content-Length'],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok', 'invalid Content-Length'],
    ['an empty Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n', 'invalid Content-Length'],
    ['a compressed transfer coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 'unsupported Transfer-Encoding'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'not a chunk size'],
    ['a chunk size with a sign', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n', 'not a chunk size'],
    ['a chunk longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nok\r\n0\r\n\r\n', 'longer than its size'],
    ['a chunk size one too large (the CR read as data)', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nok\r\n0\r\n\r\n', 'longer than its size'],
    ['a protocol switch', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', 'switched protocols'],
  ])('%s', (_name, wire, message) => {
    expect(() => parse(wire)).toThrow(HttpWireError);
    expect(() => parse(wire)).toThrow(message);
  });

  it('headers past the limit, with or without a line end in sight', () => {
    expect(() => parse(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100)}\r\n\r\n`, undefined, tiny)).toThrow("headers are larger than 0.0625 KiB");
    expect(() => parse(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100)}`, [10], tiny)).toThrow('headers are larger');
  });

  it('a body past the limit, however it is framed', () => {
    expect(() => parse('HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n', undefined, tiny)).toThrow('larger than 0.015625 KiB');
    expect(() => parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n9\r\n', undefined, tiny)).toThrow('larger than');
    expect(() => parse(`HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(17)}`, [5], tiny)).toThrow('larger than');
  });

  it('many small chunks are fine: chunk lines count one by one, not against the header limit', () => {
    const chunks = 'a\r\n0123456789\r\n'.repeat(50);
    const answer = parse(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`, [9], { maxHeadBytes: 64, maxBodyBytes: 1000 });
    expect(answer.body.length).toBe(500);
  });

  it('a close before any byte, and a close in the middle, are "cut", not malformed', () => {
    const parser = new ResponseParser();
    expect(parser.receivedAny).toBe(false);
    expect(() => parser.end()).toThrow(expect.objectContaining({ cut: true, message: 'the connection closed before any answer' }));
    for (const wire of ['HTTP/1.1 200 OK\r\nContent-Len', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nok']) {
      const cut = new ResponseParser();
      cut.push(Buffer.from(wire));
      expect(cut.receivedAny).toBe(true);
      expect(() => cut.end()).toThrow(expect.objectContaining({ cut: true, message: 'the connection closed in the middle of the answer' }));
    }
  });

  it('bytes pushed after the answer are refused', () => {
    const parser = new ResponseParser();
    expect(parser.push(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))).toMatchObject({ status: 204 });
    expect(() => parser.push(Buffer.from('x'))).toThrow('after the end of the answer');
  });

  it('the bad line is quoted printable and short, on one line', () => {
    const error = (() => {
      try {
        parse(`\x1b[31mevil\r${'x'.repeat(200)}\r\n\r\n`);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toMatch(/^not an HTTP\/1\.1 status line: "\?\[31mevil\?x+…"$/);
    expect(error!.message.length).toBeLessThan(130);
  });
});
