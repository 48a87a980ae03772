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
      pid: 0x100, continuityCounter: 7, payloadUnitStart: true, transportError: false, adaptationControl: 1, discontinuity: false, pcr: -1,
    });
    expect(decodeTsPacket(encodeTsPacket(0x100, 7, { adaptationControl: 2, discontinuity: true }))?.discontinuity).toBe(true);
  });

  it('reads the Program Clock Reference (33-bit base × 300 + 9-bit extension)', () => {
    const pcr = (2 ** 33 - 5) * 300 + 299;
    expect(decodeTsPacket(encodeTsPacket(0x100, 1, { pcr }))).toMatchObject({ pcr, adaptationControl: 3 });
    expect(decodeTsPacket(encodeTsPacket(0x100, 1, { pcr: 27_000_000 }))!.pcr).toBe(27_000_000);
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

  // Constructed (no public capture of MPEG-TS over UDP with PCRs and a long outage was found): a
  // 1000 packets/s mux, 7 packets per datagram every 7 ms (5 video with a PCR on the first of every
  // fifth datagram, 1 audio, 1 null), 2 s, then 40 datagrams lost (280 ms), then 1 s more.
  function outage(withPcr: boolean): MpegTsStreamDecoder {
    const dec = new MpegTsStreamDecoder();
    let video = 0;
    let audio = 0;
    for (let d = 0; d < 3 * 143 + 40; d++) {
      const t = d * 7;
      const packets = [];
      for (let i = 0; i < 5; i++) packets.push(encodeTsPacket(0x100, video++ & 15, withPcr && i === 0 && d % 5 === 0 ? { pcr: t * 27_000 } : {}));
      packets.push(encodeTsPacket(0x101, audio++ & 15), encodeTsPacket(TS_NULL_PID, 0));
      packets[1]![20] = d; // datagrams differ, as real ones do
      if (d >= 286 && d < 326) continue;
      dec.onPayload(datagram(...packets), t);
    }
    return dec;
  }

  it('backs a jump longer than 16 packets by the PCR rate: 200 video + 40 audio lost, where the counters say 8 + 8', () => {
    const dec = outage(true);
    expect(dec.packetsPerSecond).toBeCloseTo(1000, 6);
    expect(dec.stats()).toMatchObject({ lost: 240 });
    expect(dec.stats().notes.join(' ')).toMatch(/2 jumps were longer than the counter can tell: 240 lost by time, 16 by the counters alone/);
  });

  it('backs it by arrival times when the stream carries no PCR', () => {
    const dec = outage(false);
    expect(dec.packetsPerSecond).toBe(0);
    expect(dec.stats().lost).toBe(240);
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
