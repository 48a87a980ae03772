/**
 * iperf 2 UDP datagrams (iperf 2.1.8 include/payloads.h `struct UDP_datagram`, src/Server.cpp
 * `ReadPacketID`): big-endian id (low 32 bits), tv_sec, tv_usec, id2 (high 32 bits in 64-bit mode),
 * then the client header whose flags word (offset 16) carries HEADER_SEQNO64B when ids are 64-bit.
 * The end of a test is a datagram with a negative id, repeated with ever more negative ids.
 */
import { putU32be, u32be, utcClock } from './bytes';
import { JitterMeter, LossCounter } from './lossCounter';
import { applyArrival, counterStats } from './sequenceField';
import { PacketFlags, newVerdict, resetVerdict, type DecodeStats, type PacketVerdict, type StreamDecoder } from './types';

/** Client header flag (payloads.h) telling the server that id2 holds the id's high 32 bits. */
export const HEADER_SEQNO64B = 0x08000000;
/** Bytes a 32-bit iperf 2 datagram needs: id, tv_sec, tv_usec. */
export const IPERF2_MIN_32 = 12;
/** Bytes a 64-bit iperf 2 datagram needs: id2 follows tv_usec. */
export const IPERF2_MIN_64 = 16;
/** Bytes the encoder needs to write the 64-bit flag too. */
export const IPERF2_MIN_64_FLAGGED = 20;

/** How wide ids are: as iperf's server decides (from the flag), or fixed by the user. */
export type IdBits = 32 | 64 | 'auto';

/** One decoded iperf 2 datagram. */
export interface Iperf2Datagram {
  /** The id, made positive for the end-of-test datagram (as iperf's server does). */
  id: number;
  /** True for an end-of-test datagram (negative id on the wire). */
  final: boolean;
  sendSec: number;
  sendUsec: number;
  idBits: 32 | 64;
}

/** Reads iperf 2's id width the way the 2.1.8 server does: 64-bit iff HEADER_SEQNO64B is set at offset 16. */
export function iperf2IdBits(payload: Uint8Array): 32 | 64 {
  return payload.length >= IPERF2_MIN_64_FLAGGED && (u32be(payload, 16) & HEADER_SEQNO64B) !== 0 ? 64 : 32;
}

/** Decodes an iperf 2 datagram; null if it is too short. Pass `out` to avoid an allocation. */
export function decodeIperf2(payload: Uint8Array, idBits: IdBits = 'auto', out?: Iperf2Datagram): Iperf2Datagram | null {
  const bits = idBits === 'auto' ? iperf2IdBits(payload) : idBits;
  if (payload.length < (bits === 64 ? IPERF2_MIN_64 : IPERF2_MIN_32)) return null;
  const lo = u32be(payload, 0);
  let id: number;
  let final: boolean;
  if (bits === 64) {
    const hi = u32be(payload, 12);
    final = (hi & 0x80000000) !== 0;
    if (final) {
      // Two's complement of the 64-bit value, i.e. its magnitude.
      let nlo = (~lo >>> 0) + 1;
      let nhi = ~hi >>> 0;
      if (nlo === 2 ** 32) {
        nlo = 0;
        nhi += 1;
      }
      id = nhi * 2 ** 32 + nlo;
    } else {
      id = hi * 2 ** 32 + lo;
    }
  } else {
    final = (lo & 0x80000000) !== 0;
    id = final ? 2 ** 32 - lo : lo;
  }
  const d = out ?? { id: 0, final: false, sendSec: 0, sendUsec: 0, idBits: 32 };
  d.id = id;
  d.final = final;
  d.sendSec = u32be(payload, 4);
  d.sendUsec = u32be(payload, 8);
  d.idBits = bits;
  return d;
}

/** What the traffic generator puts in an iperf 2 datagram. */
export interface Iperf2Fields {
  /** Positive id (iperf starts at 1). */
  id: number;
  /** Send time, ms since the epoch (microseconds kept from the fraction). */
  sendMs: number;
  /** 64-bit ids: writes id2 and the HEADER_SEQNO64B flag so that `iperf -s` reads them as 64-bit. */
  idBits?: 32 | 64;
  /** End-of-test datagram: the id is sent negated. */
  final?: boolean;
}

/**
 * Writes an iperf 2 datagram header into `target` (the rest is left as is), so a sender can reuse one
 * buffer. Returns false if the buffer is too small or the id does not fit.
 */
export function writeIperf2(target: Uint8Array, fields: Iperf2Fields): boolean {
  const bits = fields.idBits ?? 32;
  const id = Math.floor(fields.id);
  if (!(id >= 0) || target.length < (bits === 64 ? IPERF2_MIN_64_FLAGGED : IPERF2_MIN_32)) return false;
  if (bits === 32 ? id >= 2 ** 31 : id > Number.MAX_SAFE_INTEGER) return false;
  const sec = Math.floor(fields.sendMs / 1000);
  const usec = Math.min(999_999, Math.round((fields.sendMs - sec * 1000) * 1000));
  if (bits === 64) {
    let hi = Math.floor(id / 2 ** 32);
    let lo = id - hi * 2 ** 32;
    if (fields.final) {
      // Negate the 64-bit value: ~x + 1.
      lo = (~lo >>> 0) + 1;
      hi = ~hi >>> 0;
      if (lo === 2 ** 32) {
        lo = 0;
        hi = (hi + 1) >>> 0;
      }
    }
    putU32be(target, 0, lo >>> 0);
    putU32be(target, 12, hi >>> 0);
    putU32be(target, 16, HEADER_SEQNO64B);
  } else {
    putU32be(target, 0, fields.final ? (2 ** 32 - id) >>> 0 : id);
  }
  putU32be(target, 4, sec >>> 0);
  putU32be(target, 8, usec);
  return true;
}

