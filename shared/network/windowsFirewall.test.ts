import { describe, expect, it } from 'vitest';
import profilePublic from './fixtures/windows-firewall/get-netconnectionprofile-public.txt?raw';
import profileThree from './fixtures/windows-firewall/get-netconnectionprofile-three.txt?raw';
import ruleNone from './fixtures/windows-firewall/netsh-show-rule-none.txt?raw';
import ruleTcpPort from './fixtures/windows-firewall/netsh-show-rule-tcp-port.txt?raw';
import ruleBlock from './fixtures/windows-firewall/netsh-show-rule-verbose-program-block.txt?raw';
import ruleTwo from './fixtures/windows-firewall/netsh-show-rule-verbose-two-rules.txt?raw';
import { firewallCauses, parseConnectionProfiles, parseNetshRules, samePath, type FirewallRule } from './windowsFirewall';

const FIXTURES: Record<string, string> = {
  'get-netconnectionprofile-public.txt': profilePublic,
  'get-netconnectionprofile-three.txt': profileThree,
  'netsh-show-rule-none.txt': ruleNone,
  'netsh-show-rule-tcp-port.txt': ruleTcpPort,
  'netsh-show-rule-verbose-program-block.txt': ruleBlock,
  'netsh-show-rule-verbose-two-rules.txt': ruleTwo,
};
const fixture = (name: string): string => FIXTURES[name]!;
const GAPSCOPE = 'C:\\Program Files\\Gapscope\\Gapscope.exe';

describe('parseNetshRules on published netsh outputs', () => {
  it('reads a plain rule (no Program line: every program)', () => {
    expect(parseNetshRules(fixture('netsh-show-rule-tcp-port.txt'))).toEqual([
      { name: 'Open Port 61001 for admin router', enabled: true, direction: 'in', profiles: ['domain', 'private', 'public'], protocol: 'tcp', localPort: '61001', program: null, action: 'allow' },
    ]);
  });

  it('reads a verbose Block rule for a program whose path has spaces (CRLF)', () => {
    expect(fixture('netsh-show-rule-verbose-program-block.txt')).toContain('\r\n');
    expect(parseNetshRules(fixture('netsh-show-rule-verbose-program-block.txt'))).toEqual([
      { name: 'Smart Connect', enabled: true, direction: 'in', profiles: ['public'], protocol: 'tcp', localPort: '8080', program: 'C:\\Program Files\\Lenovo\\Ready For Assistant\\ScMcpServer.exe', action: 'block' },
    ]);
  });

  it('reads several rules back to back', () => {
    const rules = parseNetshRules(fixture('netsh-show-rule-verbose-two-rules.txt'))!;
    expect(rules.map((r) => [r.name, r.direction, r.protocol, r.program])).toEqual([
      ['Core Networking - DNS (UDP-Out)', 'out', 'udp', 'C:\\Windows\\system32\\svchost.exe'],
      ['HNS Container Networking - DNS (UDP-In) - 0', 'in', 'udp', null],
    ]);
  });

  it('reads "no rules match" as none, and other text as unknown', () => {
    expect(parseNetshRules(fixture('netsh-show-rule-none.txt'))).toEqual([]);
    expect(parseNetshRules('The requested operation requires elevation (Run as administrator).\r\n')).toBeNull();
    // A translated netsh (German labels): nothing is guessed from it.
    expect(parseNetshRules(fixture('netsh-show-rule-tcp-port.txt').replace('Enabled:', 'Aktiviert:').replace('Action:', 'Aktion:'))).toBeNull();
  });
});

