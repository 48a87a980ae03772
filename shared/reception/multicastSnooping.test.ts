// Snooping without a querier, on synthetic gap series, against what the wire view heard.
import { describe, expect, it } from 'vitest';
import { snoopingVerdict } from './multicastSnooping';

const gap = (startMs: number, durationMs: number) => ({ startMs, durationMs });
const none = { heard: 0, lastFrom: null, lastVersion: null, lastAtMs: null };
const heard = { heard: 3, lastFrom: '192.168.1.2', lastVersion: 'IGMPv2', lastAtMs: 250_000 };

describe('snoopingVerdict', () => {
  it('a stream silent since 4 min 20 s after the join, no querier heard: likely snooping, with the numbers', () => {
    const v = snoopingVerdict({ multicast: true, gaps: [gap(30_000, 200)], openGap: gap(260_000, 40_000), queries: none, nowMs: 300_000 })!;
    expect(v.kind).toBe('likely');
    expect(v.summary).toBe('The stream first went silent 4 min 20 s after joining the group and is still silent, and no IGMP/MLD querier was heard on the link in the 5 min 00 s watched. Likely IGMP/MLD snooping without a querier: the switch forgets the group a few minutes after the join\'s reports. Enable a querier on the switch or router of this network (or turn snooping off).');
  });
  it('recurring silences from 2 min 10 s on fit too; a querier heard says to look elsewhere', () => {
    const gaps = [gap(130_000, 20_000), gap(280_000, 20_000), gap(430_000, 20_000)];
    expect(snoopingVerdict({ multicast: true, gaps, openGap: null, queries: none, nowMs: 500_000 })!.kind).toBe('likely');
    const v = snoopingVerdict({ multicast: true, gaps, openGap: null, queries: heard, nowMs: 500_000 })!;
    expect(v.kind).toBe('querier-heard');
    expect(v.summary).toContain('went silent 2 more times');
    expect(v.summary).toContain('a querier is heard on the link: 3 membership queries, the last from 192.168.1.2 (IGMPv2) at 4 min 10 s after the join');
  });
  it('without the wire view it says the gaps fit, and how to know more', () => {
    expect(snoopingVerdict({ multicast: true, gaps: [], openGap: gap(200_000, 5000), queries: undefined, nowMs: 205_000 })).toMatchObject({ kind: 'fits' });
  });
  it('a first silence before 125 s, after 300 s, or a single one that ended, does not fit; the querier is still said', () => {
    expect(snoopingVerdict({ multicast: true, gaps: [gap(60_000, 5000), gap(200_000, 5000)], openGap: null, queries: none, nowMs: 400_000 })).toEqual({ kind: 'none', summary: 'No IGMP/MLD querier was heard on the link in the 6 min 40 s watched.' });
    expect(snoopingVerdict({ multicast: true, gaps: [], openGap: gap(310_000, 5000), queries: heard, nowMs: 400_000 })!.kind).toBe('none');
    expect(snoopingVerdict({ multicast: true, gaps: [gap(200_000, 5000)], openGap: null, queries: undefined, nowMs: 400_000 })!.kind).toBe('none');
    // Short silences do not count.
    expect(snoopingVerdict({ multicast: true, gaps: [gap(200_000, 300), gap(210_000, 300)], openGap: null, queries: none, nowMs: 400_000 })!.kind).toBe('none');
  });
  it('is not said for unicast or broadcast', () => {
    expect(snoopingVerdict({ multicast: false, gaps: [], openGap: gap(260_000, 40_000), queries: none, nowMs: 300_000 })).toBeNull();
  });
});
