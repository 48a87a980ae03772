/**
 * Finds gaps — silences longer than a threshold — as packets arrive, with a threshold fixed or learned.
 *
 * A learned threshold is not known until enough packets have arrived, and it moves as the cadence
 * does. So that no silence longer than the threshold goes missing from the gap list:
 *  - until the threshold settles (AUTO_LEARN_AFTER inter-arrival times, or SETTLE_AFTER_MS of stream
 *    with a few of them), every silence longer than MIN_AUTO_GAP_MS is held, and when it settles the
 *    held ones longer than it are reported, in order (`takeSettled`);
 *  - after that, silences longer than the threshold in force are reported at once, and the shorter
 *    ones (above MIN_AUTO_GAP_MS) are kept as candidates, so that `reevaluate` can report those
 *    longer than the threshold as it stands later: offline, at the end of the file, every silence
 *    longer than the final threshold is then in the list.
 */
import { quantile } from './statistics';
import type { Gap, OpenGap } from './types';

/** No automatic threshold goes below this: scheduling jitter on a busy host reaches tens of ms. */
export const MIN_AUTO_GAP_MS = 50;
/** The automatic threshold is this many times the 90th percentile of recent inter-arrival times. */
export const AUTO_GAP_FACTOR = 8;
/** Threshold shown for a silence going on before the automatic threshold settles. */
export const INITIAL_AUTO_GAP_MS = 1000;
/** Inter-arrival times needed before the automatic threshold is learned. */
export const AUTO_LEARN_AFTER = 32;
/** A slow stream settles its threshold after this much of its time, if it has MIN_SETTLE_SAMPLES. */
export const SETTLE_AFTER_MS = 30_000;
const MIN_SETTLE_SAMPLES = 4;
/** Silences kept as candidates at most; past this the shorter half is forgotten. */
export const MAX_CANDIDATES = 100_000;
/** Reported gaps remembered for recounting the packets between gaps when a candidate joins them. */
const MAX_REMEMBERED = 100_000;
const WINDOW = 1024;

/** A silence held or kept: where it is and the running counts at its start. */
class Silences {
  startMs = new Float64Array(256);
  endMs = new Float64Array(256);
  packets = new Float64Array(256);
  bytes = new Float64Array(256);
  lost = new Float64Array(256);
  length = 0;

  push(startMs: number, endMs: number, packets: number, bytes: number, lost: number | null): void {
    if (this.length === this.startMs.length) this.grow();
    const i = this.length++;
    this.startMs[i] = startMs;
    this.endMs[i] = endMs;
    this.packets[i] = packets;
    this.bytes[i] = bytes;
    this.lost[i] = lost ?? -1;
  }

  /** Keeps the entries for which keep(i) is true, in order. */
  retain(keep: (i: number) => boolean): void {
    let w = 0;
    for (let i = 0; i < this.length; i++) {
      if (!keep(i)) continue;
      this.startMs[w] = this.startMs[i]!;
      this.endMs[w] = this.endMs[i]!;
      this.packets[w] = this.packets[i]!;
      this.bytes[w] = this.bytes[i]!;
      this.lost[w] = this.lost[i]!;
      w++;
    }
    this.length = w;
  }

  private grow(): void {
    const n = this.startMs.length * 2;
    const g = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.startMs = g(this.startMs);
    this.endMs = g(this.endMs);
    this.packets = g(this.packets);
    this.bytes = g(this.bytes);
    this.lost = g(this.lost);
  }
}

/** Detects gaps from arrival times; counts what arrived between them. */
export class GapDetector {
  private first: number | null = null;
  private last: number | null = null;
  private packets = 0;
  private bytes = 0;
  private readonly window = new Float64Array(WINDOW);
  private windowCount = 0;
  private windowNext = 0;
  private sinceRelearn = 0;
  private threshold: number;
  private learned = false;
  /** Silences held before the threshold settled, then kept below it. */
  private readonly silences = new Silences();
  /** Silences of the kept ones that the candidate cap forgot are all at most this long. */
  private forgottenMs = 0;
  private settledGaps: Gap[] = [];
  // Reported gaps with the running counts at their start, to recount packetsBefore around a newcomer.
  private readonly reported: { gap: Gap; packets: number; bytes: number }[] = [];
  private lastReportedPackets = 0;
  private lastReportedBytes = 0;

