import { describe, expect, it } from 'vitest';
import { decimateMinMax } from './decimate';

describe('decimateMinMax', () => {
  it('returns every index when the range already fits', () => {
    expect(decimateMinMax([5, 6, 7, 8], 1, 3, 10)).toEqual([1, 2]);
  });

  it('clamps the range to the data', () => {
    expect(decimateMinMax([1, 2, 3], -5, 99, 10)).toEqual([0, 1, 2]);
    expect(decimateMinMax([1, 2, 3], 3, 9, 10)).toEqual([]);
    expect(decimateMinMax([], 0, 10, 10)).toEqual([]);
  });

  it('never exceeds the budget and keeps indices in order', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 50) * 100 + 100);
    const picked = decimateMinMax(values, 0, values.length, 1500);
    expect(picked.length).toBeLessThanOrEqual(1500);
    expect(picked.length).toBeGreaterThan(1000);
    for (let i = 1; i < picked.length; i++) expect(picked[i]!).toBeGreaterThan(picked[i - 1]!);
  });

  it('keeps a one-bin gap and a one-bin spike that share a bucket with thousands of others', () => {
    const values = new Array<number>(200_000).fill(500);
    values[123_457] = 0; // the gap
    values[150_001] = 9000; // the spike
    const picked = decimateMinMax(values, 0, values.length, 1000);
    expect(picked).toContain(123_457);
    expect(picked).toContain(150_001);
  });

  it('emits one point for a flat bucket', () => {
    const values = new Array<number>(1000).fill(3);
    const picked = decimateMinMax(values, 0, 1000, 10);
    expect(picked).toHaveLength(5);
  });
});
