import { describe, expect, it } from 'vitest';
import { ReceptionMonitor, toHex } from './receptionMonitor';
import { buildReport } from './report';
import { PacketFlags } from '../decoders/types';

const payload = (n: number) => new Uint8Array(n).map((_, i) => i);

describe('ReceptionMonitor', () => {
  it('measures totals, gaps and duty cycle from arrival times', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50 });
    for (let t = 0; t < 100; t += 10) m.onPacket(t, payload(100), '10.0.0.1:9');
    for (let t = 400; t < 500; t += 10) m.onPacket(t, payload(100), '10.0.0.1:9');
    const s = m.snapshot(500);
    expect(s.totals.packets).toBe(20);
    expect(s.totals.bytes).toBe(2000);
    expect(s.gaps).toEqual([{ startMs: 90, endMs: 400, durationMs: 310, packetsBefore: 10, bytesBefore: 1000, cause: 'unexplained', lostPackets: null }]);
    // 500 ms since the first packet, 310 of them silent.
    expect(s.totals.dutyCycle).toBeCloseTo(190 / 500, 10);
    expect(s.bins.packets).toEqual([10, 0, 0, 0, 10, 0]);
  });

  it('labels a gap that coincides with its own stall, even when the stall is reported after', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50 });
    m.onPacket(0, payload(10), 'a');
    m.onPacket(300, payload(10), 'a');
    m.onPacket(310, payload(10), 'a');
    m.onPacket(600, payload(10), 'a');
    m.onLocalStall({ startMs: 320, endMs: 590, durationMs: 270 });
    const gaps = m.snapshot(600).gaps;
    expect(gaps.map((g) => g.cause)).toEqual(['unexplained', 'local-stall']);
  });

  it('sends each gap and packet once in deltas', () => {
    const m = new ReceptionMonitor({ binMs: 10, gapMs: 50, keepPackets: 3 });
    m.onPacket(0, payload(4), 'a');
    m.onPacket(100, payload(4), 'b');
    const d1 = m.takeDelta(105);
    expect(d1.newGaps).toHaveLength(1);
    expect(d1.newPackets.map((p) => p.from)).toEqual(['a', 'b']);
    expect(d1.newPackets[0]).toEqual({ atMs: 0, from: 'a', size: 4, hex: '00 01 02 03', decoded: null, flags: 0 });
    m.onPacket(110, payload(4), 'c');
    const d2 = m.takeDelta(115);
    expect(d2.newGaps).toHaveLength(0);
    expect(d2.newPackets.map((p) => p.from)).toEqual(['c']);
    expect(d2.bins.firstIndex).toBe(11);
  });

  it('compares with the expected rate: "55% of the bytes"', () => {
    const m = new ReceptionMonitor({ binMs: 100, expected: { bytesPerSec: 1000 } });
    m.onPacket(0, payload(275), 'a');
    m.onPacket(250, payload(275), 'a');
    const t = m.snapshot(1000).totals;
    expect(t.expected?.expectedBytes).toBe(1000);
    expect(t.expected?.bytesRatio).toBe(0.55);
  });

  it('builds the JSON report with bins as rows', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50 });
    m.onPacket(10, payload(5), 'a');
    m.onPacket(150, payload(5), 'a');
    const r = buildReport(m.snapshot(200), { port: 4000 }, Date.UTC(2026, 10, 24));
    expect(r.startedAt).toBe('2026-11-24T00:00:00.000Z');
    expect(r.packets).toBe(2);
    expect(r.bins).toEqual([
      { startMs: 0, packets: 1, bytes: 5, lost: 0 },
      { startMs: 100, packets: 1, bytes: 5, lost: 0 },
      { startMs: 200, packets: 0, bytes: 0, lost: 0 },
    ]);
    expect(r.gaps[0]).toMatchObject({ startMs: 10, endMs: 150, packetsBefore: 1, bytesBefore: 5 });
  });

  it('formats hex', () => {
    expect(toHex(new Uint8Array([0, 255, 16]), 2)).toBe('00 ff');
  });
});

