import { describe, expect, it } from 'vitest';
import { initialQueryDelayMs, knownAnswers, queryIntervalMs, querySchedule } from './queryPlan';

describe('continuous querying (RFC 6762 §5.2)', () => {
  it('waits 1 s, 2 s, 4 s … doubling up to one hour', () => {
    expect([0, 1, 2, 3, 10, 11, 12, 13, 100].map(queryIntervalMs)).toEqual([1000, 2000, 4000, 8000, 1_024_000, 2_048_000, 3_600_000, 3_600_000, 3_600_000]);
    expect(querySchedule(6)).toEqual([0, 1000, 3000, 7000, 15_000, 31_000]);
    expect(queryIntervalMs(Number.NaN)).toBe(1000);
  });

  it('delays the first query by 20–120 ms', () => {
    expect([0, 0.5, 0.999999, -1, 2, Number.NaN].map(initialQueryDelayMs)).toEqual([20, 70, 120, 20, 120, 20]);
  });
});

describe('known-answer suppression (RFC 6762 §7.1)', () => {
  it('lists records with more than half their TTL left, with the TTL that remains', () => {
    const cached = [
      { record: 'a', ttl: 120, receivedAt: 0 },
      { record: 'b', ttl: 120, receivedAt: -60_000 },
      { record: 'c', ttl: 120, receivedAt: -59_999 },
      { record: 'd', ttl: 0, receivedAt: 0 },
    ];
    expect(knownAnswers(cached, 0)).toEqual([
      { record: 'a', ttl: 120 },
      { record: 'c', ttl: 60 },
    ]);
  });
});
