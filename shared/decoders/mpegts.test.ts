import { describe, expect, it } from 'vitest';
import { MpegTsStreamDecoder, TS_NULL_PID, decodeTsPacket, describeTs, encodeTsPacket, isTransportStream } from './mpegts';
import { PacketFlags } from './types';

function datagram(...packets: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(packets.length * 188);
  packets.forEach((p, i) => out.set(p, i * 188));
  return out;
}

describe('decodeTsPacket', () => {
  it('reads PID, continuity counter and flags', () => {
    expect(decodeTsPacket(encodeTsPacket(0x100, 7, { payloadUnitStart: true }))).toEqual({
      pid: 0x100, continuityCounter: 7, payloadUnitStart: true, transportError: false, adaptationControl: 1, discontinuity: false,
    });
    expect(decodeTsPacket(encodeTsPacket(0x100, 7, { adaptationControl: 2, discontinuity: true }))?.discontinuity).toBe(true);
  });

  it('needs the sync byte and a whole packet', () => {
    expect(decodeTsPacket(new Uint8Array(188))).toBeNull();
    expect(decodeTsPacket(encodeTsPacket(1, 0).subarray(0, 187))).toBeNull();
    expect(isTransportStream(datagram(encodeTsPacket(1, 0), encodeTsPacket(1, 1)))).toBe(true);
    expect(isTransportStream(new Uint8Array(188 * 2))).toBe(false);
  });
});

describe('MpegTsStreamDecoder', () => {
  it('counts continuity discontinuities per PID', () => {
    const dec = new MpegTsStreamDecoder();
    dec.onPayload(datagram(encodeTsPacket(0x100, 14), encodeTsPacket(0x100, 15), encodeTsPacket(0x101, 3)), 0);
    const v = dec.onPayload(datagram(encodeTsPacket(0x100, 2), encodeTsPacket(0x101, 4)), 10); // 0x100 lost 0 and 1
    expect(v.skipped).toBe(2);
    expect(v.flags & PacketFlags.gap).toBeTruthy();
    expect(dec.stats()).toMatchObject({ received: 5, lost: 2, expected: 7, duplicates: 0 });
  });

  it('allows one duplicate, not two', () => {
    const dec = new MpegTsStreamDecoder();
    dec.onPayload(datagram(encodeTsPacket(5, 1), encodeTsPacket(5, 1)), 0);
    expect(dec.stats()).toMatchObject({ duplicates: 1, lost: 0 });
    dec.onPayload(datagram(encodeTsPacket(5, 1)), 0); // a second repeat reads as 15 lost (aliasing)
    expect(dec.stats()).toMatchObject({ duplicates: 1, lost: 15 });
  });

  it('counts a datagram received twice as duplicates, not as the jump its repeated counters look like', () => {
    // Constructed: every datagram of a 7-packet-per-datagram stream arrives twice, two datagrams never do.
    const dec = new MpegTsStreamDecoder();
    let cc = 0;
    for (let d = 0; d < 40; d++) {
      const packets = Array.from({ length: 7 }, () => encodeTsPacket(0x100, cc++ & 15));
      packets[3]![10] = d; // payload bytes differ from datagram to datagram, as real ones do
      if (d === 12 || d === 30) continue;
      const dg = datagram(...packets);
      dec.onPayload(dg, d);
      expect(dec.onPayload(dg.slice(), d).flags & PacketFlags.duplicate).toBeTruthy();
    }
    expect(dec.stats()).toMatchObject({ received: 38 * 14, duplicates: 38 * 7, lost: 14, expected: 40 * 7 });
  });

  it('does not advance on adaptation-only packets, and honours the discontinuity indicator', () => {
    const dec = new MpegTsStreamDecoder();
    dec.onPayload(datagram(encodeTsPacket(9, 3), encodeTsPacket(9, 3, { adaptationControl: 2 }), encodeTsPacket(9, 4)), 0);
    dec.onPayload(datagram(encodeTsPacket(9, 11, { adaptationControl: 3, discontinuity: true }), encodeTsPacket(9, 12)), 0);
    expect(dec.stats()).toMatchObject({ lost: 0, received: 5 });
  });

  it('aliases 16 lost packets to none (the reason losses are lower bounds)', () => {
    const dec = new MpegTsStreamDecoder();
    dec.onPayload(datagram(encodeTsPacket(9, 3)), 0);
    dec.onPayload(datagram(encodeTsPacket(9, 4)), 0); // 16 packets (cc 4..3) lost between would look the same
    expect(dec.stats().lost).toBe(0);
    expect(dec.stats().notes[0]).toMatch(/lower bounds/);
  });

  it('skips null packets and flags sync, length and transport errors', () => {
    const dec = new MpegTsStreamDecoder();
    const tei = encodeTsPacket(9, 0);
    tei[1] = tei[1]! | 0x80;
    const v = dec.onPayload(datagram(encodeTsPacket(TS_NULL_PID, 0), new Uint8Array(188), tei), 0);
    expect(v.flags & PacketFlags.framingError).toBeTruthy();
    expect(v.flags & PacketFlags.crcError).toBeTruthy();
    expect(dec.onPayload(new Uint8Array(100), 0).flags & PacketFlags.malformed).toBeTruthy();
    expect(dec.stats()).toMatchObject({ received: 0, crcErrors: 1 });
  });

  it('describes a datagram', () => {
    expect(describeTs(datagram(encodeTsPacket(0, 1), encodeTsPacket(0x100, 4), encodeTsPacket(0x100, 5)))).toBe(
      'MPEG-TS 3 packets: PID 0x0000 (PAT) ×1 cc 1, PID 0x0100 ×2 cc 4–5',
    );
    expect(describeTs(new Uint8Array(5))).toMatch(/not a whole number/);
  });
});
