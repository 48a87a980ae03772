import { describe, expect, it } from 'vitest';
import { formatBytes } from '../format';
import { findPeriodicity } from './periodicity';
import type { Gap } from './types';

const gap = (startMs: number, bytesBefore: number, cause: Gap['cause'] = 'unexplained'): Gap => ({
  startMs,
  endMs: startMs + 100,
  durationMs: 100,
  packetsBefore: Math.round(bytesBefore / 512),
  bytesBefore,
  cause,
  lostPackets: null,
});

describe('findPeriodicity', () => {
  it('finds the "stops after every ~128 KB" signature when the times vary', () => {
    const p = findPeriodicity([gap(0, 5000), gap(300, 131072), gap(700, 131000), gap(1000, 131100), gap(1450, 131072)]);
    expect(p.kind).toBe('bytes');
    expect(p.everyBytes).toBe(131072);
    expect(p.everyMs).toBe(350);
    expect(p.gapsConsidered).toBe(5);
    expect(p.summary).toBe('Gaps recur after every ~128 KiB received (spread 0.02%, 5 gaps).');
  });

  it('finds a regular time when the byte counts vary', () => {
    const p = findPeriodicity([gap(0, 1), gap(1000, 5000), gap(2000, 9000), gap(3000, 20000), gap(4000, 1000)]);
    expect(p.kind).toBe('time');
    expect(p.everyMs).toBe(1000);
    expect(p.timeSpread).toBe(0);
    expect(p.summary).toBe('Gaps recur every ~1.00 s (spread 0.0%, 5 gaps).');
  });

  it('says none when neither is regular, and too few when there are not enough gaps', () => {
    expect(findPeriodicity([gap(0, 1), gap(100, 5000), gap(900, 90000), gap(1000, 20000), gap(4000, 1000)]).kind).toBe('none');
    expect(findPeriodicity([gap(0, 1), gap(100, 5)]).summary).toBe('Too few gaps to tell whether they recur (2).');
    expect(findPeriodicity([]).summary).toBe('No gaps.');
  });

  it('ignores gaps that Gapscope itself caused', () => {
    const p = findPeriodicity([gap(0, 1), gap(100, 100, 'local-stall'), gap(300, 1000), gap(600, 1000), gap(900, 1000)]);
    expect(p.gapsConsidered).toBe(4);
    expect(p.everyBytes).toBe(1000);
  });

  it('formats sizes the way engineers say them', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(131072)).toBe('128 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.00 MiB');
  });
});
