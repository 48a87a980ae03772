import { describe, expect, it } from 'vitest';
import { buildReport, buildReportWithBins, gapColumns, gapsFromColumns, reportBins, reportGap } from './report';
import type { Gap } from './types';
import { ReceptionMonitor } from './receptionMonitor';
import { ThroughputHistory } from './throughputHistory';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('reportBins', () => {
  it('lists every full-detail bin from the start while full detail reaches back that far', () => {
    const h = new ThroughputHistory(100);
    h.add(0, 10);
    h.add(99.9, 20, 2);
    h.add(100, 30);
    h.add(350, 40);
    expect(reportBins(h)).toEqual({ binMs: 100, startMs: f64(0, 100, 200, 300), packets: f64(2, 1, 0, 1), bytes: f64(30, 30, 0, 40), lost: f64(2, 0, 0, 0) });
  });

  it('reads the finest level that still holds the start once full detail has moved on', () => {
    // Level 0 keeps 8 bins of 10 ms (120-200 ms); level 1 (40 ms) still holds 0-200 ms.
    const h = new ThroughputHistory(10, { levelBins: 8 });
    for (let k = 0; k < 20; k++) h.add(k * 10 + 1, 100, k === 5 ? 3 : 0);
    h.advanceTo(195);
    expect(reportBins(h)).toEqual({ binMs: 40, startMs: f64(0, 40, 80, 120, 160), packets: f64(4, 4, 4, 4, 4), bytes: f64(400, 400, 400, 400, 400), lost: f64(0, 3, 0, 0, 0) });
  });

  it('starts where a history restarted at another width starts, and is empty for an empty history', () => {
    const h = new ThroughputHistory(10);
    h.add(5, 7);
    h.applyChanges({ binMs: 100, firstIndex: 3, packets: [1, 2], bytes: [50, 60], lost: [0, 1] }, 500);
    expect(reportBins(h)).toEqual({ binMs: 100, startMs: f64(300, 400), packets: f64(1, 2), bytes: f64(50, 60), lost: f64(0, 1) });
    expect(reportBins(new ThroughputHistory(10))).toEqual({ binMs: 10, startMs: f64(), packets: f64(), bytes: f64(), lost: f64() });
  });
});

describe('buildReportWithBins', () => {
  it('writes one row per bin, and the same report as buildReport from the whole snapshot', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 200 });
    for (let t = 0; t < 300; t += 50) m.onPacket(t, new Uint8Array(10), '10.0.0.1:9');
    for (let t = 700; t < 800; t += 50) m.onPacket(t, new Uint8Array(20), '10.0.0.1:9');
    const snap = m.snapshot(800);
    const { bins: history, ...rest } = snap;
    const report = buildReportWithBins(rest, reportBins(ThroughputHistory.fromSnapshot(history, snap.nowMs)), { port: 4000 }, 0);
    expect(report.binMs).toBe(100);
    expect(report.bins).toEqual([
      { startMs: 0, packets: 2, bytes: 20, lost: 0 },
      { startMs: 100, packets: 2, bytes: 20, lost: 0 },
      { startMs: 200, packets: 2, bytes: 20, lost: 0 },
      { startMs: 300, packets: 0, bytes: 0, lost: 0 },
      { startMs: 400, packets: 0, bytes: 0, lost: 0 },
      { startMs: 500, packets: 0, bytes: 0, lost: 0 },
      { startMs: 600, packets: 0, bytes: 0, lost: 0 },
      { startMs: 700, packets: 2, bytes: 40, lost: 0 },
      // The bin now is in, still filling.
      { startMs: 800, packets: 0, bytes: 0, lost: 0 },
    ]);
    expect(report).toEqual(buildReport(snap, { port: 4000 }, 0));
    expect(report.gaps.map((g) => [g.startMs, g.endMs, g.cause])).toEqual([[250, 700, 'unknown']]);
  });
});

