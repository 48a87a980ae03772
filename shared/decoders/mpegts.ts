/**
 * MPEG transport stream over UDP (ISO/IEC 13818-1 §2.4.3): 188-byte packets starting 0x47, a 13-bit
 * PID and a 4-bit continuity counter per PID that counts packets carrying payload. Four bits alias:
 * 16 lost packets in a row look like none. So a jump is backed by time: the stream's packet rate,
 * measured on the sender's clock between Program Clock References (PCR, 27 MHz, §2.4.3.5) over
 * stretches without loss (or, before any PCR, from arrival times), times the PID's share of the
 * stream, says how many packets of that PID the silence before the jump held; of the counts the
 * counter allows (missing + 16k), the one nearest to that is taken.
 */
import { PacketFlags, newVerdict, resetVerdict, type DecodeStats, type PacketVerdict, type StreamDecoder } from './types';

/** Bytes per transport stream packet. */
export const TS_PACKET = 188;
/** Every packet's first byte. */
export const TS_SYNC = 0x47;
/** Null packets (stuffing): their continuity counter means nothing. */
export const TS_NULL_PID = 0x1fff;

/** One transport stream packet's header. */
export interface TsPacket {
  pid: number;
  continuityCounter: number;
  payloadUnitStart: boolean;
  transportError: boolean;
  /** adaptation_field_control: 1 payload only, 2 adaptation only, 3 both (0 reserved). */
  adaptationControl: number;
  /** The adaptation field's discontinuity_indicator: the counter may restart here. */
  discontinuity: boolean;
  /** The Program Clock Reference in 27 MHz ticks (base × 300 + extension), or -1 when the packet has none. */
  pcr: number;
}

/** PCR ticks per second. */
export const PCR_HZ = 27_000_000;

/** Decodes the packet header at payload[offset]; null if there is no whole packet or no sync byte. */
export function decodeTsPacket(payload: Uint8Array, offset = 0, out?: TsPacket): TsPacket | null {
  if (offset < 0 || offset + TS_PACKET > payload.length || payload[offset] !== TS_SYNC) return null;
  const b1 = payload[offset + 1]!;
  const b3 = payload[offset + 3]!;
  const p = out ?? ({} as TsPacket);
  p.transportError = (b1 & 0x80) !== 0;
  p.payloadUnitStart = (b1 & 0x40) !== 0;
  p.pid = ((b1 & 0x1f) << 8) | payload[offset + 2]!;
  p.adaptationControl = (b3 >> 4) & 3;
  p.continuityCounter = b3 & 0x0f;
  const afLength = (p.adaptationControl & 2) !== 0 ? payload[offset + 4]! : 0;
  p.discontinuity = afLength > 0 && (payload[offset + 5]! & 0x80) !== 0;
  p.pcr = -1;
  if (afLength >= 7 && (payload[offset + 5]! & 0x10) !== 0) {
    const b = offset + 6;
    const base = payload[b]! * 2 ** 25 + payload[b + 1]! * 2 ** 17 + payload[b + 2]! * 2 ** 9 + payload[b + 3]! * 2 + (payload[b + 4]! >> 7);
    p.pcr = base * 300 + (((payload[b + 4]! & 1) << 8) | payload[b + 5]!);
  }
  return p;
}

/** Whether a datagram looks like transport stream: a whole number of packets, each starting 0x47. */
export function isTransportStream(payload: Uint8Array): boolean {
  if (payload.length === 0 || payload.length % TS_PACKET !== 0) return false;
  for (let o = 0; o < payload.length; o += TS_PACKET) if (payload[o] !== TS_SYNC) return false;
  return true;
}

