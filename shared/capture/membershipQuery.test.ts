// Membership queries in tcpdump's own test captures (fixtures/SOURCES.md), counted as tcpdump prints them.
import { describe, expect, it } from 'vitest';
import { CaptureReader } from '../pcapng/read';
import { readFixture } from './fixtures/readFixture.mjs';
import { MembershipQueryReader, type MembershipQuery } from './membershipQuery';

function queriesIn(name: string): { frames: number; queries: MembershipQuery[] } {
  const reader = new MembershipQueryReader();
  const queries: MembershipQuery[] = [];
  let frames = 0;
  const capture = new CaptureReader((r) => {
    frames += 1;
    const q = reader.read(r.linkType, r.data, r.timeMs);
    if (q) queries.push(q);
  });
  capture.push(readFixture(name));
  capture.end();
  return { frames, queries };
}

describe('membership queries', () => {
  it('IGMPv2: the two general queries and two group-specific ones among 14 reports and leaves', () => {
    const { frames, queries } = queriesIn('tcpdump-IGMP_V2.pcap');
    expect(frames).toBe(18);
    expect(queries.map((q) => [q.from, q.version, q.group])).toEqual([
      ['192.168.1.2', 'IGMPv2', null],
      ['192.168.1.2', 'IGMPv2', '225.1.1.3'],
      ['192.168.1.2', 'IGMPv2', '225.1.1.4'],
      ['192.168.1.2', 'IGMPv2', null],
    ]);
    expect(new Date(queries[0]!.timeMs).toISOString()).toBe('2009-02-24T10:21:47.698Z');
  });
  it('IGMPv3: six general queries from 192.2.0.2', () => {
    const { queries } = queriesIn('tcpdump-igmpv3-queries.pcap');
    expect(queries).toHaveLength(6);
    expect(new Set(queries.map((q) => `${q.from} ${q.version} ${q.group}`))).toEqual(new Set(['192.2.0.2 IGMPv3 null']));
  });
  it('MLDv2: the one query behind its Hop-by-Hop header, not the router advertisement or the three reports', () => {
    const { frames, queries } = queriesIn('tcpdump-icmpv6.pcap');
    expect(frames).toBe(5);
    expect(queries.map((q) => [q.from, q.version, q.group])).toEqual([['fe80::b2a8:6eff:fe0c:d4e8', 'MLDv2', null]]);
  });
  it('a frame cut short is passed over, not thrown', () => {
    const reader = new MembershipQueryReader();
    const frames: Uint8Array[] = [];
    const capture = new CaptureReader((r) => frames.push(r.data.slice()));
    capture.push(readFixture('tcpdump-icmpv6.pcap'));
    capture.end();
    for (const f of frames) for (let n = 0; n < f.byteLength; n++) expect(() => reader.read(1, f.subarray(0, n), 0)).not.toThrow();
    expect(reader.read(1, frames[2]!.subarray(0, 80), 0)).toBeNull();
  });
});
