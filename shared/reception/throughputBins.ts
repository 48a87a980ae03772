/** Packets and bytes per fixed-width time bin, bounded in memory however long the stream runs. */
import type { BinSeries } from './types';

/** Bins kept before pairs are merged and the width doubles; keeps a day at 1 s bins exact. */
export const MAX_BINS = 100_000;

/** Counts arrivals into bins of binMs from time 0 (the start of listening). */
export class ThroughputBins {
  private packets: number[] = [];
  private bytes: number[] = [];
  private lost: number[] = [];
  /** Lowest bin index changed since the last takeChanges(); Infinity when none. */
  private dirtyFrom = Number.POSITIVE_INFINITY;
  private widthChanged = false;

  constructor(
    private width: number,
    private readonly maxBins = MAX_BINS,
  ) {}

  /** Current bin width, ms (the requested one unless a very long run made it coarser). */
  get binMs(): number {
    return this.width;
  }

  /** Counts one packet of size bytes that arrived at atMs, and `lost` packets its sequence number says were skipped before it. */
  add(atMs: number, size: number, lost = 0): void {
    let index = Math.floor(atMs / this.width);
    if (index >= this.maxBins) {
      while (index >= this.maxBins) {
        this.coarsen();
        index = Math.floor(atMs / this.width);
      }
    }
    this.extendTo(index);
    this.packets[index]! += 1;
    this.bytes[index]! += size;
    if (lost > 0) this.lost[index]! += lost;
    if (index < this.dirtyFrom) this.dirtyFrom = index;
  }

  /** Makes sure bins exist up to the one holding nowMs, so silence shows as zeros. */
  advanceTo(nowMs: number): void {
    let index = Math.floor(nowMs / this.width);
    while (index >= this.maxBins) {
      this.coarsen();
      index = Math.floor(nowMs / this.width);
    }
    const before = this.packets.length;
    this.extendTo(index);
    if (this.packets.length > before && before < this.dirtyFrom) this.dirtyFrom = before;
  }

  /** The bins changed since the last call (all of them after a width change), for a live delta. */
  takeChanges(): BinSeries {
    const from = this.widthChanged ? 0 : Math.min(this.dirtyFrom, this.packets.length);
    // The last bin is still filling: always resend it.
    const start = Math.max(0, Math.min(from, this.packets.length - 1));
    this.dirtyFrom = Number.POSITIVE_INFINITY;
    this.widthChanged = false;
    return {
      binMs: this.width,
      firstIndex: start,
      packets: this.packets.slice(start),
      bytes: this.bytes.slice(start),
      lost: this.lost.slice(start),
    };
  }

  /** Every bin from the start. */
  all(): BinSeries {
    return { binMs: this.width, firstIndex: 0, packets: this.packets.slice(), bytes: this.bytes.slice(), lost: this.lost.slice() };
  }

  private extendTo(index: number): void {
    while (this.packets.length <= index) {
      this.packets.push(0);
      this.bytes.push(0);
      this.lost.push(0);
    }
  }

  private coarsen(): void {
    const merge = (a: number[]): number[] => {
      const out: number[] = [];
      for (let i = 0; i < a.length; i += 2) out.push((a[i] ?? 0) + (a[i + 1] ?? 0));
      return out;
    };
    this.packets = merge(this.packets);
    this.bytes = merge(this.bytes);
    this.lost = merge(this.lost);
    this.width *= 2;
    this.widthChanged = true;
    this.dirtyFrom = 0;
  }
}
