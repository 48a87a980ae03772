import { describe, expect, it } from 'vitest';
import { FrameStatus, encodeGdl90Datagram, encodeGdl90Frame, joinGdl90Frames, splitGdl90 } from './gdl90Frame';

const ICD_MESSAGE = Uint8Array.of(0x00, 0x81, 0x41, 0xdb, 0xd0, 0x08, 0x02);

describe('GDL90 framing', () => {
  it('frames the ICD example with its CRC bytes B3 8B, low byte first', () => {
    expect([...encodeGdl90Frame(ICD_MESSAGE)]).toEqual([0x7e, 0x00, 0x81, 0x41, 0xdb, 0xd0, 0x08, 0x02, 0xb3, 0x8b, 0x7e]);
  });

  it('escapes 0x7E and 0x7D inside and unescapes them back', () => {
    const message = Uint8Array.of(0x14, 0x7e, 0x7d, 0x00, 0x7e);
    const frame = encodeGdl90Frame(message);
    expect([...frame.subarray(1, 7)]).toEqual([0x14, 0x7d, 0x5e, 0x7d, 0x5d, 0x00]);
    expect(frame.slice(1, -1).includes(0x7e)).toBe(false);
    const { frames } = splitGdl90(frame);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.status).toBe(FrameStatus.ok);
    expect([...frames[0]!.message]).toEqual([...message]);
  });

  it('finds several frames in one datagram, with or without a shared flag', () => {
    const a = encodeGdl90Frame(ICD_MESSAGE);
    const b = encodeGdl90Frame(Uint8Array.of(0x0b, 0x01, 0x02, 0x00, 0x0a));
    expect(splitGdl90(joinGdl90Frames([a, b])).frames.map((f) => f.status)).toEqual([0, 0]);
    const shared = new Uint8Array([...a, ...b.subarray(1)]); // 7E a 7E b 7E
    expect(splitGdl90(shared).frames.map((f) => f.message[0])).toEqual([0x00, 0x0b]);
    expect([...encodeGdl90Datagram([ICD_MESSAGE, ICD_MESSAGE])]).toEqual([...a, ...a]);
  });

  it('reports CRC errors, mis-escapes, missing flags and junk', () => {
    const good = encodeGdl90Frame(ICD_MESSAGE);
    const flipped = good.slice();
    flipped[3] = flipped[3]! ^ 0x01;
    expect(splitGdl90(flipped).frames[0]!.status).toBe(FrameStatus.crcError);
    expect(splitGdl90(Uint8Array.of(0x7e, 0x00, 0x01, 0x7d, 0x7e)).frames[0]!.status).toBe(FrameStatus.badEscape);
    expect(splitGdl90(Uint8Array.of(0x7e, 0x00, 0x01, 0x7d)).frames[0]!.status).toBe(FrameStatus.badEscape);
    expect(splitGdl90(good.subarray(0, good.length - 1)).frames[0]!.status).toBe(FrameStatus.unterminated);
    expect(splitGdl90(Uint8Array.of(0x7e, 0x00, 0x7e)).frames[0]!.status).toBe(FrameStatus.tooShort);
    expect(splitGdl90(new Uint8Array([1, 2, ...good])).junk).toBe(2);
    expect(splitGdl90(Uint8Array.of(0x7e, 0x7e, 0x7e)).frames).toHaveLength(0);
  });

  it('reports frames longer than it unescapes', () => {
    const long = new Uint8Array(3000).fill(0x11);
    long[0] = 0x7e;
    long[2999] = 0x7e;
    expect(splitGdl90(long).frames[0]!.status).toBe(FrameStatus.tooLong);
  });
});