/** Builds one 188-byte packet (for tests and the benchmark); `pcr` (27 MHz ticks) adds an adaptation field carrying it. */
export function encodeTsPacket(pid: number, cc: number, options: { adaptationControl?: number; discontinuity?: boolean; payloadUnitStart?: boolean; pcr?: number } = {}): Uint8Array {
  const b = new Uint8Array(TS_PACKET).fill(0xff);
  const afc = options.pcr !== undefined ? 3 : (options.adaptationControl ?? 1);
  b[0] = TS_SYNC;
  b[1] = (options.payloadUnitStart ? 0x40 : 0) | ((pid >> 8) & 0x1f);
  b[2] = pid & 0xff;
  b[3] = (afc << 4) | (cc & 0x0f);
  if (afc & 2) {
    b[4] = afc === 2 ? 183 : options.pcr !== undefined ? 7 : 1;
    b[5] = (options.discontinuity ? 0x80 : 0) | (options.pcr !== undefined ? 0x10 : 0);
  }
  if (options.pcr !== undefined) {
    const base = Math.floor(options.pcr / 300);
    const ext = options.pcr % 300;
    b[6] = Math.floor(base / 2 ** 25) & 0xff;
    b[7] = Math.floor(base / 2 ** 17) & 0xff;
    b[8] = Math.floor(base / 2 ** 9) & 0xff;
    b[9] = Math.floor(base / 2) & 0xff;
    b[10] = ((base % 2) << 7) | 0x7e | ((ext >> 8) & 1);
    b[11] = ext & 0xff;
  }
  return b;
}

/** A sentence for the packet inspector. */
export function describeTs(payload: Uint8Array): string {
  if (payload.length === 0 || payload.length % TS_PACKET !== 0) return `MPEG-TS: ${payload.length} bytes is not a whole number of 188-byte packets`;
  const pids = new Map<number, { first: number; last: number; count: number }>();
  let bad = 0;
  const p = {} as TsPacket;
  for (let o = 0; o < payload.length; o += TS_PACKET) {
    if (!decodeTsPacket(payload, o, p)) {
      bad += 1;
      continue;
    }
    const e = pids.get(p.pid);
    if (e) {
      e.last = p.continuityCounter;
      e.count += 1;
    } else pids.set(p.pid, { first: p.continuityCounter, last: p.continuityCounter, count: 1 });
  }
  const parts = [...pids].map(([pid, e]) => {
    const name = pid === 0 ? ' (PAT)' : pid === TS_NULL_PID ? ' (null)' : '';
    return `PID 0x${pid.toString(16).padStart(4, '0')}${name} ×${e.count} cc ${e.first === e.last ? e.first : `${e.first}–${e.last}`}`;
  });
  if (bad) parts.push(`${bad} without sync byte`);
  return `MPEG-TS ${payload.length / TS_PACKET} packets: ${parts.join(', ')}`;
}

/** Recent datagrams remembered to recognize one received twice (a capture's duplicate, a doubled path). */
export const RECENT_DATAGRAMS = 8;

/** Two independent 32-bit hashes of a datagram (FNV-1a and a multiply-rotate), for duplicate matching. */
function datagramHashes(b: Uint8Array): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = b.length;
  for (let i = 0; i < b.length; i++) {
    h1 = Math.imul(h1 ^ b[i]!, 0x01000193);
    h2 = Math.imul((h2 << 5) | (h2 >>> 27), 0x9e3779b1) ^ b[i]!;
  }
  return [h1 >>> 0, h2 >>> 0];
}

/**
 * Counts continuity-counter discontinuities per PID. A datagram identical to one of the last
 * RECENT_DATAGRAMS is a duplicate as a whole: its packets are counted as received and as duplicates,
 * and do not touch the counters (read packet by packet, a repeated run of counters would look like a
 * jump of up to 15 lost).
 */
export class MpegTsStreamDecoder implements StreamDecoder {
  readonly format = 'mpegts' as const;
  private readonly lastCc = new Int8Array(8192).fill(-1);
  private readonly dupSeen = new Uint8Array(8192);
  // Length and two hashes of each recent datagram: 64 bits of hash make a false match negligible.
  private readonly recentLength = new Uint32Array(RECENT_DATAGRAMS);
  private readonly recentH1 = new Uint32Array(RECENT_DATAGRAMS);
  private readonly recentH2 = new Uint32Array(RECENT_DATAGRAMS);
  private recentNext = 0;
  private duplicateDatagrams = 0;
  private readonly verdict = newVerdict('MPEG-TS');
  private readonly scratch = {} as TsPacket;
  private packets = 0;
  private lost = 0;
  private duplicates = 0;
  private discontinuities = 0;
  private syncErrors = 0;
  private transportErrors = 0;
  private badLength = 0;
  private pidCount = 0;
  // Time behind the counters: packets of the whole stream and per PID, the PCR timeline, arrivals.
  private muxPackets = 0;
  private readonly pidPackets = new Float64Array(8192);
  private readonly lastArrival = new Float64Array(8192);
  private firstArrival = -1;
  private pcrPid = -1;
  private lastPcr = -1;
  private muxAtLastPcr = 0;
  private lossSinceLastPcr = false;
  private cleanPackets = 0;
  private cleanSeconds = 0;
  private ccOnlyLost = 0;
  private timeBacked = 0;