  /** fixedMs: a threshold set by the user; undefined: learn it from the stream's cadence. */
  constructor(private readonly fixedMs?: number) {
    this.threshold = fixedMs ?? INITIAL_AUTO_GAP_MS;
    this.learned = fixedMs !== undefined;
  }

  /** True when the threshold is learned from the stream rather than set by the user. */
  get automatic(): boolean {
    return this.fixedMs === undefined;
  }

  /** The threshold in force now, ms (INITIAL_AUTO_GAP_MS while an automatic one is not settled yet). */
  get thresholdMs(): number {
    return this.threshold;
  }

  /** True once the threshold is set or learned. */
  get settled(): boolean {
    return this.learned;
  }

  /** True when the threshold just settled and gaps held until then are waiting in `takeSettled`. */
  get hasSettledGaps(): boolean {
    return this.settledGaps.length > 0;
  }

  /**
   * Records an arrival (`lostPackets`: sequence numbers skipped just before it, or null without
   * them); returns the gap it ends, if the silence before it was longer than the threshold. While
   * an automatic threshold is not settled, silences are held instead (see `takeSettled`).
   */
  onPacket(atMs: number, size: number, lostPackets: number | null = null): Gap | null {
    let gap: Gap | null = null;
    if (this.last !== null) {
      const iat = atMs - this.last;
      if (!this.learned) {
        if (iat > MIN_AUTO_GAP_MS) this.silences.push(this.last, atMs, this.packets, this.bytes, lostPackets);
      } else if (iat > this.threshold) {
        gap = this.report(this.last, atMs, this.packets, this.bytes, lostPackets);
      } else if (this.fixedMs === undefined && iat > MIN_AUTO_GAP_MS) {
        this.keep(this.last, atMs, lostPackets);
      }
      if (this.fixedMs === undefined) this.learn(iat, atMs);
    } else {
      this.first = atMs;
    }
    this.last = atMs;
    this.packets += 1;
    this.bytes += size;
    return gap;
  }

  /** The gaps held until the threshold settled that are longer than it, in order; once. */
  takeSettled(): Gap[] {
    const out = this.settledGaps;
    this.settledGaps = [];
    return out;
  }

  /**
   * Reports the kept silences longer than the threshold now, in order, and recounts
   * packetsBefore/bytesBefore of the reported gap that follows each. A stream too short to settle
   * its threshold has its held silences judged by INITIAL_AUTO_GAP_MS (a few inter-arrival times,
   * the silence among them, teach nothing). Offline, at the end of a file: after it, every silence
   * longer than the threshold the report states is a gap (exact unless more than MAX_CANDIDATES
   * silences were kept: see `forgottenBelowMs`).
   */
  reevaluate(): Gap[] {
    if (!this.learned) {
      this.settle(false);
      return this.takeSettled();
    }
    const found: Gap[] = [];
    const s = this.silences;
    const th = this.threshold;
    for (let i = 0; i < s.length; i++) {
      if (s.endMs[i]! - s.startMs[i]! > th) found.push(this.insert(s.startMs[i]!, s.endMs[i]!, s.packets[i]!, s.bytes[i]!, s.lost[i]! < 0 ? null : s.lost[i]!));
    }
    s.retain((i) => s.endMs[i]! - s.startMs[i]! <= th);
    return found;
  }

  /** Kept silences no longer than this may have been forgotten (0: none was). */
  get forgottenBelowMs(): number {
    return this.forgottenMs;
  }

  /** The silence going on at nowMs, if it is already longer than the threshold. */
  openGap(nowMs: number): OpenGap | null {
    if (this.last === null) return null;
    const d = nowMs - this.last;
    return d > this.threshold ? { startMs: this.last, durationMs: d } : null;
  }

