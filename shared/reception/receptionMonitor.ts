/**
 * Everything Gapscope measures about one stream, fed packet by packet with arrival times. Pure:
 * the back end's receiver worker, the offline analyzer and the tests all drive the same code.
 */
import { createDecoder, type FormatChoice } from '../decoders/streamDecoder';
import type { FormatName, StreamDecoder } from '../decoders/types';
import { stallFlag } from './gapCause';
import { GapDetector } from './gapDetector';
import { InterArrivalHistogram } from './interArrival';
import { PairingLedger } from './pairing';
import { findPeriodicity } from './periodicity';
import { ThroughputHistory } from './throughputHistory';
import type {
  ExpectedComparison,
  ExpectedRate,
  Gap,
  LocalStall,
  Periodicity,
  PacketSummary,
  ReceptionDelta,
  ReceptionSnapshot,
  ReceptionTotals,
} from './types';

/** How a monitor measures. */
export interface MonitorOptions {
  binMs: number;
  /** Fixed gap threshold; absent = automatic. */
  gapMs?: number;
  expected?: ExpectedRate;
  /** Packets kept for the inspector. */
  keepPackets?: number;
  /** Payload bytes shown per packet in the inspector. */
  hexBytes?: number;
  /** Payload format for sequence-based loss, 'auto' to detect it; absent = time only. */
  decode?: FormatChoice;
  /** The stream's UDP port, a hint for format detection. */
  port?: number;
  /** Called with each new gap as it closes, before any delta carries it (the receiver adds the kernel's drop counts). */
  onGap?: (gap: Gap) => void;
  /** Called with each datagram's decoded sequence number (null without one) and PacketFlags, before the gap it may end closes (the wire view's gap location). */
  onDecoded?: (atMs: number, sequence: number | null, flags: number, format: FormatName) => void;
}

/** Gaps kept in memory; older ones are summarized in the totals only. */
export const MAX_GAPS = 100_000;
/**
 * Live deltas recompute the periodicity verdict at most this often, and only when the gaps
 * changed: it is a median over every gap (5,000 in an hour of the field case), and the receiver's
 * thread that computes it also reads the socket. Snapshots and reports always compute it afresh.
 */
export const PERIODICITY_EVERY_MS = 1000;

/** Feeds packets in, takes display-rate deltas and full snapshots out. */
export class ReceptionMonitor {
  private readonly history: ThroughputHistory;
  private readonly detector: GapDetector;
  private readonly decoder: StreamDecoder | null;
  private readonly iat = new InterArrivalHistogram();
  /** The sender's account in the payload, when it is `gapscope send`'s (costs one 32-bit compare per datagram otherwise). */
  private readonly pairing = new PairingLedger();
  private readonly gaps: Gap[] = [];
  private readonly stalls: LocalStall[] = [];
  private gapCount = 0;
  private gapMs = 0;
  private packets = 0;
  private bytes = 0;
  private first: number | null = null;
  private last: number | null = null;
  private sentGaps = 0;
  private sentStalls = 0;
  // Ring of the latest packets; hex is made only when someone looks.
  private readonly ringAt: Float64Array;
  private readonly ringFrom: string[];
  private readonly ringPayload: (Uint8Array | null)[];
  private readonly ringFlags: Uint32Array;
  private ringNext = 0;
  private packetsAtLastDelta = 0;
  // Bumped whenever a gap is added or relabelled: the periodicity verdict is kept until it moves.
  private gapsVersion = 0;
  private periodicityCache: { version: number; atMs: number; value: Periodicity } | null = null;

  constructor(private readonly options: MonitorOptions) {
    this.history = new ThroughputHistory(options.binMs);
    this.detector = new GapDetector(options.gapMs);
    this.decoder = options.decode && options.decode !== 'none' ? createDecoder(options.decode, { port: options.port }) : null;
    const keep = options.keepPackets ?? 100;
    this.ringAt = new Float64Array(keep);
    this.ringFrom = new Array<string>(keep).fill('');
    this.ringPayload = new Array<Uint8Array | null>(keep).fill(null);
    this.ringFlags = new Uint32Array(keep);
  }

