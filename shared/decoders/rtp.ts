/**
 * RTP (RFC 3550 §5.1): V(2) P X CC | M PT | sequence (u16) | timestamp (u32) | SSRC | CSRC list,
 * counted per SSRC with the extended sequence number cycles<<16 | max_seq (appendix A.1).
 */
import { hex32, putU32be, u16be, u32be } from './bytes';
import { Arrival, JitterMeter, LossCounter, sumLossCounts } from './lossCounter';
import { applyArrival, counterStats } from './sequenceField';
import { PacketFlags, newVerdict, resetVerdict, type DecodeStats, type PacketVerdict, type StreamDecoder } from './types';

/** One decoded RTP header. */
export interface RtpHeader {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** Bytes before the payload: 12 + 4 × CSRC count + the extension, if any. */
  headerLength: number;
  /** Payload bytes after removing the header and the padding. */
  payloadLength: number;
}

/** RFC 5761 §4: a second byte of 192–223 (marker set, PT 64–95) is RTCP sharing the port, not RTP. */
export function isRtcp(payload: Uint8Array): boolean {
  return payload.length >= 8 && payload[0]! >> 6 === 2 && payload[1]! >= 192 && payload[1]! <= 223;
}

/** Decodes an RTP header; null unless it is version 2 and every length it states fits. */
export function decodeRtp(payload: Uint8Array, out?: RtpHeader): RtpHeader | null {
  if (payload.length < 12) return null;
  const b0 = payload[0]!;
  if (b0 >> 6 !== 2) return null;
  const csrcCount = b0 & 0x0f;
  let headerLength = 12 + 4 * csrcCount;
  const extension = (b0 & 0x10) !== 0;
  if (extension) {
    if (payload.length < headerLength + 4) return null;
    headerLength += 4 + 4 * u16be(payload, headerLength + 2);
  }
  if (payload.length < headerLength) return null;
  const padding = (b0 & 0x20) !== 0;
  let payloadLength = payload.length - headerLength;
  if (padding) {
    const pad = payload[payload.length - 1]!;
    if (pad === 0 || pad > payloadLength) return null;
    payloadLength -= pad;
  }
  const h = out ?? ({} as RtpHeader);
  h.version = 2;
  h.padding = padding;
  h.extension = extension;
  h.csrcCount = csrcCount;
  h.marker = (payload[1]! & 0x80) !== 0;
  h.payloadType = payload[1]! & 0x7f;
  h.sequence = u16be(payload, 2);
  h.timestamp = u32be(payload, 4);
  h.ssrc = u32be(payload, 8);
  h.headerLength = headerLength;
  h.payloadLength = payloadLength;
  return h;
}

/** What the traffic generator puts in an RTP header. */
export interface RtpFields {
  sequence: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
  marker?: boolean;
}

/** Writes a 12-byte RTP header (no CSRC, extension or padding) into target; false if it does not fit. */
export function writeRtp(target: Uint8Array, f: RtpFields): boolean {
  if (target.length < 12) return false;
  target[0] = 0x80;
  target[1] = (f.marker ? 0x80 : 0) | (f.payloadType & 0x7f);
  target[2] = (f.sequence >>> 8) & 0xff;
  target[3] = f.sequence & 0xff;
  putU32be(target, 4, f.timestamp >>> 0);
  putU32be(target, 8, f.ssrc >>> 0);
  return true;
}

/** Builds an RTP packet of `size` bytes (header + zero payload). */
export function encodeRtp(f: RtpFields, size = 172): Uint8Array | null {
  const b = new Uint8Array(Math.max(0, Math.floor(size)));
  return writeRtp(b, f) ? b : null;
}

/** RTP clock rates of the static payload types (RFC 3551 tables 4 and 5); dynamic types (96–127) need the user's. */
export function staticClockRate(payloadType: number): number | null {
  if (payloadType === 6) return 16_000;
  if (payloadType === 10 || payloadType === 11) return 44_100;
  if (payloadType === 16) return 11_025;
  if (payloadType === 17) return 22_050;
  if (payloadType === 14 || payloadType === 25 || payloadType === 26 || payloadType === 28 || (payloadType >= 31 && payloadType <= 34)) return 90_000;
  if (payloadType <= 18 && payloadType !== 1 && payloadType !== 2) return 8_000;
  return null;
}

