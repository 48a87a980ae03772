/**
 * iperf 3 UDP datagrams (esnet/iperf src/iperf_udp.c): big-endian sec, usec, then the packet count,
 * u32 or u64 with --udp-counters-64bit. iperf 3.12 stamps a monotonic clock (seconds since boot, not
 * the epoch) — fine for jitter, which only uses differences. Before the data, the client sends a
 * 4-byte "9876" datagram (UDP_CONNECT_MSG) that is not part of the count.
 */
import { putU32be, u32be } from './bytes';
import { JitterMeter, LossCounter } from './lossCounter';
import { applyArrival, counterStats } from './sequenceField';
import { PacketFlags, newVerdict, resetVerdict, type DecodeStats, type PacketVerdict, type StreamDecoder } from './types';

/** iperf 3's UDP hello ("9876" in ASCII), sent once before the data. */
export const IPERF3_CONNECT_MSG = 0x39383736;

/** Width of iperf 3's packet count, or decide from the first datagram. */
export type CountBits = 32 | 64 | 'auto';

/** One decoded iperf 3 datagram. */
export interface Iperf3Datagram {
  sendSec: number;
  sendUsec: number;
  count: number;
  countBits: 32 | 64;
}

/**
 * iperf 3 counts start at 1, so a 32-bit count is never 0 at offset 8, while a 64-bit count has 0 there
 * until 2^32 packets: that tells the two layouts apart.
 */
export function iperf3CountBits(payload: Uint8Array): 32 | 64 {
  return payload.length >= 16 && u32be(payload, 8) === 0 ? 64 : 32;
}

/** Decodes an iperf 3 datagram; null if too short. */
export function decodeIperf3(payload: Uint8Array, countBits: CountBits = 'auto', out?: Iperf3Datagram): Iperf3Datagram | null {
  const bits = countBits === 'auto' ? iperf3CountBits(payload) : countBits;
  if (payload.length < (bits === 64 ? 16 : 12)) return null;
  const d = out ?? { sendSec: 0, sendUsec: 0, count: 0, countBits: 32 };
  d.sendSec = u32be(payload, 0);
  d.sendUsec = u32be(payload, 4);
  d.count = bits === 64 ? u32be(payload, 8) * 2 ** 32 + u32be(payload, 12) : u32be(payload, 8);
  d.countBits = bits;
  return d;
}

/** Writes an iperf 3 header (for tests and a future generator mode); false if it does not fit. */
export function writeIperf3(target: Uint8Array, count: number, sendMs: number, countBits: 32 | 64 = 32): boolean {
  if (target.length < (countBits === 64 ? 16 : 12) || !(count >= 0) || (countBits === 32 && count >= 2 ** 32)) return false;
  const sec = Math.floor(sendMs / 1000);
  putU32be(target, 0, sec >>> 0);
  putU32be(target, 4, Math.min(999_999, Math.round((sendMs - sec * 1000) * 1000)));
  if (countBits === 64) {
    const hi = Math.floor(count / 2 ** 32);
    putU32be(target, 8, hi >>> 0);
    putU32be(target, 12, (count - hi * 2 ** 32) >>> 0);
  } else putU32be(target, 8, count >>> 0);
  return true;
}

/** A sentence for the packet inspector. */
export function describeIperf3(payload: Uint8Array, countBits: CountBits = 'auto'): string {
  if (payload.length === 4 && u32be(payload, 0) === IPERF3_CONNECT_MSG) return 'iperf3 UDP hello ("9876")';
  const d = decodeIperf3(payload, countBits);
  if (!d) return `iperf3: too short (${payload.length} bytes)`;
  return `iperf3 datagram ${d.count} (${d.countBits}-bit count), sender clock ${d.sendSec}.${String(d.sendUsec).padStart(6, '0')} s`;
}

/** Counts an iperf 3 stream as iperf3's receiver does, except that a duplicate hides no loss (see lossCounter.ts). */
export class Iperf3StreamDecoder implements StreamDecoder {
  readonly format = 'iperf3' as const;
  private readonly counter = new LossCounter({ firstExpected: 1, convention: 'iperf3' });
  private readonly jitter = new JitterMeter();
  private readonly verdict = newVerdict('iperf3');
  private readonly scratch: Iperf3Datagram = { sendSec: 0, sendUsec: 0, count: 0, countBits: 32 };
  private bits: 32 | 64 | null;
  private malformed = 0;

  /** countBits: 'auto' decides from the first data datagram. */
  constructor(private readonly countBits: CountBits = 'auto') {
    this.bits = countBits === 'auto' ? null : countBits;
  }

  /** Counts one datagram. */
  onPayload(payload: Uint8Array, arrivalMs: number): PacketVerdict {
    const v = resetVerdict(this.verdict, 'iperf3');
    if (payload.length === 4 && u32be(payload, 0) === IPERF3_CONNECT_MSG) {
      v.flags |= PacketFlags.ignored;
      return v;
    }
    if (this.bits === null && payload.length >= 12) this.bits = iperf3CountBits(payload);
    const d = decodeIperf3(payload, this.bits ?? 32, this.scratch);
    if (!d) {
      this.malformed += 1;
      v.flags |= PacketFlags.malformed;
      return v;
    }
    applyArrival(v, this.counter, this.counter.add(d.count));
    this.jitter.add(arrivalMs, d.sendSec * 1000 + d.sendUsec / 1000);
    return v;
  }

  /** A sentence for the packet inspector. */
  describe(payload: Uint8Array): string {
    return describeIperf3(payload, this.bits ?? this.countBits);
  }

  /** Totals comparable with iperf 3's receiver. */
  stats(): DecodeStats {
    const c = this.counter;
    const notes = ['Total as iperf 3 counts it; Lost = Total − distinct packet counts received, iperf 3\u2019s Lost unless packets were duplicated.'];
    if (c.iperfLost !== c.lost) notes.push(`iperf3 would report ${c.iperfLost}/${c.expected} lost: it takes a duplicated packet off the loss counted so far (${c.duplicates} duplicates).`);
    if (this.bits) notes.push(`${this.bits}-bit packet count.`);
    if (this.malformed) notes.push(`${this.malformed} datagrams were too short for iperf 3.`);
    return counterStats('iperf3', c, this.jitter.jitterMs, notes);
  }
}