  /** The whole stream's TS packets per second by the sender's clock (PCR), or from arrivals before any PCR; 0 while unknown. */
  get packetsPerSecond(): number {
    if (this.cleanSeconds > 0) return this.cleanPackets / this.cleanSeconds;
    return 0;
  }

  /** Counts every 188-byte packet in one datagram. */
  onPayload(payload: Uint8Array, arrivalMs: number): PacketVerdict {
    const v = resetVerdict(this.verdict, 'MPEG-TS');
    if (payload.length % TS_PACKET !== 0 || payload.length === 0) {
      this.badLength += 1;
      v.flags |= PacketFlags.malformed;
    }
    const p = this.scratch;
    if (this.isRepeat(payload)) {
      let counted = 0;
      for (let o = 0; o + TS_PACKET <= payload.length; o += TS_PACKET) if (decodeTsPacket(payload, o, p) && !p.transportError && p.pid !== TS_NULL_PID) counted += 1;
      // Stuffing-only datagrams repeat byte for byte by nature; they count nothing either way.
      if (counted > 0) {
        this.duplicateDatagrams += 1;
        this.packets += counted;
        this.duplicates += counted;
        v.flags |= PacketFlags.duplicate;
        return v;
      }
    }
    if (this.firstArrival < 0) this.firstArrival = arrivalMs;
    for (let o = 0; o + TS_PACKET <= payload.length; o += TS_PACKET) {
      if (!decodeTsPacket(payload, o, p)) {
        this.syncErrors += 1;
        v.flags |= PacketFlags.framingError;
        continue;
      }
      this.muxPackets += 1;
      if (p.pcr >= 0 && !p.transportError) this.onPcr(p.pid, p.pcr);
      if (p.transportError) {
        this.transportErrors += 1;
        v.flags |= PacketFlags.crcError;
        continue;
      }
      if (p.pid === TS_NULL_PID) continue;
      this.packets += 1;
      const hasPayload = (p.adaptationControl & 1) !== 0;
      const last = this.lastCc[p.pid]!;
      const since = this.lastArrival[p.pid]!;
      this.lastArrival[p.pid] = arrivalMs;
      this.pidPackets[p.pid] = this.pidPackets[p.pid]! + 1;
      if (last < 0) this.pidCount += 1;
      if (last < 0 || p.discontinuity) {
        this.lastCc[p.pid] = p.continuityCounter;
        this.dupSeen[p.pid] = 0;
        continue;
      }
      if (!hasPayload) continue; // the counter does not advance without payload
      const cc = p.continuityCounter;
      if (cc === ((last + 1) & 15)) {
        this.dupSeen[p.pid] = 0;
      } else if (cc === last && this.dupSeen[p.pid] === 0) {
        this.dupSeen[p.pid] = 1; // one duplicate is allowed
        this.duplicates += 1;
        v.flags |= PacketFlags.duplicate;
      } else {
        const missing = (cc - last - 1) & 15;
        const lost = this.backedByTime(p.pid, missing, arrivalMs - since);
        this.ccOnlyLost += missing;
        this.lost += lost;
        this.discontinuities += 1;
        this.lossSinceLastPcr = true;
        this.dupSeen[p.pid] = 0;
        v.skipped += lost;
        v.flags |= PacketFlags.gap;
      }
      this.lastCc[p.pid] = cc;
    }
    return v;
  }

  /** A sentence for the packet inspector. */
  describe(payload: Uint8Array): string {
    return describeTs(payload);
  }

