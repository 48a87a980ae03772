// The synchronous reader (Node + /sys) against the network context's reader (`ip -d -j addr`) on
// this machine's real interfaces: one NetInterface model, the same facts from both.
import { describe, expect, it } from 'vitest';
import { addressCidr, ipv4Netmask, isLoopbackInterface, takesMulticast } from '../../shared/network/types';
import { listInterfaces, readInterfaces } from './interfaces';
import type { CommandResult } from './runCommand';
import { SystemNetwork } from './systemNetwork';

const missingTool = async (): Promise<CommandResult> => ({ ok: false, missing: true, denied: false, timedOut: false, code: null, stdout: '', stderr: '' });

describe.runIf(process.platform === 'linux')('listInterfaces', () => {
  it('agrees with ip -j addr on names, indexes, MTUs, up, flag words and addresses', async () => {
    const fromSys = listInterfaces();
    const fromIp = await new SystemNetwork('linux').interfaces();
    expect(fromSys.map((i) => i.name).sort()).toEqual(fromIp.map((i) => i.name).sort());
    for (const s of fromSys) {
      const ip = fromIp.find((i) => i.name === s.name)!;
      expect({ name: s.name, index: s.index, mtu: s.mtu, up: s.up }).toEqual({ name: ip.name, index: ip.index, mtu: ip.mtu, up: ip.up });
      // /sys's flags word holds the device flags; ip adds LOWER_UP and NO-CARRIER from the link state.
      for (const w of s.flags) expect(ip.flags, `${s.name} ${w}`).toContain(w);
      const cidrs = (list: typeof s.addresses): string[] => list.map((a) => addressCidr(a) ?? a.address).sort();
      expect(cidrs(s.addresses)).toEqual(cidrs(ip.addresses));
    }
    const lo = fromSys.find((i) => i.name === 'lo')!;
    expect(isLoopbackInterface(lo)).toBe(true);
    expect(lo.kind).toBe('loopback');
    expect(lo.addresses).toContainEqual({ address: '127.0.0.1', family: 'ipv4', prefixLength: 8 });
  });
});

describe('Node\'s list alone (macOS and Windows, or no /sys)', () => {
  it('leaves the flags unknown rather than guessing them, so a multicast join is left to try', () => {
    const fromNode = listInterfaces('darwin');
    expect(fromNode.length).toBeGreaterThan(0);
    for (const i of fromNode) {
      expect(i.flags, i.name).toEqual([]);
      expect(takesMulticast(i), i.name).toBeNull();
      expect(i.up).toBe(true);
    }
    // The loopback is still known by its kind.
    expect(fromNode.some((i) => isLoopbackInterface(i))).toBe(true);
  });

  it('is what the OS-tool reader gives where the tool is missing', async () => {
    const names = (l: { name: string }[]) => l.map((i) => i.name).sort();
    expect(names(await readInterfaces('darwin', missingTool))).toEqual(names(listInterfaces('darwin')));
    expect(await readInterfaces('win32', missingTool, 'lo')).toContainEqual(expect.objectContaining({ name: 'lo', kind: 'wifi' }));
  });
});

describe('interface facts', () => {
  it('multicast is unknown without flags; netmasks and CIDRs from prefix lengths', () => {
    expect(takesMulticast({ flags: [] })).toBeNull();
    expect(takesMulticast({ flags: ['UP', 'LOOPBACK'] })).toBe(false);
    expect(takesMulticast({ flags: ['UP', 'MULTICAST'] })).toBe(true);
    expect([0, 8, 22, 24, 32].map(ipv4Netmask)).toEqual(['0.0.0.0', '255.0.0.0', '255.255.252.0', '255.255.255.0', '255.255.255.255']);
    expect([null, 33, -1, 1.5].map(ipv4Netmask)).toEqual([null, null, null, null]);
    expect(addressCidr({ address: 'fd00::2', family: 'ipv6', prefixLength: 64 })).toBe('fd00::2/64');
    expect(addressCidr({ address: '10.0.0.2', family: 'ipv4', prefixLength: null })).toBeNull();
  });
});
