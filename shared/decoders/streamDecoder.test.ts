import { describe, expect, it } from 'vitest';
import { encodeIperf2 } from './iperf2';
import { SAMPLE_FORMATS, sampleDatagram, sampleStream } from './testing/sampleStreams';
import { AutoStreamDecoder, createDecoder, describePacket, parseFormat } from './streamDecoder';
import { PacketFlags } from './types';

describe('parseFormat', () => {
  it('reads the CLI names and the sequence-field syntax', () => {
    expect(parseFormat('auto')).toBe('auto');
    expect(parseFormat(' GDL90 ')).toBe('gdl90');
    expect(parseFormat('seq')).toBe('seq');
    expect(parseFormat('seq:8:32:le')).toEqual({ offset: 8, width: 32, endian: 'le' });
    expect(parseFormat('ipx')).toBeNull();
  });
});

describe('createDecoder', () => {
  it.each(SAMPLE_FORMATS)('counts a clean %s stream with one loss', (format) => {
    const dec = createDecoder(format);
    expect(dec.format).toBe(format);
    const stream = sampleStream(format, 20);
    stream.splice(10, 1); // lose one datagram
    let skipped = 0;
    stream.forEach((p, i) => (skipped += dec.onPayload(p, i * 1000).skipped));
    const s = dec.stats();
    if (format === 'nmea') {
      expect(s).toMatchObject({ received: 19, lost: null });
    } else if (format === 'mpegts') {
      expect(s).toMatchObject({ received: 19 * 7, lost: 7, expected: 20 * 7 });
      expect(skipped).toBe(7);
    } else {
      expect(s).toMatchObject({ format, received: 19, expected: 20, lost: 1 });
      expect(skipped).toBe(1);
    }
    expect(dec.describe(stream[0]!)).toBe(describePacket(format, stream[0]!));
  });

  it('gives a verdict with a human kind and flags', () => {
    const dec = createDecoder('gdl90');
    expect(dec.onPayload(sampleDatagram('gdl90', 0), 0).kind).toBe('GDL90 Heartbeat');
    const bad = sampleDatagram('gdl90', 1);
    bad[5] = bad[5]! ^ 1;
    expect(dec.onPayload(bad, 1000).flags & PacketFlags.crcError).toBeTruthy();
  });

  it("counts only datagrams for 'none'", () => {
    const dec = createDecoder('none');
    dec.onPayload(new Uint8Array(3), 0);
    expect(dec.stats()).toMatchObject({ format: 'none', received: 1, lost: null });
    expect(dec.describe(new Uint8Array(3))).toBe('3 bytes, format not recognized');
  });

  it('decodes a user-defined field', () => {
    const dec = createDecoder({ offset: 1, width: 16, endian: 'le' });
    for (const s of [1, 2, 4]) dec.onPayload(Uint8Array.of(0xff, s, 0), 0);
    expect(dec.stats()).toMatchObject({ format: 'field', lost: 1 });
  });
});

describe("createDecoder('auto')", () => {
  it('holds the first datagrams, decides, and replays them so nothing is missed', () => {
    const dec = createDecoder('auto') as AutoStreamDecoder;
    const stream = sampleStream('iperf2', 30);
    stream.splice(2, 1);
    expect(dec.onPayload(stream[0]!, 0).kind).toBe('detecting');
    expect(dec.stats().notes[0]).toMatch(/Detecting/);
    stream.slice(1).forEach((p, i) => dec.onPayload(p, i + 1));
    expect(dec.format).toBe('iperf2');
    expect(dec.stats()).toMatchObject({ format: 'iperf2', received: 29, expected: 30, lost: 1 });
    expect(dec.stats().notes[0]).toMatch(/detected automatically: iperf2/);
  });

  it('decides early when sure, and falls back to none', () => {
    const dec = new AutoStreamDecoder({ port: 4000 });
    sampleStream('gdl90', 4).forEach((p, i) => dec.onPayload(p, i * 1000));
    expect(dec.format).toBe('gdl90');
    const junk = new AutoStreamDecoder({ detectAfter: 5 });
    for (let i = 0; i < 5; i++) junk.onPayload(Uint8Array.of(i, 200, 3), i);
    expect(junk.format).toBe('none');
    expect(junk.stats().received).toBe(5);
    expect(junk.describe(Uint8Array.of(1))).toBe('1 bytes, format not recognized');
  });

  it('copies what it holds (the receiver may reuse its buffer)', () => {
    const dec = new AutoStreamDecoder({ detectAfter: 8 });
    const buf = new Uint8Array(100);
    for (let i = 1; i <= 8; i++) {
      buf.set(encodeIperf2({ id: i, sendMs: 1_750_000_000_000 + i, idBits: 64 }, 100)!);
      dec.onPayload(buf, i);
    }
    expect(dec.stats()).toMatchObject({ format: 'iperf2', expected: 8, lost: 0 });
  });
});
