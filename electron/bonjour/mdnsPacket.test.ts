// Decoding and encoding around dns-packet, without sockets: hostile packets are counted, never thrown.
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { encodeQuery, encodeQueryPackets } from '../../shared/mdns/queryPlan';
import { decodeMdnsPacket, fullServiceType } from './mdnsBrowser';

function header(qd: number, an: number): number[] {
  return [0, 0, 0x84, 0, 0, qd, 0, an, 0, 0, 0, 0];
}

describe('decodeMdnsPacket', () => {
  it('decodes a real response', () => {
    const buf = dnsPacket.encode({
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      answers: [
        { name: '_http._tcp.local', type: 'PTR', ttl: 4500, data: 'web._http._tcp.local' },
        { name: 'web._http._tcp.local', type: 'SRV', ttl: 120, flush: true, data: { port: 80, target: 'box.local' } },
      ],
    });
    const r = decodeMdnsPacket(buf);
    expect('packet' in r && r.packet.answers?.map((a) => a.type)).toEqual(['PTR', 'SRV']);
  });

  it('refuses a pointer to itself, which dns-packet also refuses', () => {
    // Question name at offset 12 is a pointer to offset 12.
    const loop = Buffer.from([...header(1, 0), 0xc0, 12, 0, 12, 0, 1]);
    expect(() => dnsPacket.decode(loop)).toThrow(/bad pointer/);
    expect(decodeMdnsPacket(loop)).toEqual({ problem: 'compression-loop' });
  });

  it('refuses long pointer chains, which dns-packet would follow (work grows with the square of the size)', () => {
    // Question "a" at 12; a NULL record whose data is 40 pointers, each to the one before;
    // then an A record whose owner is the last pointer: 41 hops to reach "a".
    const q = [1, 0x61, 0, 0, 1, 0, 1];
    const chainStart = 12 + q.length + 2 + 10;
    const chain: number[] = [];
    for (let k = 0; k < 40; k++) chain.push(0xc0, k === 0 ? 12 : chainStart + (k - 1) * 2);
    const nullRecord = [0xc0, 12, 0, 10, 0, 1, 0, 0, 0, 10, 0, chain.length, ...chain];
    const aRecord = [0xc0, chainStart + 39 * 2, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4, 10, 0, 0, 1];
    const packet = Buffer.from([0, 0, 0x84, 0, 0, 1, 0, 2, 0, 0, 0, 0, ...q, ...nullRecord, ...aRecord]);
    expect(dnsPacket.decode(packet).answers?.[1]).toMatchObject({ name: 'a', type: 'A', data: '10.0.0.1' });
    expect(decodeMdnsPacket(packet)).toEqual({ problem: 'compression-loop' });
  });

  it('counts oversized, truncated and garbage packets', () => {
    expect(decodeMdnsPacket(Buffer.alloc(9001))).toEqual({ problem: 'oversized' });
    expect(decodeMdnsPacket(Buffer.from([0, 0, 0x84]))).toEqual({ problem: 'truncated' });
    expect(decodeMdnsPacket(Buffer.from([...header(0, 0xffff)]))).toEqual({ problem: 'too-many-records' });
    for (let seed = 0; seed < 2000; seed++) {
      const len = 12 + ((seed * 7919) % 300);
      const b = Buffer.alloc(len);
      let x = seed + 1;
      for (let i = 0; i < len; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        b[i] = x >>> 24;
      }
      b[4] = 0;
      b[5] = seed % 3;
      b[6] = 0;
      b[7] = seed % 5;
      expect(() => decodeMdnsPacket(b)).not.toThrow();
    }
  });

  it('survives every truncation and byte flip of a real response', () => {
    const good = dnsPacket.encode({
      type: 'response',
      answers: [
        { name: '_ipp._tcp.local', type: 'PTR', ttl: 4500, data: 'p._ipp._tcp.local' },
        { name: 'p._ipp._tcp.local', type: 'TXT', ttl: 4500, data: ['a=1', 'b'] },
        { name: 'p._ipp._tcp.local', type: 'SRV', ttl: 120, data: { port: 631, target: 'p.local' } },
        { name: 'p.local', type: 'AAAA', ttl: 120, data: 'fd00::1' },
      ],
    });
    for (let cut = 0; cut < good.length; cut++) expect(() => decodeMdnsPacket(good.subarray(0, cut))).not.toThrow();
    for (let i = 0; i < good.length; i++) {
      for (const v of [0x00, 0xc0, 0xff, 0x3f]) {
        const b = Buffer.from(good);
        b[i] = v;
        expect(() => decodeMdnsPacket(b)).not.toThrow();
      }
    }
  });
});

