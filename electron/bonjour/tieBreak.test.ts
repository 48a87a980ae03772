// Simultaneous probe tie-breaking (RFC 6762 §8.2) on records in wire form, as the advertiser
// compares its own probe with another host's.
import { describe, expect, it } from 'vitest';
import { probeTieBreak, serviceRecords, type AdvertisedService } from '../../shared/mdns/advertisement';
import { probeRecord } from './mdnsAdvertiser';

const wire = (records: Array<{ name: string; type: string; data: unknown }>) => records.map((r) => probeRecord(r)!);

describe('probe tie-breaking', () => {
  it('follows the RFC\'s own example: 169.254.200.50 wins over 169.254.99.200', () => {
    const loser = wire([{ name: 'host.local', type: 'A', data: '169.254.99.200' }]);
    const winner = wire([{ name: 'host.local', type: 'A', data: '169.254.200.50' }]);
    expect(probeTieBreak(loser, winner)).toBeLessThan(0);
    expect(probeTieBreak(winner, loser)).toBeGreaterThan(0);
    expect(probeTieBreak(winner, wire([{ name: 'HOST.local', type: 'A', data: '169.254.200.50' }]))).toBe(0);
  });

  it('compares type before data, sorts each side first, and lets the host with more records win', () => {
    const a = wire([{ name: 'h.local', type: 'A', data: '10.0.0.9' }]);
    const aaaa = wire([{ name: 'h.local', type: 'AAAA', data: 'fd00::1' }]);
    // A (1) sorts before AAAA (28) whatever the data.
    expect(probeTieBreak(a, aaaa)).toBeLessThan(0);
    const both = wire([
      { name: 'h.local', type: 'AAAA', data: 'fd00::1' },
      { name: 'h.local', type: 'A', data: '10.0.0.9' },
    ]);
    expect(probeTieBreak(both, a)).toBeGreaterThan(0);
    expect(probeTieBreak(a, both)).toBeLessThan(0);
  });

  it('decides between two services of one name by their SRV (port) and TXT data', () => {
    const svc = (port: number, txt: string[]): AdvertisedService => ({ name: 'Same', type: '_gs._udp.local', port, txt, host: 'h.local' });
    const unique = (s: AdvertisedService) => wire(serviceRecords(s, []).filter((r) => r.flush && r.name === 'Same._gs._udp.local'));
    // SRV rdata: priority, weight, then the port in network order: 4100 > 4000.
    expect(probeTieBreak(unique(svc(4100, ['v=1'])), unique(svc(4000, ['v=1'])))).toBeGreaterThan(0);
    expect(probeTieBreak(unique(svc(4000, ['v=1'])), unique(svc(4000, ['v=2'])))).toBeLessThan(0);
    expect(probeTieBreak(unique(svc(4000, ['v=1'])), unique(svc(4000, ['v=1'])))).toBe(0);
  });

  it('ignores record types it never probes', () => {
    expect(probeRecord({ name: 'x.local', type: 'HINFO', data: {} })).toBeNull();
    expect(probeRecord({ name: 5, type: 'A', data: '1.2.3.4' })).toBeNull();
  });
});
