// Compare: the sender's view against the receiver's on one time axis, matched by sequence number
// or by payload, with the byte difference per bin and the packets missing on each side.
import { describe, expect, it } from 'vitest';
import { PacketSeries, compareSeries, payloadHash } from './compare';

/** lab/sender.mjs's payload: 64-bit sequence, 64-bit send time (µs), zeros. */
function senderPayload(seq: number, size = 100): Uint8Array {
  const p = new Uint8Array(size);
  const v = new DataView(p.buffer);
  v.setBigUint64(0, BigInt(seq));
  v.setBigUint64(8, BigInt(1_700_000_000_000_000 + seq * 10_000));
  return p;
}

const T0 = 1_700_000_000_000;

function sides(decode: string): { a: PacketSeries; b: PacketSeries } {
  const a = new PacketSeries('sender.pcapng', decode);
  const b = new PacketSeries('received.pcapng', decode);
  for (let s = 0; s < 100; s++) {
    a.add(T0 + s * 10, senderPayload(s));
    // The receiver lost 10..19 (a cut-out), and everything arrived 2 ms later.
    if (s < 10 || s >= 20) b.add(T0 + s * 10 + 2, senderPayload(s));
  }
  // And it got one datagram the sender's capture did not (another sender on the same port).
  b.add(T0 + 995, senderPayload(5000, 60));
  return { a, b };
}

describe('compareSeries', () => {
  for (const [decode, by] of [['auto', 'sequence'], ['seq', 'sequence'], ['none', 'payload']] as const) {
    it(`finds what each side lacks (decode ${decode}: matched by ${by})`, () => {
      const { a, b } = sides(decode);
      const r = compareSeries(a, b, { binMs: 100 });
      expect(r.matchedBy).toBe(by);
      expect(r.matched).toBe(90);
      expect(r.missingInB).toMatchObject({ count: 10, bytes: 1000 });
      expect(r.missingInB.packets.map((p) => p.atMs)).toEqual([100, 110, 120, 130, 140, 150, 160, 170, 180, 190]);
      if (by === 'sequence') expect(r.missingInB.packets.map((p) => p.sequence)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      expect(r.missingInA).toMatchObject({ count: 1, bytes: 60, packets: [{ atMs: 995, size: 60 }] });
      expect(r.delayMs).toEqual({ median: 2, p99: 2, max: 2 });
      expect(r.a).toMatchObject({ packets: 100, bytes: 10_000, firstMs: 0, lastMs: 990 });
      expect(r.b).toMatchObject({ packets: 91, bytes: 9060, firstMs: 2 });
      expect(r.startedAt).toBe(new Date(T0).toISOString());
      // The second bin (100-200 ms) is where B lacks everything A sent.
      expect(r.bins[1]).toEqual({ startMs: 100, aBytes: 1000, bBytes: 0, diffBytes: 1000, aPackets: 10, bPackets: 0, missingInB: 10 });
      expect(r.bins[0]).toMatchObject({ diffBytes: 0, missingInB: 0 });
      expect(r.bins.reduce((s, x) => s + x.diffBytes, 0)).toBe(10_000 - 9060);
    });
  }

  it('matches identical payloads in order, each once', () => {
    const a = new PacketSeries('a', 'none');
    const b = new PacketSeries('b', 'none');
    const same = new Uint8Array(20);
    for (let i = 0; i < 5; i++) a.add(T0 + i, same);
    for (let i = 0; i < 3; i++) b.add(T0 + i + 1, same);
    const r = compareSeries(a, b, { binMs: 10 });
    expect(r.matched).toBe(3);
    expect(r.missingInB.packets.map((p) => p.atMs)).toEqual([3, 4]);
  });

  it('keeps the bin count bounded by widening bins, and lists at most `listed` missing packets', () => {
    const a = new PacketSeries('a', 'none');
    const b = new PacketSeries('b', 'none');
    for (let i = 0; i < 50; i++) a.add(T0 + i * 3_600_000, Uint8Array.of(i));
    const r = compareSeries(a, b, { binMs: 10, listed: 5 });
    expect(r.bins.length).toBeLessThanOrEqual(100_000);
    expect(r.binMs).toBeGreaterThan(10);
    expect(r.missingInB.count).toBe(50);
    expect(r.missingInB.packets).toHaveLength(5);
  });

  it('refuses a series past its cap with a sentence', () => {
    const s = new PacketSeries('big.pcap', 'none', 3);
    for (let i = 0; i < 3; i++) s.add(i, Uint8Array.of(i));
    expect(() => s.add(4, Uint8Array.of(4))).toThrow(/big\.pcap has more than 3 datagrams/);
  });

  it('hashes payloads by content and length', () => {
    expect(payloadHash(Uint8Array.of(1, 2))).toBe(payloadHash(Uint8Array.of(1, 2)));
    expect(payloadHash(Uint8Array.of(1, 2))).not.toBe(payloadHash(Uint8Array.of(2, 1)));
    expect(payloadHash(new Uint8Array(3))).not.toBe(payloadHash(new Uint8Array(4)));
  });
});