describe('gapColumns', () => {
  const gaps: Gap[] = [
    { startMs: 250.5, endMs: 700.25, durationMs: 449.75, packetsBefore: 6, bytesBefore: 60, cause: 'unexplained', lostPackets: null },
    { startMs: 900, endMs: 1300, durationMs: 400, packetsBefore: 3, bytesBefore: 1536, cause: 'unexplained', lostPackets: 12, socketDrops: 4, socketDropsScope: 'socket', suggestedRecvBufferBytes: 262144, paired: { missing: 12, refused: 2, lostOnPath: 10, restarted: false } },
    { startMs: 1400, endMs: 1800, durationMs: 400, packetsBefore: 0, bytesBefore: 0, cause: 'local-stall', lostPackets: 0, socketDrops: 0, socketDropsScope: 'machine', suggestedRecvBufferBytes: null },
    { startMs: 2000, endMs: 2600, durationMs: 600, packetsBefore: 40, bytesBefore: 8000, cause: 'unexplained', lostPackets: 300, location: { where: 'before-wire', matchedBy: 'sequence', missed: 300, beforeWire: 300, socketBuffer: 0, afterWire: 0 } },
    { startMs: 3000, endMs: 3500, durationMs: 500, packetsBefore: 200, bytesBefore: 40000, cause: 'unexplained', lostPackets: null, location: { where: 'mixed', matchedBy: 'time', missed: 17, beforeWire: 2, socketBuffer: 10, afterWire: 5 } },
  ];

  it('lays the gaps out as columns, NaN for null', () => {
    const c = gapColumns(gaps.slice(0, 3));
    expect(c.startMs).toEqual(Float64Array.from([250.5, 900, 1400]));
    expect(c.endMs).toEqual(Float64Array.from([700.25, 1300, 1800]));
    expect(c.durationMs).toEqual(Float64Array.from([449.75, 400, 400]));
    expect(c.packetsBefore).toEqual(Float64Array.from([6, 3, 0]));
    expect(c.bytesBefore).toEqual(Float64Array.from([60, 1536, 0]));
    expect(c.lostPackets).toEqual(Float64Array.from([Number.NaN, 12, 0]));
    expect(c.localStall).toEqual(Uint8Array.from([0, 0, 1]));
    expect(c.socketDrops).toEqual(Float64Array.from([Number.NaN, 4, 0]));
    expect(c.socketDropsScope).toEqual(Uint8Array.from([0, 1, 2]));
    expect(c.suggestedRecvBufferBytes).toEqual(Float64Array.from([Number.NaN, 262144, Number.NaN]));
  });

  it('carries where the wire view says each gap lost its datagrams, with the numbers, in columns of their own', () => {
    const c = gapColumns(gaps);
    // 0: not located; 2: before-wire, 5: mixed (1 + the index in none, before-wire, socket-buffer, after-wire, mixed).
    expect(c.locationWhere).toEqual(Uint8Array.from([0, 0, 0, 2, 5]));
    expect(c.locationByTime).toEqual(Uint8Array.from([0, 0, 0, 0, 1]));
    expect(c.locationMissed).toEqual(Float64Array.from([0, 0, 0, 300, 17]));
    expect(c.locationBeforeWire).toEqual(Float64Array.from([0, 0, 0, 300, 2]));
    expect(c.locationSocketBuffer).toEqual(Float64Array.from([0, 0, 0, 0, 10]));
    expect(c.locationAfterWire).toEqual(Float64Array.from([0, 0, 0, 0, 5]));
    const back = gapsFromColumns(c);
    expect(back.map((g) => g.location)).toStrictEqual([undefined, undefined, undefined, gaps[3]!.location, gaps[4]!.location]);
    expect(back.slice(0, 3).every((g) => !('location' in g))).toBe(true);
  });

  it('gives the same gaps back, so every export decides the same cause from them', () => {
    const back = gapsFromColumns(gapColumns(gaps));
    expect(back).toStrictEqual(gaps);
    expect(back.map(reportGap)).toStrictEqual(gaps.map(reportGap));
    expect(back.map((g) => reportGap(g).cause)).toEqual(['unknown', 'packets-lost', 'local-stall', 'packets-lost', 'unknown']);
    // The paired sender's account travels too, so an export says what the gap table says.
    expect(reportGap(back[1]!).causeText).toBe('sent and lost on the path: 10');
    expect(gapsFromColumns(gapColumns([]))).toEqual([]);
  });
});