/** Builds an iperf 2 datagram of `size` bytes (zero-filled after the header); null if the fields do not fit. */
export function encodeIperf2(fields: Iperf2Fields, size = 1470): Uint8Array | null {
  const buf = new Uint8Array(Math.max(0, Math.floor(size)));
  return writeIperf2(buf, fields) ? buf : null;
}

/** A sentence for the packet inspector. */
export function describeIperf2(payload: Uint8Array, idBits: IdBits = 'auto'): string {
  const d = decodeIperf2(payload, idBits);
  if (!d) return `iperf2: too short (${payload.length} bytes)`;
  const sent = utcClock(d.sendSec * 1000 + d.sendUsec / 1000);
  const what = d.final ? `end-of-test datagram, id ${d.id}` : `datagram ${d.id}`;
  return `iperf2 ${what} (${d.idBits}-bit ids), sent ${sent} UTC`;
}

/**
 * Counts an iperf 2 stream as `iperf -s -u` 2.1.8 does (see lossCounter.ts: the same Total, and the
 * same Lost unless datagrams were duplicated, which iperf takes off its loss), plus what iperf does
 * not show: duplicates apart from late packets, and the ids skipped at each jump.
 */
export class Iperf2StreamDecoder implements StreamDecoder {
  readonly format = 'iperf2' as const;
  private readonly counter = new LossCounter({ firstExpected: 1, convention: 'iperf2' });
  private readonly jitter = new JitterMeter();
  private readonly verdict = newVerdict('iperf2');
  private readonly scratch: Iperf2Datagram = { id: 0, final: false, sendSec: 0, sendUsec: 0, idBits: 32 };
  private bits: 32 | 64 | null;
  private ended = false;
  private endSendMs = 0;
  private malformed = 0;
  private ignoredZero = 0;
  private afterEnd = 0;
  private runs = 0;

  /** idBits: 'auto' decides from the first datagram, as the iperf server does. */
  constructor(private readonly idBits: IdBits = 'auto') {
    this.bits = idBits === 'auto' ? null : idBits;
  }

  /** Counts one datagram. */
  onPayload(payload: Uint8Array, arrivalMs: number): PacketVerdict {
    const v = resetVerdict(this.verdict, 'iperf2');
    if (this.bits === null && payload.length >= IPERF2_MIN_32) this.bits = iperf2IdBits(payload);
    const d = decodeIperf2(payload, this.bits ?? 32, this.scratch);
    if (!d) {
      this.malformed += 1;
      v.flags |= PacketFlags.malformed;
      return v;
    }
    const sendMs = d.sendSec * 1000 + d.sendUsec / 1000;
    if (this.ended) {
      // A datagram sent after the end-of-test one is a new run; anything older is what iperf ignores.
      if (!d.final && sendMs > this.endSendMs) {
        this.ended = false;
        this.counter.restart();
        this.jitter.reset();
        this.runs += 1;
        v.flags |= PacketFlags.restart;
        v.restart = 'new-run';
      } else {
        this.afterEnd += 1;
        v.flags |= PacketFlags.afterEnd;
        v.sequence = d.id;
        return v;
      }
    }
    if (d.id === 0) {
      this.ignoredZero += 1;
      v.flags |= PacketFlags.ignored;
      v.sequence = 0;
      return v;
    }
    if (d.final) {
      this.ended = true;
      this.endSendMs = sendMs;
      v.flags |= PacketFlags.final;
    }
    applyArrival(v, this.counter, this.counter.add(d.id));
    this.jitter.add(arrivalMs, sendMs);
    return v;
  }

  /** A sentence for the packet inspector. */
  describe(payload: Uint8Array): string {
    return describeIperf2(payload, this.bits ?? this.idBits);
  }

  /** Totals comparable with iperf's server report. */
  stats(): DecodeStats {
    const c = this.counter;
    const notes = ['Total as iperf 2.1.8 prints it (the highest id); Lost = Total − distinct ids received, iperf\u2019s Lost unless datagrams were duplicated.'];
    if (c.iperfLost !== c.lost) notes.push(`iperf -s would print ${c.iperfLost}/${c.expected}: it takes each of the ${c.duplicates} duplicated datagrams off its loss.`);
    if (this.bits) notes.push(`${this.bits}-bit ids.`);
    if (this.ended) notes.push('The sender ended the test (end-of-test datagram received).');
    if (this.afterEnd) notes.push(`${this.afterEnd} datagrams after the end of the test were not counted (end-of-test repeats or late datagrams), as iperf does.`);
    if (this.runs) notes.push(`The sender started ${this.runs} new run(s); totals add them up.`);
    if (this.ignoredZero) notes.push(`${this.ignoredZero} datagrams with id 0 were ignored, as iperf does.`);
    if (this.malformed) notes.push(`${this.malformed} datagrams were too short for iperf 2.`);
    return counterStats('iperf2', c, this.jitter.jitterMs, notes);
  }
}
