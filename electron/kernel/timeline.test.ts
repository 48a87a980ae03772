import { describe, expect, it } from 'vitest';
import { TimelineLog } from './timeline';

describe('TimelineLog', () => {
  it('numbers events, stamps the time, lists since an id and tells subscribers', () => {
    let now = 1000;
    const log = new TimelineLog(() => now);
    const seen: number[] = [];
    const stop = log.subscribe((e) => seen.push(e.id));
    log.post({ source: 'network', kind: 'interface-down', severity: 'warning', summary: 'eth0 went down' });
    now = 2000;
    log.post({ source: 'dns', kind: 'probe-failed', severity: 'error', summary: 'no answer', at: 1500 });
    stop();
    log.post({ source: 'bonjour', kind: 'service-added', severity: 'info', summary: 'x' });
    expect(seen).toEqual([1, 2]);
    expect(log.list().map((e) => [e.id, e.at])).toEqual([[1, 1000], [2, 1500], [3, 2000]]);
    expect(log.list(2).map((e) => e.id)).toEqual([3]);
    expect(log.list(3)).toEqual([]);
  });

  it('stays bounded', () => {
    const log = new TimelineLog(() => 0);
    for (let i = 0; i < 20_100; i++) log.post({ source: 'network', kind: 'k', severity: 'info', summary: '' });
    const all = log.list();
    expect(all.length).toBe(20_000);
    expect(all[0]!.id).toBe(101);
  });
});
