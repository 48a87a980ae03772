// The live reader with the OS played by fakes (real outputs from shared/dns/fixtures); the real
// machine is read in dns.lab.test.ts, inside a lab namespace with its own resolv.conf.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSystemResolvers, runTool, type ToolRunner } from './resolverReader';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../shared/dns/fixtures', name), 'utf8');

function fakeTools(outputs: Record<string, string>): { run: ToolRunner; calls: string[] } {
  const calls: string[] = [];
  const run: ToolRunner = async (file, args) => {
    calls.push([file, ...args].join(' '));
    const out = outputs[file];
    return out === undefined ? { ok: false, reason: `${file} is not installed on this machine.` } : { ok: true, stdout: out };
  };
  return { run, calls };
}

describe('readSystemResolvers', () => {
  it('on Linux behind the systemd-resolved stub, takes the servers from resolvectl and the search list from resolv.conf', async () => {
    const { run, calls } = fakeTools({ resolvectl: fixture('linux-resolvectl-status-link-local-ipv6-dns-3-servers.txt') });
    const r = await readSystemResolvers({
      platform: 'linux',
      run,
      readText: async () => fixture('linux-resolv-conf-systemd-resolved-stub-127.0.0.53-azure-ubuntu1804.txt'),
      nodeServers: () => ['127.0.0.53'],
    });
    expect(r.primarySource).toBe('resolvectl');
    expect(r.serversInUse.map((s) => s.address)).toEqual(['192.168.1.12', '192.168.1.13', 'fe80::861e:a3ff:feb1:f8e7']);
    expect(r.serversInUse[2]?.zone).toBe('enp34s0');
    expect(r.searchDomains).toEqual(['ek2oglvmzcme1lipmi1rew0jlb.zx.internal.cloudapp.net']);
    expect(r.lists.map((l) => l.source)).toEqual(['resolvectl', 'resolv.conf']);
    expect(r.sources.find((s) => s.source === 'nmcli dev show')).toMatchObject({ ok: false, note: expect.stringContaining('not installed') });
    expect(r.notes.some((n) => n.includes("Node's own resolver") && n.includes('192.168.1.12'))).toBe(true);
    expect(calls).toEqual(['resolvectl status --no-pager', 'nmcli dev show']);
  });

  it('on Linux without resolvectl or nmcli, resolv.conf alone decides, with its ndots and search list', async () => {
    const { run } = fakeTools({});
    const r = await readSystemResolvers({ platform: 'linux', run, readText: async () => fixture('linux-resolv-conf-4-search-domains-rotate.txt'), nodeServers: () => ['10.136.17.15'] });
    expect(r.primarySource).toBe('resolv.conf');
    expect(r.serversInUse.map((s) => s.address)).toEqual(['10.136.17.15']);
    expect(r.searchDomains).toEqual(['eng.myprime.com', 'dev.eng.myprime.com', 'labs.myprime.com', 'qa.myprime.com']);
    expect(r.ndots).toBe(1);
    expect(r.sources.filter((s) => !s.ok)).toHaveLength(2);
    expect(r.node.servers).toEqual(['10.136.17.15']);
  });

  it('says so when nothing can be read', async () => {
    const r = await readSystemResolvers({ platform: 'linux', run: fakeTools({}).run, readText: async () => null, nodeServers: () => [] });
    expect(r.primarySource).toBeNull();
    expect(r.serversInUse).toEqual([]);
    expect(r.notes).toContain('No source of DNS configuration could be read on this machine.');
  });

  it('on macOS reads scutil --dns with macOS search rules', async () => {
    const { run, calls } = fakeTools({ scutil: fixture('macos-scutil-dns-10.8-vpn-ppp0-wlan.txt') });
    const r = await readSystemResolvers({ platform: 'darwin', run, nodeServers: () => [], ipv4Addresses: () => [{ address: '192.168.1.23', netmask: '255.255.255.0' }] });
    expect(calls).toEqual(['scutil --dns']);
    expect(r.primarySource).toBe('scutil');
    expect(r.searchRules).toBe('macos');
    expect(r.searchAddresses).toEqual([{ address: '192.168.1.23', netmask: '255.255.255.0' }]);
    expect(r.serversInUse.length).toBeGreaterThan(0);
  });

  it('on Windows reads PowerShell JSON, and falls back to ipconfig /all when PowerShell is missing', async () => {
    const json = fakeTools({
      'powershell.exe': fixture('windows-get-dnsclientserveraddress-json-CONSTRUCTED.json'),
    });
    const a = await readSystemResolvers({ platform: 'win32', run: json.run, nodeServers: () => [] });
    expect(a.primarySource).toBe('powershell');
    expect(json.calls[0]).toContain('Get-DnsClientServerAddress | ConvertTo-Json');
    const ipconfig = fakeTools({ ipconfig: fixture('windows-ipconfig-all-server2016-domain.txt') });
    const b = await readSystemResolvers({ platform: 'win32', run: ipconfig.run, nodeServers: () => [] });
    expect(b.primarySource).toBe('ipconfig');
    expect(b.serversInUse.length).toBeGreaterThan(0);
    expect(b.sources[0]).toMatchObject({ source: 'Get-DnsClientServerAddress', ok: false });
    // PowerShell runs but gives no JSON: its plain table (real output) comes before ipconfig /all.
    const table = fakeTools({ 'powershell.exe': fixture('windows-get-dnsclientserveraddress-firezone-4-servers-fec0.txt'), ipconfig: fixture('windows-ipconfig-all-server2016-domain.txt') });
    const c = await readSystemResolvers({ platform: 'win32', run: table.run, nodeServers: () => [] });
    expect(table.calls.map((x) => x.split(' -Command ')[1])).toEqual(['Get-DnsClientServerAddress | ConvertTo-Json -Depth 4', 'Get-DnsClient | ConvertTo-Json -Depth 4', 'Get-DnsClientServerAddress']);
    expect(c.primarySource).toBe('powershell');
    expect(c.serversInUse.map((s) => s.text)).toEqual(['100.100.111.4', '100.100.111.1', '100.100.111.3', '100.100.111.2', '10.255.252.2']);
  });

  it('reads a real resolv.conf file from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-resolv-'));
    try {
      const path = join(dir, 'resolv.conf');
      writeFileSync(path, 'nameserver 10.98.40.1\nnameserver fd00:98:40::1\nsearch lab.test\noptions ndots:2\n');
      const r = await readSystemResolvers({ platform: 'linux', run: fakeTools({}).run, resolvConfPath: path, nodeServers: () => [] });
      expect(r.serversInUse.map((s) => s.address)).toEqual(['10.98.40.1', 'fd00:98:40::1']);
      expect(r.ndots).toBe(2);
      expect(r.searchDomains).toEqual(['lab.test']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runTool', () => {
  it('reports a missing program as a reason, not an error', async () => {
    const r = await runTool('gapscope-no-such-tool', [], 1000);
    expect(r).toEqual({ ok: false, reason: 'gapscope-no-such-tool is not installed on this machine.' });
  });

  it('stops a program at its timeout', async () => {
    const r = await runTool('sleep', ['5'], 200);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('did not finish within 200 ms');
  });

  it('passes arguments without a shell', async () => {
    const r = await runTool('echo', ['$(id)', ';', 'x'], 2000);
    expect(r).toEqual({ ok: true, stdout: '$(id) ; x\n' });
  });
});
