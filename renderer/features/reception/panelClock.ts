/**
 * One clock for every throttled panel: updates due at the same moment run in one task, so React
 * renders and the browser lays out the page once per tick instead of once per panel (each panel
 * on its own timer made 7 layouts a second of ~15 ms each, 341 of the page's 1,136 objects, with
 * two live streams: bench:ui's trace, docs/benchmarks.md).
 */

/** What the clock needs of the environment; the browser's by default, a fake one in tests. */
export interface ClockHost {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserHost: ClockHost = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Runs callbacks on a shared grid: a request for every intervalMs fires at the next multiple of intervalMs. */
export class PanelClock {
  private readonly due = new Map<() => void, number>();
  private timer: unknown = null;
  private timerAt = Infinity;

  constructor(private readonly host: ClockHost = browserHost) {}

  /** Calls fn once at the next multiple of intervalMs; a callback already waiting keeps its time. Returns a cancel function. */
  request(fn: () => void, intervalMs: number): () => void {
    if (!this.due.has(fn)) {
      const at = (Math.floor(this.host.now() / intervalMs) + 1) * intervalMs;
      this.due.set(fn, at);
      if (at < this.timerAt) this.arm(at);
    }
    return () => {
      this.due.delete(fn);
    };
  }

  private arm(at: number): void {
    if (this.timer !== null) this.host.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.host.setTimeout(() => this.fire(), Math.max(0, at - this.host.now()));
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    // Timers may fire a little early or late: everything due within a millisecond runs now.
    const now = this.host.now() + 1;
    const ready: (() => void)[] = [];
    let next = Infinity;
    for (const [fn, at] of this.due) {
      if (at <= now) ready.push(fn);
      else if (at < next) next = at;
    }
    for (const fn of ready) this.due.delete(fn);
    if (next < Infinity) this.arm(next);
    for (const fn of ready) fn();
  }
}

/** The page's clock. */
export const panelClock = new PanelClock();
