import { describe, expect, it } from 'vitest';
import type { Gap, PacketSummary, ReceptionDelta, ReceptionSnapshot } from '../../../shared/reception/types';
import { averageRates, emptyReception, fromSnapshot, limitPackets, mergeDelta, recentRates } from './streamState';
import { ratePoints } from './chart/series';
import { ReceptionMonitor } from '../../../shared/reception/receptionMonitor';

// Bin arrays grow in place by design, so every test starts from its own empty state.
const base = emptyReception(100, true);
const fresh = () => emptyReception(100, true);

function gap(startMs: number, endMs: number): Gap {
  return { startMs, endMs, durationMs: endMs - startMs, packetsBefore: 10, bytesBefore: 5120, cause: 'unexplained', lostPackets: null };
}

function pkt(atMs: number, size = 512): PacketSummary {
  return { atMs, from: '10.97.0.1:5000', size, hex: '00ff', decoded: null, flags: 0 };
}

function delta(nowMs: number, firstIndex: number, packets: number[], extra: Partial<ReceptionDelta> = {}): ReceptionDelta {
  return {
    nowMs,
    totals: { ...base.totals, packets: packets.reduce((a, b) => a + b, 0), durationMs: nowMs },
    bins: { binMs: 100, firstIndex, packets, bytes: packets.map((p) => p * 512), lost: packets.map(() => 0) },
    newGaps: [],
    openGap: null,
    gapThresholdMs: 250,
    periodicity: base.periodicity,
    interArrival: base.interArrival,
    newStalls: [],
    newPackets: [],
    loss: null,
    ...extra,
  };
}

describe('mergeDelta', () => {
  it('relabels a gap already shown when the stall that caused it is reported in a later delta, as the monitor does', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50 });
    m.onPacket(0, new Uint8Array(8), 'a');
    m.onPacket(400, new Uint8Array(8), 'a');
    let s = mergeDelta(fresh(), m.takeDelta(410), 100);
    expect(s.gaps.map((g) => g.cause)).toEqual(['unexplained']);
    // The receiver noticed its own stall only after the packet that ended the gap.
    m.onLocalStall({ startMs: 20, endMs: 390, durationMs: 370 });
    s = mergeDelta(s, m.takeDelta(420), 100);
    expect(s.gaps.map((g) => g.cause)).toEqual(['local-stall']);
    expect(s.gaps).toEqual(m.snapshot(420).gaps);
  });

  it('gives a gap already shown the location the wire view found for it in a later delta', () => {
    const location = { where: 'before-wire', matchedBy: 'sequence', missed: 7, beforeWire: 7, socketBuffer: 0, afterWire: 0 } as const;
    let s = mergeDelta(fresh(), delta(500, 0, [5], { newGaps: [gap(100, 300), gap(350, 450)] }), 100);
    expect(s.gaps.map((g) => g.location)).toEqual([undefined, undefined]);
    s = mergeDelta(s, delta(600, 5, [1], { locatedGaps: [{ startMs: 350, location }] }), 100);
    expect(s.gaps.map((g) => g.location)).toEqual([undefined, location]);
  });

  it('appends bins and overwrites the bin that was still filling', () => {
    let s = mergeDelta(fresh(), delta(250, 0, [50, 50, 20]), 100);
    expect(s.bins.snapshot().packets).toEqual([50, 50, 20]);
    s = mergeDelta(s, delta(420, 2, [50, 50, 10]), 100);
    expect(s.bins.snapshot().packets).toEqual([50, 50, 50, 50, 10]);
    expect(s.bins.snapshot().bytes[4]).toBe(5120);
    expect(s.nowMs).toBe(420);
    expect(s.gapThresholdMs).toBe(250);
  });

  it('fills bins a delta skipped with zeros', () => {
    const s = mergeDelta(fresh(), delta(620, 4, [7, 3]), 100);
    expect(s.bins.snapshot().packets).toEqual([0, 0, 0, 0, 7, 3]);
  });

  it('appends new gaps once, even when a delta repeats what a snapshot had', () => {
    let s = mergeDelta(fresh(), delta(3000, 0, [1], { newGaps: [gap(1000, 2000)] }), 100);
    s = mergeDelta(s, delta(3100, 0, [1], { newGaps: [gap(1000, 2000), gap(2500, 2900)] }), 100);
    expect(s.gaps.map((g) => g.startMs)).toEqual([1000, 2500]);
  });

  it('ring-buffers packets to the limit and skips ones already held', () => {
    let s = mergeDelta(fresh(), delta(100, 0, [3], { newPackets: [pkt(10), pkt(20), pkt(20, 100)] }), 3);
    s = mergeDelta(s, delta(200, 0, [3], { newPackets: [pkt(20, 100), pkt(30), pkt(40)] }), 3);
    expect(s.packets.map((p) => p.atMs)).toEqual([20, 30, 40]);
    expect(s.packets[0]!.size).toBe(100);
  });

  it('ignores a delta older than the state', () => {
    const s = mergeDelta(fresh(), delta(500, 0, [1, 1, 1, 1, 1]), 100);
    expect(mergeDelta(s, delta(400, 0, [9]), 100)).toBe(s);
  });

  it('keeps the old state object unchanged apart from its bin arrays', () => {
    const s = mergeDelta(fresh(), delta(100, 0, [1]), 100);
    const t = mergeDelta(s, delta(200, 1, [2], { newGaps: [gap(10, 90)] }), 100);
    expect(t).not.toBe(s);
    expect(s.gaps).toHaveLength(0);
    expect(t.bins).toBe(s.bins);
  });

  it('keeps drawing past 100,000 bins (16 min 40 s at 10 ms), where the chart used to freeze while the totals moved', () => {
    // The back end's monitor, one 512 B packet every 10 ms, a delta every second (the worker sends
    // one every 100 ms; fewer keep the test quick and change nothing in the bins).
    const m = new ReceptionMonitor({ binMs: 10 });
    let s = emptyReception(10, true);
    const end = 1_100_000; // 18 min 20 s: 110,000 bins
    const payload = new Uint8Array(512);
    for (let t = 0; t < end; t += 10) {
      m.onPacket(t + 5, payload, 'a');
      if ((t + 10) % 1000 === 0) s = mergeDelta(s, m.takeDelta(t + 10), 100);
    }
    expect(s.totals.packets).toBe(110_000);
    // The last 10 s at full detail: 1000 bins of 51,200 B/s, the last of them the one just begun.
    const pts = ratePoints(s.bins, { startMs: end - 10_000, endMs: end });
    expect(pts.length).toBe(1000);
    expect(pts.at(-1)!.t).toBe(end - 10);
    expect(pts.every((p) => p.rate === 51_200)).toBe(true);
    // The whole run, zoomed out, from a coarse level: every packet there.
    const all = s.bins.query(0, end, 1600);
    expect(all.packets.reduce((a, b) => a + b, 0)).toBe(110_000);
    // The renderer's copy and the back end's are the same history.
    expect(s.bins.snapshot()).toEqual(m.snapshot(end).bins);
  }, 60_000);

  it('applies a delta that carries a whole history (an opened session) as that history', () => {
    const m = new ReceptionMonitor({ binMs: 10 });
    const payload = new Uint8Array(100);
    for (let t = 0; t < 400_000; t += 10) m.onPacket(t, payload, 'a');
    const snap = m.snapshot(400_000);
    expect(snap.bins.levels!.length).toBeGreaterThan(0);
    const s = mergeDelta(fresh(), { ...delta(400_000, 0, []), bins: snap.bins }, 100);
    expect(s.bins.snapshot()).toEqual(snap.bins);
    expect(s.bins.binMs).toBe(10);
  });
});

