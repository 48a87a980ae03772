import { describe, expect, it } from 'vitest';
import { LEVEL_BINS, MAX_LEVELS, ThroughputHistory } from './throughputHistory';
import { GapscopeError } from '../errors';

const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);

describe('ThroughputHistory at full detail', () => {
  it('counts packets, bytes and lost packets into fixed bins from time zero', () => {
    const h = new ThroughputHistory(100);
    h.add(0, 10);
    h.add(99.9, 20, 2);
    h.add(100, 30);
    h.add(350, 40);
    expect(h.snapshot()).toEqual({ binMs: 100, firstIndex: 0, startIndex: 0, packets: [2, 1, 0, 1], bytes: [30, 30, 0, 40], lost: [2, 0, 0, 0], levels: [] });
  });

  it('extends with empty bins up to now so that silence shows as zeros', () => {
    const h = new ThroughputHistory(10);
    h.add(5, 1);
    h.advanceTo(42);
    expect(h.snapshot().packets).toEqual([1, 0, 0, 0, 0]);
    expect(h.endMs).toBe(50);
    expect(h.nowMs).toBe(42);
  });

  it('returns only changed bins, always including the bin still filling', () => {
    const h = new ThroughputHistory(10);
    h.add(1, 1);
    h.add(15, 1);
    expect(h.takeChanges()).toEqual({ binMs: 10, firstIndex: 0, packets: [1, 1], bytes: [1, 1], lost: [0, 0] });
    h.add(16, 2);
    h.advanceTo(35);
    expect(h.takeChanges()).toEqual({ binMs: 10, firstIndex: 1, packets: [2, 0, 0], bytes: [3, 0, 0], lost: [0, 0, 0] });
    expect(h.takeChanges()).toEqual({ binMs: 10, firstIndex: 3, packets: [0], bytes: [0], lost: [0] });
  });

  it('ignores times that are not numbers, and counts a packet from before time zero in the first bin', () => {
    const h = new ThroughputHistory(10);
    h.add(Number.NaN, 5);
    h.add(Number.POSITIVE_INFINITY, 5);
    h.advanceTo(Number.NaN);
    h.add(-3, 7);
    expect(h.snapshot().bytes).toEqual([7]);
  });
});

