/**
 * Two ways to count a stream Gapscope has no decoder for: a sequence field the user points at
 * (offset, width, byte order; `--decode seq:OFFSET:WIDTH:be|le`), and Gapscope's own generator
 * format 'seq' (u64 big-endian sequence at 0, u64 big-endian send time in µs since the epoch at 8).
 */
import { putU64be, u32be, u64be, utcClock } from './bytes';
import { Arrival, JitterMeter, LossCounter, type LossTotals } from './lossCounter';
import { PacketFlags, newVerdict, resetVerdict, type DecodeStats, type PacketVerdict, type StreamDecoder } from './types';

/** Where a user-defined sequence number sits in the payload. */
export interface SequenceFieldSpec {
  offset: number;
  width: 8 | 16 | 32 | 64;
  endian: 'be' | 'le';
}

/** Parses 'seq:OFFSET:WIDTH:be|le' (the CLI's syntax); null if malformed. */
export function parseSequenceField(text: string): SequenceFieldSpec | null {
  const m = /^seq:(\d{1,5}):(8|16|32|64):(be|le)$/i.exec(text.trim());
  if (!m) return null;
  return { offset: Number(m[1]), width: Number(m[2]) as SequenceFieldSpec['width'], endian: m[3]!.toLowerCase() as 'be' | 'le' };
}

/** Reads the field; null if the payload is too short. 64-bit values are exact below 2^53. */
export function readSequenceField(payload: Uint8Array, spec: SequenceFieldSpec): number | null {
  const bytes = spec.width / 8;
  const o = spec.offset;
  if (o < 0 || o + bytes > payload.length) return null;
  if (spec.endian === 'be') {
    if (bytes === 1) return payload[o]!;
    if (bytes === 2) return (payload[o]! << 8) | payload[o + 1]!;
    if (bytes === 4) return u32be(payload, o);
    return u64be(payload, o);
  }
  let v = 0;
  for (let i = bytes - 1; i >= 0; i--) v = v * 256 + payload[o + i]!;
  return v;
}

/** Writes a value into the field (for tests and the generator's patterns); false if it does not fit. */
export function writeSequenceField(target: Uint8Array, spec: SequenceFieldSpec, value: number): boolean {
  const bytes = spec.width / 8;
  if (spec.offset < 0 || spec.offset + bytes > target.length || !(value >= 0)) return false;
  let v = spec.width === 64 ? value : value % 2 ** spec.width;
  for (let i = 0; i < bytes; i++) {
    const b = v % 256;
    target[spec.endian === 'be' ? spec.offset + bytes - 1 - i : spec.offset + i] = b;
    v = (v - b) / 256;
  }
  return true;
}

/** Counts a stream by a user-defined sequence field, which wraps at its width. */
export class SequenceFieldStreamDecoder implements StreamDecoder {
  readonly format = 'field' as const;
  private readonly counter: LossCounter;
  private readonly verdict = newVerdict('sequence field');
  private short = 0;

  constructor(private readonly spec: SequenceFieldSpec) {
    this.counter = new LossCounter({ bits: spec.width });
  }

  /** Counts one packet. */
  onPayload(payload: Uint8Array, _arrivalMs: number): PacketVerdict {
    const v = resetVerdict(this.verdict, 'sequence field');
    const seq = readSequenceField(payload, this.spec);
    if (seq === null) {
      this.short += 1;
      v.flags |= PacketFlags.malformed;
      return v;
    }
    applyArrival(v, this.counter, this.counter.add(seq));
    return v;
  }

  /** A sentence for the packet inspector. */
  describe(payload: Uint8Array): string {
    const seq = readSequenceField(payload, this.spec);
    const where = `${this.spec.width}-bit ${this.spec.endian.toUpperCase()} at offset ${this.spec.offset}`;
    return seq === null ? `sequence field (${where}): payload too short` : `sequence ${seq} (${where})`;
  }

  /** Totals counted from the field's first value. */
  stats(): DecodeStats {
    const notes = [`Counted from the first value of the ${this.spec.width}-bit field at offset ${this.spec.offset}; Lost = expected − distinct values received.`];
    if (this.spec.width < 53) notes.push(`The field wraps every ${2 ** this.spec.width} packets; a jump of half of that or more reads as late, so losses are lower bounds.`);
    if (this.short) notes.push(`${this.short} payloads were too short for the field.`);
    return counterStats('field', this.counter, null, notes);
  }
}

/** Bytes of the 'seq' header. */
export const SEQ_HEADER = 16;

/** Writes the 'seq' header: sequence (u64 BE) and send time in µs since the epoch (u64 BE). */
export function writeSeq(target: Uint8Array, sequence: number, sendUs: number): boolean {
  if (target.length < SEQ_HEADER || !(sequence >= 0) || !(sendUs >= 0)) return false;
  putU64be(target, 0, Math.floor(sequence));
  putU64be(target, 8, Math.floor(sendUs));
  return true;
}