/** A sentence for the packet inspector, e.g. 'RTP PT 96 seq 123 ssrc 0x1234abcd'. */
export function describeRtp(payload: Uint8Array): string {
  if (isRtcp(payload)) return `RTCP packet type ${payload[1]!}`;
  const h = decodeRtp(payload);
  if (!h) return payload.length >= 1 && payload[0]! >> 6 !== 2 ? `not RTP (version ${payload[0]! >> 6})` : `RTP: truncated (${payload.length} bytes)`;
  const extra = [h.marker ? 'marker' : '', h.csrcCount ? `${h.csrcCount} CSRC` : '', h.extension ? 'extension' : '', h.padding ? 'padding' : ''].filter(Boolean);
  return `RTP PT ${h.payloadType} seq ${h.sequence} ssrc ${hex32(h.ssrc)} ts ${h.timestamp}${extra.length ? `, ${extra.join(', ')}` : ''}, ${h.payloadLength}-byte payload`;
}

/** RFC 3550 A.1 limits. */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const SEQ_MOD = 65536;
/** Sources tracked at most; more SSRCs on one port are noted and ignored. */
export const MAX_SOURCES = 64;

/** Outcome of RtpSource.update beyond the Arrival kinds. */
const IGNORED = -1;
const RESTARTED = -2;

/**
 * One SSRC: RFC 3550 A.1 sequence tracking feeding a LossCounter, and A.8 jitter. A.1's probation
 * (two sequential packets before a source counts) is not applied: like iperf, Gapscope counts from
 * the first packet; its resync rule is, with the outage exception in update().
 */
class RtpSource {
  readonly counter = new LossCounter();
  readonly jitter = new JitterMeter();
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = -1;
  private lastExt = 0;
  private lastTs = 0;
  private extTs = 0;
  private tsPerSeq = 0;
  private started = false;
  restarted = false;

  constructor(private readonly clockRate: number | null) {}

  /** Counts one packet; returns an Arrival kind, IGNORED (held back by the resync rule) or RESTARTED. */
  update(seq: number, ts: number, arrivalMs: number): number {
    this.restarted = false;
    if (!this.started) return this.begin(seq, ts, arrivalMs);
    const udelta = (seq - this.maxSeq) & 0xffff;
    let ext: number;
    if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += SEQ_MOD;
      this.maxSeq = seq;
      ext = this.cycles + seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      // A very large jump. A.1 holds the packet back and restarts on the next sequential one, which
      // would hide a long outage; when the RTP timestamp moved in step with the sequence number the
      // sender kept running, so it is counted as loss instead.
      const tsDelta = (ts - this.lastTs) | 0;
      const predicted = udelta * this.tsPerSeq;
      if (this.tsPerSeq > 0 && tsDelta > 0 && Math.abs(tsDelta - predicted) <= 0.25 * predicted) {
        if (this.maxSeq + udelta >= SEQ_MOD) this.cycles += SEQ_MOD;
        this.maxSeq = seq;
        ext = this.cycles + seq;
      } else if (seq === this.badSeq) {
        this.counter.restart();
        this.jitter.reset();
        this.tsPerSeq = 0;
        this.begin(seq, ts, arrivalMs);
        this.restarted = true;
        return RESTARTED;
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        return IGNORED;
      }
    } else {
      // Duplicate or late (within MAX_MISORDER).
      ext = this.cycles + seq - (seq > this.maxSeq ? SEQ_MOD : 0);
    }
    const kind = this.counter.add(ext);
    this.track(ext, ts, arrivalMs, kind);
    return kind;
  }

  private begin(seq: number, ts: number, arrivalMs: number): number {
    this.started = true;
    this.maxSeq = seq;
    this.cycles = 0;
    this.badSeq = -1;
    this.lastExt = seq;
    this.lastTs = ts;
    this.extTs = ts;
    const kind = this.counter.add(seq);
    if (this.clockRate) this.jitter.add(arrivalMs, (this.extTs / this.clockRate) * 1000);
    return kind;
  }

  private track(ext: number, ts: number, arrivalMs: number, kind: number): void {
    this.extTs += (ts - this.lastTs) | 0;
    if (kind === Arrival.inOrder || kind === Arrival.jump) {
      const step = ext - this.lastExt;
      const tsStep = (ts - this.lastTs) | 0;
      if (step > 0 && tsStep >= 0) this.tsPerSeq = this.tsPerSeq === 0 ? tsStep / step : this.tsPerSeq + (tsStep / step - this.tsPerSeq) / 16;
      this.lastExt = ext;
    }
    this.lastTs = ts;
    if (this.clockRate) this.jitter.add(arrivalMs, (this.extTs / this.clockRate) * 1000);
  }
}

