import { describe, expect, it } from 'vitest';
import server2016 from './fixtures/windows-ipconfig-all-server2016-domain.txt?raw';
import win10 from './fixtures/windows-ipconfig-all-win10-tailscale-ipv6-dns.txt?raw';
import zhCn from './fixtures/windows-ipconfig-all-zh-cn-REDACTED-PARTIAL.txt?raw';
import { WINDOWS_SERVER_WHY, parseIpconfigAll } from './ipconfigAll';
import { WINDOWS_SITE_LOCAL_WHY, serversInUse, summarizeResolverList } from './resolverList';

describe('ipconfig /all, real outputs', () => {
  it('Server 2016 in a domain: one adapter, the disconnected ISATAP tunnel left out', () => {
    const list = parseIpconfigAll(server2016);
    expect(summarizeResolverList(list)).toEqual(['Ethernet adapter Ethernet0 · link · Ethernet0 (2) · used', '  192.168.22.151 · used']);
    expect(list.resolvers[0]?.why).toBe(WINDOWS_SERVER_WHY);
    expect(list.searchDomains).toEqual(['somecompany.corp']);
    expect(list.notes).toEqual([]);
    expect(list.warnings).toEqual([]);
  });

  it('Chinese Windows: the labels are translated, so nothing is read, and the warning says why and what to use', () => {
    const list = parseIpconfigAll(zhCn);
    expect(summarizeResolverList(list)).toEqual([]);
    expect(list.warnings).toEqual(['No "DNS Servers" line found: ipconfig output in a language other than English is not understood; use the PowerShell JSON form.']);
  });

  it('Windows 10 with Tailscale: fec0 placeholders with %1 on continuation lines, suffix search lists', () => {
    const list = parseIpconfigAll(win10);
    expect(summarizeResolverList(list)).toEqual([
      'Unknown adapter Tailscale · link · Tailscale (8) · not used · search tailff123.ts.net',
      '  fec0:0:0:ffff::1%1 · not used',
      '  fec0:0:0:ffff::2%1 · not used',
      '  fec0:0:0:ffff::3%1 · not used',
      'Ethernet adapter Ethernet 2 · link · Ethernet 2 (16) · used · search internal.companyname.com',
      '  10.50.13.1 · used',
    ]);
    const tailscale = list.resolvers[0];
    expect(tailscale?.why).toBe("No real DNS server on this adapter: only Windows' placeholder site-local addresses fec0:0:0:ffff::1–3.");
    expect(tailscale?.servers.map((s) => [s.address, s.zone, s.why])).toEqual([
      ['fec0:0:0:ffff::1', '1', WINDOWS_SITE_LOCAL_WHY],
      ['fec0:0:0:ffff::2', '1', WINDOWS_SITE_LOCAL_WHY],
      ['fec0:0:0:ffff::3', '1', WINDOWS_SITE_LOCAL_WHY],
    ]);
    expect(list.searchDomains).toEqual(['tailff123.ts.net', 'internal.companyname.com']);
    expect(list.notes).toEqual([
      'Tailscale: fec0:0:0:ffff::1–3 are Windows\' placeholders for "no IPv6 DNS server configured", not real servers.',
      'An adapter has a DNS suffix but no real server: VPNs on Windows often route their names with Name Resolution Policy Table rules (Get-DnsClientNrptPolicy), which this view does not show.',
    ]);
    expect(list.warnings).toEqual([]);
    expect(serversInUse(list).map((s) => s.text)).toEqual(['10.50.13.1']);
  });
});

describe('ipconfig /all, other forms', () => {
  it('CR LF endings, several servers with continuation lines, a disconnected adapter that still lists one', () => {
    const list = parseIpconfigAll(
      [
        '',
        'Windows IP Configuration',
        '',
        '   Primary Dns Suffix  . . . . . . . : corp.example',
        '',
        'Wireless LAN adapter Wi-Fi:',
        '',
        '   Connection-specific DNS Suffix  . : home.arpa',
        '   Link-local IPv6 Address . . . . . : fe80::1c2d:3e4f:5a6b:7c8d%12(Preferred)',
        '   DNS Servers . . . . . . . . . . . : fe80::1%12',
        '                                       192.168.1.1',
        '                                       192.168.1.2',
        '                                       192.168.1.3',
        '                                       192.168.1.4',
        '',
        'Ethernet adapter Ethernet:',
        '',
        '   Media State . . . . . . . . . . . : Media disconnected',
        '   DNS Servers . . . . . . . . . . . : 10.0.0.1',
      ].join('\r\n'),
    );
    expect(summarizeResolverList(list)).toEqual([
      'Wireless LAN adapter Wi-Fi · link · Wi-Fi (12) · used · search home.arpa',
      '  fe80::1%12 · used',
      '  192.168.1.1 · used',
      '  192.168.1.2 · used',
      '  192.168.1.3 · used',
      '  192.168.1.4 · used',
      'Ethernet adapter Ethernet · link · Ethernet · not used',
      '  10.0.0.1 · not used',
    ]);
    expect(list.searchDomains).toEqual(['corp.example']);
  });

  it('says when the output is in another language', () => {
    const list = parseIpconfigAll('Windows-IP-Konfiguration\n\nEthernet-Adapter Ethernet:\n\n   DNS-Server . . . . . . . . . . . : 10.0.0.1\n');
    expect(list.resolvers).toEqual([]);
    expect(list.warnings).toEqual([
      'No "DNS Servers" line found: ipconfig output in a language other than English is not understood; use the PowerShell JSON form.',
    ]);
  });
});
