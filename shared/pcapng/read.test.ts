// The reader on files built byte by byte: both formats, both byte orders, timestamp resolutions,
// every packet block, chunk boundaries anywhere, and every structural error with its offset.
import { describe, expect, it } from 'vitest';
import { CaptureReader, type CaptureRecord } from './read';
import { CaptureFormatError } from './readErrors';
import { block, concat, epb, idb, pb, pcapFile, shb, spb } from './testing/readTestFiles';

function readAll(file: Uint8Array, chunk = file.byteLength || 1): { records: CaptureRecord[]; reader: CaptureReader } {
  const records: CaptureRecord[] = [];
  const reader = new CaptureReader((r) => records.push({ ...r, data: r.data.slice() }));
  for (let i = 0; i < file.byteLength; i += chunk) reader.push(file.subarray(i, i + chunk));
  reader.end();
  return { records, reader };
}

/** Reads `file` as readCaptureFile does: each chunk read into the same memory, overwritten after its push. */
function readReusing(file: Uint8Array, size: number): CaptureRecord[] {
  const records: CaptureRecord[] = [];
  const reader = new CaptureReader((r) => records.push({ ...r, data: r.data.slice() }));
  const memory = new Uint8Array(size);
  for (let i = 0; i < file.byteLength; i += size) {
    const n = Math.min(size, file.byteLength - i);
    memory.set(file.subarray(i, i + n));
    reader.push(memory.subarray(0, n));
    memory.fill(0xee); // what the next read leaves there, if the reader still looked
  }
  reader.end();
  return records;
}

function errorOf(run: () => unknown): CaptureFormatError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureFormatError);
    return e as CaptureFormatError;
  }
  throw new Error('expected a CaptureFormatError');
}

const A = Uint8Array.from([1, 2, 3, 4, 5]);
const B = Uint8Array.from([9, 8, 7]);

describe('pcap', () => {
  for (const little of [true, false]) {
    it(`reads ${little ? 'little' : 'big'}-endian microsecond and nanosecond files`, () => {
      const us = pcapFile({ little, linkType: 1, packets: [{ sec: 1_700_000_000, frac: 250_000, data: A }, { sec: 1_700_000_001, frac: 5, data: B, orig: 60 }] });
      const { records, reader } = readAll(us);
      expect(reader.format).toBe('pcap');
      expect(records.map((r) => [r.linkType, r.timeMs, [...r.data], r.originalLength, r.offset])).toEqual([
        [1, 1_700_000_000_250, [1, 2, 3, 4, 5], 5, 24],
        [1, 1_700_000_001_000.005, [9, 8, 7], 60, 45],
      ]);
      const ns = pcapFile({ little, ns: true, linkType: 113, packets: [{ sec: 10, frac: 123_456_789, data: A }] });
      const r2 = readAll(ns);
      expect(r2.reader.format).toBe('pcap-ns');
      expect(r2.records[0]!.timeMs).toBeCloseTo(10_123.456789, 9);
      expect(r2.records[0]!.linkType).toBe(113);
    });
  }

  it('reads a link-type field with reserved bits set (tshark refuses it) and says so; the FCS bits above them pass quietly', () => {
    const reserved = readAll(pcapFile({ linkType: 0x00300001, packets: [{ sec: 1, frac: 0, data: A }] }));
    expect(reserved.records.map((r) => r.linkType)).toEqual([1]);
    expect(reserved.reader.warnings.list()).toMatchObject([{ kind: 'link-type-reserved-bits', firstOffset: 20 }]);
    expect(reserved.reader.warnings.list()[0]!.message).toMatch(/0x00300000.*tshark and libpcap refuse/);
    const fcs = readAll(pcapFile({ linkType: 0x14000001, packets: [{ sec: 1, frac: 0, data: A }] })); // the P bit and an FCS length of 1 (16-bit units), bits 26 and 28-31
    expect(fcs.records.map((r) => r.linkType)).toEqual([1]);
    expect(fcs.reader.warnings.list()).toEqual([]);
  });

  it('gives the same records whatever the chunk size', () => {
    const file = pcapFile({ linkType: 1, packets: Array.from({ length: 20 }, (_, i) => ({ sec: i, frac: i, data: new Uint8Array(i * 7).fill(i) })) });
    const whole = readAll(file).records;
    for (const chunk of [1, 3, 16, 17, 100]) expect(readAll(file, chunk).records).toEqual(whole);
  });

  it('keeps nothing of a pushed chunk: a caller reading the file into the same memory over and over gets the same records', () => {
    const file = pcapFile({ linkType: 1, packets: Array.from({ length: 20 }, (_, i) => ({ sec: i, frac: i, data: new Uint8Array(i * 7).fill(i) })) });
    const whole = readAll(file).records;
    for (const chunk of [1, 3, 16, 17, 100]) expect(readReusing(file, chunk)).toEqual(whole);
  });

  it('refuses a record whose length exceeds the cap before buffering it', () => {
    const head = pcapFile({ linkType: 1, packets: [] });
    const lying = concat(head, Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]));
    const e = errorOf(() => readAll(lying));
    expect(e.offset).toBe(24);
    expect(e.message).toMatch(/more than the 67108864-byte limit.*offset 24/);
  });

  it('counts a record cut short at the end as a warning and keeps the packets before it', () => {
    const file = pcapFile({ linkType: 1, packets: [{ sec: 1, frac: 0, data: A }, { sec: 2, frac: 0, data: B }] });
    const { records, reader } = readAll(file.subarray(0, file.byteLength - 1));
    expect(records).toHaveLength(1);
    expect(reader.warnings.list()).toEqual([expect.objectContaining({ kind: 'truncated-end', count: 1, firstOffset: 45 })]);
  });
});