  /** Counts one datagram that arrived at atMs (ms since listening started) from `from`. */
  onPacket(atMs: number, payload: Uint8Array, from: string): void {
    const size = payload.byteLength;
    if (this.last !== null) this.iat.add(atMs - this.last);
    // The sequence numbers skipped just before a packet that ends a gap were lost inside that gap.
    const verdict = this.decoder ? this.decoder.onPayload(payload, atMs) : null;
    const skipped = verdict ? verdict.skipped : 0;
    this.options.onDecoded?.(atMs, verdict ? verdict.sequence : null, verdict ? verdict.flags : 0, this.decoder ? this.decoder.format : 'none');
    this.pairing.onPacket(atMs, payload);
    const gap = this.detector.onPacket(atMs, size, skipped);
    if (gap && verdict?.restart) gap.deviceRestart = verdict.restart;
    if (gap) this.addGap(gap);
    else if (this.detector.hasSettledGaps) for (const g of this.detector.takeSettled()) this.addGap(g);
    this.history.add(atMs, size, skipped);
    this.packets += 1;
    this.bytes += size;
    if (this.first === null) this.first = atMs;
    this.last = atMs;
    const keep = this.ringAt.length;
    if (keep > 0) {
      this.ringAt[this.ringNext] = atMs;
      this.ringFrom[this.ringNext] = from;
      this.ringPayload[this.ringNext] = payload;
      this.ringFlags[this.ringNext] = verdict ? verdict.flags : 0;
      this.ringNext = (this.ringNext + 1) % keep;
    }
  }

  /** Records a stretch during which the receiver could not run; overlapping gaps are relabelled. */
  onLocalStall(stall: LocalStall): void {
    this.stalls.push(stall);
    if (this.stalls.length > MAX_GAPS) this.stalls.shift();
    for (let i = this.gaps.length - 1; i >= 0; i--) {
      const g = this.gaps[i]!;
      if (g.endMs < stall.startMs) break;
      this.labelGap(g);
    }
  }

  /** What changed since the previous delta, for the UI; call at display rate. */
  takeDelta(nowMs: number): ReceptionDelta {
    this.history.advanceTo(nowMs);
    const newGaps = this.gaps.slice(Math.max(0, this.gaps.length - (this.gapCount - this.sentGaps)));
    this.sentGaps = this.gapCount;
    const newStalls = this.stalls.slice(this.sentStalls);
    this.sentStalls = this.stalls.length;
    const fresh = Math.min(this.packets - this.packetsAtLastDelta, this.ringAt.length);
    this.packetsAtLastDelta = this.packets;
    return {
      nowMs,
      totals: this.totals(nowMs),
      bins: this.history.takeChanges(),
      newGaps,
      openGap: this.detector.openGap(nowMs),
      gapThresholdMs: this.detector.thresholdMs,
      periodicity: this.periodicity(nowMs, PERIODICITY_EVERY_MS),
      interArrival: this.iat.summary(),
      newStalls,
      newPackets: this.latestPackets(fresh),
      loss: this.decoder?.stats() ?? null,
      pairing: this.pairing.summary(),
    };
  }

  /** Everything known now, for a window that opens late and for reports. */
  snapshot(nowMs: number): ReceptionSnapshot {
    this.history.advanceTo(nowMs);
    return {
      nowMs,
      totals: this.totals(nowMs),
      bins: this.history.snapshot(),
      gaps: this.gaps.slice(),
      openGap: this.detector.openGap(nowMs),
      gapThresholdMs: this.detector.thresholdMs,
      gapThresholdAutomatic: this.detector.automatic,
      periodicity: findPeriodicity(this.gaps),
      interArrival: this.iat.summary(),
      stalls: this.stalls.slice(),
      recentPackets: this.latestPackets(this.ringAt.length),
      loss: this.decoder?.stats() ?? null,
      pairing: this.pairing.summary(),
    };
  }

