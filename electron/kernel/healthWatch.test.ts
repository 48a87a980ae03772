import { describe, expect, it } from 'vitest';
import { HealthWatch } from './healthWatch';

describe('HealthWatch', () => {
  it('sees a blocked main loop in its delay figures', async () => {
    const watch = new HealthWatch(300);
    await new Promise((r) => setTimeout(r, 50));
    const until = Date.now() + 120;
    while (Date.now() < until) {
      // Block the loop on purpose.
    }
    await new Promise((r) => setTimeout(r, 400));
    const h = watch.read();
    watch.stop();
    expect(h.eventLoopDelayMaxMs).toBeGreaterThanOrEqual(100);
    expect(h.rssBytes).toBeGreaterThan(0);
  });
});