describe('ThroughputHistory levels', () => {
  // Level 0 keeps 8 bins of 10 ms; level 1 (40 ms) and level 2 (160 ms) take over as they go.
  const small = { levelBins: 8 };

  it('keeps recent bins at full detail and older ones in a level 4 times coarser, with their min and max', () => {
    const h = new ThroughputHistory(10, small);
    for (let i = 0; i < 12; i++) h.add(i * 10 + 1, (i + 1) * 10, i === 6 ? 3 : 0);
    h.advanceTo(125);
    expect(h.levelInfo()).toEqual([
      { level: 0, binMs: 10, startMs: 80, endMs: 130, bins: 5 },
      { level: 1, binMs: 40, startMs: 0, endMs: 130, bins: 4 },
    ]);
    const coarse = h.binsAt(1, 0, 130);
    expect(coarse).toEqual({
      level: 1,
      binMs: 40,
      detailMs: 10,
      startMs: [0, 40, 80, 120],
      durationMs: [40, 40, 40, 10],
      packets: [4, 4, 4, 0],
      bytes: [100, 260, 420, 0],
      lost: [0, 3, 0, 0],
      minBytes: [10, 50, 90, 0],
      maxBytes: [40, 80, 120, 0],
      maxLost: [0, 3, 0, 0],
    });
    // Level 0 answers only what it still holds.
    expect(h.binsAt(0, 0, 130).startMs).toEqual([80, 90, 100, 110, 120]);
    expect(h.levelCovering(50)).toBe(1);
    expect(h.levelCovering(80)).toBe(0);
  });

  it('adds a coarser level whenever the coarsest one would drop bins, and every level keeps every packet', () => {
    const h = new ThroughputHistory(10, small);
    for (let i = 0; i < 200; i++) h.add(i * 10, 1);
    h.advanceTo(1999);
    const info = h.levelInfo();
    expect(info.map((l) => l.binMs)).toEqual([10, 40, 160, 640]);
    expect(info.map((l) => l.bins)).toEqual([8, 6, 5, 4]);
    expect(info.at(-1)!.startMs).toBe(0);
    // The coarsest level holds all 200 packets; each finer one the ones of its own window.
    expect(sum(h.binsAt(3, 0, 2000).packets)).toBe(200);
    for (const l of info) expect(sum(h.binsAt(l.level, 0, 2000).packets)).toBe((l.endMs - l.startMs) / 10);
  });

  it('keeps a dip to zero and a burst visible at every level', () => {
    const h = new ThroughputHistory(10, { levelBins: 64 });
    for (let i = 0; i < 2000; i++) {
      if (i === 1800) continue; // one silent 10 ms bin
      h.add(i * 10, i === 1850 ? 5000 : 100);
    }
    h.advanceTo(20_000);
    expect(h.levelInfo().map((l) => [l.binMs, l.startMs])).toEqual([
      [10, 19_400],
      [40, 17_600],
      [160, 10_240],
      [640, 0],
      [2560, 0],
    ]);
    for (let level = 1; level <= 4; level++) {
      const b = h.binsAt(level, 0, 20_000);
      const at = (t: number) => b.startMs.findIndex((s, k) => s <= t && t < s + b.durationMs[k]!);
      const dip = at(18_000);
      const burst = at(18_500);
      expect(b.minBytes[dip]).toBe(0);
      expect(b.maxBytes[burst]).toBe(5000);
      // Elsewhere every complete bin held 100 B (the newest bin holds only the one still filling).
      expect(Math.min(...b.minBytes.filter((_, k) => k !== dip).slice(0, -1))).toBe(100);
      expect(Math.max(...b.maxBytes.filter((_, k) => k !== burst))).toBe(100);
    }
  });

  it('drops the oldest bins of the coarsest level only at the last level allowed', () => {
    const h = new ThroughputHistory(10, { levelBins: 8, maxLevels: 2 });
    for (let i = 0; i < 100; i++) h.add(i * 10, 1);
    h.advanceTo(999);
    expect(h.levelInfo()).toEqual([
      { level: 0, binMs: 10, startMs: 920, endMs: 1000, bins: 8 },
      { level: 1, binMs: 40, startMs: 800, endMs: 1000, bins: 5 },
    ]);
  });

  it('jumps over a long silence without walking every empty bin, and saves the silence as counts', () => {
    const h = new ThroughputHistory(10);
    h.add(0, 100);
    // Two years later: the history keeps the first packet in its coarsest level (the tenth, whose
    // bins are 4^9 full-detail bins, 43.7 min each) and stays bounded.
    const twoYears = 2 * 365 * 24 * 3600 * 1000;
    h.add(twoYears, 100);
    h.advanceTo(twoYears);
    const info = h.levelInfo();
    expect(info).toHaveLength(MAX_LEVELS);
    expect(info.at(-1)).toMatchObject({ startMs: 0, bins: Math.ceil((twoYears / 10 + 1) / 4 ** 9) });
    const all = h.binsAt(MAX_LEVELS - 1, 0, twoYears + 10);
    expect(sum(all.packets)).toBe(2);
    expect(all.minBytes[0]).toBe(0);
    expect(all.maxBytes[0]).toBe(100);
    expect(h.memoryBytes()).toBeLessThanOrEqual(historyBound(MAX_LEVELS));
    // Every finer level holds a window of empty bins: saved as a count, not as zeros.
    const s = h.snapshot();
    expect(s.levels!.slice(0, -1).every((l) => (l.emptyBins ?? 0) > 30_000 && l.packets.length < 5)).toBe(true);
    expect(JSON.stringify(s).length).toBeLessThan(1_500_000);
    expect(ThroughputHistory.fromSnapshot(JSON.parse(JSON.stringify(s)), twoYears).snapshot()).toEqual(s);
  });
});

// Every level full: the full-detail level holds 3 arrays of 8-byte numbers, the coarse ones 6.
function historyBound(levels: number): number {
  return LEVEL_BINS * 8 * (3 + 6 * (levels - 1));
}