describe('parseConnectionProfiles on published Get-NetConnectionProfile outputs', () => {
  it('reads one Public connection', () => {
    expect(parseConnectionProfiles(fixture('get-netconnectionprofile-public.txt'))).toEqual([{ name: 'Network', interfaceAlias: 'Ethernet', interfaceIndex: 3, category: 'public' }]);
  });

  it('reads three indented connections with names in Japanese', () => {
    expect(parseConnectionProfiles(fixture('get-netconnectionprofile-three.txt'))).toEqual([
      { name: 'Ethernet名', interfaceAlias: 'イーサネット 2', interfaceIndex: 13, category: 'private' },
      { name: 'ネットワーク 2', interfaceAlias: 'Tailscale', interfaceIndex: 5, category: 'private' },
      { name: '識別されていないネットワーク', interfaceAlias: 'VMware Network Adapter VMnet1', interfaceIndex: 7, category: 'public' },
    ]);
  });

  it('says null when the output holds no connection', () => {
    expect(parseConnectionProfiles('')).toBeNull();
    expect(parseConnectionProfiles("Get-NetConnectionProfile : The term 'Get-NetConnectionProfile' is not recognized")).toBeNull();
  });
});

describe('firewallCauses', () => {
  const allow = (profiles: FirewallRule['profiles'], program = GAPSCOPE): FirewallRule => ({ name: 'Gapscope UDP in', enabled: true, direction: 'in', profiles, protocol: 'udp', localPort: 'Any', program, action: 'allow' });
  const privateNet = parseConnectionProfiles(fixture('get-netconnectionprofile-three.txt'))!.slice(0, 1);
  const publicNet = parseConnectionProfiles(fixture('get-netconnectionprofile-public.txt'))!;

  it('finds nothing in the way when an allow rule covers the connected network', () => {
    expect(firewallCauses({ program: GAPSCOPE, rules: [allow(['domain', 'private'])], profiles: privateNet })).toEqual([]);
    // The path as netsh prints it may differ in case and slashes.
    expect(firewallCauses({ program: 'c:/program files/gapscope/GAPSCOPE.EXE', rules: [allow(['private'])], profiles: privateNet })).toEqual([]);
  });

  it('names a block rule for Gapscope first: it wins over every allow rule', () => {
    const block = { ...parseNetshRules(fixture('netsh-show-rule-verbose-program-block.txt'))![0]!, protocol: 'any', program: GAPSCOPE };
    const causes = firewallCauses({ program: GAPSCOPE, rules: [allow(['domain', 'private', 'public']), block], profiles: publicNet });
    expect(causes.map((c) => c.code)).toEqual(['firewall-blocked']);
    expect(causes[0]!.text).toMatch(/“Smart Connect”, public networks/);
  });

  it('names a missing rule, and a Public network that the rules leave closed', () => {
    expect(firewallCauses({ program: GAPSCOPE, rules: parseNetshRules(fixture('netsh-show-rule-none.txt')), profiles: privateNet }).map((c) => c.code)).toEqual(['firewall-no-rule']);
    const onPublic = firewallCauses({ program: GAPSCOPE, rules: [allow(['domain', 'private'])], profiles: publicNet });
    expect(onPublic.map((c) => c.code)).toEqual(['public-network']);
    expect(onPublic[0]!.text).toMatch(/Network \(Ethernet\) as a Public network/);
    // Rules for other programs (or every program, TCP) do not count for Gapscope.
    const others = parseNetshRules(fixture('netsh-show-rule-tcp-port.txt'))!;
    expect(firewallCauses({ program: GAPSCOPE, rules: [...others, allow(['private'], 'C:\\Other\\app.exe')], profiles: privateNet }).map((c) => c.code)).toEqual(['firewall-no-rule']);
  });

  it('says nothing when the rules could not be read', () => {
    expect(firewallCauses({ program: GAPSCOPE, rules: null, profiles: publicNet })).toEqual([]);
  });

  it('compares Windows paths as Windows does', () => {
    expect(samePath('"C:\\A b\\x.exe"', 'c:/a B/X.EXE')).toBe(true);
    expect(samePath('C:\\A\\x.exe', 'C:\\A\\y.exe')).toBe(false);
  });
});
