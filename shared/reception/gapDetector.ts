/** Finds gaps — silences longer than a threshold — as packets arrive, with a threshold fixed or learned. */
import { quantile } from './statistics';
import type { Gap, OpenGap } from './types';

/** No automatic threshold goes below this: scheduling jitter on a busy host reaches tens of ms. */
export const MIN_AUTO_GAP_MS = 50;
/** The automatic threshold is this many times the 90th percentile of recent inter-arrival times. */
export const AUTO_GAP_FACTOR = 8;
/** Threshold used until enough packets have arrived to learn the cadence. */
export const INITIAL_AUTO_GAP_MS = 1000;
/** Inter-arrival times needed before the automatic threshold is learned. */
export const AUTO_LEARN_AFTER = 32;
const WINDOW = 1024;

/** Detects gaps from arrival times; counts what arrived between them. */
export class GapDetector {
  private last: number | null = null;
  private packetsSince = 0;
  private bytesSince = 0;
  private readonly window = new Float64Array(WINDOW);
  private windowCount = 0;
  private windowNext = 0;
  private sinceRelearn = 0;
  private threshold: number;

  /** fixedMs: a threshold set by the user; undefined: learn it from the stream's cadence. */
  constructor(private readonly fixedMs?: number) {
    this.threshold = fixedMs ?? INITIAL_AUTO_GAP_MS;
  }

  /** True when the threshold is learned from the stream rather than set by the user. */
  get automatic(): boolean {
    return this.fixedMs === undefined;
  }

  /** The threshold in force now, ms. */
  get thresholdMs(): number {
    return this.threshold;
  }

  /** Records an arrival; returns the gap it ends, if the silence before it was longer than the threshold. */
  onPacket(atMs: number, size: number): Gap | null {
    let gap: Gap | null = null;
    if (this.last !== null) {
      const iat = atMs - this.last;
      if (iat > this.threshold) {
        gap = {
          startMs: this.last,
          endMs: atMs,
          durationMs: iat,
          packetsBefore: this.packetsSince,
          bytesBefore: this.bytesSince,
          cause: 'unexplained',
          lostPackets: null,
        };
        this.packetsSince = 0;
        this.bytesSince = 0;
      }
      if (this.fixedMs === undefined) this.learn(iat);
    }
    this.last = atMs;
    this.packetsSince += 1;
    this.bytesSince += size;
    return gap;
  }

  /** The silence going on at nowMs, if it is already longer than the threshold. */
  openGap(nowMs: number): OpenGap | null {
    if (this.last === null) return null;
    const d = nowMs - this.last;
    return d > this.threshold ? { startMs: this.last, durationMs: d } : null;
  }

  private learn(iat: number): void {
    this.window[this.windowNext] = iat;
    this.windowNext = (this.windowNext + 1) % WINDOW;
    if (this.windowCount < WINDOW) this.windowCount += 1;
    this.sinceRelearn += 1;
    // Re-learn at 32 samples, then every 256 arrivals: cheap, and follows a change of rate.
    if (this.windowCount < AUTO_LEARN_AFTER) return;
    if (this.windowCount !== AUTO_LEARN_AFTER && this.sinceRelearn < 256) return;
    this.sinceRelearn = 0;
    const p90 = quantile(Array.from(this.window.subarray(0, this.windowCount)), 0.9) ?? 0;
    this.threshold = Math.max(MIN_AUTO_GAP_MS, AUTO_GAP_FACTOR * p90);
  }
}