describe('encodeQuery (shared/mdns/queryPlan) read back by dns-packet', () => {
  it('asks for PTR with the QU bit off by default, on when asked', () => {
    const q = dnsPacket.decode(Buffer.from(encodeQuery([{ labels: ['_http', '_tcp', 'local'], type: 'PTR' }]).bytes));
    expect(q.questions).toEqual([{ name: '_http._tcp.local', type: 'PTR', class: 'IN' }]);
    const qu = encodeQuery([{ labels: ['_http', '_tcp', 'local'], type: 'PTR', unicastResponse: true }]).bytes;
    expect([...qu.subarray(-2)]).toEqual([0x80, 0x01]);
  });

  it('carries known answers of every type, a dotted instance label included, compressed, decodable', () => {
    const bytes = encodeQuery(
      [
        { labels: ['_http', '_tcp', 'local'], type: 'PTR' },
        { labels: ['v1.2', '_http', '_tcp', 'local'], type: 'SRV' },
        { labels: ['box', 'local'], type: 'AAAA' },
      ],
      [
        { labels: ['_http', '_tcp', 'local'], ttl: 100, data: { type: 'PTR', target: ['Web Server', '_http', '_tcp', 'local'] } },
        { labels: ['_http', '_tcp', 'local'], ttl: 100, data: { type: 'PTR', target: ['v1.2', '_http', '_tcp', 'local'] } },
        { labels: ['v1.2', '_http', '_tcp', 'local'], ttl: 90, data: { type: 'SRV', priority: 1, weight: 2, port: 8081, target: ['box', 'local'] } },
        { labels: ['v1.2', '_http', '_tcp', 'local'], ttl: 4000, data: { type: 'TXT', strings: [Uint8Array.from([0x61, 0x3d, 0x31]), new Uint8Array(0)] } },
        { labels: ['box', 'local'], ttl: 60, data: { type: 'A', address: '10.0.0.5' } },
        { labels: ['box', 'local'], ttl: 60, data: { type: 'AAAA', address: 'fd00::5' } },
      ],
    ).bytes;
    const q = dnsPacket.decode(Buffer.from(bytes));
    expect(q.questions?.map((x) => [x.name, x.type])).toEqual([
      ['_http._tcp.local', 'PTR'],
      ['v1.2._http._tcp.local', 'SRV'],
      ['box.local', 'AAAA'],
    ]);
    const answers = q.answers?.map((x) => {
      const r = x as { name: string; type: string; ttl?: number; flush?: boolean; data?: unknown };
      return [r.name, r.type, r.ttl, r.flush, r.type === 'TXT' ? (r.data as Buffer[]).map((b) => b.toString()) : r.data];
    });
    expect(answers).toEqual([
      ['_http._tcp.local', 'PTR', 100, false, 'Web Server._http._tcp.local'],
      ['_http._tcp.local', 'PTR', 100, false, 'v1.2._http._tcp.local'],
      ['v1.2._http._tcp.local', 'SRV', 90, false, { priority: 1, weight: 2, port: 8081, target: 'box.local' }],
      ['v1.2._http._tcp.local', 'TXT', 4000, false, ['a=1', '']],
      ['box.local', 'A', 60, false, '10.0.0.5'],
      ['box.local', 'AAAA', 60, false, 'fd00::5'],
    ]);
    // The dotted label survives as one label: 4 bytes "v1.2", then a pointer.
    const at = Buffer.from(bytes).indexOf(Buffer.from([4, 0x76, 0x31, 0x2e, 0x32]));
    expect(at).toBeGreaterThan(12);
    expect(bytes[at + 5]! & 0xc0).toBe(0xc0);
    // Compression keeps it small: the same packet with every name in full is longer.
    expect(bytes.length).toBeLessThan(200);
  });
});

describe('fullServiceType', () => {
  it('adds .local when no domain is given', () => {
    expect(['_http._tcp', '_http._tcp.local', '_http._tcp.local.', '_ipp._tcp.example.com'].map(fullServiceType)).toEqual([
      '_http._tcp.local',
      '_http._tcp.local',
      '_http._tcp.local',
      '_ipp._tcp.example.com',
    ]);
  });
});

describe('encodeQueryPackets (RFC 6762 §7.2) read back by dns-packet', () => {
  const ptr = (i: number) => ({ labels: ['_http', '_tcp', 'local'], ttl: 4000, data: { type: 'PTR' as const, target: [`Instance number ${i}`, '_http', '_tcp', 'local'] } });

  it('spreads known answers over packets, the question in the first, TC on all but the last', () => {
    const known = Array.from({ length: 100 }, (_, i) => ptr(i));
    const q = encodeQueryPackets([{ labels: ['_http', '_tcp', 'local'], type: 'PTR' }], known, 1400);
    const decoded = q.packets.map((b) => dnsPacket.decode(Buffer.from(b)));
    expect(q.packets.map((b) => b.length <= 1400)).toEqual([true, true, true]);
    expect(decoded.map((d) => [d.questions?.length, d.answers?.length, ((d.flags ?? 0) & 0x0200) !== 0])).toEqual([
      [1, 41, true],
      [0, 41, true],
      [0, 18, false],
    ]);
    // Every known answer once, in order, each a PTR of the type with its TTL.
    expect(decoded.flatMap((d) => (d.answers ?? []).map((a) => (a as { data: string }).data))).toEqual(known.map((_, i) => `Instance number ${i}._http._tcp.local`));
    expect(q).toMatchObject({ answers: 100, leftOut: [] });
  });

  it('one packet and no TC when they fit; stops at maxPackets and says what was left out', () => {
    const one = encodeQueryPackets([{ labels: ['_http', '_tcp', 'local'], type: 'PTR' }], [ptr(1), ptr(2)]);
    expect(one.packets).toHaveLength(1);
    expect(one.packets[0]![2]! & 0x02).toBe(0);
    const capped = encodeQueryPackets([{ labels: ['_http', '_tcp', 'local'], type: 'PTR' }], Array.from({ length: 100 }, (_, i) => ptr(i)), 1400, 2);
    expect(capped.packets).toHaveLength(2);
    expect(capped.leftOut).toEqual(Array.from({ length: 18 }, (_, i) => 82 + i));
  });
});
