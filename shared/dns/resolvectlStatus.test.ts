import { describe, expect, it } from 'vitest';
import linkLocal from './fixtures/linux-resolvectl-status-link-local-ipv6-dns-3-servers.txt?raw';
import multilink from './fixtures/linux-resolvectl-status-multilink-ipv6-ula-PARTIAL.txt?raw';
import azure from './fixtures/linux-systemd-resolve-status-ubuntu1804-azure-docker-veths.txt?raw';
import { parseResolvectlStatus } from './resolvectlStatus';
import { formatServer, serversInUse, summarizeResolverList } from './resolverList';

describe('resolvectl status / systemd-resolve --status, real outputs', () => {
  it('three servers on one link, the current one link-local IPv6 printed without its scope id', () => {
    const list = parseResolvectlStatus(linkLocal);
    expect(summarizeResolverList(list)).toEqual([
      'Link 2 (enp34s0) · link · enp34s0 (2) · used · search lan · for lan',
      '  192.168.1.12 · used',
      '  192.168.1.13 · used',
      '  fe80::861e:a3ff:feb1:f8e7%enp34s0 (current) · used',
    ]);
    const link = list.resolvers[0];
    expect(link?.defaultRoute).toBe(true);
    expect(link?.flags).toEqual(['+DefaultRoute', 'LLMNR=resolve', '-mDNS', '-DNSOverTLS', 'DNSSEC=no/unsupported']);
    expect(link?.why).toBe("Asked for names under lan, and for every name that matches no link's routing domain (DefaultRoute).");
    const ll = link?.servers[2];
    expect(ll).toMatchObject({ address: 'fe80::861e:a3ff:feb1:f8e7', zone: 'enp34s0', text: 'fe80::861e:a3ff:feb1:f8e7', current: true });
    expect(ll?.why).toBe(
      'The server systemd-resolved is using on this link now; it moves to the next one if this one fails. Printed without a scope id; a link-local server listed under Link 2 (enp34s0) is reached through enp34s0.',
    );
    expect(link?.servers[0]?.why).toBe(
      'Asked when the current server (fe80::861e:a3ff:feb1:f8e7) fails: systemd-resolved uses one server per link at a time.',
    );
    expect(list.searchDomains).toEqual(['lan']);
    expect(list.warnings).toEqual([]);
    expect(serversInUse(list).map(formatServer)).toEqual(['192.168.1.12', '192.168.1.13', 'fe80::861e:a3ff:feb1:f8e7%enp34s0']);
  });

  it('six links, five without a DNS scope, trailing padding, stub mode', () => {
    const list = parseResolvectlStatus(multilink);
    expect(summarizeResolverList(list)).toEqual([
      'Link 5 (wlp4s0) · link · wlp4s0 (5) · used · search lan · for lan',
      '  192.168.1.1 (current) · used',
      '  fdb8:7b34:b3d9::1 · used',
    ]);
    expect(list.notes).toEqual([
      '/etc/resolv.conf points programs at the stub 127.0.0.53; systemd-resolved forwards their queries to the servers below.',
    ]);
    expect(list.warnings).toEqual([]);
  });

  it('old systemd-resolve: DNSSEC NTA continuation lines ignored, eth0 forwarding to a local resolver', () => {
    const list = parseResolvectlStatus(azure);
    expect(summarizeResolverList(list)).toEqual([
      'Link 2 (eth0) · link · eth0 (2) · used · search ek2oglvmzcme1lipmi1rew0jlb.zx.internal.cloudapp.net · for ek2oglvmzcme1lipmi1rew0jlb.zx.internal.cloudapp.net',
      '  127.0.0.1 · used',
    ]);
    const eth0 = list.resolvers[0];
    expect(eth0?.defaultRoute).toBeNull();
    expect(eth0?.flags).toEqual(['LLMNR=yes', 'mDNS=no', 'DNSSEC=no']);
    expect(eth0?.why).toContain('this version does not print DefaultRoute');
    expect(eth0?.servers[0]?.why).toContain('127.0.0.1 is a DNS server on this machine itself');
    expect(list.warnings).toEqual([]);
  });
});