describe('ReceptionMonitor with a payload decoder', () => {
  const seq = (n: number, atMs: number) => {
    const b = new Uint8Array(64);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, BigInt(n));
    v.setBigUint64(8, BigInt(Math.round((1_800_000_000_000 + atMs) * 1000)));
    return b;
  };

  it('counts the packets lost inside each gap and in total, by sequence number', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50, decode: 'seq' });
    // 0..99 every ms, then ids 100..299 never arrive (a 200 ms cut), then 300..399; one more lost alone.
    for (let i = 0; i < 100; i++) m.onPacket(i, seq(i, i), 'a');
    for (let i = 300; i < 400; i++) if (i !== 350) m.onPacket(i, seq(i, i), 'a');
    const s = m.snapshot(400);
    expect(s.gaps).toHaveLength(1);
    expect(s.gaps[0]).toMatchObject({ startMs: 99, endMs: 300, lostPackets: 200 });
    expect(s.loss).toMatchObject({ format: 'seq', received: 199, expected: 400, lost: 201, duplicates: 0, reordered: 0 });
    expect(s.recentPackets.at(-1)?.decoded).toMatch(/399/);
    // Loss over time: the 200 lost in the cut and the lone one are revealed by packets 300 and 351, both in bin 3.
    expect(s.bins.lost).toEqual([0, 0, 0, 201, 0]);
  });

  it('keeps what the decoder noticed about each shown packet', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50, decode: 'seq' });
    m.onPacket(0, seq(0, 0), 'a');
    m.onPacket(1, seq(5, 1), 'a');
    m.onPacket(2, seq(5, 2), 'a');
    const flags = m.snapshot(3).recentPackets.map((p) => p.flags);
    expect(flags[0]).toBe(0);
    expect(flags[1]! & PacketFlags.gap).toBe(PacketFlags.gap);
    expect(flags[2]! & PacketFlags.duplicate).toBe(PacketFlags.duplicate);
  });

  it('reports no sequence loss when asked not to decode', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50, decode: 'none' });
    m.onPacket(0, seq(0, 0), 'a');
    m.onPacket(100, seq(5, 100), 'a');
    const s = m.snapshot(100);
    expect(s.loss).toBeNull();
    expect(s.gaps[0]?.lostPackets).toBeNull();
  });

  it('leaves a gap\u2019s loss unknown when automatic detection found no sequence numbers', () => {
    // The same bytes in every datagram: no format is detected, so a gap cannot say "nothing lost".
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50, decode: 'auto' });
    const payload = Uint8Array.from({ length: 512 }, (_, i) => i & 0xff);
    for (let t = 0; t < 100; t++) m.onPacket(t * 2, payload, 'a');
    m.onPacket(1200, payload, 'a');
    const s = m.snapshot(1200);
    expect(s.gaps).toHaveLength(1);
    expect(s.gaps[0]?.lostPackets).toBeNull();
  });
});

describe('ReceptionMonitor periodicity in live deltas', () => {
  // Gaps every 100 ms of stream time after every 4 packets of 100 B: a byte-count rhythm.
  const feed = (m: ReceptionMonitor, fromMs: number, toMs: number): void => {
    for (let t = fromMs; t < toMs; t += 100) for (let k = 0; k < 4; k++) m.onPacket(t + k, payload(100), 'a');
  };

  it('is recomputed at most once a second while gaps come, and at once in a snapshot', () => {
    const m = new ReceptionMonitor({ binMs: 10, gapMs: 50 });
    feed(m, 0, 500);
    const first = m.takeDelta(500).periodicity;
    expect(first.gapsConsidered).toBe(4);
    feed(m, 500, 900);
    // 400 ms later, with 4 more gaps: the delta keeps the verdict of 500 ms.
    expect(m.takeDelta(900).periodicity).toBe(first);
    // A snapshot always says the gaps it holds (and leaves the deltas' pace alone).
    expect(m.snapshot(900).periodicity.gapsConsidered).toBe(8);
    feed(m, 900, 1600);
    const later = m.takeDelta(1600).periodicity;
    expect(later.gapsConsidered).toBe(15);
    expect(later.kind).toBe('bytes');
    expect(later.everyBytes).toBe(400);
  });

  it('is not recomputed when no gap changed, however long since', () => {
    const m = new ReceptionMonitor({ binMs: 10, gapMs: 50 });
    feed(m, 0, 500);
    const first = m.takeDelta(500).periodicity;
    for (let t = 410; t < 5000; t += 10) m.onPacket(t, payload(100), 'a');
    expect(m.takeDelta(5000).periodicity).toBe(first);
  });

  it('follows a relabelled gap: a late stall report changes the verdict after the second has passed', () => {
    const m = new ReceptionMonitor({ binMs: 10, gapMs: 50 });
    feed(m, 0, 1000);
    const before = m.takeDelta(1000).periodicity;
    expect(before.gapsConsidered).toBe(9);
    m.onLocalStall({ startMs: 800, endMs: 905, durationMs: 105 });
    expect(m.takeDelta(2100).periodicity.gapsConsidered).toBe(8);
  });
});
