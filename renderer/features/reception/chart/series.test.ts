import { describe, expect, it } from 'vitest';
import type { Gap } from '../../../../shared/reception/types';
import { formatTick, timeTicks } from '../../../../shared/chart/ticks';
import { ratePoints, shadedAreas } from './series';

const gap = (startMs: number, endMs: number): Gap => ({ startMs, endMs, durationMs: endMs - startMs, packetsBefore: 1, bytesBefore: 1, cause: 'unexplained', lostPackets: null });

describe('ratePoints', () => {
  it('turns the bins of a range into bytes per second at each bin start', () => {
    const bins = { binMs: 100, firstIndex: 10, packets: [1, 1, 1, 1], bytes: [512, 1024, 0, 512], lost: [0, 0, 3, 0] };
    expect(ratePoints(bins, { startMs: 1100, endMs: 1300 })).toEqual([
      { t: 1100, rate: 10_240, lost: 0 },
      { t: 1200, rate: 0, lost: 30 },
    ]);
  });

  it('keeps the bins where loss peaks when decimating, even where throughput is flat', () => {
    const n = 100_000;
    const bytes = new Array<number>(n).fill(512);
    const lost = new Array<number>(n).fill(0);
    lost[31_337] = 7;
    const bins = { binMs: 10, firstIndex: 0, packets: [], bytes, lost };
    const range = { startMs: 0, endMs: n * 10 };
    expect(ratePoints(bins, range, 400).some((p) => p.lost > 0)).toBe(false);
    const pts = ratePoints(bins, range, 400, true);
    expect(pts.find((p) => p.t === 313_370)?.lost).toBe(700);
    expect(pts.length).toBeLessThanOrEqual(800);
    expect(pts.every((p, i) => i === 0 || p.t > pts[i - 1]!.t)).toBe(true);
  });

  it('decimates a long history to the point budget', () => {
    const bytes = new Array<number>(360_000).fill(512);
    const pts = ratePoints({ binMs: 10, firstIndex: 0, packets: [], bytes, lost: [] }, { startMs: 0, endMs: 3_600_000 }, 1600);
    expect(pts.length).toBeLessThanOrEqual(1600);
  });
});

describe('shadedAreas', () => {
  const gaps = [gap(100, 200), gap(1000, 2000), gap(2010, 2500), gap(9000, 9500)];

  it('keeps the gaps inside the range and adds the open gap up to now', () => {
    const areas = shadedAreas(gaps, { startMs: 9800, durationMs: 300 }, [], { startMs: 500, endMs: 10_000 }, 10_100, 1);
    expect(areas.map((a) => [a.kind, a.startMs, a.endMs])).toEqual([
      ['gap', 1000, 2000],
      ['gap', 2010, 2500],
      ['gap', 9000, 9500],
      ['open-gap', 9800, 10_100],
    ]);
  });

  it('merges gaps closer than a pixel', () => {
    const areas = shadedAreas(gaps, null, [], { startMs: 0, endMs: 10_000 }, 10_000, 50);
    expect(areas.map((a) => [a.startMs, a.endMs, a.merged])).toEqual([
      [100, 200, 1],
      [1000, 2500, 2],
      [9000, 9500, 1],
    ]);
  });

  it('shows local stalls apart from gaps', () => {
    const areas = shadedAreas([], null, [{ startMs: 10, endMs: 90, durationMs: 80 }], { startMs: 0, endMs: 100 }, 100, 1);
    expect(areas[0]!.kind).toBe('stall');
  });
});

describe('ticks', () => {
  it('picks round steps', () => {
    expect(timeTicks({ startMs: 0, endMs: 60_000 })).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(timeTicks({ startMs: 1234, endMs: 2234 }, 5)).toEqual([1400, 1600, 1800, 2000, 2200]);
    expect(timeTicks({ startMs: -25_000, endMs: 35_000 }, 6)).toEqual([0, 10_000, 20_000, 30_000]);
  });

  it('labels with the precision the zoom needs', () => {
    expect(formatTick(12_000, 60_000)).toBe('0:12');
    expect(formatTick(12_200, 1_000)).toBe('0:12.2');
    expect(formatTick(12_250, 1_000, 20)).toBe('0:12.25');
    expect(formatTick(65_000, 300_000)).toBe('1:05');
    expect(formatTick(220_000, 60_000)).toBe('3:40');
  });
});