/** Builds a 'seq' datagram of `size` bytes. */
export function encodeSeq(sequence: number, sendUs: number, size = 64): Uint8Array | null {
  const b = new Uint8Array(Math.max(0, Math.floor(size)));
  return writeSeq(b, sequence, sendUs) ? b : null;
}

/** Reads the 'seq' header; null if too short. */
export function decodeSeq(payload: Uint8Array): { sequence: number; sendUs: number } | null {
  if (payload.length < SEQ_HEADER) return null;
  return { sequence: u64be(payload, 0), sendUs: u64be(payload, 8) };
}

/** Counts Gapscope's own 'seq' stream, with jitter from its send times. */
export class SeqStreamDecoder implements StreamDecoder {
  readonly format = 'seq' as const;
  private readonly counter = new LossCounter();
  private readonly jitter = new JitterMeter();
  private readonly verdict = newVerdict('seq');
  private short = 0;

  /** Counts one packet. */
  onPayload(payload: Uint8Array, arrivalMs: number): PacketVerdict {
    const v = resetVerdict(this.verdict, 'seq');
    if (payload.length < SEQ_HEADER) {
      this.short += 1;
      v.flags |= PacketFlags.malformed;
      return v;
    }
    applyArrival(v, this.counter, this.counter.add(u64be(payload, 0)));
    this.jitter.add(arrivalMs, u64be(payload, 8) / 1000);
    return v;
  }

  /** A sentence for the packet inspector. */
  describe(payload: Uint8Array): string {
    const d = decodeSeq(payload);
    return d ? `Gapscope seq ${d.sequence}, sent ${utcClock(d.sendUs / 1000)} UTC` : `Gapscope seq: too short (${payload.length} bytes)`;
  }

  /** Totals counted from the first sequence number. */
  stats(): DecodeStats {
    const notes = ['Counted from the first sequence number received; Lost = expected − distinct sequence numbers received.'];
    if (this.short) notes.push(`${this.short} payloads were too short for the seq header.`);
    return counterStats('seq', this.counter, this.jitter.jitterMs, notes);
  }
}

/**
 * Files one LossCounter verdict into a PacketVerdict: every decoder with sequence numbers flags a
 * packet the same way. Skipped ids add up, for datagrams that carry several frames (MAVLink).
 */
export function applyArrival(v: PacketVerdict, counter: LossCounter, arrival: number): void {
  v.sequence = counter.lastId;
  if (arrival === Arrival.jump) {
    v.flags |= PacketFlags.gap;
    v.skipped += counter.lastSkipped;
  } else if (arrival === Arrival.restart) {
    v.flags |= PacketFlags.restart;
    v.restart = counter.lastRestart;
  } else if (arrival === Arrival.late) v.flags |= PacketFlags.reordered;
  else if (arrival === Arrival.duplicate) v.flags |= PacketFlags.duplicate;
}

/** The sentence a sequence-numbered format's notes carry about restarts: a jump of millions is said to be a restart or the wrong format, not loss. */
export function restartsNote(restarts: { sequence: number; jump: number }): string | null {
  const parts: string[] = [];
  if (restarts.sequence) parts.push(`the sequence went back to its start ${restarts.sequence} time${restarts.sequence === 1 ? '' : 's'} (the device restarted)`);
  if (restarts.jump) parts.push(`it jumped forward by a million or more in one step ${restarts.jump} time${restarts.jump === 1 ? '' : 's'} (a restart, or a payload read in the wrong format: check the format and the field's width)`);
  return parts.length ? `The count started again where ${parts.join(', and ')}; nothing was counted as lost there.` : null;
}

/** The sentence every sequence-numbered format's notes carry about duplicates. */
export function duplicatesNote(duplicates: number): string | null {
  return duplicates > 0 ? `${duplicates} packets repeated a sequence number already received: counted as received, not as new ids (Lost = expected − distinct ids).` : null;
}

/** DecodeStats from one LossCounter or the sum of several, so that every format reports alike. */
export function counterStats(format: DecodeStats['format'], c: LossTotals, jitterMs: number | null, notes: string[], crcErrors = 0): DecodeStats {
  const dup = duplicatesNote(c.duplicates);
  const restarted = c.restarts ? restartsNote(c.restarts) : null;
  if (restarted) notes = [...notes, restarted];
  return {
    format,
    received: c.received,
    expected: c.expected,
    lost: c.lost,
    duplicates: c.duplicates,
    reordered: c.reordered,
    outOfOrder: c.outOfOrder,
    jitterMs,
    crcErrors,
    notes: dup ? [...notes, dup] : notes,
  };
}
