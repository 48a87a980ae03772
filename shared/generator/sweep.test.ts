import { describe, expect, it } from 'vitest';
import type { SendPlan } from './sendSchedule';
import { parseSweep, stepPlan, stepTotal, sweepDue, sweepValues } from './sweep';

const steady: SendPlan = { packetsPerSec: 1000, size: 512, pattern: { kind: 'steady' } };

describe('rate sweep plan', () => {
  it('parses rate, size and burst sweeps and refuses the rest', () => {
    expect(parseSweep('rate:1000-5000/5', 512)).toEqual({ kind: 'rate', from: 1000, to: 5000, steps: 5 });
    // Bit rates become packets/s of the datagram size: 4 Mbit/s of 500-byte datagrams is 1000/s.
    expect(parseSweep('rate:4M-8M/2', 500)).toEqual({ kind: 'rate', from: 1000, to: 2000, steps: 2 });
    expect(parseSweep('size:64-1400/4', 512)).toEqual({ kind: 'size', from: 64, to: 1400, steps: 4 });
    expect(parseSweep('burst:10-100/10', 512)).toMatchObject({ kind: 'burst', steps: 10 });
    for (const bad of ['rate:5000-1000/5', 'rate:1000-5000/1', 'rate:1000-5000/101', 'speed:1-2/2', 'size:64.5-100/2', 'rate:1000/5', '']) expect(parseSweep(bad, 512)).toBeNull();
  });

  it('steps evenly from the first value to the last', () => {
    expect(sweepValues({ kind: 'rate', from: 1000, to: 5000, steps: 5 })).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(sweepValues({ kind: 'size', from: 64, to: 100, steps: 4 })).toEqual([64, 76, 88, 100]);
  });

  it('puts the swept value into each step and keeps a burst pattern’s period', () => {
    const s = { kind: 'burst' as const, from: 10, to: 30, steps: 3 };
    expect(stepPlan({ ...steady, pattern: { kind: 'burst', count: 1, everyMs: 50 } }, s, 2).pattern).toEqual({ kind: 'burst', count: 30, everyMs: 50 });
    expect(stepPlan(steady, { kind: 'size', from: 64, to: 128, steps: 2 }, 1).size).toBe(128);
  });

  it('is due step after step: each step at its own rate, the totals adding up', () => {
    const s = { kind: 'rate' as const, from: 1000, to: 3000, steps: 3 };
    // 1 s steps at 1000, 2000 and 3000/s.
    expect([0, 1, 2].map((k) => stepTotal(steady, s, k, 1000))).toEqual([999, 1999, 2999]);
    expect(sweepDue(steady, s, 1000, 500)).toEqual({ step: 0, due: 500 });
    expect(sweepDue(steady, s, 1000, 1500)).toEqual({ step: 1, due: 999 + 1000 });
    expect(sweepDue(steady, s, 1000, 2999)).toEqual({ step: 2, due: 999 + 1999 + 2997 });
    // The end: every step's total, and not one datagram more however late.
    expect(sweepDue(steady, s, 1000, 10_000)).toEqual({ step: 2, due: 999 + 1999 + 2999 });
    let prev = 0;
    for (let t = 0; t <= 3100; t += 7) {
      const { due } = sweepDue(steady, s, 1000, t);
      expect(due).toBeGreaterThanOrEqual(prev);
      prev = due;
    }
  });
});
