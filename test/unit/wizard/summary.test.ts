import { describe, expect, it } from 'vitest';
import { formatDuration, formatElapsed, renderEffort } from '../../../src/ui/verification.js';

const attempt = { outcome: 'ok', loginUrl: 'https://acme.my.salesforce.com', audience: 'https://acme.my.salesforce.com' } as never;

describe('the success summary counts honestly', () => {
  it('times in s below a minute, m:ss from a minute on', () => {
    expect(formatElapsed(812)).toBe('0.8 s');
    expect(formatElapsed(12_340)).toBe('12.3 s');
    expect(formatElapsed(95_168)).toBe('1:35');
    expect(formatDuration(600)).toBe('10:00');
    expect(formatDuration(42)).toBe('42 s');
  });

  it('one round: the tries; several rounds (the propagation wait): the rounds, and the tries of the last', () => {
    expect(renderEffort({ elapsedMs: 812, rounds: 1, attempts: [attempt] })).toBe('0.8 s, 1 try');
    expect(renderEffort({ elapsedMs: 1500, rounds: 1, attempts: [attempt, attempt] })).toBe('1.5 s, 2 tries');
    // The run: "time 95168 ms, 1 attempt" after 6 retry rounds.
    expect(renderEffort({ elapsedMs: 95_168, rounds: 6, attempts: [attempt] })).toBe('1:35, 6 rounds while the change propagated (1 try in the last)');
  });
});