describe('fromSnapshot', () => {
  it('copies the snapshot and keeps only the packets shown', () => {
    const snap: ReceptionSnapshot = {
      nowMs: 1000,
      totals: base.totals,
      bins: { binMs: 100, firstIndex: 0, packets: [1, 2], bytes: [512, 1024], lost: [0, 0] },
      gaps: [gap(1, 2)],
      openGap: { startMs: 800, durationMs: 200 },
      gapThresholdMs: 150,
      gapThresholdAutomatic: false,
      periodicity: base.periodicity,
      interArrival: base.interArrival,
      stalls: [],
      recentPackets: [pkt(1), pkt(2), pkt(3)],
      loss: null,
    };
    const s = fromSnapshot(snap, 2);
    expect(s.packets.map((p) => p.atMs)).toEqual([2, 3]);
    expect(s.bins.snapshot().packets).not.toBe(snap.bins.packets);
    expect(s.openGap).toEqual({ startMs: 800, durationMs: 200 });
    expect(limitPackets(s, 1).packets).toHaveLength(1);
  });
});

describe('rates', () => {
  it('measures the last complete second, not the bin still filling', () => {
    const s = mergeDelta(fresh(), delta(1250, 0, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 3]), 100);
    const r = recentRates(s);
    expect(r.packetsPerSec).toBe(500);
    expect(r.bytesPerSec).toBe(256_000);
  });

  it('is zero before a bin completes', () => {
    expect(recentRates(mergeDelta(fresh(), delta(50, 0, [5]), 100)).packetsPerSec).toBe(0);
  });

  it('averages from the first packet', () => {
    const s = { ...fresh(), nowMs: 2000, totals: { ...base.totals, packets: 1000, bytes: 512_000, firstPacketMs: 0 } };
    expect(averageRates(s)).toEqual({ packetsPerSec: 500, bytesPerSec: 256_000 });
  });
});
