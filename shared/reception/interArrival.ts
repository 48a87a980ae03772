/** The distribution of times between packets: a fixed logarithmic histogram plus recent percentiles. */
import { quantileOfSorted } from './statistics';
import type { InterArrival } from './types';

/** Upper bounds of the histogram's buckets, ms; one more bucket holds everything above. */
export const INTER_ARRIVAL_BUCKETS_MS = [0.01, 0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const RECENT = 4096;

/** Accumulates inter-arrival times in O(1) per packet; percentiles cover the most recent 4096. */
export class InterArrivalHistogram {
  private readonly counts = new Array<number>(INTER_ARRIVAL_BUCKETS_MS.length + 1).fill(0);
  private readonly recent = new Float64Array(RECENT);
  private recentCount = 0;
  private recentNext = 0;
  private max: number | null = null;

  /** Adds one inter-arrival time. */
  add(ms: number): void {
    let i = 0;
    while (i < INTER_ARRIVAL_BUCKETS_MS.length && ms > INTER_ARRIVAL_BUCKETS_MS[i]!) i++;
    this.counts[i]! += 1;
    this.recent[this.recentNext] = ms;
    this.recentNext = (this.recentNext + 1) % RECENT;
    if (this.recentCount < RECENT) this.recentCount++;
    if (this.max === null || ms > this.max) this.max = ms;
  }

  /** The histogram and percentiles now. */
  summary(): InterArrival {
    // One sort of a typed copy for both percentiles (two sorts of a boxed array took ~1.6 ms per delta).
    const recent = this.recent.slice(0, this.recentCount).sort();
    return {
      boundsMs: INTER_ARRIVAL_BUCKETS_MS.slice(),
      counts: this.counts.slice(),
      p50Ms: quantileOfSorted(recent, 0.5),
      p99Ms: quantileOfSorted(recent, 0.99),
      maxMs: this.max,
    };
  }
}
