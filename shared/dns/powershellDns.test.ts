import { describe, expect, it } from 'vitest';
import dnsClientJson from './fixtures/windows-get-dnsclient-json-CONSTRUCTED.json?raw';
import serverJson from './fixtures/windows-get-dnsclientserveraddress-json-CONSTRUCTED.json?raw';
import firezoneTable from './fixtures/windows-get-dnsclientserveraddress-firezone-4-servers-fec0.txt?raw';
import { WINDOWS_SERVER_WHY } from './ipconfigAll';
import { parseGetDnsClientServerAddressTable, parsePowerShellDnsJson } from './powershellDns';
import { formatServer, serversInUse, summarizeResolverList } from './resolverList';

describe('Get-DnsClientServerAddress table, real output', () => {
  it('Firezone with 4 IPv4 servers (all used, no MAXNS on Windows) and the fec0 placeholders on loopback', () => {
    const list = parseGetDnsClientServerAddressTable(firezoneTable);
    expect(summarizeResolverList(list)).toEqual([
      'Firezone · link · Firezone (27) · used',
      '  100.100.111.4 · used',
      '  100.100.111.1 · used',
      '  100.100.111.3 · used',
      '  100.100.111.2 · used',
      'Ethernet · link · Ethernet (4) · used',
      '  10.255.252.2 · used',
      'Loopback Pseudo-Interface 1 · link · Loopback Pseudo-Interface 1 (1) · not used',
      '  fec0:0:0:ffff::1 · not used',
      '  fec0:0:0:ffff::2 · not used',
      '  fec0:0:0:ffff::3 · not used',
    ]);
    expect(list.notes).toEqual([
      'Loopback Pseudo-Interface 1: fec0:0:0:ffff::1–3 are Windows\' placeholders for "no IPv6 DNS server configured", not real servers.',
    ]);
    expect(list.warnings).toEqual([]);
    expect(serversInUse(list).map((s) => s.text)).toEqual(['100.100.111.4', '100.100.111.1', '100.100.111.3', '100.100.111.2', '10.255.252.2']);
  });

  it('lists cut short by PowerShell ("..." after 4 items, or mid-address) keep only whole addresses', () => {
    const list = parseGetDnsClientServerAddressTable(
      [
        'InterfaceAlias               Interface Address ServerAddresses',
        '                             Index     Family',
        '--------------               --------- ------- ---------------',
        'Corp VPN                            27 IPv4    {10.20.0.53, 10.20.0.54, 10.20.1.53, 10.20.1.54...}',
        'Wi-Fi                               12 IPv4    {192.168.1.1, 192.168.1.2, 192.1...',
        'what is this',
      ].join('\r\n'),
    );
    expect(summarizeResolverList(list)).toEqual([
      'Corp VPN · link · Corp VPN (27) · used',
      '  10.20.0.53 · used',
      '  10.20.0.54 · used',
      '  10.20.1.53 · used',
      '  10.20.1.54 · used',
      'Wi-Fi · link · Wi-Fi (12) · used',
      '  192.168.1.1 · used',
      '  192.168.1.2 · used',
    ]);
    expect(list.warnings).toEqual([
      "Line 4: the server list of Corp VPN is cut short by PowerShell's display.",
      "Line 5: the server list of Wi-Fi is cut short by PowerShell's display.",
      'Line 6: "what is this" is not a table row; ignored.',
    ]);
    expect(list.notes).toEqual([
      'PowerShell shortened some server lists ($FormatEnumerationLimit is 4 by default, and columns are cut to the window width); `Get-DnsClientServerAddress | ConvertTo-Json` gives them in full.',
    ]);
  });
});

