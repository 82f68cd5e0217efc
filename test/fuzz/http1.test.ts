import { describe, expect, it } from 'vitest';
import { HttpWireError, ResponseParser, type WireLimits, type WireResponse } from '../../src/net/http1.js';
import { gen, hostileInputs, hugeInputs, truncations } from './gen.js';

/**
 * The HTTP/1.1 answer parser under hostile bytes (a wrong port, a captive portal, a broken proxy):
 * every input gives an answer or an HttpWireError with a one-line message, never another exception,
 * and never an answer larger than the limits.
 */
const VALID = [
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n{"access_token":"00D!x..."}',
  'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n19;x=y\r\n{"error":"invalid_grant",\r\n2\r\n}\n\r\n0\r\nA: b\r\n\r\n',
  'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
  'HTTP/1.0 302 Found\r\nLocation: https://login.salesforce.com/\r\n\r\n<a href="/">moved</a>',
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nKeep-Alive: timeout=5\r\n\r\ndown',
];
const LIMITS: WireLimits = { maxHeadBytes: 4096, maxBodyBytes: 8192 };

/** Feeds `bytes` in random pieces, then closes; returns the answer or the HttpWireError. */
function run(name: string, bytes: Buffer, seed: number): WireResponse | HttpWireError {
  const g = gen(seed);
  const parser = new ResponseParser(LIMITS);
  try {
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + g.int(64);
      const answer = parser.push(bytes.subarray(at, at + size));
      at += size;
      if (answer) return answer;
    }
    return parser.end();
  } catch (error) {
    if (!(error instanceof HttpWireError)) expect.fail(`${name}: threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
    expect(error.message, `${name}: one line`).not.toMatch(/[\r\n]/);
    expect(error.message.length, `${name}: message length`).toBeLessThan(200);
    return error;
  }
}

function checkAnswer(name: string, outcome: WireResponse | HttpWireError): void {
  if (outcome instanceof HttpWireError) return;
  expect(outcome.status, name).toBeGreaterThanOrEqual(200);
  expect(outcome.status, name).toBeLessThan(1000);
  expect(outcome.body.length, name).toBeLessThanOrEqual(LIMITS.maxBodyBytes);
  for (const [header, value] of Object.entries(outcome.headers)) {
    expect(header, name).toBe(header.toLowerCase());
    expect(value, name).not.toMatch(/[\r\n]/);
  }
}

describe('ResponseParser under hostile input', () => {
  it('2000 random, unicode and mutated answers, pushed in random pieces', () => {
    let answers = 0;
    for (const { name, input } of hostileInputs(0x4854, 2000, VALID)) {
      const outcome = run(name, Buffer.from(input, 'latin1'), name.length);
      checkAnswer(name, outcome);
      if (!(outcome instanceof HttpWireError)) answers += 1;
    }
    // Mutations of valid answers often stay valid: the parser must still read those.
    expect(answers).toBeGreaterThan(100);
  });

  it('every truncation of the valid answers: an answer (close-delimited) or "cut", never a crash', () => {
    for (const valid of VALID) {
      for (const cut of truncations(valid, 40)) {
        const outcome = run(`truncated ${JSON.stringify(cut.slice(-20))}`, Buffer.from(cut, 'latin1'), cut.length);
        checkAnswer(cut, outcome);
      }
    }
  });

  it('1 MB inputs end at the limits, not in memory', () => {
    for (const huge of hugeInputs(VALID[0]!)) {
      const outcome = run(`huge ${JSON.stringify(huge.slice(0, 10))}`, Buffer.from(huge, 'latin1'), 7);
      checkAnswer('huge', outcome);
    }
    const endless = Buffer.from(`HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(1 << 20)}`, 'latin1');
    expect(run('endless close-delimited body', endless, 3)).toBeInstanceOf(HttpWireError);
  });
});
