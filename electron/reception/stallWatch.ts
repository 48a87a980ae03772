/** Notices when this thread's event loop could not run, so gaps it caused are not blamed on the network. */
import type { LocalStall } from '../../shared/reception/types';

/** Ticks every tickMs; a tick later than toleranceMs means the loop was blocked (GC, CPU starvation). */
export class StallWatch {
  private last: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly now: () => number,
    onStall: (stall: LocalStall) => void,
    private readonly tickMs = 5,
    toleranceMs = 20,
  ) {
    this.last = now();
    this.timer = setInterval(() => {
      const t = this.now();
      const expected = this.last + this.tickMs;
      if (t - expected > toleranceMs) onStall({ startMs: expected, endMs: t, durationMs: t - expected });
      this.last = t;
    }, this.tickMs);
    this.timer.unref?.();
  }

  /** Stops watching. */
  stop(): void {
    clearInterval(this.timer);
  }
}