/** Options for RTP streams. */
export interface RtpOptions {
  /** Clock rate (Hz) for jitter with a dynamic payload type; static types use RFC 3551's. */
  clockRate?: number;
}

/** Counts an RTP stream per SSRC; totals add up all sources. */
export class RtpStreamDecoder implements StreamDecoder {
  readonly format = 'rtp' as const;
  private readonly sources = new Map<number, RtpSource>();
  private readonly verdict = newVerdict('RTP');
  private readonly scratch = {} as RtpHeader;
  private malformed = 0;
  private rtcp = 0;
  private ignored = 0;
  private restarts = 0;
  private ssrcChanges = 0;
  private tooMany = 0;
  private noClock = false;

  constructor(private readonly options: RtpOptions = {}) {}

  /** Counts one packet. */
  onPayload(payload: Uint8Array, arrivalMs: number): PacketVerdict {
    const v = resetVerdict(this.verdict, 'RTP');
    if (isRtcp(payload)) {
      this.rtcp += 1;
      v.kind = 'RTCP';
      v.flags |= PacketFlags.ignored;
      return v;
    }
    const h = decodeRtp(payload, this.scratch);
    if (!h) {
      this.malformed += 1;
      v.flags |= PacketFlags.malformed;
      return v;
    }
    let source = this.sources.get(h.ssrc);
    // A new SSRC once another has been heard: the sender started a new session (RFC 3550 §8.2 picks a new SSRC on restart).
    const newSsrc = !source && this.sources.size > 0;
    if (!source) {
      if (this.sources.size >= MAX_SOURCES) {
        this.tooMany += 1;
        v.flags |= PacketFlags.ignored;
        return v;
      }
      const clock = this.options.clockRate ?? staticClockRate(h.payloadType);
      if (!clock) this.noClock = true;
      source = new RtpSource(clock);
      this.sources.set(h.ssrc, source);
    }
    const kind = source.update(h.sequence, h.timestamp, arrivalMs);
    if (kind === IGNORED) {
      this.ignored += 1;
      v.flags |= PacketFlags.ignored;
      v.sequence = h.sequence;
      return v;
    }
    if (kind === RESTARTED) {
      this.restarts += 1;
      v.flags |= PacketFlags.restart;
      v.restart = 'sequence';
      v.sequence = source.counter.lastId;
    } else applyArrival(v, source.counter, kind);
    if (newSsrc) {
      this.ssrcChanges += 1;
      v.flags |= PacketFlags.restart;
      v.restart = 'ssrc';
    }
    return v;
  }

  /** A sentence for the packet inspector. */
  describe(payload: Uint8Array): string {
    return describeRtp(payload);
  }

  /** Totals over all SSRCs; jitter is the busiest source's. */
  stats(): DecodeStats {
    const totals = sumLossCounts([...this.sources.values()].map((s) => s.counter));
    let busiest: RtpSource | null = null;
    for (const s of this.sources.values()) if (!busiest || s.counter.received > busiest.counter.received) busiest = s;
    const notes = ['Counted per SSRC from its first packet (extended sequence, RFC 3550 A.1); Lost = expected − distinct sequence numbers received.'];
    if (this.sources.size > 1) notes.push(`${this.sources.size} SSRCs; totals add them up, jitter is the busiest one's.`);
    if (this.noClock && this.options.clockRate === undefined) notes.push('Dynamic payload type: give its clock rate for jitter.');
    if (this.restarts) notes.push(`${this.restarts} sequence restart(s) (RFC 3550 A.1 resync): counting began again.`);
    if (this.ssrcChanges) notes.push(`A new SSRC appeared ${this.ssrcChanges} time(s) after another: the sender started a new session (a restart); each SSRC is counted on its own.`);
    if (this.ignored) notes.push(`${this.ignored} packets after a very large sequence jump were held back by the resync rule.`);
    if (this.rtcp) notes.push(`${this.rtcp} RTCP packets on the same port were not counted.`);
    if (this.tooMany) notes.push(`More than ${MAX_SOURCES} SSRCs: ${this.tooMany} packets of further sources were not counted.`);
    if (this.malformed) notes.push(`${this.malformed} packets were not valid RTP.`);
    return counterStats('rtp', totals, busiest?.jitter.jitterMs ?? null, notes);
  }
}
