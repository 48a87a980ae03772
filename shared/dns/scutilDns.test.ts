import { describe, expect, it } from 'vitest';
import tenSearch from './fixtures/macos-scutil-dns-10-search-domains-supplemental-PARTIAL.txt?raw';
import twoPpp from './fixtures/macos-scutil-dns-10.8-two-ppp-umts-plus-vpn.txt?raw';
import vpnPpp0 from './fixtures/macos-scutil-dns-10.8-vpn-ppp0-wlan.txt?raw';
import firezone from './fixtures/macos-scutil-dns-firezone-utun8-supplemental-ipv6-PARTIAL.txt?raw';
import openfortivpn from './fixtures/macos-scutil-dns-openfortivpn-ppp0-supplemental-REDACTED.txt?raw';
import tailscale from './fixtures/macos-scutil-dns-tailscale-scoped-ipv6-utun5-PARTIAL.txt?raw';
import tunnelblick from './fixtures/macos-scutil-dns-tunnelblick-utun0-scoped-only-openvpn.txt?raw';
import utun4 from './fixtures/macos-scutil-dns-utun4-supplemental-ipv6-nameserver-PARTIAL.txt?raw';
import { serversInUse, summarizeResolverList } from './resolverList';
import { parseScutilDns } from './scutilDns';

const inUse = (text: string) => serversInUse(parseScutilDns(text)).map((s) => s.text);

