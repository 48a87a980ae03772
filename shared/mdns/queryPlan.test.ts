import { describe, expect, it } from 'vitest';
import { encodeLabelQuery, initialQueryDelayMs, knownAnswers, queryIntervalMs, querySchedule, refreshPointsPassed } from './queryPlan';

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

describe('refresh queries and their encoding', () => {
  it('counts the refresh points passed: 80, 85, 90, 95% of the TTL', () => {
    expect([0, 79_999, 80_000, 85_000, 90_000, 95_000, 200_000].map((t) => refreshPointsPassed(0, 100, t))).toEqual([0, 0, 1, 2, 3, 4, 4]);
    expect(refreshPointsPassed(0, 0, 1000)).toBe(0);
  });

  it('keeps a dotted, UTF-8 instance label as one label', () => {
    const q = encodeLabelQuery([{ labels: ['a.b é', '_x', '_tcp', 'local'], type: 'SRV' }]);
    expect([...q]).toEqual([
      0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
      6, 0x61, 0x2e, 0x62, 0x20, 0xc3, 0xa9, 2, 0x5f, 0x78, 4, 0x5f, 0x74, 0x63, 0x70, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0,
      0, 33, 0, 1,
    ]);
  });

  it('leaves out questions with empty or long labels, unknown types, and those past the size', () => {
    const q = encodeLabelQuery([{ labels: ['', 'local'], type: 'A' }, { labels: ['x'.repeat(64)], type: 'A' }, { labels: ['h', 'local'], type: 'NSEC' }, { labels: ['h', 'local'], type: 'A' }, { labels: ['i', 'local'], type: 'A' }], 12 + 13 + 5);
    expect(q[5]).toBe(1);
    expect(q.length).toBe(12 + 9 + 4);
  });
});