describe('ThroughputHistory over a day and a week', () => {
  it('stays under 8 MiB over 24 h of 10 ms bins, a packet in each, and still holds every packet', () => {
    const h = new ThroughputHistory(10);
    const bins = 24 * 3600 * 100;
    for (let i = 0; i < bins; i++) h.add(i * 10 + 5, 512, i % 1000 === 0 ? 1 : 0);
    h.advanceTo(bins * 10);
    const info = h.levelInfo();
    expect(info.map((l) => l.binMs)).toEqual([10, 40, 160, 640, 2560, 10_240, 40_960]);
    // Each level keeps its newest 32,765 to 32,768 bins (older ones go 4 at a time); the two
    // coarsest all of them (a coarser level is made once the coarsest holds more than 4096).
    const kept = (end: number) => end - Math.ceil((end - LEVEL_BINS) / 4) * 4;
    const ends = [1, 4, 16, 64, 256].map((span) => Math.ceil((bins + 1) / span));
    expect(info.map((l) => l.bins)).toEqual([...ends.map(kept), Math.ceil((bins + 1) / 1024), Math.ceil((bins + 1) / 4096)]);
    expect(info[5]!.startMs).toBe(0);
    expect(info[6]!.startMs).toBe(0);
    // The full-detail window is the last 5 min 28 s; the level of 2.56 s bins covers 23.3 h.
    expect(info[0]!.startMs).toBe((bins + 1 - kept(bins + 1)) * 10);
    expect(info[4]!.endMs - info[4]!.startMs).toBe(kept(ends[4]!) * 2560 - 2550);
    expect(h.memoryBytes()).toBe(8_060_928);
    const day = h.binsAt(5, 0, bins * 10);
    expect(sum(day.packets)).toBe(bins);
    expect(sum(day.bytes)).toBe(bins * 512);
    expect(sum(day.lost)).toBe(bins / 1000);
    expect(Math.min(...day.minBytes.slice(0, -1))).toBe(512);
    expect(Math.max(...day.maxBytes)).toBe(512);
    // The whole day at 1600 points or fewer: level 6 (40.96 s) merged 2 to a bin, one per 81.92 s.
    const chart = h.query(0, bins * 10, 1600);
    expect(chart.level).toBe(6);
    expect(chart.binMs).toBe(81_920);
    expect(chart.packets.length).toBe(1055);
    expect(sum(chart.packets)).toBe(bins);
  }, 60_000);

  it('stays under 9.5 MiB over a week of 10 ms bins with a packet every second, and never above its bound', () => {
    const h = new ThroughputHistory(10);
    const seconds = 7 * 24 * 3600;
    for (let s = 0; s < seconds; s++) h.add(s * 1000, 100);
    h.advanceTo(seconds * 1000);
    const info = h.levelInfo();
    expect(info).toHaveLength(8);
    expect(info.at(-1)).toMatchObject({ binMs: 163_840, startMs: 0 });
    expect(h.memoryBytes()).toBe(9_633_792);
    expect(h.memoryBytes()).toBeLessThanOrEqual(historyBound(MAX_LEVELS));
    expect(sum(h.binsAt(6, 0, seconds * 1000).packets)).toBe(seconds);
  }, 60_000);
});

