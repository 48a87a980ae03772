import { describe, expect, it } from 'vitest';
import {
  attachLinkZone,
  emptyResolverList,
  formatServer,
  isLinkLocalIPv6,
  isLoopback,
  isWindowsSiteLocalDefault,
  newResolverEntry,
  parseSafely,
  parseServerText,
  serversInUse,
  settleServers,
  summarizeResolverList,
  textLines,
} from './resolverList';

describe('parseServerText', () => {
  it('reads every way the sources print a server', () => {
    expect(parseServerText('10.0.0.1')).toMatchObject({ address: '10.0.0.1', family: 'ipv4', port: 53, zone: null, serverName: null });
    expect(parseServerText('fe80::1%en0')).toMatchObject({ address: 'fe80::1', family: 'ipv6', zone: 'en0' });
    expect(parseServerText('fec0:0:0:ffff::1%1')).toMatchObject({ address: 'fec0:0:0:ffff::1', zone: '1' });
    expect(parseServerText('1.1.1.1#cloudflare-dns.com')).toMatchObject({ address: '1.1.1.1', port: 53, serverName: 'cloudflare-dns.com' });
    expect(parseServerText('[2606:4700:4700::1111]:853#cloudflare-dns.com')).toMatchObject({
      address: '2606:4700:4700::1111',
      family: 'ipv6',
      port: 853,
      serverName: 'cloudflare-dns.com',
    });
    expect(parseServerText('192.168.1.1:5353')).toMatchObject({ address: '192.168.1.1', port: 5353 });
    expect(parseServerText('fe80::40c:2f5f:6658:9ec3%2(Preferred)')).toMatchObject({ address: 'fe80::40c:2f5f:6658:9ec3', zone: '2' });
  });

  it('keeps text that is no address, with family null, instead of dropping it', () => {
    expect(parseServerText('<dns1>')).toMatchObject({ address: '<dns1>', family: null, text: '<dns1>' });
    expect(parseServerText('10.0.0.1:99999')).toMatchObject({ family: null });
    expect(parseServerText('')).toMatchObject({ family: null });
  });
});

describe('address classes', () => {
  it('knows link-local, loopback and Windows placeholders', () => {
    expect(isLinkLocalIPv6('fe80::1')).toBe(true);
    expect(isLinkLocalIPv6('febf::1')).toBe(true);
    expect(isLinkLocalIPv6('fec0::1')).toBe(false);
    expect(isLoopback('127.0.0.53')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::2')).toBe(false);
    expect(isWindowsSiteLocalDefault('fec0:0:0:ffff::1')).toBe(true);
    expect(isWindowsSiteLocalDefault('FEC0:0000:0000:FFFF:0000:0000:0000:0002')).toBe(true);
    expect(isWindowsSiteLocalDefault('fec0::1')).toBe(false);
    expect(isWindowsSiteLocalDefault('fec0:0:0:ffff::3')).toBe(true);
    expect(isWindowsSiteLocalDefault('fec0:0:0:ffff::4')).toBe(false);
  });

  it('gives a link-local server without zone the interface it was listed under', () => {
    const s = parseServerText('fe80::861e:a3ff:feb1:f8e7');
    expect(attachLinkZone(s, { name: 'enp34s0', index: 2 })).toBe(true);
    expect(formatServer(s)).toBe('fe80::861e:a3ff:feb1:f8e7%enp34s0');
    const g = parseServerText('2001:db8::1');
    expect(attachLinkZone(g, { name: 'eth0', index: 2 })).toBe(false);
    expect(formatServer({ ...parseServerText('fd00::1'), port: 5353 })).toBe('[fd00::1]:5353');
  });
});

describe('list helpers', () => {
  it('lists each server in use once, in order', () => {
    const list = emptyResolverList('scutil');
    const a = newResolverEntry('a', 'default');
    a.servers = [parseServerText('10.0.0.1'), parseServerText('10.0.0.2')];
    a.inUse = true;
    a.why = 'default';
    const b = newResolverEntry('b', 'scoped');
    b.servers = [parseServerText('10.0.0.3')];
    const c = newResolverEntry('c', 'supplemental');
    c.servers = [parseServerText('10.0.0.2'), parseServerText('10.0.0.4')];
    c.inUse = true;
    c.why = 'split';
    for (const e of [a, b, c]) settleServers(e);
    list.resolvers.push(a, b, c);
    expect(serversInUse(list).map((s) => s.address)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.4']);
    expect(summarizeResolverList(list)).toEqual([
      'a · default · used',
      '  10.0.0.1 · used',
      '  10.0.0.2 · used',
      'b · scoped · not used',
      '  10.0.0.3 · not used',
      'c · supplemental · used',
      '  10.0.0.2 · used',
      '  10.0.0.4 · used',
    ]);
  });

  it('splits any line ending, drops a BOM and mis-decoded NULs', () => {
    const warnings: string[] = [];
    expect(textLines('\uFEFFa\r\nb\rc\nd', warnings)).toEqual(['a', 'b', 'c', 'd']);
    expect(textLines('n\u0000s\u0000', warnings)).toEqual(['ns']);
    expect(warnings).toHaveLength(1);
    expect(textLines(42 as unknown as string, warnings)).toEqual([]);
  });

  it('turns a thrown error into a warning', () => {
    const list = parseSafely('nmcli', () => {
      throw new Error('boom');
    });
    expect(list).toEqual({ source: 'nmcli', resolvers: [], searchDomains: [], notes: [], warnings: ['Internal parser error: boom'] });
  });
});
