import { describe, expect, it } from 'vitest';
import { emptyResolverList, newResolverEntry } from '../../../shared/dns/resolverList';
import type { WatchSample } from '../../../shared/dns/reachability';
import { groupResolvers, outcomeWords, seriesKeys, watchRows } from './dnsViewModel';

describe('DNS view model', () => {
  it('explains port unreachable and refused in plain words', () => {
    expect(outcomeWords('port-unreachable').title).toBe('port unreachable');
    expect(outcomeWords('port-unreachable').meaning).toMatch(/nothing listens on its DNS port/);
    expect(outcomeWords('refused').meaning).toMatch(/REFUSED/);
    expect(outcomeWords('network-unreachable', 'ENETUNREACH').meaning).toContain('ENETUNREACH');
  });

  it('groups resolvers by interface, then scope', () => {
    const list = emptyResolverList('scutil');
    const a = newResolverEntry('resolver #1', 'default');
    const b = newResolverEntry('scoped resolver #1', 'scoped');
    b.interface = { name: 'en0', index: 6 };
    const c = newResolverEntry('resolver #2', 'supplemental');
    const d = newResolverEntry('scoped resolver #2', 'scoped');
    d.interface = { name: null, index: 9 };
    list.resolvers.push(b, a, c, d);
    const g = groupResolvers(list);
    expect(g.map((x) => x.name)).toEqual(['en0', 'all interfaces', 'interface #9']);
    expect(g[1]?.scopes.map((s) => s.scope)).toEqual(['default', 'supplemental']);
  });

  it('makes one chart row per probe time, with RTTs for replies and marks for silence', () => {
    const s = (at: number, kind: WatchSample['kind'], rttMs: number | null): WatchSample => ({ at, kind, rttMs, rcode: null, publicAddress: null });
    const rows = watchRows(
      [
        { server: 'a', samples: [s(1000, 'answer', 1.5), s(6000, 'timeout', null)] },
        { server: 'b', samples: [s(1000, 'refused', 0.7), s(6000, 'answer', 2)] },
      ],
      1000,
      2000,
    );
    const [ka, kb] = [seriesKeys('a'), seriesKeys('b')];
    expect(rows).toEqual([
      { t: 0, [ka.rtt]: 1.5, [ka.fail]: null, [kb.rtt]: 0.7, [kb.fail]: null },
      { t: 5, [ka.rtt]: null, [ka.fail]: 2000, [kb.rtt]: 2, [kb.fail]: null },
    ]);
  });
});