describe('ThroughputHistory queries', () => {
  // One hour of 10 ms bins, 100 B each, with one silent bin and one burst.
  const hour = 3_600_000;
  const h = new ThroughputHistory(10);
  for (let i = 0; i < hour / 10; i++) {
    if (i === 123_456) continue;
    h.add(i * 10 + 1, i === 234_567 ? 9000 : 100);
  }
  h.advanceTo(hour);

  it('reads the whole hour from the level that still holds its start, merged to about the points asked', () => {
    const q = h.query(0, hour, 1600);
    // Level 2 (160 ms) is the finest that reaches back to 0; 2.25 s a point is level 3 (640 ms)
    // merged 4 to a point; level 4 (2.56 s) would be coarser than asked.
    expect(q.level).toBe(3);
    expect(q.binMs).toBe(2560);
    expect(q.packets.length).toBe(1407);
    expect(q.startMs[0]).toBe(0);
    expect(q.startMs[1]).toBe(2560);
    expect(sum(q.packets)).toBe(hour / 10 - 1);
    expect(sum(q.bytes)).toBe((hour / 10 - 2) * 100 + 9000);
    const dip = Math.floor(1_234_560 / 2560);
    const burst = Math.floor(2_345_670 / 2560);
    expect(q.packets[dip]).toBe(255);
    expect(q.minBytes[dip]).toBe(0);
    expect(q.maxBytes[burst]).toBe(9000);
    expect(q.minBytes.filter((m) => m === 0)).toHaveLength(1);
    expect(q.maxBytes.filter((m) => m > 100)).toHaveLength(1);
  });

  it('reads the last minute at full detail, merged 4 to a point', () => {
    const q = h.query(hour - 60_000, hour, 1600);
    expect(q.level).toBe(0);
    expect(q.binMs).toBe(40);
    expect(q.packets.length).toBe(1500);
    expect(q.packets.every((p) => p === 4)).toBe(true);
    expect(q.durationMs.every((d) => d === 40)).toBe(true);
  });

  it('answers one point per bin when the range has fewer bins than points', () => {
    const q = h.query(hour - 1000, hour, 1600);
    expect(q).toMatchObject({ level: 0, binMs: 10 });
    expect(q.packets).toHaveLength(100);
    expect(q.minBytes.every((m, k) => m === q.bytes[k])).toBe(true);
  });

  it('reads an hour-old minute from the finest level that still holds it', () => {
    const q = h.query(600_000, 660_000, 1600);
    expect(q.level).toBe(2);
    expect(q.binMs).toBe(160);
    expect(q.packets.length).toBe(375);
    expect(q.packets.every((p) => p === 16)).toBe(true);
  });

  it('gives the exact bins of a level for an export, clipped to the range', () => {
    const b = h.binsAt(0, hour - 50, hour + 1000);
    expect(b.startMs).toEqual([hour - 50, hour - 40, hour - 30, hour - 20, hour - 10, hour]);
    expect(b.packets).toEqual([1, 1, 1, 1, 1, 0]);
    expect(h.binsAt(0, 0, 10).packets).toEqual([]);
  });

  it('answers nothing for an empty or inverted range', () => {
    expect(h.query(5000, 5000, 100).packets).toEqual([]);
    expect(h.query(6000, 5000, 100).packets).toEqual([]);
  });
});