describe('scutil --dns, real outputs', () => {
  it('10 search domains and three VPN supplemental domains (2-space indented excerpt)', () => {
    const list = parseScutilDns(tenSearch);
    expect(summarizeResolverList(list)).toEqual([
      'resolver #1 · default · en0 (14) · used · search corp.example.com, app.example.com, internal.example.com, office.example.local, dev.example.com, example.com, services.example.com, team.example.com, portal.example.com, sandbox.example.com',
      '  192.0.2.1 · used',
      'resolver #2 · supplemental · used · for dev.example.com · order 102404',
      '  10.8.0.1 · used',
      '  10.8.0.2 · used',
      'resolver #3 · supplemental · used · for sandbox.example.com · order 102409',
      '  10.8.0.1 · used',
      '  10.8.0.2 · used',
      'resolver #4 · supplemental · used · for services.example.com · order 102406',
      '  10.8.0.1 · used',
      '  10.8.0.2 · used',
    ]);
    expect(list.searchDomains).toHaveLength(10);
    expect(list.searchDomains[9]).toBe('sandbox.example.com');
    expect(list.resolvers[0]?.flags).toEqual(['Request A records']);
    expect(list.resolvers[0]?.reach).toBe('Reachable,Directly Reachable Address');
    expect(list.resolvers[1]?.why).toBe('Used for names under dev.example.com (split DNS).');
    expect(list.notes).toEqual([
      'The search domain dev.example.com is claimed by resolver #2: a short name completed with it goes to 10.8.0.1, 10.8.0.2, not to the default resolver.',
      'The search domain services.example.com is claimed by resolver #4: a short name completed with it goes to 10.8.0.1, 10.8.0.2, not to the default resolver.',
      'The search domain sandbox.example.com is claimed by resolver #3: a short name completed with it goes to 10.8.0.1, 10.8.0.2, not to the default resolver.',
    ]);
    expect(list.warnings).toEqual([]);
    expect(inUse(tenSearch)).toEqual(['192.0.2.1', '10.8.0.1', '10.8.0.2']);
  });

  it('OS X 10.8 with a VPN on ppp0: the Wi-Fi resolver exists only as scoped, mDNS entries are not servers', () => {
    const list = parseScutilDns(vpnPpp0);
    expect(summarizeResolverList(list)).toEqual([
      'resolver #1 · default · ppp0 (6) · used · order 100000',
      '  192.168.80.10 · used',
      '  192.168.80.24 · used',
      'resolver #2 · default · ppp0 (6) · not used · order 200000',
      '  192.168.80.10 · not used',
      '  192.168.80.24 · not used',
      'resolver #3 · supplemental · used · mDNS · for local · order 300000',
      'resolver #4 · supplemental · used · mDNS · for 254.169.in-addr.arpa · order 300200',
      'resolver #5 · supplemental · used · mDNS · for 8.e.f.ip6.arpa · order 300400',
      'resolver #6 · supplemental · used · mDNS · for 9.e.f.ip6.arpa · order 300600',
      'resolver #7 · supplemental · used · mDNS · for a.e.f.ip6.arpa · order 300800',
      'resolver #8 · supplemental · used · mDNS · for b.e.f.ip6.arpa · order 301000',
      'scoped resolver #1 · scoped · en0 (4) · not used',
      '  192.168.1.1 · not used',
      'scoped resolver #2 · scoped · ppp0 (6) · not used',
      '  192.168.80.10 · not used',
      '  192.168.80.24 · not used',
    ]);
    const [first, second, local, v4ll, v6ll] = list.resolvers;
    expect(first?.why).toBe('The default resolver: used for every name that no supplemental resolver claims (via ppp0).');
    expect(second?.why).toBe(
      'macOS uses the first resolver listed (resolver #1, ppp0) as the default; this later one is not asked for ordinary lookups.',
    );
    expect(local?.why).toBe(
      'Added automatically by mDNSResponder: names ending in .local are answered by multicast DNS on the local network, not by a DNS server.',
    );
    expect(local?.options).toEqual({ raw: ['mdns'], timeoutSeconds: 5 });
    expect(v4ll?.why).toContain('reverse lookups of link-local IPv4 addresses (169.254.0.0/16)');
    expect(v6ll?.why).toContain('reverse lookups of link-local IPv6 addresses (fe80::/10)');
    expect(list.resolvers[8]?.why).toBe(
      'Scoped to en0: used only by apps that send their queries over en0; ordinary lookups do not use these servers.',
    );
    expect(list.resolvers[9]?.why).toBe(
      'Scoped to ppp0: this copy serves apps that send their queries over ppp0; the same servers also serve ordinary lookups (resolver #1).',
    );
    expect(list.notes).toEqual([
      'mDNSResponder adds the entries for local, 254.169.in-addr.arpa, 8.e.f.ip6.arpa, 9.e.f.ip6.arpa, a.e.f.ip6.arpa, b.e.f.ip6.arpa itself, for multicast DNS: they are not DNS servers and not search domains.',
    ]);
    expect(list.searchDomains).toEqual([]);
    expect(inUse(vpnPpp0)).toEqual(['192.168.80.10', '192.168.80.24']);
  });

  it('OS X 10.8 on UMTS (ppp0) plus a VPN (ppp1): the VPN servers are not the default', () => {
    const list = parseScutilDns(twoPpp);
    expect(summarizeResolverList(list)).toEqual([
      'resolver #1 · default · ppp0 (6) · used · order 100000',
      '  139.7.30.126 · used',
      '  139.7.30.125 · used',
      'resolver #2 · default · ppp1 (7) · not used · order 100000',
      '  192.168.80.10 · not used',
      '  192.168.80.24 · not used',
      'resolver #3 · default · ppp1 (7) · not used · order 200000',
      '  192.168.80.10 · not used',
      '  192.168.80.24 · not used',
      'resolver #4 · supplemental · used · mDNS · for local · order 300000',
      'resolver #5 · supplemental · used · mDNS · for 254.169.in-addr.arpa · order 300200',
      'resolver #6 · supplemental · used · mDNS · for 8.e.f.ip6.arpa · order 300400',
      'resolver #7 · supplemental · used · mDNS · for 9.e.f.ip6.arpa · order 300600',
      'resolver #8 · supplemental · used · mDNS · for a.e.f.ip6.arpa · order 300800',
      'resolver #9 · supplemental · used · mDNS · for b.e.f.ip6.arpa · order 301000',
      'scoped resolver #1 · scoped · ppp1 (7) · not used',
      '  192.168.80.10 · not used',
      '  192.168.80.24 · not used',
      'scoped resolver #2 · scoped · ppp0 (6) · not used',
      '  139.7.30.126 · not used',
      '  139.7.30.125 · not used',
    ]);
    expect(list.notes[0]).toBe(
      'The DNS servers of ppp1 (192.168.80.10, 192.168.80.24) are not used for ordinary lookups: only apps that send their queries over ppp1 reach them.',
    );
    expect(list.resolvers[9]?.why).toContain('If this is a VPN, that is the known trap: its DNS servers are not used for ordinary names.');
  });

  it('Firezone on utun8: Supplemental without a domain takes every name; en0 is not the default', () => {
    const list = parseScutilDns(firezone);
    expect(summarizeResolverList(list)).toEqual([
      'resolver #1 · default · utun8 (35) · used · search attlocal.net · order 103200',
      '  100.100.111.1 · used',
      '  fd00:2021:1111:8000:100:100:111:0 · used',
      'resolver #2 · default · en0 (13) · not used · order 200000',
      '  2600:1700:3ecb:2410::1 · not used',
      '  192.168.1.254 · not used',
      'resolver #3 · supplemental · used · mDNS · for local',
    ]);
    expect(list.resolvers[0]?.flags).toEqual(['Supplemental', 'Request A records', 'Request AAAA records']);
    expect(list.resolvers[0]?.why).toBe(
      'The default resolver: used for every name that no supplemental resolver claims (via utun8). It is flagged Supplemental without a domain: utun8 claims every name.',
    );
    expect(list.resolvers[1]?.why).toBe(
      'macOS uses the first resolver listed (resolver #1, utun8) as the default; this later one is not asked for ordinary lookups.',
    );
    expect(list.resolvers[2]?.reach).toBe('Not Reachable');
    expect(list.searchDomains).toEqual(['attlocal.net']);
    expect(list.warnings).toEqual([]);
  });

  it('openfortivpn, redacted: placeholders and "[...]" become warnings, the rest is kept', () => {
    const list = parseScutilDns(openfortivpn);
    expect(summarizeResolverList(list)).toEqual([
      'resolver #1 · default · ppp0 (16) · used · search home-domain · order 100000',
      '  <dns1> · not used',
      '  <dns2> · not used',
      'resolver #2 · default · en0 (4) · not used · order 200000',
      '  10.0.2.1 · not used',
      'scoped resolver #1 · scoped · en0 (4) · not used · search home-domain',
      '  10.0.2.1 · not used',
    ]);
    expect(list.resolvers[0]?.servers[0]).toMatchObject({ family: null, why: 'Not an IP address (redacted or unreadable in this output).' });
    expect(list.warnings).toEqual([
      'Line 5: resolver #1 nameserver "<dns1>" is not an IP address.',
      'Line 6: resolver #1 nameserver "<dns2>" is not an IP address.',
      'Line 19: "[...]" is not understood; ignored.',
    ]);
  });

  it('Tailscale, scoped section only: the VPN servers are flagged, the default is unknown', () => {
    const list = parseScutilDns(tailscale);
    expect(summarizeResolverList(list)).toEqual([
      'scoped resolver #1 · scoped · en0 (6) · not used · search lan.blahblah.co.za',
      '  172.31.13.48 · not used',
      '  fd0e:6372:b035::1 · not used',
      'scoped resolver #2 · scoped · utun5 (21) · not used · search blahblah.vpn',
      '  100.82.64.113 · not used',
      '  100.77.106.70 · not used',
    ]);
    expect(list.notes).toEqual([
      'The DNS servers of utun5 (100.82.64.113, 100.77.106.70) are not used for ordinary lookups: only apps that send their queries over utun5 reach them.',
      'Only scoped resolvers are in this output (it looks cut off before them): the default resolver is unknown.',
    ]);
    expect(inUse(tailscale)).toEqual([]);
  });

  it('Tunnelblick: the default resolver is empty and the VPN DNS exists only as scoped (reach on its own line)', () => {
    const list = parseScutilDns(tunnelblick);
    expect(summarizeResolverList(list)).toEqual([
      'resolver #1 · default · not used',
      'resolver #2 · supplemental · used · mDNS · for local · order 300000',
      'resolver #3 · supplemental · used · mDNS · for 254.169.in-addr.arpa · order 300200',
      'resolver #4 · supplemental · used · mDNS · for 8.e.f.ip6.arpa · order 300400',
      'resolver #5 · supplemental · used · mDNS · for 9.e.f.ip6.arpa · order 300600',
      'resolver #6 · supplemental · used · mDNS · for a.e.f.ip6.arpa · order 300800',
      'resolver #7 · supplemental · used · mDNS · for b.e.f.ip6.arpa · order 301000',
      'scoped resolver #1 · scoped · utun0 (13) · not used · search openvpn',
      '  8.8.8.8 · not used',
      '  8.8.4.4 · not used',
    ]);
    expect(list.resolvers[0]?.reach).toBe('Not Reachable');
    expect(list.resolvers[7]?.reach).toBe('Reachable');
    expect(list.resolvers[0]?.why).toBe(
      'The default resolver has no DNS server, so names that no supplemental resolver claims cannot be resolved.',
    );
    expect(list.resolvers[7]?.why).toBe(
      'Scoped to utun0: used only by apps that send their queries over utun0; ordinary lookups do not use these servers. If this is a VPN, that is the known trap: its DNS servers are not used for ordinary names.',
    );
    expect(list.notes.slice(0, 2)).toEqual([
      'The DNS servers of utun0 (8.8.8.8, 8.8.4.4) are not used for ordinary lookups: only apps that send their queries over utun0 reach them.',
      'The default resolver has no DNS server: only names claimed by a supplemental or mDNS entry can be resolved.',
    ]);
    expect(list.warnings).toEqual([]);
  });

  it('a VPN on utun4 claims the search domain example.com, with an IPv6 server on en0', () => {
    const list = parseScutilDns(utun4);
    expect(summarizeResolverList(list)).toEqual([
      'resolver #1 · default · en0 (5) · used · search example.com',
      '  172.22.22.1 · used',
      '  2002:d106:7acc:0:deef:9ff:fea8:39e · used',
      'resolver #2 · supplemental · utun4 (18) · used · for example.com · order 102200',
      '  172.31.66.13 · used',
      '  172.31.66.14 · used',
      'resolver #3 · supplemental · used · mDNS · for local · order 300000',
      'resolver #4 · supplemental · used · mDNS · for 254.169.in-addr.arpa · order 300200',
      'resolver #5 · supplemental · used · mDNS · for 8.e.f.ip6.arpa · order 300400',
    ]);
    expect(list.resolvers[0]?.servers[1]).toMatchObject({ family: 'ipv6', zone: null, port: 53 });
    expect(list.resolvers[1]?.why).toBe('Used for names under example.com (split DNS, on the VPN interface utun4).');
    expect(list.notes[1]).toBe(
      'The search domain example.com is claimed by resolver #2 (utun4): a short name completed with it goes to 172.31.66.13, 172.31.66.14, not to the default resolver.',
    );
    const scopedVpn = parseScutilDns(`${utun4}\nDNS configuration (for scoped queries)\n\nresolver #1\n  nameserver[0] : 172.31.66.13\n  if_index : 18 (utun4)\n`);
    expect(scopedVpn.resolvers[5]?.why).toBe(
      'Scoped to utun4: this copy serves apps that send their queries over utun4; the same servers also serve names under example.com (resolver #2).',
    );
  });
});

