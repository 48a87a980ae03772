import { describe, expect, it } from 'vitest';
import { averageRate, packetsDue, parsePattern, parseRate, type SendPlan } from './sendSchedule';

describe('parseRate', () => {
  it('reads packets/s and bit rates of payload', () => {
    expect(parseRate('1000', 512)).toBe(1000);
    expect(parseRate('250pps', 512)).toBe(250);
    expect(parseRate('2M', 1000)).toBe(250);
    expect(parseRate('2Mbit', 1000)).toBe(250);
    expect(parseRate('64kbit', 1000)).toBe(8);
    expect(parseRate('1g', 1250)).toBe(100_000);
    for (const bad of ['', 'fast', '-5', '0', '10 parsecs']) expect(parseRate(bad, 512)).toBeNull();
  });
});

describe('parsePattern', () => {
  it('reads each pattern and rejects nonsense', () => {
    expect(parsePattern('steady')).toEqual({ kind: 'steady' });
    expect(parsePattern('pause:900/100')).toEqual({ kind: 'pause', onMs: 900, offMs: 100 });
    expect(parsePattern('burst:10/100')).toEqual({ kind: 'burst', count: 10, everyMs: 100 });
    expect(parsePattern('cut-after:128k/300')).toEqual({ kind: 'cut-after', bytes: 131072, pauseMs: 300 });
    expect(parsePattern('cut-after:1000')).toEqual({ kind: 'cut-after', bytes: 1000, pauseMs: null });
    for (const bad of ['pause:0/10', 'burst:5', 'cut-after:', 'sometimes']) expect(parsePattern(bad)).toBeNull();
  });
});

describe('packetsDue', () => {
  const plan = (pattern: SendPlan['pattern'], packetsPerSec = 1000, size = 512): SendPlan => ({ packetsPerSec, size, pattern });

  it('spreads a steady rate evenly', () => {
    expect(packetsDue(plan({ kind: 'steady' }), 0)).toBe(0);
    expect(packetsDue(plan({ kind: 'steady' }), 1.5)).toBe(1);
    expect(packetsDue(plan({ kind: 'steady' }), 1000)).toBe(1000);
  });

  it('sends nothing during pauses', () => {
    const p = plan({ kind: 'pause', onMs: 100, offMs: 50 });
    expect(packetsDue(p, 100)).toBe(100);
    expect(packetsDue(p, 149)).toBe(100);
    expect(packetsDue(p, 200)).toBe(150);
    expect(averageRate(p)).toBeCloseTo(666.667, 3);
  });

  it('sends bursts at once', () => {
    const p = plan({ kind: 'burst', count: 10, everyMs: 100 });
    expect(packetsDue(p, 0)).toBe(10);
    expect(packetsDue(p, 99)).toBe(10);
    expect(packetsDue(p, 100)).toBe(20);
    expect(averageRate(p)).toBe(100);
  });

  it('cuts after a byte count, and resumes after the pause when one is given', () => {
    // 128 KiB of 512-byte packets = 256 packets = 256 ms at 1000/s, then 300 ms of nothing.
    const p = plan({ kind: 'cut-after', bytes: 131072, pauseMs: 300 });
    expect(packetsDue(p, 256)).toBe(256);
    expect(packetsDue(p, 500)).toBe(256);
    expect(packetsDue(p, 556)).toBe(256);
    expect(packetsDue(p, 557)).toBe(257);
    expect(packetsDue(plan({ kind: 'cut-after', bytes: 1024, pauseMs: null }), 10_000)).toBe(2);
  });
});
