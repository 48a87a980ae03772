import { describe, expect, it } from 'vitest';
import { answersFor, checkService, conflicts, goodbyeRecords, legacyAnswer, nextHost, nextName, publishSchedule, serviceRecords, type AdvertisedService } from './advertisement';

const svc: AdvertisedService = { name: 'Gapscope Test', type: '_gapscope._udp.local', port: 4000, txt: ['v=1', 'flag'], host: 'gs-lab.local' };
const ours = serviceRecords(svc, ['10.0.0.2', 'fd00::2']);

describe('advertisement', () => {
  it('renames after a conflict the way Apple and avahi do', () => {
    expect([nextName('Printer'), nextName('Printer (2)'), nextName('Printer (9)'), nextName('(2)')]).toEqual(['Printer (2)', 'Printer (3)', 'Printer (10)', '(2) (2)']);
    expect([nextHost('gs-lab.local'), nextHost('gs-lab-2.local')]).toEqual(['gs-lab-2.local', 'gs-lab-3.local']);
  });

  it('probes three times 250 ms apart, then announces twice a second apart', () => {
    expect(publishSchedule(0)).toEqual({ probes: [0, 250, 500], announcements: [750, 1750] });
    expect(publishSchedule(0.5)).toEqual({ probes: [125, 375, 625], announcements: [875, 1875] });
  });

  it('publishes shared PTRs and unique SRV, TXT and addresses; a goodbye is the same with TTL 0', () => {
    expect(ours.map((r) => [r.name, r.type, r.ttl, r.flush])).toEqual([
      ['_services._dns-sd._udp.local', 'PTR', 4500, false],
      ['_gapscope._udp.local', 'PTR', 4500, false],
      ['Gapscope Test._gapscope._udp.local', 'SRV', 120, true],
      ['Gapscope Test._gapscope._udp.local', 'TXT', 4500, true],
      ['gs-lab.local', 'A', 120, true],
      ['gs-lab.local', 'AAAA', 120, true],
    ]);
    expect(goodbyeRecords(ours).every((r) => r.ttl === 0)).toBe(true);
    expect(legacyAnswer(ours).map((r) => [r.ttl, r.flush])).toEqual(ours.map(() => [10, false]));
  });

  it('refuses names it cannot encode and malformed types, ports, hosts and TXT', () => {
    expect(checkService(svc)).toBeNull();
    expect(checkService({ ...svc, name: 'a.b' })).toMatch(/dot/);
    expect(checkService({ ...svc, type: 'http' })).toMatch(/not a service type/);
    expect(checkService({ ...svc, port: 70000 })).toMatch(/port/);
    expect(checkService({ ...svc, host: 'x' })).toMatch(/host name/);
    expect(checkService({ ...svc, txt: ['=x'] })).toMatch(/TXT/);
  });

  it('answers PTR queries with SRV, TXT and addresses as additionals, ANY with everything of the name', () => {
    const r = answersFor([{ name: '_GAPSCOPE._udp.local', type: 'PTR' }], [], ours);
    expect(r.answers.map((a) => a.type)).toEqual(['PTR']);
    expect(r.additionals.map((a) => a.type)).toEqual(['SRV', 'TXT', 'A', 'AAAA']);
    expect(answersFor([{ name: 'gapscope test._gapscope._udp.local', type: 'ANY' }], [], ours).answers.map((a) => a.type)).toEqual(['SRV', 'TXT']);
    expect(answersFor([{ name: 'gs-lab.local', type: 'A' }], [], ours).answers.map((a) => a.data)).toEqual(['10.0.0.2']);
    expect(answersFor([{ name: 'other.local', type: 'A' }], [], ours).answers).toEqual([]);
  });

  it('leaves out what the querier knows with at least half the TTL (RFC 6762 §7.1)', () => {
    const known = (ttl: number) => [{ name: '_gapscope._udp.local', type: 'PTR', ttl, data: 'gapscope test._gapscope._udp.local' }];
    expect(answersFor([{ name: '_gapscope._udp.local', type: 'PTR' }], known(2250), ours).answers).toEqual([]);
    expect(answersFor([{ name: '_gapscope._udp.local', type: 'PTR' }], known(2249), ours).answers).toHaveLength(1);
  });

  it('sees a conflict in another host\'s record of our unique names with other data, not in our own', () => {
    expect(conflicts(svc, ours, { name: 'Gapscope Test._gapscope._udp.local', type: 'SRV', data: { port: 5000, target: 'other.local' } })).toBe('name');
    expect(conflicts(svc, ours, { name: 'gapscope test._gapscope._udp.local', type: 'SRV', data: { port: 4000, target: 'GS-LAB.local' } })).toBeNull();
    expect(conflicts(svc, ours, { name: 'Gapscope Test._gapscope._udp.local', type: 'TXT', data: [Uint8Array.from([0x76, 0x3d, 0x31]), Uint8Array.from([0x66, 0x6c, 0x61, 0x67])] })).toBeNull();
    expect(conflicts(svc, ours, { name: 'gs-lab.local', type: 'A', data: '10.0.0.9' })).toBe('host');
    expect(conflicts(svc, ours, { name: 'elsewhere.local', type: 'A', data: '10.0.0.9' })).toBeNull();
    expect(conflicts(svc, ours, { name: 5 })).toBeNull();
  });
});