  private report(startMs: number, endMs: number, packets: number, bytes: number, lostPackets: number | null): Gap {
    const gap: Gap = {
      startMs,
      endMs,
      durationMs: endMs - startMs,
      packetsBefore: packets - this.lastReportedPackets,
      bytesBefore: bytes - this.lastReportedBytes,
      cause: 'unexplained',
      lostPackets,
    };
    this.lastReportedPackets = packets;
    this.lastReportedBytes = bytes;
    this.remember(gap, packets, bytes);
    return gap;
  }

  /** A gap found late among the reported ones: its counts from the one before, the next one's from it. */
  private insert(startMs: number, endMs: number, packets: number, bytes: number, lostPackets: number | null): Gap {
    const list = this.reported;
    let at = list.length;
    while (at > 0 && list[at - 1]!.gap.startMs > startMs) at--;
    const before = at > 0 ? list[at - 1]! : null;
    const gap: Gap = {
      startMs,
      endMs,
      durationMs: endMs - startMs,
      packetsBefore: packets - (before?.packets ?? 0),
      bytesBefore: bytes - (before?.bytes ?? 0),
      cause: 'unexplained',
      lostPackets,
    };
    const next = list[at];
    if (next) {
      next.gap.packetsBefore = next.packets - packets;
      next.gap.bytesBefore = next.bytes - bytes;
    } else {
      this.lastReportedPackets = packets;
      this.lastReportedBytes = bytes;
    }
    list.splice(at, 0, { gap, packets, bytes });
    if (list.length > MAX_REMEMBERED) list.shift();
    return gap;
  }

  private remember(gap: Gap, packets: number, bytes: number): void {
    this.reported.push({ gap, packets, bytes });
    if (this.reported.length > MAX_REMEMBERED) this.reported.shift();
  }

  private keep(startMs: number, endMs: number, lostPackets: number | null): void {
    const s = this.silences;
    s.push(startMs, endMs, this.packets, this.bytes, lostPackets);
    if (s.length <= MAX_CANDIDATES) return;
    // Forget the shorter half: the longer a silence, the likelier a later threshold is below it.
    const d = Array.from({ length: s.length }, (_, i) => s.endMs[i]! - s.startMs[i]!);
    const cut = quantile(d, 0.5)!;
    this.forgottenMs = Math.max(this.forgottenMs, cut);
    s.retain((i) => s.endMs[i]! - s.startMs[i]! > cut);
  }

  private learn(iat: number, atMs: number): void {
    this.window[this.windowNext] = iat;
    this.windowNext = (this.windowNext + 1) % WINDOW;
    if (this.windowCount < WINDOW) this.windowCount += 1;
    this.sinceRelearn += 1;
    if (!this.learned) {
      const slowEnough = this.windowCount >= MIN_SETTLE_SAMPLES && atMs - this.first! >= SETTLE_AFTER_MS;
      if (this.windowCount >= AUTO_LEARN_AFTER || slowEnough) this.settle();
      return;
    }
    // Re-learn every 256 arrivals: cheap, and follows a change of rate.
    if (this.sinceRelearn < 256) return;
    this.relearn();
  }

  private relearn(): void {
    this.sinceRelearn = 0;
    const p90 = quantile(Array.from(this.window.subarray(0, this.windowCount)), 0.9) ?? 0;
    this.threshold = Math.max(MIN_AUTO_GAP_MS, AUTO_GAP_FACTOR * p90);
  }

  /** Learns the threshold from what arrived (unless told not to) and reports the held silences longer than it. */
  private settle(learn = true): void {
    this.learned = true;
    if (learn && this.windowCount > 0) this.relearn();
    const s = this.silences;
    const th = this.threshold;
    for (let i = 0; i < s.length; i++) {
      if (s.endMs[i]! - s.startMs[i]! > th) this.settledGaps.push(this.report(s.startMs[i]!, s.endMs[i]!, s.packets[i]!, s.bytes[i]!, s.lost[i]! < 0 ? null : s.lost[i]!));
    }
    s.retain((i) => s.endMs[i]! - s.startMs[i]! <= th);
  }
}