describe('pcapng', () => {
  for (const little of [true, false]) {
    it(`reads ${little ? 'little' : 'big'}-endian sections with if_tsresol, if_tsoffset, EPB, SPB and PB`, () => {
      const file = concat(
        shb(little),
        idb(1, { little, name: 'eth0' }), // microseconds
        idb(276, { little, tsresol: 9, tsoffset: 100 }), // nanoseconds, +100 s
        idb(101, { little, tsresol: 0x80 | 10 }), // 2^-10 s
        epb(0, [0, 1_500_000], A, little),
        epb(1, [0x17, 0x4876e800], B, little), // 0x17_4876e800 ns = 100 s
        epb(2, [0, 2048], A, little), // 2 s
        pb(0, [0, 3_000_000], B, little),
        spb(A, little),
        block(0x0bad, Uint8Array.from([1, 2, 3, 4]), little), // custom block: skipped
        block(5, new Uint8Array(8), little), // interface statistics: skipped
        shb(!little), // a second section in the other byte order resets the interfaces
        idb(0, { little: !little }),
        epb(0, [0, 7_000_000], B, !little),
      );
      const { records, reader } = readAll(file);
      expect(reader.format).toBe('pcapng');
      expect(records.map((r) => [r.linkType, r.interfaceId, r.timeMs, r.data.byteLength])).toEqual([
        [1, 0, 1500, 5],
        [276, 1, 200_000, 3],
        [101, 2, 2000, 5],
        [1, 0, 3000, 3],
        [1, 0, 3000, 5], // the SPB has no time: the previous one's
        [0, 0, 7000, 3],
      ]);
      expect(reader.interfaces.map((i) => [i.section, i.linkType, i.name, i.unitsPerSecond, i.offsetSeconds])).toEqual([
        [0, 1, 'eth0', 1e6, 0],
        [0, 276, null, 1e9, 100],
        [0, 101, null, 1024, 0],
        [1, 0, null, 1e6, 0],
      ]);
      expect(reader.warnings.count('simple-packet-no-time')).toBe(1);
    });
  }

  it('keeps nanosecond timestamps of real dates within a microsecond', () => {
    // 2026-11-24T14:00:00.123456789Z in ns = 1795960800123456789
    const ns = 1795960800123456789n;
    const file = concat(shb(), idb(1, { tsresol: 9 }), epb(0, [Number(ns >> 32n), Number(ns & 0xffffffffn)], A));
    const t = readAll(file).records[0]!.timeMs;
    expect(Math.abs(t - 1795960800123.457)).toBeLessThan(0.002);
  });

  it('gives the same records whatever the chunk size', () => {
    const file = concat(shb(), idb(1), ...Array.from({ length: 30 }, (_, i) => epb(0, [0, i * 1000], new Uint8Array(i * 5).fill(i))));
    const whole = readAll(file).records;
    expect(whole).toHaveLength(30);
    for (const chunk of [1, 2, 5, 13, 64, 1000]) {
      expect(readAll(file, chunk).records).toEqual(whole);
      expect(readReusing(file, chunk)).toEqual(whole);
    }
  });

  it('names the offset and the problem of every structural error', () => {
    const head = concat(shb(), idb(1));
    const at = head.byteLength;
    const badLength = concat(head, Uint8Array.from([6, 0, 0, 0, 13, 0, 0, 0]), new Uint8Array(8));
    expect(errorOf(() => readAll(badLength)).message).toMatch(new RegExp(`impossible length 13.*offset ${at}`));
    const huge = concat(head, Uint8Array.from([6, 0, 0, 0, 0, 0, 0, 0x10]), new Uint8Array(4));
    expect(errorOf(() => readAll(huge)).message).toMatch(/268435456 bytes long, more than the 67108864-byte limit/);
    const good = epb(0, [0, 0], A);
    const mismatch = good.slice();
    mismatch[mismatch.byteLength - 4] = 99;
    expect(errorOf(() => readAll(concat(head, mismatch))).message).toMatch(new RegExp(`trailing length 99 differs from its leading length ${good.byteLength}.*offset ${at}`));
    const overlong = good.slice();
    overlong[20] = 200; // captured length 200 in a block with room for 24 (data and options)
    expect(errorOf(() => readAll(concat(head, overlong))).message).toMatch(/holds 200 bytes but has room for 24/);
    const noShb = concat(idb(1), good);
    expect(errorOf(() => readAll(noShb)).message).toMatch(/Not a pcap or pcapng file/);
    const badBom = shb().slice();
    badBom[8] = 0;
    expect(errorOf(() => readAll(badBom)).message).toMatch(/unknown byte-order magic.*offset 0/);
    const v2 = shb().slice();
    v2[12] = 2;
    expect(errorOf(() => readAll(v2)).message).toMatch(/Unsupported pcapng version 2\.0/);
  });

  it('refuses a first section of an unknown version as tshark does, reads 1.2 as 1.0, and skips a later unknown section with a warning', () => {
    const v11 = shb().slice();
    v11[14] = 1; // minor version 1
    expect(errorOf(() => readAll(concat(v11, idb(1), epb(0, [0, 0], A)))).message).toMatch(/Unsupported pcapng version 1\.1 .*offset 0/);
    const v12 = shb().slice();
    v12[14] = 2;
    expect(readAll(concat(v12, idb(1), epb(0, [0, 0], A))).records).toHaveLength(1);
    const { records, reader } = readAll(concat(shb(), idb(1), epb(0, [0, 0], A), v11, idb(1), epb(0, [0, 1], B), epb(0, [0, 2], B), shb(), idb(1), epb(0, [0, 3], A)));
    expect(records.map((r) => r.data.byteLength)).toEqual([5, 5]);
    expect(reader.warnings.list().map((w) => [w.kind, w.count])).toEqual([['unknown-section-version', 1], ['unknown-version-packets', 2]]);
    expect(reader.warnings.list()[0]!.message).toMatch(/Section 2 of the file has pcapng version 1\.1/);
  });

  it('skips packets of an interface the section does not describe, counting them', () => {
    const { records, reader } = readAll(concat(shb(), idb(1), epb(3, [0, 0], A), epb(0, [0, 0], B)));
    expect(records).toHaveLength(1);
    expect(reader.warnings.count('unknown-interface')).toBe(1);
  });

  it('counts a block cut short at the end (a capture killed mid-write) and keeps what came before', () => {
    const file = concat(shb(), idb(1), epb(0, [0, 1], A), epb(0, [0, 2], B));
    const { records, reader } = readAll(file.subarray(0, file.byteLength - 6));
    expect(records).toHaveLength(1);
    expect(reader.warnings.list()[0]).toMatchObject({ kind: 'truncated-end', count: 1 });
  });
});

describe('not a capture', () => {
  it('says what the file is instead', () => {
    expect(errorOf(() => readAll(new Uint8Array(0))).message).toBe('The file is empty. (at byte offset 0)');
    expect(errorOf(() => readAll(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]))).message).toMatch(/gzip-compressed/);
    expect(errorOf(() => readAll(new TextEncoderLike('hello, this is a text file').bytes)).message).toMatch(/starts with 68 65 6c 6c/);
    expect(errorOf(() => readAll(Uint8Array.from([0xd4, 0xc3]))).message).toMatch(/too short to be a capture \(2 bytes\)/);
  });

  it('keeps failing with the same error after the first one', () => {
    const reader = new CaptureReader(() => {});
    const bad = Uint8Array.from('not a capture file at all!!'.split('').map((c) => c.charCodeAt(0)));
    const first = errorOf(() => reader.push(bad));
    expect(errorOf(() => reader.push(bad))).toBe(first);
  });
});

class TextEncoderLike {
  readonly bytes: Uint8Array;
  constructor(text: string) {
    this.bytes = Uint8Array.from(text.split('').map((c) => c.charCodeAt(0)));
  }
}
