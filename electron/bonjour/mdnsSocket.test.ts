import { describe, expect, it } from 'vitest';
import { mdnsInterfaces } from './mdnsSocket';
import type { NetInterface } from '../../shared/network/types';

function iface(name: string, over: Partial<NetInterface>): NetInterface {
  return { name, kind: 'ethernet', index: 2, mac: null, mtu: 1500, up: true, running: true, flags: ['UP', 'BROADCAST', 'MULTICAST'], addresses: [], linkKind: null, ...over };
}

describe('mdnsInterfaces', () => {
  it('runs mDNS on up, non-loopback interfaces the OS says take multicast, and on those whose flags it does not give', () => {
    const all = [
      iface('eth0', {}),
      iface('tun0', { flags: ['UP', 'POINTOPOINT'] }),
      iface('lo', { kind: 'loopback', flags: ['UP', 'LOOPBACK'] }),
      iface('eth1', { up: false, flags: [] }),
      // Windows, and Node's own list: no flags at all. Refusing these left Bonjour with no interface there.
      iface('Wi-Fi', { flags: [], mtu: null }),
    ];
    expect(mdnsInterfaces(all).map((i) => i.name)).toEqual(['eth0', 'Wi-Fi']);
    expect(mdnsInterfaces(all, 'Wi-Fi').map((i) => i.name)).toEqual(['Wi-Fi']);
    expect(mdnsInterfaces(all, ['tun0', 'eth0']).map((i) => i.name)).toEqual(['eth0']);
  });
});