describe('ThroughputHistory snapshots and deltas', () => {
  it('is rebuilt exactly from its snapshot, every level included', () => {
    const h = new ThroughputHistory(10, { levelBins: 8 });
    for (let i = 0; i < 300; i++) h.add(i * 7, (i % 13) * 10, i % 17 === 0 ? 2 : 0);
    h.advanceTo(2150);
    const s = h.snapshot();
    expect(s.levels).toHaveLength(3);
    const copy = ThroughputHistory.fromSnapshot(JSON.parse(JSON.stringify(s)), 2150, { levelBins: 8 });
    expect(copy.snapshot()).toEqual(s);
    expect(copy.query(0, 2150, 20)).toEqual(h.query(0, 2150, 20));
  });

  it('reads a flat series saved before levels existed, binned anew within the bounds', () => {
    const flat = { binMs: 10, firstIndex: 0, packets: new Array<number>(200).fill(1), bytes: new Array<number>(200).fill(50) };
    const h = ThroughputHistory.fromSnapshot({ ...flat, lost: undefined as unknown as number[] }, 1995, { levelBins: 8 });
    expect(h.levelInfo().map((l) => l.binMs)).toEqual([10, 40, 160, 640]);
    expect(sum(h.binsAt(3, 0, 2000).bytes)).toBe(10_000);
    expect(h.binsAt(3, 0, 2000).lost).toEqual([0, 0, 0, 0]);
  });

  it('refuses a malformed snapshot with a sentence naming the problem', () => {
    const good = new ThroughputHistory(10, { levelBins: 8 });
    for (let i = 0; i < 50; i++) good.add(i * 10, 1);
    good.advanceTo(500);
    const s = good.snapshot();
    const bad = (x: unknown) => () => ThroughputHistory.fromSnapshot(x as never, 500, { levelBins: 8 });
    expect(bad(null)).toThrow(GapscopeError);
    expect(bad({ ...s, binMs: 0 })).toThrow('a bin width of 0 ms');
    expect(bad({ ...s, bytes: s.bytes.slice(1) })).toThrow(`have ${s.packets.length} packet counts and ${s.packets.length - 1} byte counts`);
    expect(bad({ ...s, packets: ['x', 1, 1] })).toThrow('the full-detail bins are not counts');
    expect(bad({ ...s, levels: [{ ...s.levels![0]!, binMs: 30 }] })).toThrow('level 1 is not 40 ms wide');
    expect(bad({ ...s, levels: [{ ...s.levels![0]!, maxBytes: [] }, ...s.levels!.slice(1)] })).toThrow("level 1's maxBytes are not counts");
    expect(bad({ ...s, levels: [{ ...s.levels![0]!, firstIndex: 0 }, ...s.levels!.slice(1)] })).toThrow('level 1 does not end where the full-detail bins end');
  });

  it('ignores a delta older than the history, and bins older than its full-detail window', () => {
    const h = new ThroughputHistory(10, { levelBins: 8 });
    h.applyChanges({ binMs: 10, firstIndex: 0, packets: new Array<number>(20).fill(1), bytes: new Array<number>(20).fill(1), lost: new Array<number>(20).fill(0) }, 195);
    const before = h.snapshot();
    expect(h.applyChanges({ binMs: 10, firstIndex: 15, packets: [9], bytes: [9], lost: [0] }, 150)).toBe(false);
    expect(h.snapshot()).toEqual(before);
    expect(h.applyChanges({ binMs: 10, firstIndex: 2, packets: [9], bytes: [9], lost: [0] }, 195)).toBe(true);
    expect(h.snapshot()).toEqual(before);
  });

  it('starts anew at a delta of another bin width, from that delta on, and keeps going', () => {
    const h = new ThroughputHistory(10);
    h.applyChanges({ binMs: 10, firstIndex: 0, packets: [1, 2, 3], bytes: [10, 20, 30], lost: [0, 0, 0] }, 25);
    // An older back end doubled its bins past its limit and resent them all at 20 ms.
    expect(h.applyChanges({ binMs: 20, firstIndex: 0, packets: [3, 3], bytes: [30, 30], lost: [0, 0] }, 30)).toBe(true);
    expect(h.binMs).toBe(20);
    expect(h.snapshot()).toMatchObject({ binMs: 20, firstIndex: 0, packets: [3, 3] });
    // A width change in the middle: the time before that delta is unknown, not empty.
    h.applyChanges({ binMs: 40, firstIndex: 5, packets: [7], bytes: [70], lost: [0] }, 210);
    expect(h.startMs).toBe(200);
    expect(h.query(0, 240, 10)).toMatchObject({ level: 0, binMs: 40, startMs: [200], packets: [7] });
    h.applyChanges({ binMs: 40, firstIndex: 5, packets: [8, 1], bytes: [80, 10], lost: [0, 0] }, 250);
    expect(h.binsAt(0, 0, 300).packets).toEqual([8, 1]);
  });

  it('holds the same levels fed by packets as a copy fed by its deltas, out-of-order packets included', () => {
    const back = new ThroughputHistory(10, { levelBins: 8 });
    const front = new ThroughputHistory(10, { levelBins: 8 });
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let t = 0;
    let whole = 0;
    for (let step = 0; step < 400; step++) {
      const n = Math.floor(random() * 6);
      for (let k = 0; k < n; k++) {
        t += random() * 8;
        // Now and then a packet stamped a little earlier than the one before (a capture's reordering).
        const at = random() < 0.1 ? Math.max(0, t - 25) : t;
        back.add(at, Math.floor(random() * 1500), random() < 0.05 ? 3 : 0);
      }
      // Silences now and then, some longer than the full-detail window.
      if (random() < 0.05) t += random() * 400;
      back.advanceTo(t);
      const changes = back.takeChanges();
      // A delta carries full-detail bins only, unless changed bins left the full-detail window unsent.
      if ('levels' in changes) whole += 1;
      else expect(changes.packets.length).toBeLessThanOrEqual(8);
      front.applyChanges(changes, t);
      expect(front.snapshot()).toEqual(back.snapshot());
    }
    expect(whole).toBeGreaterThan(0);
    expect(whole).toBeLessThan(40);
    expect(back.levelInfo().length).toBeGreaterThanOrEqual(4);
    expect(front.query(0, t, 50)).toEqual(back.query(0, t, 50));
  });
});
