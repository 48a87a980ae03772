import { describe, expect, it } from 'vitest';
import { ServiceCache, type MdnsRecord } from './serviceCache';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const T = '_http._tcp.local';
const ptr = (instance: string, ttl = 4500, type = T): MdnsRecord => ({ name: type, type: 'PTR', ttl, data: `${instance}.${type}` });
const srv = (instance: string, port: number, host = 'box.local', ttl = 120): MdnsRecord => ({ name: `${instance}.${T}`, type: 'SRV', ttl, flush: true, data: { priority: 0, weight: 0, port, target: host } });
const txt = (instance: string, strings: string[], ttl = 4500): MdnsRecord => ({ name: `${instance}.${T}`, type: 'TXT', ttl, flush: true, data: strings.map(bytes) });
const a = (address: string, host = 'box.local', ttl = 120): MdnsRecord => ({ name: host, type: 'A', ttl, flush: true, data: address });
const aaaa = (address: string, host = 'box.local', ttl = 120): MdnsRecord => ({ name: host, type: 'AAAA', ttl, flush: true, data: address });

function feed(c: ServiceCache, now: number, records: MdnsRecord[], iface = 'eth1', source = '10.0.0.5') {
  return c.ingest({ records, iface, source, now });
}

describe('ServiceCache', () => {
  it('builds an instance from PTR, SRV, TXT, A and AAAA, in any order', () => {
    const c = new ServiceCache();
    expect(feed(c, 1000, [a('10.0.0.5'), aaaa('fd00::5')])).toEqual([]);
    const changes = feed(c, 1000, [ptr('My Printer'), srv('My Printer', 631), txt('My Printer', ['txtvers=1', 'Color', 'note='])]);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.kind).toBe('added');
    expect(c.instances()).toEqual([
      {
        key: 'my printer._http._tcp.local',
        name: 'My Printer',
        type: T,
        host: 'box.local',
        port: 631,
        priority: 0,
        weight: 0,
        txt: [
          { key: 'txtvers', value: '1', binary: false },
          { key: 'Color', value: null, binary: false },
          { key: 'note', value: '', binary: false },
        ],
        txtBytes: 22,
        txtTruncated: false,
        addresses: [
          { address: '10.0.0.5', family: 'ipv4', interfaces: ['eth1'] },
          { address: 'fd00::5', family: 'ipv6', interfaces: ['eth1'] },
        ],
        missing: [],
        interfaces: ['eth1'],
        sources: [{ iface: 'eth1', address: '10.0.0.5' }],
        ttl: 4500,
        firstSeen: 1000,
        lastSeen: 1000,
      },
    ]);
  });

  it('keeps instance names with dots, spaces and UTF-8 whole, and matches names case-insensitively', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('Büro Drucker v1.2 (2)'), { ...srv('BÜRO DRUCKER V1.2 (2)', 80), name: `bÜRO drucker v1.2 (2).${T.toUpperCase()}` }]);
    const [i] = c.instances();
    expect(i!.name).toBe('Büro Drucker v1.2 (2)');
    // ASCII letters fold, non-ASCII ones do not (RFC 6762 §16): Ü and ü are different names.
    expect(i!.port).toBeNull();
    feed(c, 0, [{ ...srv('x', 81), name: `büro DRUCKER v1.2 (2).${T.toUpperCase()}` }]);
    expect(c.instances()[0]!.port).toBe(81);
  });

  it('lists service types from _services._dns-sd._udp and from instances', () => {
    const c = new ServiceCache();
    feed(c, 0, [
      { name: '_services._dns-sd._udp.local', type: 'PTR', ttl: 4500, data: '_ipp._tcp.local' },
      { name: '_services._dns-sd._udp.local', type: 'PTR', ttl: 4500, data: T },
      ptr('A'),
      ptr('B'),
    ]);
    const before = c.typesVersion();
    feed(c, 0, [{ name: '_services._dns-sd._udp.local', type: 'PTR', ttl: 4500, data: '_ipp._tcp.local' }], 'wlan0');
    expect(c.typesVersion()).toBeGreaterThan(before);
    const v = c.typesVersion();
    feed(c, 1, [{ name: '_services._dns-sd._udp.local', type: 'PTR', ttl: 4500, data: '_ipp._tcp.local' }]);
    expect(c.typesVersion()).toBe(v);
    expect(c.serviceTypes()).toEqual([
      { type: T, interfaces: ['eth1'], instances: 2 },
      { type: '_ipp._tcp.local', interfaces: ['eth1', 'wlan0'], instances: 0 },
    ]);
  });

  it('removes an instance one second after its goodbye, not before (RFC 6762 §10.1)', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('A'), srv('A', 80)]);
    expect(feed(c, 5000, [ptr('A', 0)])).toEqual([]);
    expect(c.expire(5999)).toEqual([]);
    const gone = c.expire(6000);
    expect(gone.map((g) => [g.kind, g.instance.name])).toEqual([['removed', 'A']]);
    expect(c.instances()).toEqual([]);
  });

  it('keeps an instance whose goodbye is followed by a fresh announcement within the second', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('A')]);
    feed(c, 100, [ptr('A', 0)]);
    feed(c, 500, [ptr('A')]);
    expect(c.expire(1200)).toEqual([]);
    expect(c.instances()).toHaveLength(1);
  });

  it('ignores a goodbye for a record it never had', () => {
    const c = new ServiceCache();
    expect(feed(c, 0, [ptr('A', 0)])).toEqual([]);
    expect(c.stats().records).toBe(0);
  });

  it('expires records at their TTL', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('A', 10), ptr('B', 20), srv('B', 80, 'box.local', 30)]);
    expect(c.nextExpiryAt()).toBe(10_000);
    expect(c.expire(9999)).toEqual([]);
    expect(c.expire(10_000).map((u) => [u.kind, u.instance.name])).toEqual([['removed', 'A']]);
    expect(c.expire(20_000).map((u) => [u.kind, u.instance.name])).toEqual([['removed', 'B']]);
    expect(c.expire(30_000)).toEqual([]);
    expect(c.stats().records).toBe(0);
    expect(c.nextExpiryAt()).toBe(Infinity);
  });

  it('updates SRV, TXT and addresses in place, and a refresh alone is not an update', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('A'), srv('A', 80), txt('A', ['v=1']), a('10.0.0.5')]);
    expect(feed(c, 1000, [ptr('A'), srv('A', 80), txt('A', ['v=1'])])).toEqual([]);
    const moved = feed(c, 3000, [srv('A', 8080), txt('A', ['v=2'])]);
    expect(moved.map((m) => [m.kind, m.instance.port, m.instance.txt[0]?.value])).toEqual([['updated', 8080, '2']]);
    // The cache-flush bit retires the old SRV and TXT one second later (RFC 6762 §10.2); the view already shows the new ones.
    expect(c.stats().records).toBe(6);
    c.expire(4000);
    expect(c.stats().records).toBe(4);
    // A new address with the flush bit replaces the old one after a second.
    const readdr = feed(c, 5000, [a('10.0.0.6')]);
    expect(readdr[0]!.instance.addresses.map((x) => x.address)).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(c.expire(6000)[0]!.instance.addresses.map((x) => x.address)).toEqual(['10.0.0.6']);
  });

  it('keeps records without the flush bit beside each other (shared records such as PTRs)', () => {
    const c = new ServiceCache();
    feed(c, 0, [{ ...a('10.0.0.5'), flush: false }, ptr('A'), srv('A', 80)]);
    feed(c, 5000, [{ ...a('10.0.0.6'), flush: false }]);
    c.expire(7000);
    expect(c.instances()[0]!.addresses.map((x) => x.address)).toEqual(['10.0.0.5', '10.0.0.6']);
  });

  it('merges one instance seen on two interfaces into one entry with both', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('A'), srv('A', 80), a('10.0.0.5')], 'eth1', '10.0.0.5');
    const second = feed(c, 10, [ptr('A'), srv('A', 80), a('10.0.0.5'), aaaa('fe80::5')], 'wlan0', 'fe80::5');
    expect(second.map((s) => s.kind)).toEqual(['updated']);
    const [i] = c.instances();
    expect(i!.interfaces).toEqual(['eth1', 'wlan0']);
    expect(i!.addresses).toEqual([
      { address: '10.0.0.5', family: 'ipv4', interfaces: ['eth1', 'wlan0'] },
      { address: 'fe80::5', family: 'ipv6', interfaces: ['wlan0'] },
    ]);
    expect(i!.sources).toEqual([
      { iface: 'eth1', address: '10.0.0.5' },
      { iface: 'wlan0', address: 'fe80::5' },
    ]);
    // A goodbye on one link leaves the instance on the other.
    feed(c, 20, [ptr('A', 0)], 'wlan0', 'fe80::5');
    expect(c.expire(1020).map((x) => [x.kind, x.instance.interfaces])).toEqual([['updated', ['eth1']]]);
  });

  it('keeps the IPv4 and the IPv6 source of one responder on one interface', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('A')], 'eth1', '10.0.0.5');
    const changes = feed(c, 5, [ptr('A')], 'eth1', 'fd00::5');
    expect(changes.map((x) => [x.kind, x.instance.sources])).toEqual([
      [
        'updated',
        [
          { iface: 'eth1', address: '10.0.0.5' },
          { iface: 'eth1', address: 'fd00::5' },
        ],
      ],
    ]);
  });

  it('asks for SRV, TXT and addresses again at 80, 85, 90 and 95% of their TTL (RFC 6762 §5.2)', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('Dotted v1.2'), srv('Dotted v1.2', 80, 'box.local', 100), a('10.0.0.5', 'box.local', 100)]);
    expect(c.refreshQueries(79_999)).toEqual([]);
    expect(c.refreshQueries(80_000)).toEqual([
      { name: `Dotted v1.2.${T}`, labels: ['Dotted v1.2', '_http', '_tcp', 'local'], type: 'SRV', iface: 'eth1' },
      { name: 'box.local', labels: ['box', 'local'], type: 'A', iface: 'eth1' },
    ]);
    expect(c.refreshQueries(84_000)).toEqual([]);
    expect(c.refreshQueries(95_000).map((q) => q.type)).toEqual(['SRV', 'A']);
    expect(c.refreshQueries(99_000)).toEqual([]);
    // An answer renews the record and its refreshes start over.
    feed(c, 96_000, [srv('Dotted v1.2', 80, 'box.local', 100)]);
    expect(c.refreshQueries(176_000).map((q) => q.type)).toEqual(['SRV']);
  });

  it('drops an instance whose SRV ran out unanswered (a responder gone without goodbye), not one whose SRV was replaced', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('A'), srv('A', 80, 'box.local', 120), ptr('B'), srv('B', 80, 'box.local', 120)]);
    feed(c, 60_000, [srv('B', 81, 'box.local', 120)]);
    expect(c.expire(61_000).map((x) => [x.kind, x.instance.name, x.instance.port])).toEqual([]);
    const changes = c.expire(120_000);
    expect(changes.map((x) => [x.kind, x.instance.name])).toEqual([['removed', 'A']]);
    expect(c.instances().map((i) => [i.name, i.port])).toEqual([['B', 81]]);
    expect(c.stats().records).toBe(2);
  });

  it('gives known answers with more than half their TTL left, with the remaining TTL (RFC 6762 §7.1)', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('A', 100), ptr('B', 100)]);
    feed(c, 0, [ptr('C', 100)], 'wlan0');
    expect(c.knownAnswers(T, 'PTR', 'eth1', 49_000)).toEqual([
      { labels: ['_http', '_tcp', 'local'], ttl: 51, data: { type: 'PTR', target: ['A', '_http', '_tcp', 'local'] } },
      { labels: ['_http', '_tcp', 'local'], ttl: 51, data: { type: 'PTR', target: ['B', '_http', '_tcp', 'local'] } },
    ]);
    expect(c.knownAnswers(T, 'PTR', 'eth1', 50_000)).toEqual([]);
    // Heard over IPv4 only: not a known answer for the IPv6 query.
    expect(c.knownAnswers(T, 'PTR', 'eth1', 1000, 'ipv4')).toHaveLength(2);
    expect(c.knownAnswers(T, 'PTR', 'eth1', 1000, 'ipv6')).toEqual([]);
  });

  it('gives known answers of every kept type, instance labels whole, and none in a goodbye', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('Dotted v1.2'), srv('Dotted v1.2', 80, 'box.local', 100), txt('Dotted v1.2', ['a=1']), a('10.0.0.5', 'box.local', 100), aaaa('fd00::5', 'box.local', 100)]);
    expect(c.knownAnswers(T, 'PTR', 'eth1', 1000)[0]!.data).toEqual({ type: 'PTR', target: ['Dotted v1.2', '_http', '_tcp', 'local'] });
    expect(c.knownAnswers(`Dotted v1.2.${T}`, 'SRV', 'eth1', 1000)).toEqual([{ labels: ['Dotted v1.2', '_http', '_tcp', 'local'], ttl: 99, data: { type: 'SRV', priority: 0, weight: 0, port: 80, target: ['box', 'local'] } }]);
    expect(c.knownAnswers(`dotted V1.2.${T}`, 'TXT', 'eth1', 1000)).toEqual([{ labels: ['Dotted v1.2', '_http', '_tcp', 'local'], ttl: 4499, data: { type: 'TXT', strings: [bytes('a=1')] } }]);
    expect(c.knownAnswers('box.local', 'AAAA', 'eth1', 1000)).toEqual([{ labels: ['box', 'local'], ttl: 99, data: { type: 'AAAA', address: 'fd00::5' } }]);
    expect(c.knownAnswers('box.local', 'A', 'wlan0', 1000)).toEqual([]);
    feed(c, 2000, [{ ...a('10.0.0.5', 'box.local'), ttl: 0 }]);
    expect(c.knownAnswers('box.local', 'A', 'eth1', 2000)).toEqual([]);
  });

  it('asks SRV and TXT of an instance heard only as a PTR, and the addresses of a host without one', () => {
    const c = new ServiceCache();
    expect(feed(c, 0, [ptr('Dotted v1.2')]).map((x) => [x.kind, x.instance.missing])).toEqual([['added', ['SRV', 'TXT', 'address']]]);
    expect(c.resolveQuestions()).toEqual([
      { key: `eth1|dotted v1.2.${T}|SRV`, iface: 'eth1', family: 'ipv4', source: '10.0.0.5', name: `Dotted v1.2.${T}`, labels: ['Dotted v1.2', '_http', '_tcp', 'local'], type: 'SRV' },
      { key: `eth1|dotted v1.2.${T}|TXT`, iface: 'eth1', family: 'ipv4', source: '10.0.0.5', name: `Dotted v1.2.${T}`, labels: ['Dotted v1.2', '_http', '_tcp', 'local'], type: 'TXT' },
    ]);
    // An empty TXT (one zero-length string) is an answer: it is no longer missing.
    expect(feed(c, 10, [txt('Dotted v1.2', [''])]).map((x) => [x.kind, x.instance.txt, x.instance.missing])).toEqual([['updated', [], ['SRV', 'address']]]);
    expect(c.resolveQuestions().map((q) => q.type)).toEqual(['SRV']);
    expect(feed(c, 20, [srv('Dotted v1.2', 80, 'Box.local')]).map((x) => x.instance.missing)).toEqual([['address']]);
    expect(c.resolveQuestions().map((q) => [q.name, q.labels, q.type])).toEqual([
      ['Box.local', ['Box', 'local'], 'A'],
      ['Box.local', ['Box', 'local'], 'AAAA'],
    ]);
    // One address, of either family, is enough.
    expect(feed(c, 30, [aaaa('fd00::5', 'box.local')]).map((x) => x.instance.missing)).toEqual([[]]);
    expect(c.resolveQuestions()).toEqual([]);
    // Everything in one packet, as most responders send it: nothing to ask.
    const full = new ServiceCache();
    feed(full, 0, [ptr('Full'), srv('Full', 80), txt('Full', ['a=1']), a('10.0.0.5')]);
    expect(full.resolveQuestions()).toEqual([]);
    expect(full.instances()[0]!.missing).toEqual([]);
  });

  it('asks on every interface the PTR is live on, over the family it was heard, and nothing outside .local', () => {
    const c = new ServiceCache();
    feed(c, 0, [ptr('A')], 'eth1', 'fd00::5');
    feed(c, 0, [ptr('A')], 'wlan0', '192.168.4.7');
    feed(c, 0, [ptr('W', 4500, '_http._tcp.example.com'), { name: 'X._http._tcp.local', type: 'SRV', ttl: 120, data: { priority: 0, weight: 0, port: 1, target: 'x.example.com' } }, ptr('X')], 'eth1', 'fd00::5');
    expect(c.resolveQuestions().map((q) => `${q.iface} ${q.family} ${q.name} ${q.type}`).sort()).toEqual([
      `eth1 ipv6 A.${T} SRV`,
      `eth1 ipv6 A.${T} TXT`,
      `eth1 ipv6 X.${T} TXT`,
      `wlan0 ipv4 A.${T} SRV`,
      `wlan0 ipv4 A.${T} TXT`,
    ]);
    // Gone: nothing more to ask.
    feed(c, 100, [ptr('A', 0)], 'eth1', 'fd00::5');
    feed(c, 100, [ptr('A', 0)], 'wlan0', '192.168.4.7');
    c.expire(1100);
    expect(c.resolveQuestions().map((q) => q.name)).toEqual([`X.${T}`]);
    // Only the instances asked about (those that changed), an unknown or removed one asks nothing.
    expect(c.resolveQuestions([`x.${T}`]).map((q) => `${q.name} ${q.type}`)).toEqual([`X.${T} TXT`]);
    expect(c.resolveQuestions([`a.${T}`, 'nothing'])).toEqual([]);
  });

  it('caps records and bytes, evicting the longest-unheard first', () => {
    const c = new ServiceCache({ maxRecords: 3 });
    feed(c, 0, [ptr('A'), ptr('B'), ptr('C')]);
    feed(c, 1, [ptr('A')]);
    const changes = feed(c, 2, [ptr('D')]);
    expect(changes.map((x) => [x.kind, x.instance.name])).toEqual([
      ['removed', 'B'],
      ['added', 'D'],
    ]);
    expect(c.instances().map((i) => i.name)).toEqual(['A', 'C', 'D']);
    expect(c.stats()).toMatchObject({ records: 3, evicted: 1 });
  });

  it('rate-limits a flooding source and caps records per packet', () => {
    const c = new ServiceCache({ sourceBurst: 10, sourceRecordsPerSec: 5, maxRecordsPerPacket: 8 });
    const many = Array.from({ length: 20 }, (_, k) => ptr(`i${k}`));
    feed(c, 0, many);
    expect(c.stats()).toMatchObject({ accepted: 8, perPacketCapped: 12 });
    feed(c, 0, many.slice(8, 16));
    expect(c.stats()).toMatchObject({ accepted: 10, rateLimited: 6 });
    feed(c, 1000, many.slice(16, 20));
    expect(c.stats()).toMatchObject({ accepted: 14, rateLimited: 6 });
    // Another source has its own budget.
    feed(c, 1000, [ptr('other')], 'eth1', '10.0.0.9');
    expect(c.stats().accepted).toBe(15);
  });

  it('refuses oversized names and cuts long TXT records at the cap', () => {
    const c = new ServiceCache({ maxTxtBytes: 20 });
    feed(c, 0, [{ name: 'x'.repeat(300), type: 'PTR', ttl: 10, data: 'y' }]);
    expect(c.stats().oversized).toBe(1);
    feed(c, 0, [ptr('A'), txt('A', ['a=123456789', 'b=123456789', 'c=1'])]);
    const [i] = c.instances();
    expect(i!.txt).toEqual([{ key: 'a', value: '123456789', binary: false }]);
    expect(i!.txtTruncated).toBe(true);
  });

  it('counts malformed and unused records instead of keeping them', () => {
    const c = new ServiceCache();
    feed(c, 0, [
      { name: 'box.local', type: 'A', ttl: 10, data: '300.1.1.1' },
      { name: 'box.local', type: 'AAAA', ttl: 10, data: 'fe80::1%eth0' },
      { name: 'x', type: 'SRV', ttl: 10, data: { port: 70000, priority: 0, weight: 0, target: 'h' } },
      { name: 'x', type: 'PTR', ttl: -1, data: 'y' },
      { name: 'x', type: 'NSEC', ttl: 10, data: {} },
    ]);
    expect(c.stats()).toMatchObject({ records: 0, malformed: 4, ignored: 1 });
  });
});