describe('resolvectl status, forms seen in other versions', () => {
  it('global servers, DoT names and ports, routing-only domains, DefaultRoute off, fallback servers', () => {
    const list = parseResolvectlStatus(
      [
        'Global',
        '           Protocols: -LLMNR -mDNS +DNSOverTLS DNSSEC=no/unsupported',
        '    resolv.conf mode: foreign',
        '  Current DNS Server: 1.1.1.1#cloudflare-dns.com',
        '         DNS Servers: 1.1.1.1#cloudflare-dns.com [2606:4700:4700::1111]:853#cloudflare-dns.com',
        'Fallback DNS Servers: 9.9.9.9',
        '',
        'Link 7 (tun0)',
        '    Current Scopes: DNS',
        '         Protocols: -DefaultRoute +LLMNR -mDNS -DNSOverTLS DNSSEC=no/unsupported',
        '       DNS Servers: 10.8.0.1:5353',
        '        DNS Domain: ~corp.example eng.corp.example',
        '',
        'Link 3 (eth1)',
        'Current Scopes: none',
        '     Protocols: +DefaultRoute',
        '   DNS Servers: 192.168.50.1',
      ].join('\n'),
    );
    expect(summarizeResolverList(list)).toEqual([
      'Global · global · used',
      '  1.1.1.1 (current) · used',
      '  [2606:4700:4700::1111]:853 · used',
      'Link 7 (tun0) · link · tun0 (7) · used · search eng.corp.example · for corp.example, eng.corp.example',
      '  10.8.0.1:5353 · used',
      'Link 3 (eth1) · link · eth1 (3) · not used',
      '  192.168.50.1 · not used',
      'Fallback · global · not used',
      '  9.9.9.9 · not used',
    ]);
    expect(list.resolvers[0]?.servers[1]).toMatchObject({ port: 853, serverName: 'cloudflare-dns.com' });
    expect(list.resolvers[1]?.why).toBe('Asked only for names under corp.example, eng.corp.example (routing domains; DefaultRoute is off).');
    expect(list.resolvers[2]?.why).toBe('systemd-resolved has no DNS scope on this link (Current Scopes: none), so its servers are not asked.');
    expect(list.resolvers[3]?.why).toBe(
      'Fallback servers are used only when no other DNS server is configured anywhere; here other servers exist.',
    );
    expect(list.searchDomains).toEqual(['eng.corp.example']);
    expect(list.notes).toEqual([
      '/etc/resolv.conf is not managed by systemd-resolved (mode foreign): programs reading it ask whatever it lists, not necessarily these servers.',
    ]);
  });

  it('old multi-line DNS Servers lists with IPv6 continuation lines, and "DefaultRoute setting"', () => {
    const list = parseResolvectlStatus(
      [
        'Link 2 (wlan0)',
        '      Current Scopes: DNS',
        'DefaultRoute setting: no',
        '         DNS Servers: 192.168.1.1',
        '                      fd00::1',
        '                      fe80::1',
        '          DNS Domain: ~.',
      ].join('\n'),
    );
    expect(summarizeResolverList(list)).toEqual([
      'Link 2 (wlan0) · link · wlan0 (2) · not used',
      '  192.168.1.1 · not used',
      '  fd00::1 · not used',
      '  fe80::1%wlan0 · not used',
    ]);
    expect(list.resolvers[0]?.why).toBe('DefaultRoute is off and the link has no routing domains, so no query is sent here.');
  });

  it('uses fallback servers when nothing else is configured', () => {
    const list = parseResolvectlStatus('Global\nFallback DNS Servers: 9.9.9.9 149.112.112.112\n');
    expect(summarizeResolverList(list)).toEqual(['Fallback · global · used', '  9.9.9.9 · used', '  149.112.112.112 · used']);
  });
});
