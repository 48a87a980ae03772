/** Clean synthetic streams in every format (and a seeded PRNG), for the decoder tests and scripts/bench-decoders.mjs. */
import { asciiBytes } from '../bytes';
import { encodeGdl90Frame, joinGdl90Frames } from '../gdl90Frame';
import { Gdl90Id, encodeGeometricAltitude, encodeHeartbeat, encodeReport } from '../gdl90Messages';
import { encodeIperf2 } from '../iperf2';
import { writeIperf3 } from '../iperf3';
import { encodeMavlink } from '../mavlink';
import { encodeTsPacket } from '../mpegts';
import { withNmeaChecksum } from '../nmea';
import { encodeRtp } from '../rtp';
import { encodeSeq } from '../sequenceField';
import type { FormatName } from '../types';

/** The i-th datagram of a clean stream in `format` (i from 0), sent at 1 ms per packet from a fixed epoch. */
export function sampleDatagram(format: FormatName, i: number): Uint8Array {
  const sendMs = 1_750_000_000_000 + i;
  switch (format) {
    case 'iperf2':
      return encodeIperf2({ id: i + 1, sendMs, idBits: 64 }, 1470)!;
    case 'iperf3': {
      const b = new Uint8Array(1448);
      writeIperf3(b, i + 1, 7000_000 + i, 64);
      return b;
    }
    case 'rtp':
      return encodeRtp({ sequence: (30_000 + i) & 0xffff, timestamp: i * 160, ssrc: 0x1234abcd, payloadType: 0 }, 172)!;
    case 'mavlink':
      return encodeMavlink({ version: 2, seq: i & 0xff, sysid: 1, compid: 1, msgid: 0, payload: Uint8Array.of(0, 0, 0, 0, 2, 3, 0x51, 3, 3) });
    case 'mpegts': {
      const out = new Uint8Array(7 * 188);
      for (let k = 0; k < 7; k++) out.set(encodeTsPacket(0x100, (i * 7 + k) & 15), k * 188);
      return out;
    }
    case 'gdl90':
      return joinGdl90Frames([
        encodeGdl90Frame(encodeHeartbeat({ gpsPositionValid: true, uatInitialized: true, utcOk: true, secondsSinceMidnight: (43_200 + i) % 86_400 })),
        encodeGdl90Frame(encodeReport(Gdl90Id.ownship, { latitude: 47.5, longitude: -122.3, altitudeFt: 3000, horizontalVelocityKt: 110, trackDeg: 90, callsign: 'N123GS' })),
        encodeGdl90Frame(encodeGeometricAltitude({ altitudeFt: 3100, vfomM: 10 })),
      ]);
    case 'nmea':
      return asciiBytes(`${withNmeaChecksum(`$GPRMC,1200${String(i % 60).padStart(2, '0')}.00,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W`)}\r\n`);
    case 'seq':
      return encodeSeq(i, sendMs * 1000, 64)!;
    default:
      return Uint8Array.from({ length: 100 }, (_, k) => (k * 31 + i * 7) & 0xff);
  }
}

/** n datagrams of a clean stream. */
export function sampleStream(format: FormatName, n: number, from = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, k) => sampleDatagram(format, from + k));
}

/** Every format with a synthetic stream. */
export const SAMPLE_FORMATS: Exclude<FormatName, 'field' | 'none'>[] = ['iperf2', 'iperf3', 'rtp', 'mavlink', 'mpegts', 'gdl90', 'nmea', 'seq'];

/** A seeded PRNG (mulberry32) so that fuzz failures reproduce. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
