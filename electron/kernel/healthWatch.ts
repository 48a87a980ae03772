/** Measures the back end's main event-loop delay, so a sluggish UI can be told apart from a network problem. */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { BackendHealth } from '../../shared/contract';

/** Samples the main loop's delay in 10 s windows. */
export class HealthWatch {
  private current: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private previous: { p99: number; max: number } | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly started = Date.now();

  constructor(windowMs = 10_000) {
    this.current.enable();
    this.timer = setInterval(() => this.rotate(), windowMs);
    this.timer.unref();
  }

  /** The delay over the last full window (or the current one at start), and memory. */
  read(): BackendHealth {
    const h = this.previous ?? (this.current.count > 0 ? { p99: this.current.percentile(99) / 1e6, max: this.current.max / 1e6 } : null);
    return {
      eventLoopDelayP99Ms: h ? round(h.p99) : null,
      eventLoopDelayMaxMs: h ? round(h.max) : null,
      rssBytes: process.memoryUsage.rss(),
      uptimeSec: Math.round((Date.now() - this.started) / 1000),
    };
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
    this.current.disable();
  }

  private rotate(): void {
    if (this.current.count > 0) this.previous = { p99: this.current.percentile(99) / 1e6, max: this.current.max / 1e6 };
    this.current.reset();
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
