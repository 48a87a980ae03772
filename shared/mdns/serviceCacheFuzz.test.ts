// Random and hostile decoded records: the cache must never throw and must stay within its caps.
import { describe, expect, it } from 'vitest';
import { ServiceCache } from './serviceCache';

// A small deterministic generator (mulberry32), so that a failure can be replayed from its seed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ['PTR', 'SRV', 'TXT', 'A', 'AAAA', 'NSEC', 'OPT', '', 'ptr', '__proto__', 'constructor'];
const NAMES = ['_http._tcp.local', '_services._dns-sd._udp.local', 'a._http._tcp.local', 'box.local', '', '.', 'x'.repeat(300), '__proto__', 'A.B.C._ipp._tcp.local'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function randomValue(r: () => number, depth = 0): unknown {
  switch (Math.floor(r() * 12)) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return Math.floor(r() * 2 ** 33) - 2 ** 32;
    case 3:
      return r() < 0.5 ? Number.NaN : Infinity;
    case 4:
      return pick(r, NAMES);
    case 5:
      return Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256));
    case 6:
      return depth > 2 ? [] : Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
    case 7:
      return { priority: randomValue(r, 3), weight: 0, port: Math.floor(r() * 70000), target: pick(r, NAMES) };
    case 8:
      return pick(r, ['10.0.0.1', 'fe80::1', '999.1.1.1', '::', 'fd00::1%lo', '1.2.3']);
    case 9:
      return `${pick(r, ['A', 'b', 'Ü', ''])}.${pick(r, NAMES)}`;
    case 10:
      return { toString: () => 'x' };
    default:
      return true;
  }
}

function randomRecord(r: () => number): unknown {
  if (r() < 0.05) return randomValue(r);
  return { name: r() < 0.8 ? pick(r, NAMES) : randomValue(r), type: pick(r, TYPES), ttl: r() < 0.3 ? 0 : r() < 0.8 ? Math.floor(r() * 5000) : randomValue(r), flush: r() < 0.5, data: randomValue(r) };
}

describe('ServiceCache with random and hostile records', () => {
  it('never throws and stays within its caps', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const cache = new ServiceCache({ maxRecords: 64, maxBytes: 64 * 1024 });
      let now = 0;
      for (let p = 0; p < 50; p++) {
        now += Math.floor(r() * 3000);
        const records = Array.from({ length: Math.floor(r() * 40) }, () => randomRecord(r));
        expect(() => cache.ingest({ records, iface: pick(r, ['eth0', 'wlan0']), source: pick(r, ['10.0.0.1', 'fe80::1']), now })).not.toThrow();
        expect(() => cache.expire(now)).not.toThrow();
        const s = cache.stats();
        expect(s.records).toBeLessThanOrEqual(64);
        expect(s.bytes).toBeLessThanOrEqual(64 * 1024);
        expect(() => JSON.stringify(cache.instances()) + JSON.stringify(cache.serviceTypes())).not.toThrow();
      }
    }
  }, 30_000); // ~3.5 s alone; more on a busy shared machine

  it('survives inputs that are not even arrays', () => {
    const cache = new ServiceCache();
    for (const records of [null, undefined, 'x', 5, {}, [null, 1, 'x', [], {}]]) {
      expect(() => cache.ingest({ records: records as never, iface: 'eth0', source: '10.0.0.1', now: 0 })).not.toThrow();
    }
    expect(() => cache.ingest({ records: [], iface: 5 as never, source: '1', now: Number.NaN })).not.toThrow();
  });

  it('keeps a flood of distinct records within the record cap', () => {
    const cache = new ServiceCache();
    for (let p = 0; p < 400; p++) {
      const records = Array.from({ length: 50 }, (_, k) => ({ name: '_http._tcp.local', type: 'PTR', ttl: 4500, data: `i${p}-${k}._http._tcp.local` }));
      cache.ingest({ records, iface: 'eth0', source: `10.0.${p % 250}.1`, now: p });
    }
    expect(cache.stats().records).toBe(4096);
    expect(cache.instances()).toHaveLength(4096);
  });
});
