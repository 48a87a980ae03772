import { describe, expect, it } from 'vitest';
import { classifyInterface } from './kind';

describe('interface kind', () => {
  it.each([
    ['utun3', {}, 'vpn-tunnel'],
    ['ipsec0', {}, 'vpn-tunnel'],
    ['ppp0', {}, 'vpn-tunnel'],
    ['wg0', {}, 'vpn-tunnel'],
    ['tap0', {}, 'vpn-tunnel'],
    ['mytunnel', { platform: 'linux', infoKind: 'wireguard' }, 'vpn-tunnel'],
    ['en0', { platform: 'darwin' }, 'wifi-or-ethernet'],
    ['en0', { platform: 'darwin', wireless: true }, 'wifi'],
    ['enp0s3', { platform: 'linux' }, 'ethernet'],
    ['eth0', { platform: 'linux' }, 'ethernet'],
    ['wlp2s0', { platform: 'linux' }, 'wifi'],
    ['Wi-Fi', { platform: 'win32' }, 'wifi'],
    ['Ethernet 2', { platform: 'win32' }, 'ethernet'],
    ['OpenVPN TAP-Windows6', { platform: 'win32' }, 'vpn-tunnel'],
    ['happ-tun', { platform: 'win32' }, 'vpn-tunnel'],
    ['lo', {}, 'loopback'],
    ['lo0', {}, 'loopback'],
    ['Loopback Pseudo-Interface 1', { platform: 'win32' }, 'loopback'],
    ['veth12ab', { platform: 'linux' }, 'virtual'],
    ['docker0', { platform: 'linux', infoKind: 'bridge' }, 'virtual'],
    ['awdl0', { platform: 'darwin' }, 'virtual'],
    ['bridge0', { platform: 'darwin' }, 'virtual'],
  ] as const)('%s %o is %s', (name, hints, kind) => {
    expect(classifyInterface(name, hints)).toBe(kind);
  });
});
