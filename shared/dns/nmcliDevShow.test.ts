import { describe, expect, it } from 'vitest';
import centos from './fixtures/linux-nmcli-dev-show-centos77-docker.txt?raw';
import fedora from './fixtures/linux-nmcli-dev-show-fedora32-ipv4-ipv6-dns.txt?raw';
import { parseNmcliDevShow } from './nmcliDevShow';
import { summarizeResolverList } from './resolverList';

describe('nmcli dev show, real outputs', () => {
  it('CentOS 7.7: one device with DNS; docker0 and lo carry none', () => {
    const list = parseNmcliDevShow(centos);
    expect(summarizeResolverList(list)).toEqual(['ens33 · link · ens33 · used · search localdomain', '  192.168.71.2 · used']);
    expect(list.resolvers[0]?.why).toBe(
      'NetworkManager hands these servers of ens33 to the system resolver; whether they are asked directly depends on its dns= mode (it writes /etc/resolv.conf itself, or passes them to systemd-resolved or dnsmasq).',
    );
    expect(list.searchDomains).toEqual(['localdomain']);
    expect(list.notes).toEqual([]);
    expect(list.warnings).toEqual([]);
  });

  it('Fedora 32: IPv4 then IPv6 servers in order, four in all', () => {
    const list = parseNmcliDevShow(fedora);
    expect(summarizeResolverList(list)).toEqual([
      'ens33 · link · ens33 · used · search hsd1.ca.comcast.net',
      '  75.75.75.75 · used',
      '  75.75.76.76 · used',
      '  2001:558:feed::1 · used',
      '  2001:558:feed::2 · used',
    ]);
    expect(list.notes).toEqual([
      'NetworkManager knows 4 DNS servers in all; if it writes /etc/resolv.conf itself (dns=default), glibc uses only the first 3 of them (MAXNS).',
    ]);
  });
});

describe('nmcli dev show, other forms', () => {
  it('terse output (-t) with escaped colons, a link-local server and a disconnected device', () => {
    const list = parseNmcliDevShow(
      [
        'GENERAL.DEVICE:wlan0',
        'GENERAL.STATE:100 (connected)',
        'IP6.DNS[1]:fe80\\:\\:1',
        'IP6.DOMAIN[1]:home.arpa',
        '',
        'GENERAL.DEVICE:eth1',
        'GENERAL.STATE:30 (disconnected)',
        'IP4.DNS[1]:10.0.0.1',
      ].join('\n'),
    );
    expect(summarizeResolverList(list)).toEqual([
      'wlan0 · link · wlan0 · used · search home.arpa',
      '  fe80::1%wlan0 · used',
      'eth1 · link · eth1 · not used',
      '  10.0.0.1 · not used',
    ]);
    expect(list.resolvers[0]?.servers[0]?.why).toContain('Printed without a scope id; a link-local server of wlan0 is reached through wlan0.');
    expect(list.resolvers[1]?.why).toBe('The device is not connected (state 30 (disconnected)), so NetworkManager does not hand on its servers.');
  });
});
