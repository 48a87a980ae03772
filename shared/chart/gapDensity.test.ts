import { describe, expect, it } from 'vitest';
import { gapDensity, gapsTooDenseToDraw } from './gapDensity';

describe('gapDensity', () => {
  it('gives each column the share of its time inside gaps and the gaps that touch it', () => {
    // 10 columns of 100 ms; a gap over half of column 1, one from the middle of column 3 to the middle of column 5.
    const d = gapDensity(
      [
        { startMs: 100, endMs: 150 },
        { startMs: 350, endMs: 550 },
      ],
      { startMs: 0, endMs: 1000 },
      10,
    );
    expect(Array.from(d.share)).toEqual([0, 0.5, 0, 0.5, 1, 0.5, 0, 0, 0, 0]);
    expect(Array.from(d.count)).toEqual([0, 1, 0, 1, 1, 1, 0, 0, 0, 0]);
    expect(d.spans).toBe(2);
    expect(d.insideMs).toBe(250);
  });

  it('adds up many gaps in one column and counts them', () => {
    const gaps = Array.from({ length: 20 }, (_, i) => ({ startMs: i * 50, endMs: i * 50 + 10 }));
    const d = gapDensity(gaps, { startMs: 0, endMs: 1000 }, 2);
    expect(Array.from(d.count)).toEqual([10, 10]);
    expect(d.share[0]).toBeCloseTo(0.2, 12);
    expect(d.share[1]).toBeCloseTo(0.2, 12);
  });

  it('clips to the range and skips the gaps outside it', () => {
    const d = gapDensity(
      [
        { startMs: 0, endMs: 900 },
        { startMs: 950, endMs: 1250 },
        { startMs: 1900, endMs: 2100 },
        { startMs: 3000, endMs: 3100 },
      ],
      { startMs: 1000, endMs: 2000 },
      4,
    );
    expect(Array.from(d.share)).toEqual([1, 0, 0, 0.4]);
    expect(Array.from(d.count)).toEqual([1, 0, 0, 1]);
    expect(d.spans).toBe(2);
    expect(d.insideMs).toBe(350);
  });

  it('reads only the gaps in range, whatever the length of the list', () => {
    const gaps = Array.from({ length: 200_000 }, (_, i) => ({ startMs: i * 10, endMs: i * 10 + 5 }));
    let reads = 0;
    const counted = new Proxy(gaps, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const d = gapDensity(counted, { startMs: 1_000_000, endMs: 1_001_000 }, 100);
    expect(d.spans).toBe(100);
    expect(Array.from(d.share).every((s) => s === 0.5)).toBe(true);
    expect(reads).toBeLessThan(100 + 2 * 18 + 5);
  });

  it('is empty for an empty range or no columns', () => {
    expect(gapDensity([{ startMs: 0, endMs: 10 }], { startMs: 5, endMs: 5 }, 10).spans).toBe(0);
    expect(gapDensity([{ startMs: 0, endMs: 10 }], { startMs: 0, endMs: 10 }, 0).share).toHaveLength(0);
  });

  it('calls gaps dense when they are closer than a few pixels apart on average', () => {
    expect(gapsTooDenseToDraw(1300, 1100)).toBe(true);
    expect(gapsTooDenseToDraw(200, 1100)).toBe(false);
  });
});
