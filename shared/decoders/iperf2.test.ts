import { describe, expect, it } from 'vitest';
import { HEADER_SEQNO64B, Iperf2StreamDecoder, decodeIperf2, describeIperf2, encodeIperf2, iperf2IdBits } from './iperf2';
import { PacketFlags } from './types';

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
}

// The first 40 bytes of datagrams that `iperf -c 127.0.0.1 -u -l 100` 2.1.8 sent (captured on
// loopback): id 1, and the first end-of-test datagram of that run (-66, 64-bit ids).
const REAL_FIRST = hex('000000016b0570e3000930ea0000000048010098000000010000afd20000006400000000ffffffce');
const REAL_FINAL = hex('ffffffbe6b0570e40001c36fffffffff48010098000000010000afd20000006400000000ffffffce');

describe('decodeIperf2', () => {
  it('reads a real iperf 2.1.8 client datagram (64-bit ids, flag at offset 16)', () => {
    expect(iperf2IdBits(REAL_FIRST)).toBe(64);
    expect(decodeIperf2(REAL_FIRST)).toEqual({ id: 1, final: false, sendSec: 0x6b0570e3, sendUsec: 0x930ea, idBits: 64 });
  });

  it('reads the end-of-test datagram as a positive id, as the server does', () => {
    expect(decodeIperf2(REAL_FINAL)).toMatchObject({ id: 66, final: true, idBits: 64 });
  });

  it('reads 32-bit ids when the flag is absent, including the negative end marker', () => {
    const b = new Uint8Array(20);
    b.set([0xff, 0xff, 0xff, 0xfb]);
    expect(decodeIperf2(b)).toMatchObject({ id: 5, final: true, idBits: 32 });
  });

  it('returns null for short payloads', () => {
    expect(decodeIperf2(new Uint8Array(11))).toBeNull();
    expect(decodeIperf2(new Uint8Array(15), 64)).toBeNull();
  });
});

describe('encodeIperf2 round trip', () => {
  const cases = [
    { id: 1, sendMs: 1_700_000_000_123.456, idBits: 32 as const, final: false },
    { id: 2 ** 31 - 1, sendMs: 5, idBits: 32 as const, final: true },
    { id: 2 ** 32 + 7, sendMs: 1_700_000_000_000, idBits: 64 as const, final: false },
    { id: 2 ** 32, sendMs: 1_700_000_000_000, idBits: 64 as const, final: true },
    { id: 66, sendMs: 0.5, idBits: 64 as const, final: true },
  ];
  it.each(cases)('id $id ($idBits-bit, final $final)', (f) => {
    const b = encodeIperf2(f, 100)!;
    const d = decodeIperf2(b)!;
    expect(d.id).toBe(f.id);
    expect(d.final).toBe(f.final);
    expect(d.idBits).toBe(f.idBits);
    expect(d.sendSec * 1000 + d.sendUsec / 1000).toBeCloseTo(f.sendMs, 3);
  });

  it('writes the flag iperf -s needs to read 64-bit ids', () => {
    const b = encodeIperf2({ id: 1, sendMs: 0, idBits: 64 }, 20)!;
    expect(((b[16]! << 24) >>> 0) & HEADER_SEQNO64B).toBe(HEADER_SEQNO64B);
  });

  it('refuses what does not fit', () => {
    expect(encodeIperf2({ id: 2 ** 31, sendMs: 0 })).toBeNull();
    expect(encodeIperf2({ id: 1, sendMs: 0, idBits: 64 }, 16)).toBeNull();
    expect(encodeIperf2({ id: -1, sendMs: 0 })).toBeNull();
  });
});

describe('Iperf2StreamDecoder', () => {
  function run(ids: number[], finals: number[], idBits: 32 | 64 = 64) {
    const dec = new Iperf2StreamDecoder();
    let t = 0;
    const verdicts = [];
    for (const id of ids) verdicts.push({ ...dec.onPayload(encodeIperf2({ id, sendMs: 1e12 + t, idBits }, 100)!, (t += 1)) });
    for (const id of finals) verdicts.push({ ...dec.onPayload(encodeIperf2({ id, sendMs: 1e12 + t, idBits, final: true }, 100)!, (t += 1)) });
    return { dec, verdicts };
  }

  it('counts loss under duplicates, and says what iperf -s would print instead', () => {
    const { dec } = run([1, 1, 2, 2, 5, 5, 6], [7]);
    const st = dec.stats();
    expect(st).toMatchObject({ expected: 7, lost: 2, duplicates: 3 });
    // iperf 2.1.8 prints max(0, 2 skipped − 3 out-of-order) = 0/7 for these arrivals.
    expect(st.notes.join(' ')).toMatch(/iperf -s would print 0\/7: it takes each of the 3 duplicated datagrams off its loss/);
  });

  it('counts the first end-of-test datagram and none of its repeats (iperf 2.1.8: 2/7)', () => {
    const { dec, verdicts } = run([1, 2, 5, 6], [7, 8, 9]);
    expect(dec.stats()).toMatchObject({ received: 5, expected: 7, lost: 2, outOfOrder: 0, duplicates: 0 });
    expect(verdicts[4]!.flags & PacketFlags.final).toBeTruthy();
    expect(verdicts[5]!.flags & PacketFlags.afterEnd).toBeTruthy();
    expect(verdicts[2]).toMatchObject({ sequence: 5, skipped: 2 });
  });

  it('ignores a late datagram after the end, as iperf does (1/5)', () => {
    const dec = new Iperf2StreamDecoder();
    const send = (id: number, sendMs: number, final = false) => dec.onPayload(encodeIperf2({ id, sendMs, idBits: 32, final }, 64)!, 0);
    send(1, 1);
    send(2, 2);
    send(4, 4);
    send(5, 5, true);
    expect(send(3, 3).flags & PacketFlags.afterEnd).toBeTruthy();
    expect(dec.stats()).toMatchObject({ expected: 5, lost: 1, outOfOrder: 0 });
  });

  it('ignores id 0 (iperf 2.1.8: ids 0,1,2 then end 3 → 0/3)', () => {
    const { dec } = run([0, 1, 2], [3]);
    expect(dec.stats()).toMatchObject({ received: 3, expected: 3, lost: 0 });
  });

  it('starts a new run when a datagram is sent after the end, keeping the totals', () => {
    const dec = new Iperf2StreamDecoder();
    const send = (id: number, sendMs: number, final = false) => dec.onPayload(encodeIperf2({ id, sendMs, final }, 64)!, sendMs);
    send(1, 1);
    send(2, 2, true);
    expect(send(1, 10).flags & PacketFlags.restart).toBeTruthy();
    send(3, 11);
    send(4, 12, true);
    expect(dec.stats()).toMatchObject({ expected: 2 + 4, lost: 1 });
  });

  it('measures jitter from the send times', () => {
    const dec = new Iperf2StreamDecoder();
    for (let i = 1; i <= 20; i++) dec.onPayload(encodeIperf2({ id: i, sendMs: i * 10 }, 64)!, 1000 + i * 10 + (i % 2) * 2);
    expect(dec.stats().jitterMs).toBeGreaterThan(1);
    expect(dec.stats().jitterMs).toBeLessThan(2);
  });

  it('flags short datagrams and describes them', () => {
    const dec = new Iperf2StreamDecoder();
    expect(dec.onPayload(new Uint8Array(3), 0).flags & PacketFlags.malformed).toBeTruthy();
    expect(dec.describe(REAL_FINAL)).toMatch(/end-of-test datagram, id 66 \(64-bit ids\)/);
    expect(describeIperf2(new Uint8Array(2))).toMatch(/too short/);
  });
});