describe('scutil --dns, details', () => {
  it('applies a port line to all servers, keeps link-local zones and reads debug-style flags', () => {
    const list = parseScutilDns(
      [
        'DNS configuration',
        '',
        'resolver #1',
        '  nameserver[0] : fe80::1%en0',
        '  nameserver[1] : 10.0.0.1',
        '  port     : 5353',
        '  if_index : 4 (en0)',
        '  flags    : 0x00000002 (Request A records)',
        '  reach    : 0x00020002 (Reachable,Directly Reachable Address)',
        '',
        'resolver #2',
        '  domain   : corp.example',
        '  nameserver[0] : 10.1.0.1',
        '  order    : 200',
        '',
        'resolver #3',
        '  domain   : corp.example',
        '  nameserver[0] : 10.2.0.1',
        '  order    : 100',
        '',
        'DNS configuration (for service-specific queries)',
        '',
        'resolver #1',
        '  nameserver[0] : 10.9.9.9',
      ].join('\r\n'),
    );
    expect(summarizeResolverList(list)).toEqual([
      'resolver #1 · default · en0 (4) · used',
      '  [fe80::1%en0]:5353 · used',
      '  10.0.0.1:5353 · used',
      'resolver #2 · supplemental · not used · for corp.example · order 200',
      '  10.1.0.1 · not used',
      'resolver #3 · supplemental · used · for corp.example · order 100',
      '  10.2.0.1 · used',
      'service-specific resolver #1 · scoped · not used',
      '  10.9.9.9 · not used',
    ]);
    expect(list.resolvers[0]?.flags).toEqual(['Request A records']);
    expect(list.resolvers[1]?.why).toBe('resolver #3 also answers names under corp.example and comes first (order 100); this one is at most a fallback.');
  });

  it('warns about lines outside a resolver and keeps going', () => {
    const list = parseScutilDns('garbage\nresolver #1\n  nameserver[0] : 10.0.0.1\n  if_index : x\n');
    expect(summarizeResolverList(list)).toEqual(['resolver #1 · default · used', '  10.0.0.1 · used']);
    expect(list.warnings).toEqual(['Line 1: "garbage" is outside any resolver block; ignored.', 'Line 4: if_index "x" is not understood.']);
  });
});
