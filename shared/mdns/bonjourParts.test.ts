// The pieces between the browser and the UI: which instances a packet speaks about, an instance's
// records with their TTLs, forgetting a vanished interface, the packet log's bounds, and batching.
import { describe, expect, it } from 'vitest';
import { ChangeBatcher } from './changeBatcher';
import { PacketLog } from './packetLog';
import { ServiceCache, type MdnsRecord, type ServiceInstance } from './serviceCache';

const T = '_http._tcp.local';
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const ptr = (i: string): MdnsRecord => ({ name: T, type: 'PTR', ttl: 4500, data: `${i}.${T}` });
const srv = (i: string, port: number, host = 'box.local'): MdnsRecord => ({ name: `${i}.${T}`, type: 'SRV', ttl: 120, flush: true, data: { priority: 0, weight: 0, port, target: host } });
const txt = (i: string, s: string[]): MdnsRecord => ({ name: `${i}.${T}`, type: 'TXT', ttl: 4500, flush: true, data: s.map(bytes) });
const a = (address: string, host = 'box.local'): MdnsRecord => ({ name: host, type: 'A', ttl: 120, flush: true, data: address });

describe('ServiceCache for the details view', () => {
  it('tells which instances a packet speaks about, also through its host address', () => {
    const c = new ServiceCache();
    c.ingest({ records: [ptr('One'), srv('One', 80), ptr('Two'), srv('Two', 81, 'other.local')], iface: 'eth1', source: '10.0.0.5', now: 0 });
    expect(c.instanceKeysOf([ptr('One'), txt('Two', ['a=1'])])).toEqual([`one.${T}`, `two.${T}`]);
    expect(c.instanceKeysOf([a('10.0.0.5')])).toEqual([`one.${T}`]);
    expect(c.instanceKeysOf([{ name: '_services._dns-sd._udp.local', type: 'PTR', data: T }, null, 'x'])).toEqual([]);
    expect(c.instanceKeysOf([ptr('A'), ptr('B'), ptr('C')], 2)).toHaveLength(2);
  });

  it('lists an instance\'s records per interface with the TTL left', () => {
    const c = new ServiceCache();
    c.ingest({ records: [ptr('One'), srv('One', 80), txt('One', ['v=1']), a('10.0.0.5')], iface: 'eth1', source: '10.0.0.5', now: 0 });
    c.ingest({ records: [ptr('One')], iface: 'wlan0', source: '192.168.1.5', now: 1000 });
    const recs = c.instanceRecords(`One.${T}`, 31_000);
    expect(recs.map((r) => [r.type, r.iface, r.ttl, r.remainingSec, r.sources])).toEqual([
      ['PTR', 'eth1', 4500, 4469, ['10.0.0.5']],
      ['PTR', 'wlan0', 4500, 4470, ['192.168.1.5']],
      ['SRV', 'eth1', 120, 89, ['10.0.0.5']],
      ['TXT', 'eth1', 4500, 4469, ['10.0.0.5']],
      ['A', 'eth1', 120, 89, ['10.0.0.5']],
    ]);
    expect(c.instanceRecords('nothing', 0)).toEqual([]);
  });

  it('forgets an interface that went away: instances heard only there go, others lose it', () => {
    const c = new ServiceCache();
    c.ingest({ records: [ptr('Both'), srv('Both', 80), ptr('VpnOnly'), srv('VpnOnly', 81)], iface: 'tun0', source: '10.8.0.5', now: 0 });
    c.ingest({ records: [ptr('Both')], iface: 'eth1', source: '10.0.0.5', now: 0 });
    const changes = c.forgetInterface('tun0', 10);
    expect(changes.map((ch) => [ch.kind, ch.instance.name, ch.instance.interfaces])).toEqual([
      ['updated', 'Both', ['eth1']],
      ['removed', 'VpnOnly', ['tun0']],
    ]);
    expect(c.instances().map((i) => i.name)).toEqual(['Both']);
  });
});

describe('PacketLog', () => {
  const pkt = (n: number, size = 100) => ({ at: n, iface: 'eth1', source: '10.0.0.5', port: 5353, bytes: new Uint8Array(size).fill(n & 0xff) });

  it('keeps the last packets of each instance, newest first, as copies', () => {
    const log = new PacketLog({ perInstance: 2 });
    const first = pkt(1);
    log.add(first, ['a', 'b']);
    first.bytes[0] = 99;
    log.add(pkt(2), ['a']);
    log.add(pkt(3), ['a']);
    expect(log.packetsOf('a').map((p) => p.at)).toEqual([3, 2]);
    expect(log.packetsOf('b').map((p) => [p.at, p.bytes[0]])).toEqual([[1, 1]]);
    log.add(pkt(4), []);
    expect(log.size().packets).toBe(3);
  });

  it('stays within its byte and instance bounds under a flood', () => {
    const log = new PacketLog({ maxBytes: 10_000, maxInstances: 50 });
    for (let i = 0; i < 5000; i++) log.add(pkt(i, 1000), [`k${i}`, 'common']);
    const size = log.size();
    expect(size.bytes).toBeLessThanOrEqual(10_000);
    expect(size.instances).toBeLessThanOrEqual(50);
    expect(log.packetsOf('common').map((p) => p.at)).toEqual([4999, 4998, 4997]);
    expect(log.packetsOf('k0')).toEqual([]);
  });
});

describe('ChangeBatcher', () => {
  const inst = (key: string, port = 80): ServiceInstance => ({ key, name: key, type: T, host: null, port, priority: null, weight: null, txt: [], txtBytes: 0, txtTruncated: false, addresses: [], missing: ['SRV', 'TXT', 'address'], interfaces: ['eth1'], sources: [], ttl: 120, firstSeen: 0, lastSeen: 0 });

  it('sends one entry per instance with its latest state, and nothing for one that came and went', () => {
    const b = new ChangeBatcher();
    expect(b.take(0)).toBeNull();
    b.add({ kind: 'added', instance: inst('x') });
    b.add({ kind: 'updated', instance: inst('x', 81) });
    b.add({ kind: 'added', instance: inst('gone') });
    b.add({ kind: 'removed', instance: inst('gone') });
    b.add({ kind: 'removed', instance: inst('back') });
    b.add({ kind: 'added', instance: inst('back', 90) });
    const batch = b.take(5)!;
    expect(batch.resync).toBe(false);
    expect(batch.changes.map((c) => [c.kind, c.instance.key, c.instance.port])).toEqual([
      ['added', 'x', 81],
      ['updated', 'back', 90],
    ]);
    expect(b.coalesced).toBe(3);
    expect(b.take(6)).toBeNull();
  });

  it('past the cap says resync instead of growing', () => {
    const b = new ChangeBatcher(100);
    for (let i = 0; i < 12_000; i++) b.add({ kind: 'added', instance: inst(`f${i}`) });
    const batch = b.take(1)!;
    expect(batch.changes).toHaveLength(100);
    expect(batch.resync).toBe(true);
    expect(b.coalesced).toBe(11_900);
  });
});