  /** A PCR on the stream's PCR PID: the packets since the previous one over the sender time between them, when nothing was lost. */
  private onPcr(pid: number, pcr: number): void {
    if (this.pcrPid < 0) this.pcrPid = pid;
    if (pid !== this.pcrPid) return;
    if (this.lastPcr >= 0 && !this.lossSinceLastPcr) {
      const seconds = (pcr - this.lastPcr) / PCR_HZ;
      // A wrap (every 26.5 h), a restart or a PCR jump is no measurement.
      if (seconds > 0 && seconds < 1) {
        this.cleanPackets += this.muxPackets - this.muxAtLastPcr;
        this.cleanSeconds += seconds;
      }
    }
    this.lastPcr = pcr;
    this.muxAtLastPcr = this.muxPackets;
    this.lossSinceLastPcr = false;
  }

  /**
   * The packets of `pid` lost in a jump of the counter that skips `missing`, after `silenceMs` without
   * that PID: of missing + 16k, the count nearest to what the PID's rate says the silence held.
   */
  private backedByTime(pid: number, missing: number, silenceMs: number): number {
    const share = this.muxPackets > 0 ? this.pidPackets[pid]! / this.muxPackets : 0;
    let rate = this.packetsPerSecond * share;
    const before = this.lastArrival[pid]! - silenceMs; // the PID's previous packet
    if (rate === 0 && before > this.firstArrival) {
      // No PCR yet: the PID's own rate by arrival times up to the silence (lower than the truth if packets were lost before).
      rate = (this.pidPackets[pid]! - 1) / ((before - this.firstArrival) / 1000);
    }
    const held = rate * (silenceMs / 1000) - 1; // packets due between the last one seen and this one
    if (!(held >= 16)) return missing;
    const k = Math.max(0, Math.round((held - missing) / 16));
    if (k > 0) this.timeBacked += 1;
    return missing + 16 * k;
  }

  /** True when `payload` equals one of the recent datagrams (same length and both hashes); remembers it otherwise. */
  private isRepeat(payload: Uint8Array): boolean {
    if (payload.length === 0) return false;
    const [h1, h2] = datagramHashes(payload);
    for (let i = 0; i < RECENT_DATAGRAMS; i++) {
      if (this.recentLength[i] === payload.length && this.recentH1[i] === h1 && this.recentH2[i] === h2) return true;
    }
    const at = this.recentNext;
    this.recentLength[at] = payload.length;
    this.recentH1[at] = h1;
    this.recentH2[at] = h2;
    this.recentNext = (at + 1) % RECENT_DATAGRAMS;
    return false;
  }

  /** Totals in transport stream packets. */
  stats(): DecodeStats {
    const rate = this.packetsPerSecond;
    const notes = [
      rate > 0
        ? `Counted in 188-byte packets from the 4-bit continuity counters, backed by time: the stream carries ${Math.round(rate)} packets/s by its PCR, so a jump the counter would read as fewer than 16 lost is counted as what the silence before it held.`
        : 'Counted in 188-byte packets from the 4-bit continuity counters: 16 or more lost in a row alias, so losses are lower bounds (see the time-based gaps); no PCR yet to back them by time, so arrival times are used.',
    ];
    if (this.timeBacked) notes.push(`${this.timeBacked} jumps were longer than the counter can tell: ${this.lost} lost by time, ${this.ccOnlyLost} by the counters alone (a lower bound).`);
    if (this.pidCount) notes.push(`${this.pidCount} PIDs; ${this.discontinuities} continuity discontinuities.`);
    if (this.transportErrors) notes.push(`${this.transportErrors} packets had the transport error indicator set.`);
    if (this.syncErrors) notes.push(`${this.syncErrors} packets lacked the 0x47 sync byte.`);
    if (this.badLength) notes.push(`${this.badLength} datagrams were not a whole number of 188-byte packets.`);
    if (this.duplicateDatagrams) notes.push(`${this.duplicateDatagrams} datagrams were received twice (identical to a recent one): their packets count as received and duplicate, not against the continuity counters.`);
    return {
      format: 'mpegts',
      received: this.packets,
      expected: this.packets - this.duplicates + this.lost,
      lost: this.lost,
      duplicates: this.duplicates,
      reordered: null,
      outOfOrder: null,
      jitterMs: null,
      crcErrors: this.transportErrors,
      notes,
    };
  }
}
