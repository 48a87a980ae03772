import { describe, expect, it } from 'vitest';
import { RtpStreamDecoder, decodeRtp, describeRtp, encodeRtp, isRtcp, staticClockRate } from './rtp';
import { PacketFlags } from './types';

const pkt = (sequence: number, timestamp = sequence * 160, ssrc = 0x1234abcd, payloadType = 0) => encodeRtp({ sequence: sequence & 0xffff, timestamp, ssrc, payloadType }, 172)!;

describe('decodeRtp', () => {
  it('round-trips the header fields', () => {
    const b = encodeRtp({ sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payloadType: 96, marker: true }, 40)!;
    expect(decodeRtp(b)).toEqual({
      version: 2, padding: false, extension: false, csrcCount: 0, marker: true, payloadType: 96,
      sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, headerLength: 12, payloadLength: 28,
    });
  });

  it('skips CSRCs and the header extension, and removes padding', () => {
    const b = new Uint8Array(12 + 8 + 4 + 4 + 10);
    b[0] = 0x80 | 0x20 | 0x10 | 2; // padding, extension, 2 CSRC
    b[12 + 8 + 3] = 1; // extension of one 32-bit word
    b[b.length - 1] = 3; // 3 bytes of padding
    expect(decodeRtp(b)).toMatchObject({ csrcCount: 2, extension: true, padding: true, headerLength: 28, payloadLength: 7 });
  });

  it('rejects other versions and lengths that do not fit', () => {
    expect(decodeRtp(Uint8Array.of(0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1))).toBeNull();
    const cc = new Uint8Array(12);
    cc[0] = 0x8f; // 15 CSRC in 12 bytes
    expect(decodeRtp(cc)).toBeNull();
    const pad = new Uint8Array(13);
    pad[0] = 0xa0;
    pad[12] = 200;
    expect(decodeRtp(pad)).toBeNull();
  });

  it('tells RTCP sharing the port from RTP', () => {
    expect(isRtcp(Uint8Array.of(0x80, 200, 0, 6, 0, 0, 0, 1))).toBe(true);
    expect(isRtcp(pkt(1))).toBe(false);
    expect(describeRtp(Uint8Array.of(0x80, 201, 0, 1, 0, 0, 0, 1))).toBe('RTCP packet type 201');
  });

  it('knows the static clock rates', () => {
    expect(staticClockRate(0)).toBe(8000);
    expect(staticClockRate(33)).toBe(90000);
    expect(staticClockRate(96)).toBeNull();
  });

  it('describes a packet', () => {
    expect(describeRtp(encodeRtp({ sequence: 123, timestamp: 9, ssrc: 0x1234abcd, payloadType: 96 }, 20)!)).toBe('RTP PT 96 seq 123 ssrc 0x1234abcd ts 9, 8-byte payload');
  });
});

describe('RtpStreamDecoder', () => {
  it('counts across the 16-bit wrap with the extended sequence', () => {
    const dec = new RtpStreamDecoder();
    for (const s of [65534, 65535, 1, 2]) dec.onPayload(pkt(s), 0);
    const v = dec.onPayload(pkt(0), 0);
    expect(v.flags & PacketFlags.reordered).toBeTruthy();
    expect(v.sequence).toBe(65536);
    expect(dec.stats()).toMatchObject({ received: 5, expected: 5, lost: 0, reordered: 1 });
  });

  it('does not let duplicates hide loss: every packet twice, 11 of 537 never sent on', () => {
    const dec = new RtpStreamDecoder();
    for (let s = 0; s < 537; s++) {
      if (s === 24 || (s >= 222 && s <= 231)) continue;
      dec.onPayload(pkt(s), 0);
      expect(dec.onPayload(pkt(s), 0).flags & PacketFlags.duplicate).toBeTruthy();
    }
    const st = dec.stats();
    expect(st).toMatchObject({ received: 1052, expected: 537, lost: 11, duplicates: 526, reordered: 0 });
    expect(st.notes.join(' ')).toMatch(/526 packets repeated a sequence number/);
  });

  it('keeps SSRCs apart', () => {
    const dec = new RtpStreamDecoder();
    for (const s of [10, 11, 13]) dec.onPayload(pkt(s, s * 160, 1), 0);
    for (const s of [500, 501, 502]) dec.onPayload(pkt(s, s * 160, 2), 0);
    expect(dec.stats()).toMatchObject({ received: 6, expected: 7, lost: 1 });
    expect(dec.stats().notes.join(' ')).toMatch(/2 SSRCs/);
  });

  it('restarts on a sender that jumped to a new sequence (RFC 3550 A.1 resync)', () => {
    const dec = new RtpStreamDecoder();
    for (const s of [100, 101, 102]) dec.onPayload(pkt(s, 7), 0);
    expect(dec.onPayload(pkt(40000, 99999), 0).flags & PacketFlags.ignored).toBeTruthy();
    expect(dec.onPayload(pkt(40001, 99999), 0).flags & PacketFlags.restart).toBeTruthy();
    dec.onPayload(pkt(40002, 99999), 0);
    expect(dec.stats()).toMatchObject({ received: 5, expected: 3 + 2, lost: 0 });
  });

  it('counts a long outage as loss when the timestamp kept pace with the sequence', () => {
    const dec = new RtpStreamDecoder();
    for (let s = 0; s < 50; s++) dec.onPayload(pkt(s), s * 20);
    const v = dec.onPayload(pkt(10_000), 200_000);
    expect(v.skipped).toBe(10_000 - 50);
    expect(dec.stats().lost).toBe(9950);
  });

  it('measures jitter in ms with a static payload type clock', () => {
    const dec = new RtpStreamDecoder();
    for (let s = 0; s < 100; s++) dec.onPayload(pkt(s), s * 20 + (s % 2 ? 4 : 0)); // 160 samples = 20 ms at 8 kHz
    expect(dec.stats().jitterMs).toBeGreaterThan(3);
    expect(dec.stats().jitterMs).toBeLessThan(4.1);
  });

  it('needs the clock rate of a dynamic payload type for jitter', () => {
    const dec = new RtpStreamDecoder();
    for (let s = 0; s < 5; s++) dec.onPayload(pkt(s, s * 3000, 9, 96), s * 33);
    expect(dec.stats().jitterMs).toBeNull();
    const withClock = new RtpStreamDecoder({ clockRate: 90_000 });
    for (let s = 0; s < 5; s++) withClock.onPayload(pkt(s, s * 3000, 9, 96), s * (1000 / 30));
    expect(withClock.stats().jitterMs).toBeCloseTo(0, 6);
  });

  it('ignores RTCP and flags garbage', () => {
    const dec = new RtpStreamDecoder();
    expect(dec.onPayload(Uint8Array.of(0x80, 200, 0, 6, 0, 0, 0, 1), 0).kind).toBe('RTCP');
    expect(dec.onPayload(Uint8Array.of(1, 2, 3), 0).flags & PacketFlags.malformed).toBeTruthy();
    expect(dec.stats().received).toBe(0);
  });
});