describe('Get-DnsClientServerAddress / Get-DnsClient as JSON (constructed from the documented properties)', () => {
  it('joins servers of both families per interface, adds suffixes, scopes a link-local server to its interface', () => {
    const list = parsePowerShellDnsJson(serverJson, dnsClientJson);
    expect(summarizeResolverList(list)).toEqual([
      'Wi-Fi · link · Wi-Fi (12) · used · search home.arpa',
      '  192.168.1.1 · used',
      '  fe80::1%12 · used',
      '  fd00:1::53 · used',
      'Corp VPN · link · Corp VPN (27) · used · search corp.example.com, eng.corp.example.com',
      '  10.20.0.53 · used',
      '  10.20.0.54 · used',
      '  10.20.1.53 · used',
      '  10.20.1.54 · used',
      '  10.30.0.53 · used',
      'Loopback Pseudo-Interface 1 · link · Loopback Pseudo-Interface 1 (1) · not used',
      '  fec0:0:0:ffff::1 · not used',
      '  fec0:0:0:ffff::2 · not used',
      '  fec0:0:0:ffff::3 · not used',
    ]);
    expect(list.resolvers[0]?.servers[1]?.why).toBe(
      `${WINDOWS_SERVER_WHY} Listed without a scope id; a link-local server of Wi-Fi is reached through interface 12.`,
    );
    expect(list.searchDomains).toEqual(['home.arpa', 'corp.example.com', 'eng.corp.example.com']);
    expect(list.warnings).toEqual([]);
    expect(serversInUse(list).map(formatServer)).toHaveLength(8);
  });

  it('reads the server JSON alone, a single object, the {"value": [...]} wrapper and a BOM', () => {
    expect(summarizeResolverList(parsePowerShellDnsJson(serverJson))[0]).toBe('Wi-Fi · link · Wi-Fi (12) · used');
    const single = parsePowerShellDnsJson('\uFEFF{"InterfaceAlias":"Ethernet","InterfaceIndex":"4","AddressFamily":2,"ServerAddresses":"10.0.0.1"}');
    expect(summarizeResolverList(single)).toEqual(['Ethernet · link · Ethernet (4) · used', '  10.0.0.1 · used']);
    const wrapped = parsePowerShellDnsJson(
      '{"value":[{"InterfaceAlias":"Ethernet","InterfaceIndex":4,"AddressFamily":"IPv6","ServerAddresses":{"value":["fd00::53"],"Count":1}}],"Count":1}',
    );
    expect(summarizeResolverList(wrapped)).toEqual(['Ethernet · link · Ethernet (4) · used', '  fd00::53 · used']);
  });

  it('warns about broken JSON, odd items and families, and keeps the rest', () => {
    expect(parsePowerShellDnsJson('{"InterfaceAlias": ').warnings[0]).toMatch(/^Get-DnsClientServerAddress: not valid JSON/);
    const odd = parsePowerShellDnsJson(
      JSON.stringify([
        42,
        { ServerAddresses: ['10.0.0.9'] },
        { InterfaceAlias: 'X', InterfaceIndex: 5, AddressFamily: 99, ServerAddresses: ['10.0.0.1', 'bogus'] },
        { InterfaceAlias: 'Y', InterfaceIndex: 6, AddressFamily: 23, ServerAddresses: ['10.0.0.2'] },
      ]),
      'not json',
    );
    expect(summarizeResolverList(odd)).toEqual([
      'X · link · X (5) · used',
      '  10.0.0.1 · used',
      '  bogus · not used',
      'Y · link · Y (6) · used',
      '  10.0.0.2 · used',
    ]);
    expect(odd.warnings).toEqual([
      'Get-DnsClientServerAddress: an item is not an object; ignored.',
      'An item has neither InterfaceAlias nor InterfaceIndex; ignored.',
      'X: AddressFamily 99 is neither 2 (IPv4) nor 23 (IPv6).',
      expect.stringMatching(/^Get-DnsClient: not valid JSON \(.+\)\.$/),
      'X: server "bogus" is not an IP address.',
      'Y: 10.0.0.2 is listed under IPv6.',
    ]);
  });
});
