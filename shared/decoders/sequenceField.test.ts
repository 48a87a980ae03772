import { describe, expect, it } from 'vitest';
import { SeqStreamDecoder, SequenceFieldStreamDecoder, decodeSeq, encodeSeq, parseSequenceField, readSequenceField, writeSequenceField, type SequenceFieldSpec } from './sequenceField';
import { PacketFlags } from './types';

describe('user-defined sequence field', () => {
  it('parses the CLI syntax', () => {
    expect(parseSequenceField('seq:4:16:le')).toEqual({ offset: 4, width: 16, endian: 'le' });
    expect(parseSequenceField('seq:0:64:BE')).toEqual({ offset: 0, width: 64, endian: 'be' });
    expect(parseSequenceField('seq:0:24:be')).toBeNull();
    expect(parseSequenceField('seq:x:8:be')).toBeNull();
  });

  it.each([8, 16, 32, 64] as const)('round-trips %i-bit values in both byte orders', (width) => {
    for (const endian of ['be', 'le'] as const) {
      const spec: SequenceFieldSpec = { offset: 3, width, endian };
      const b = new Uint8Array(12);
      const value = width === 64 ? 2 ** 40 + 12345 : 2 ** width - 2;
      expect(writeSequenceField(b, spec, value)).toBe(true);
      expect(readSequenceField(b, spec)).toBe(value);
    }
  });

  it('reads the byte order it is told', () => {
    const b = Uint8Array.of(0x01, 0x02);
    expect(readSequenceField(b, { offset: 0, width: 16, endian: 'be' })).toBe(0x0102);
    expect(readSequenceField(b, { offset: 0, width: 16, endian: 'le' })).toBe(0x0201);
    expect(readSequenceField(b, { offset: 1, width: 16, endian: 'le' })).toBeNull();
  });

  it('counts across the wrap of an 8-bit field', () => {
    const spec: SequenceFieldSpec = { offset: 0, width: 8, endian: 'be' };
    const dec = new SequenceFieldStreamDecoder(spec);
    for (const s of [253, 254, 0, 1]) dec.onPayload(Uint8Array.of(s), 0);
    expect(dec.stats()).toMatchObject({ format: 'field', received: 4, expected: 5, lost: 1 });
    expect(dec.onPayload(new Uint8Array(0), 0).flags & PacketFlags.malformed).toBeTruthy();
    expect(dec.describe(Uint8Array.of(7))).toBe('sequence 7 (8-bit BE at offset 0)');
  });
});

describe("Gapscope's 'seq' format", () => {
  it('round-trips sequence and send time', () => {
    const b = encodeSeq(2 ** 40 + 1, 1_700_000_000_123_456, 32)!;
    expect(decodeSeq(b)).toEqual({ sequence: 2 ** 40 + 1, sendUs: 1_700_000_000_123_456 });
    expect(encodeSeq(1, 1, 15)).toBeNull();
  });

  it('counts loss and jitter', () => {
    const dec = new SeqStreamDecoder();
    for (const s of [0, 1, 2, 4, 3]) dec.onPayload(encodeSeq(s, s * 1000)!, 5 + s);
    expect(dec.stats()).toMatchObject({ format: 'seq', received: 5, expected: 5, lost: 0, reordered: 1, jitterMs: 0 });
    expect(dec.describe(encodeSeq(7, 45_296_000_000)!)).toBe('Gapscope seq 7, sent 12:34:56.000 UTC');
  });
});
