import { describe, expect, it } from 'vitest';
import type { Gap } from '../../../../shared/reception/types';
import { formatTick, timeTicks } from '../../../../shared/chart/ticks';
import { ThroughputHistory } from '../../../../shared/reception/throughputHistory';
import { ratePoints, shadedAreas } from './series';

const gap = (startMs: number, endMs: number): Gap => ({ startMs, endMs, durationMs: endMs - startMs, packetsBefore: 1, bytesBefore: 1, cause: 'unexplained', lostPackets: null });

// A history holding these full-detail bins from bin firstIndex on, as the renderer builds it from a delta.
function history(binMs: number, firstIndex: number, bytes: number[], lost: number[] = bytes.map(() => 0)): ThroughputHistory {
  const h = new ThroughputHistory(binMs);
  h.applyChanges({ binMs, firstIndex, packets: bytes.map(() => 1), bytes, lost }, (firstIndex + bytes.length) * binMs - 1);
  return h;
}

describe('ratePoints', () => {
  it('turns the bins of a range into bytes per second at each bin start', () => {
    const h = history(100, 10, [512, 1024, 0, 512], [0, 0, 3, 0]);
    expect(ratePoints(h, { startMs: 1100, endMs: 1300 })).toEqual([
      { t: 1100, rate: 10_240, min: 10_240, max: 10_240, lost: 0 },
      { t: 1200, rate: 0, min: 0, max: 0, lost: 30 },
    ]);
  });

  it('reads a long range from a coarse level at about the points asked, keeping the loss peak, the dip and the burst', () => {
    const n = 100_000;
    const bytes = new Array<number>(n).fill(512);
    const lost = new Array<number>(n).fill(0);
    lost[31_337] = 7;
    bytes[50_000] = 0;
    bytes[70_000] = 4096;
    const pts = ratePoints(history(10, 0, bytes, lost), { startMs: 0, endMs: n * 10 }, 400);
    // 1000 s over 400 points: level 3 (640 ms) merged 4 to a point, 2.56 s each.
    expect(pts).toHaveLength(391);
    expect(pts[1]!.t - pts[0]!.t).toBe(2560);
    const at = (t: number) => pts.find((p, i) => p.t <= t && (pts[i + 1]?.t ?? Infinity) > t)!;
    expect(at(313_370).lost).toBe(700);
    expect(pts.filter((p) => p.lost > 0)).toHaveLength(1);
    expect(at(500_000).min).toBe(0);
    expect(at(700_000).max).toBe(409_600);
    expect(pts.filter((p) => p.min === 0)).toHaveLength(1);
    expect(pts.filter((p) => p.max > 51_200)).toHaveLength(1);
    expect(pts[10]).toEqual({ t: 25_600, rate: 51_200, min: 51_200, max: 51_200, lost: 0 });
    expect(pts.every((p, i) => i === 0 || p.t > pts[i - 1]!.t)).toBe(true);
  });

  it('answers at most one point per column for an hour of 10 ms bins', () => {
    const pts = ratePoints(history(10, 0, new Array<number>(360_000).fill(512)), { startMs: 0, endMs: 3_600_000 }, 1600);
    expect(pts).toHaveLength(1407);
    expect(pts.every((p) => p.rate === 51_200)).toBe(true);
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

  it("marks each gap with where its packets went missing, and merged gaps lost in different places as both", () => {
    const at = (where: 'none' | 'before-wire' | 'socket-buffer' | 'after-wire' | 'mixed') => ({ where, matchedBy: 'sequence' as const, missed: where === 'none' ? 0 : 5, beforeWire: 0, socketBuffer: 0, afterWire: 0 });
    const located = [
      { ...gap(100, 200), location: at('before-wire') },
      { ...gap(1000, 2000), location: at('socket-buffer') },
      { ...gap(2010, 2500), location: at('before-wire') },
      { ...gap(5000, 5500), location: at('after-wire') },
      { ...gap(9000, 9500), location: at('none') },
    ];
    expect(shadedAreas(located, null, [], { startMs: 0, endMs: 10_000 }, 10_000, 1).map((a) => a.where)).toEqual(['before-wire', 'this-machine', 'before-wire', 'this-machine', undefined]);
    expect(shadedAreas(located, null, [], { startMs: 0, endMs: 10_000 }, 10_000, 50).map((a) => a.where)).toEqual(['before-wire', 'mixed', 'this-machine', undefined]);
    expect(shadedAreas(gaps, null, [], { startMs: 0, endMs: 10_000 }, 10_000, 1).every((a) => a.where === undefined)).toBe(true);
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
