import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDirectTransport } from '../../src/net/direct.js';
import { TransportError } from '../../src/net/types.js';
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

describe('the direct transport against a server that answers hostile bytes over real sockets', () => {
  it('200 exchanges: each resolves or rejects with a one-line TransportError, and the next request still works', async () => {
    const g = gen(0x5f5f);
    let plan: { bytes: Buffer; pieces: number; close: boolean } = { bytes: Buffer.alloc(0), pieces: 1, close: true };
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      // Each request arrives in one piece on loopback; a kept connection is answered again.
      socket.on('data', () => {
        const { bytes, pieces, close } = plan;
        const size = Math.max(1, Math.ceil(bytes.length / pieces));
        for (let at = 0; at < bytes.length; at += size) socket.write(bytes.subarray(at, at + size));
        if (close) socket.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/oauth2/token`;
    const send = createDirectTransport();
    const outcomes = { answered: 0, refused: 0 };
    try {
      for (const { name, input } of hostileInputs(0x7e57, 200, VALID)) {
        // Half the connections stay open after the bytes: the timeout must end those.
        plan = { bytes: Buffer.from(input, 'latin1'), pieces: 1 + g.int(4), close: g.int(2) === 0 };
        try {
          const answer = await send({ method: 'POST', url, body: 'grant_type=x', timeoutMs: plan.close ? 2000 : 40 });
          expect(answer.status, name).toBeGreaterThanOrEqual(200);
          outcomes.answered += 1;
        } catch (error) {
          if (!(error instanceof TransportError)) expect.fail(`${name}: threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
          expect(error.message, name).not.toMatch(/[\r\n]/);
          outcomes.refused += 1;
        }
      }
      plan = { bytes: Buffer.from(VALID[0]!, 'latin1'), pieces: 2, close: true };
      await expect(send({ method: 'GET', url, timeoutMs: 2000 })).resolves.toMatchObject({ status: 200 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(outcomes.answered).toBeGreaterThan(3);
    expect(outcomes.refused).toBeGreaterThan(10);
  });
});