  /**
   * Adds the silences the gap detector kept below a learned threshold that are longer than it now,
   * in time order (offline, at the end of a file: then every silence longer than the threshold
   * the report states is in the gap list).
   */
  reevaluateGaps(): void {
    for (const gap of this.detector.reevaluate()) {
      this.countsLoss(gap);
      this.pair(gap);
      this.labelGap(gap);
      let at = this.gaps.length;
      while (at > 0 && this.gaps[at - 1]!.startMs > gap.startMs) at--;
      this.gaps.splice(at, 0, gap);
      if (this.gaps.length > MAX_GAPS) this.gaps.shift();
      this.gapCount += 1;
      this.gapMs += gap.durationMs;
    }
  }

  /** Only a format with sequence numbers counts loss: auto-detection that found none, or NMEA (checksums only), leaves a gap's loss unknown rather than zero. */
  private countsLoss(gap: Gap): void {
    if (!this.decoder || this.decoder.stats().lost === null) gap.lostPackets = null;
  }

  private addGap(gap: Gap): void {
    this.countsLoss(gap);
    this.pair(gap);
    this.labelGap(gap);
    this.options.onGap?.(gap);
    this.gaps.push(gap);
    if (this.gaps.length > MAX_GAPS) this.gaps.shift();
    this.gapCount += 1;
    this.gapMs += gap.durationMs;
  }

  /** The sender's account of the gap, when its edges carried one. */
  private pair(gap: Gap): void {
    const p = this.pairing.onGap(gap);
    if (p) gap.paired = p;
  }

  private labelGap(gap: Gap): void {
    gap.cause = stallFlag(gap, this.stalls);
    this.gapsVersion += 1;
  }

  /** The deltas' periodicity verdict: recomputed when the gaps changed and the last one is older than everyMs. */
  private periodicity(nowMs: number, everyMs: number): Periodicity {
    const c = this.periodicityCache;
    if (c && (c.version === this.gapsVersion || nowMs - c.atMs < everyMs)) return c.value;
    const value = findPeriodicity(this.gaps);
    this.periodicityCache = { version: this.gapsVersion, atMs: nowMs, value };
    return value;
  }

  private totals(nowMs: number): ReceptionTotals {
    const span = this.first === null ? 0 : nowMs - this.first;
    const open = this.detector.openGap(nowMs);
    const silent = this.gapMs + (open ? open.durationMs : 0);
    return {
      packets: this.packets,
      bytes: this.bytes,
      durationMs: nowMs,
      firstPacketMs: this.first,
      lastPacketMs: this.last,
      dutyCycle: span > 0 ? Math.max(0, Math.min(1, 1 - silent / span)) : null,
      gapCount: this.gapCount,
      gapMs: this.gapMs,
      expected: this.expected(span),
    };
  }

  private expected(spanMs: number): ExpectedComparison | null {
    const e = this.options.expected;
    if (!e || (e.bytesPerSec === undefined && e.packetsPerSec === undefined)) return null;
    const sec = spanMs / 1000;
    const expectedBytes = e.bytesPerSec !== undefined ? e.bytesPerSec * sec : null;
    const expectedPackets = e.packetsPerSec !== undefined ? e.packetsPerSec * sec : null;
    return {
      expectedBytes,
      expectedPackets,
      bytesRatio: expectedBytes ? this.bytes / expectedBytes : null,
      packetsRatio: expectedPackets ? this.packets / expectedPackets : null,
    };
  }

  private latestPackets(n: number): PacketSummary[] {
    const keep = this.ringAt.length;
    const count = Math.min(n, this.packets, keep);
    const out: PacketSummary[] = [];
    for (let k = count; k >= 1; k--) {
      const i = (this.ringNext - k + keep) % keep;
      const payload = this.ringPayload[i];
      out.push({
        atMs: this.ringAt[i]!,
        from: this.ringFrom[i]!,
        size: payload?.byteLength ?? 0,
        hex: toHex(payload, this.options.hexBytes ?? 64),
        decoded: this.decoder && payload ? this.decoder.describe(payload) : null,
        flags: this.ringFlags[i]!,
      });
    }
    return out;
  }
}

/** Hex of the first `limit` bytes, space-separated pairs. */
export function toHex(bytes: Uint8Array | null | undefined, limit: number): string {
  if (!bytes) return '';
  const n = Math.min(bytes.byteLength, limit);
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ' ' : '') + (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}
