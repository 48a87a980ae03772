import { describe, expect, it } from 'vitest';
import { PanelClock, type ClockHost } from './panelClock';

/** A fake host: time moves only when the test says; timers fire in time order. */
function fakeHost(): ClockHost & { advance(ms: number): void; pending(): number } {
  let t = 0;
  let id = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimeout: (fn, ms) => {
      timers.set(++id, { at: t + ms, fn });
      return id;
    },
    clearTimeout: (h) => {
      timers.delete(h as number);
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > end) break;
        timers.delete(next[0]);
        t = next[1].at;
        next[1].fn();
      }
      t = end;
    },
    pending: () => timers.size,
  };
}

describe('PanelClock', () => {
  it('runs requests made at different moments in the same task, on the interval’s grid', () => {
    const host = fakeHost();
    const clock = new PanelClock(host);
    const log: string[] = [];
    host.advance(30);
    clock.request(() => log.push(`a@${host.now()}`), 250);
    host.advance(170);
    clock.request(() => log.push(`b@${host.now()}`), 250);
    host.advance(49);
    expect(log).toEqual([]);
    host.advance(1);
    expect(log).toEqual(['a@250', 'b@250']);
    expect(host.pending()).toBe(0);
  });

  it('lines up longer intervals with shorter ones, and fires each at most once per its interval', () => {
    const host = fakeHost();
    const clock = new PanelClock(host);
    const ticks: { fast: number[]; slow: number[] } = { fast: [], slow: [] };
    const fast = (): void => {
      ticks.fast.push(host.now());
    };
    const slow = (): void => {
      ticks.slow.push(host.now());
    };
    // The store changes every 50 ms: each change asks again.
    for (let i = 0; i < 24; i++) {
      clock.request(fast, 250);
      clock.request(slow, 1000);
      host.advance(50);
    }
    expect(ticks.fast).toEqual([250, 500, 750, 1000]);
    expect(ticks.slow).toEqual([1000]);
  });

  it('keeps a waiting request’s time, and a cancelled one never runs', () => {
    const host = fakeHost();
    const clock = new PanelClock(host);
    const log: number[] = [];
    const fn = (): void => {
      log.push(host.now());
    };
    clock.request(fn, 500);
    host.advance(100);
    clock.request(fn, 500);
    const cancel = clock.request(() => log.push(-1), 500);
    cancel();
    host.advance(400);
    expect(log).toEqual([500]);
  });
});
