// Decoders see whatever arrives on a port: random bytes, truncated and mis-escaped frames, lengths
// that point past the end. None may throw. The PRNG is seeded so that a failure reproduces; the
// failing input is printed in hex.
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect';
import { FrameStatus, encodeGdl90Frame, splitGdl90 } from './gdl90Frame';
import {
  decodeForeFlightAhrs,
  decodeForeFlightId,
  decodeGeometricAltitude,
  decodeHeartbeat,
  decodeHeightAboveTerrain,
  decodeInitialization,
  decodeReport,
  describeGdl90Message,
  GDL90_LENGTHS,
} from './gdl90Messages';
import { decodeIperf2 } from './iperf2';
import { decodeIperf3 } from './iperf3';
import { decodeMavlink, decodeMavlinkFrame } from './mavlink';
import { decodeTsPacket, isTransportStream } from './mpegts';
import { parseNmea } from './nmea';
import { decodeRtp, isRtcp } from './rtp';
import { SAMPLE_FORMATS, prng, sampleDatagram } from './testing/sampleStreams';
import { readSequenceField } from './sequenceField';
import { createDecoder, describePacket, type FormatChoice } from './streamDecoder';

const SEED = 0x6a9c0de;
const RANDOM_INPUTS = 4000;
const MUTATIONS_PER_FORMAT = 3000;

type Rng = () => number;

function randomBytes(r: Rng): Uint8Array {
  // Mostly short, sometimes up to a jumbo datagram.
  const len = r() < 0.8 ? Math.floor(r() * 64) : Math.floor(r() * 9000);
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
  // Give the random bytes a fair chance of looking like a format's start.
  if (len > 0 && r() < 0.5) b[0] = [0x7e, 0xfe, 0xfd, 0x47, 0x80, 0x24, 0x00, 0x39][Math.floor(r() * 8)]!;
  return b;
}

/** A valid datagram broken in one of the ways the field breaks them. */
function mutate(valid: Uint8Array, r: Rng): Uint8Array {
  const b = valid.slice();
  switch (Math.floor(r() * 7)) {
    case 0: // truncated
      return b.subarray(0, Math.floor(r() * b.length));
    case 1: // bytes flipped
      for (let k = 0; k < 1 + r() * 4; k++) if (b.length) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return b;
    case 2: { // a flag or escape byte dropped in (mis-escaped GDL90)
      const at = Math.floor(r() * (b.length + 1));
      const out = new Uint8Array(b.length + 1);
      out.set(b.subarray(0, at));
      out[at] = r() < 0.5 ? 0x7d : 0x7e;
      out.set(b.subarray(at), at + 1);
      return out;
    }
    case 3: // huge stated lengths: MAVLink len, RTP CSRC count and extension length
      if (b.length > 1) b[1] = 0xff;
      if (b.length > 0) b[0] = (b[0]! & 0xc0) | 0x3f;
      if (b.length > 15) b[14] = b[15] = 0xff;
      return b;
    case 4: // two datagrams glued, the second cut
      return new Uint8Array([...b, ...b.subarray(0, Math.floor(r() * b.length))]);
    case 5: // an escape at the very end
      return new Uint8Array([...b.subarray(0, Math.max(0, b.length - 1)), 0x7d]);
    default: // empty
      return new Uint8Array(0);
  }
}

const hex = (b: Uint8Array) => [...b.subarray(0, 96)].map((x) => x.toString(16).padStart(2, '0')).join('') + (b.length > 96 ? `…(${b.length} bytes)` : '');

/** Runs fn on input; on a throw, fails with the input so that it can be replayed. */
function mustNotThrow(what: string, input: Uint8Array, fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect.fail(`${what} threw ${String(e)} on ${hex(input)}`);
  }
}

