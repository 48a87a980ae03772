import { describe, expect, it } from 'vitest';
import { GapDetector, INITIAL_AUTO_GAP_MS, MAX_CANDIDATES, MIN_AUTO_GAP_MS, SETTLE_AFTER_MS } from './gapDetector';

describe('GapDetector with a fixed threshold', () => {
  it('reports a silence longer than the threshold with what arrived before it', () => {
    const d = new GapDetector(50);
    expect(d.onPacket(0, 100)).toBeNull();
    expect(d.onPacket(10, 100)).toBeNull();
    expect(d.onPacket(60, 100)).toBeNull(); // exactly 50 ms is not longer than the threshold
    expect(d.onPacket(200, 50)).toEqual({ startMs: 60, endMs: 200, durationMs: 140, packetsBefore: 3, bytesBefore: 300, cause: 'unexplained', lostPackets: null });
    expect(d.onPacket(210, 50)).toBeNull();
    expect(d.onPacket(400, 50)).toEqual({ startMs: 210, endMs: 400, durationMs: 190, packetsBefore: 2, bytesBefore: 100, cause: 'unexplained', lostPackets: null });
  });

  it('reports the silence going on now once it passes the threshold', () => {
    const d = new GapDetector(50);
    expect(d.openGap(1000)).toBeNull();
    d.onPacket(100, 1);
    expect(d.openGap(140)).toBeNull();
    expect(d.openGap(175)).toEqual({ startMs: 100, durationMs: 75 });
  });
});

describe('GapDetector with an automatic threshold', () => {
  it('starts cautious, then learns 8 × the 90th percentile with a floor', () => {
    const d = new GapDetector();
    expect(d.automatic).toBe(true);
    expect(d.thresholdMs).toBe(INITIAL_AUTO_GAP_MS);
    let t = 0;
    for (let i = 0; i <= 32; i++) d.onPacket((t = i * 20), 1); // 20 ms cadence
    expect(d.thresholdMs).toBe(160);
    expect(d.onPacket(t + 150, 1)).toBeNull();
    expect(d.onPacket(t + 150 + 161, 1)?.durationMs).toBe(161);
  });

  it('never goes below the floor for fast streams', () => {
    const d = new GapDetector();
    for (let i = 0; i <= 40; i++) d.onPacket(i, 1); // 1 ms cadence
    expect(d.thresholdMs).toBe(MIN_AUTO_GAP_MS);
  });
});

describe('GapDetector: no silence longer than a learned threshold goes missing', () => {
  /** Feeds arrival times; returns every gap reported, in the order it was reported. */
  function feed(d: GapDetector, times: number[], size = 10): { startMs: number; durationMs: number; packetsBefore: number; bytesBefore: number }[] {
    const out = [];
    for (const t of times) {
      const g = d.onPacket(t, size, 0);
      if (g) out.push(g);
      if (d.hasSettledGaps) out.push(...d.takeSettled());
    }
    return out.map(({ startMs, durationMs, packetsBefore, bytesBefore }) => ({ startMs, durationMs, packetsBefore, bytesBefore }));
  }

  it('holds a silence shorter than the initial 1 s until the threshold settles, then reports it (as in nDPI\'s uftp capture: 391.7 ms against 84.7 ms)', () => {
    const d = new GapDetector();
    const times = [0, 391.7];
    for (let i = 1; i <= 40; i++) times.push(391.7 + i * 10);
    const gaps = feed(d, times);
    expect(d.thresholdMs).toBe(80); // 8 × 10 ms
    expect(gaps).toEqual([{ startMs: 0, durationMs: 391.7, packetsBefore: 1, bytesBefore: 10 }]);
  });

  it('judges a silence held before settling by the learned threshold, not the initial one', () => {
    // A 1 Hz stream: a 1.5 s silence is longer than the initial threshold but no gap at 8 × 1 s.
    const d = new GapDetector();
    const times = [0, 1500];
    for (let i = 1; i <= 40; i++) times.push(1500 + i * 1000);
    expect(feed(d, times)).toEqual([]);
    expect(d.thresholdMs).toBe(8000);
  });

  it('settles a slow stream after SETTLE_AFTER_MS with a few arrivals', () => {
    const d = new GapDetector();
    const times = [0, 10_000, 20_000, 30_000, 40_000, 100_000];
    const gaps = feed(d, times);
    expect(d.settled).toBe(true);
    expect(d.thresholdMs).toBe(80_000);
    expect(gaps).toEqual([]);
    expect(SETTLE_AFTER_MS).toBeLessThanOrEqual(40_000);
  });

  // 40 datagrams 60 ms apart (threshold 480 once learned), a 300 ms silence (no gap at 480: kept),
  // 30 more, a 2 s silence (a gap at once), then 1100 datagrams 10 ms apart: re-learned to 80 ms, by
  // which the 300 ms silence is a gap too.
  function rateChange(): number[] {
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 40; i++) times.push((t += 60));
    times.push((t += 300));
    for (let i = 0; i < 30; i++) times.push((t += 60));
    times.push((t += 2000));
    for (let i = 0; i < 1100; i++) times.push((t += 10));
    return times;
  }

  it('re-evaluates the kept silences against the threshold as it stands at the end', () => {
    const d = new GapDetector();
    const live = feed(d, rateChange());
    expect(live.map((g) => g.durationMs)).toEqual([2000]);
    expect(d.thresholdMs).toBe(80);
    const late = d.reevaluate();
    expect(late.map((g) => [g.startMs, g.durationMs, g.packetsBefore, g.bytesBefore])).toEqual([[2400, 300, 40, 400]]);
    expect(d.reevaluate()).toEqual([]); // once
  });

  it('recounts packetsBefore of the reported gap after a late one', () => {
    const d = new GapDetector();
    const reported: NonNullable<ReturnType<GapDetector['onPacket']>>[] = [];
    for (const x of rateChange()) {
      const g = d.onPacket(x, 10, 0);
      if (g) reported.push(g);
    }
    expect(reported.map((g) => g.packetsBefore)).toEqual([71]);
    d.reevaluate();
    expect([reported[0]!.packetsBefore, reported[0]!.bytesBefore]).toEqual([31, 310]);
  });

  it('reports held silences of a stream too short to settle when asked at the end', () => {
    const d = new GapDetector();
    const gaps = feed(d, [0, 10, 20, 1500, 1510]);
    expect(gaps).toEqual([]);
    expect(d.reevaluate().map((g) => g.durationMs)).toEqual([1480]);
  });

  it('keeps at most MAX_CANDIDATES silences, forgetting the shorter half', () => {
    const d = new GapDetector();
    let t = 0;
    d.onPacket(t, 1);
    for (let i = 0; i < 40; i++) d.onPacket((t += 1000), 1); // settle at 8 s
    for (let i = 0; i <= MAX_CANDIDATES; i++) d.onPacket((t += 60 + (i % 100)), 1);
    expect(d.forgottenBelowMs).toBeGreaterThan(60);
  });
});