function pureDecoders(p: Uint8Array, r: Rng): void {
  decodeIperf2(p);
  decodeIperf2(p, 32);
  decodeIperf2(p, 64);
  decodeIperf3(p);
  decodeIperf3(p, 64);
  decodeRtp(p);
  isRtcp(p);
  decodeMavlinkFrame(p, Math.floor(r() * (p.length + 2)) - 1);
  decodeMavlink(p);
  decodeTsPacket(p, Math.floor(r() * 400) - 1);
  isTransportStream(p);
  parseNmea(p);
  readSequenceField(p, { offset: Math.floor(r() * 20), width: ([8, 16, 32, 64] as const)[Math.floor(r() * 4)]!, endian: r() < 0.5 ? 'be' : 'le' });
  for (const { message } of splitGdl90(p).frames) {
    decodeHeartbeat(message);
    decodeReport(message);
    decodeGeometricAltitude(message);
    decodeHeightAboveTerrain(message);
    decodeInitialization(message);
    decodeForeFlightId(message);
    decodeForeFlightAhrs(message);
    describeGdl90Message(message);
  }
  // Message decoders given a length that disagrees with the buffer.
  decodeReport(p, 28);
  decodeForeFlightId(p, 39);
  describeGdl90Message(p, Math.floor(r() * 50));
}

const CHOICES: FormatChoice[] = [...SAMPLE_FORMATS, 'none', 'auto', { offset: 3, width: 64, endian: 'le' }];

describe('fuzz: nothing throws', () => {
  it(`pure decoders on ${RANDOM_INPUTS} random inputs`, () => {
    const r = prng(SEED);
    for (let i = 0; i < RANDOM_INPUTS; i++) {
      const p = randomBytes(r);
      mustNotThrow('a pure decoder', p, () => pureDecoders(p, r));
    }
  });

  it.each(CHOICES.map((c) => [typeof c === 'object' ? 'field' : c, c] as const))('%s stream decoder on random and broken datagrams', (_name, choice) => {
    const r = prng(SEED ^ 0x5bd1e995);
    const dec = createDecoder(choice, { detectAfter: 8 });
    let t = 0;
    for (let i = 0; i < RANDOM_INPUTS; i++) {
      const p = randomBytes(r);
      mustNotThrow('onPayload', p, () => dec.onPayload(p, (t += r() * 50)));
      if (i % 16 === 0) mustNotThrow('describe', p, () => dec.describe(p));
    }
    for (const format of SAMPLE_FORMATS) {
      for (let i = 0; i < MUTATIONS_PER_FORMAT / SAMPLE_FORMATS.length; i++) {
        const p = mutate(sampleDatagram(format, i), r);
        mustNotThrow('onPayload', p, () => dec.onPayload(p, (t += r() * 50)));
        if (i % 8 === 0) mustNotThrow('describe', p, () => dec.describe(p));
      }
    }
    const s = dec.stats();
    expect(s.received).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(s.lost ?? 0)).toBe(false);
  });

  it.each(SAMPLE_FORMATS)('%s: pure decoders and describePacket on broken datagrams of every format', (format) => {
    const r = prng(SEED + format.length);
    for (const source of SAMPLE_FORMATS) {
      for (let i = 0; i < 300; i++) {
        const p = mutate(sampleDatagram(source, i), r);
        mustNotThrow('a pure decoder', p, () => pureDecoders(p, r));
        mustNotThrow(`describePacket(${format})`, p, () => describePacket(format, p));
      }
    }
  });

  it('detectFormat on random and broken samples', () => {
    const r = prng(SEED + 1);
    for (let i = 0; i < 400; i++) {
      const samples = Array.from({ length: 1 + Math.floor(r() * 16) }, (_, k) =>
        r() < 0.5 ? randomBytes(r) : mutate(sampleDatagram(SAMPLE_FORMATS[Math.floor(r() * SAMPLE_FORMATS.length)]!, k), r),
      );
      mustNotThrow('detectFormat', samples[0]!, () => detectFormat(samples, Math.floor(r() * 65536)));
    }
  });

  it('mis-escaped GDL90 frames are reported, never taken for a known message', () => {
    const r = prng(SEED + 2);
    const original = Uint8Array.of(0x00, 0x81, 0x41, 0xdb, 0xd0, 0x08, 0x02);
    const good = encodeGdl90Frame(original);
    let mistaken = 0;
    for (let i = 0; i < 2000; i++) {
      const p = mutate(good, r);
      for (const f of splitGdl90(p).frames) {
        if (f.status !== FrameStatus.ok || hex(f.message) === hex(original)) continue;
        // The CRC starts at 0, so it does not see leading 0x00 bytes: a frame that lost its 0x00 id
        // (a 0x7E dropped in after it) still passes. Its id is then the status byte, and the ICD
        // length of known ids gives it away.
        const expected = GDL90_LENGTHS.get(f.message[0]!);
        if (expected === f.message.length) mistaken++;
      }
    }
    expect(mistaken).toBe(0);
  });
});
