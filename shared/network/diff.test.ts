import { describe, expect, it } from 'vitest';
import { analyzeDefaultRoutes } from './defaultRoute';
import { diffSnapshots } from './diff';
import type { NetInterface, NetworkSnapshot, RouteEntry, WifiState } from './types';
import { wifiUnavailable } from './types';

const iface = (name: string, kind: NetInterface['kind'], addrs: string[] = [], extra: Partial<NetInterface> = {}): NetInterface => ({
  name,
  kind,
  index: null,
  mac: null,
  mtu: 1500,
  up: true,
  running: true,
  flags: [],
  addresses: addrs.map((a) => {
    const [address = '', len] = a.split('/');
    return { address, family: address.includes(':') ? 'ipv6' : 'ipv4', prefixLength: len ? Number(len) : null };
  }),
  linkKind: null,
  ...extra,
});
const route = (destination: string, iface: string, gateway: string | null = null): RouteEntry => ({ family: destination.includes(':') || gateway?.includes(':') ? 'ipv6' : 'ipv4', destination, gateway, iface, metric: null, source: null, flags: [] });
const wifi = (w: Partial<WifiState>): WifiState => ({ ...wifiUnavailable(''), available: true, reason: null, source: 'iw', iface: 'wlan0', connected: true, ...w });

function snap(interfaces: NetInterface[], routes: RouteEntry[] = [], w: WifiState = wifiUnavailable('iw not installed')): NetworkSnapshot {
  return { at: 0, interfaces, routes, defaults: analyzeDefaultRoutes(routes, interfaces), wifi: w, sockets: null, tunnelCount: interfaces.filter((i) => i.kind === 'vpn-tunnel').length };
}

const kinds = (a: NetworkSnapshot, b: NetworkSnapshot) => diffSnapshots(a, b).map((c) => `${c.severity} ${c.kind}: ${c.summary}`);

describe('network changes in the user\'s words', () => {
  const eth = iface('eth0', 'ethernet', ['192.168.1.10/24']);
  it('nothing changed, nothing said', () => {
    expect(diffSnapshots(snap([eth]), snap([eth]))).toEqual([]);
  });
  it('interface added and removed (tunnel count too)', () => {
    const tun = iface('utun4', 'vpn-tunnel');
    expect(kinds(snap([eth]), snap([eth, tun]))).toEqual(['info interface-added: utun4 appeared (VPN tunnel)', 'info tunnel-count-changed: Tunnel interfaces: 0 → 1']);
    expect(kinds(snap([eth, tun]), snap([eth]))).toEqual(['warning interface-removed: utun4 disappeared (VPN tunnel)', 'info tunnel-count-changed: Tunnel interfaces: 1 → 0']);
  });
  it('down (switched off or no carrier) and up again', () => {
    expect(kinds(snap([eth]), snap([{ ...eth, up: false, running: false }]))).toEqual(['warning interface-down: eth0 went down (switched off)']);
    expect(kinds(snap([eth]), snap([{ ...eth, running: false }]))).toEqual(['warning interface-down: eth0 went down (no carrier)']);
    expect(kinds(snap([{ ...eth, running: false }]), snap([eth]))).toEqual(['info interface-up: eth0 came up']);
  });
  it('address added, removed, and moved to another interface as one event', () => {
    const wl = iface('wlan0', 'wifi');
    expect(kinds(snap([eth]), snap([iface('eth0', 'ethernet', ['192.168.1.10/24', '10.0.0.5/8'])]))).toEqual(['info address-added: eth0 got address 10.0.0.5/8']);
    expect(kinds(snap([eth]), snap([iface('eth0', 'ethernet')]))).toEqual(['warning address-removed: eth0 lost address 192.168.1.10/24']);
    expect(kinds(snap([eth, wl]), snap([iface('eth0', 'ethernet'), iface('wlan0', 'wifi', ['192.168.1.10/24'])]))).toEqual(['warning address-moved: address 192.168.1.10/24 moved from eth0 to wlan0']);
  });
  it('MTU change', () => {
    expect(kinds(snap([eth]), snap([{ ...eth, mtu: 1400 }]))).toEqual(['info mtu-changed: eth0 MTU changed from 1500 to 1400']);
  });
  it('default route changed, removed and added, per family', () => {
    const wl = iface('wlan0', 'wifi', ['10.1.0.2/24']);
    const a = snap([eth, wl], [route('default', 'eth0', '192.168.1.1'), route('default', 'wlan0', 'fe80::1')]);
    const b = snap([eth, wl], [route('default', 'wlan0', '10.1.0.1'), route('default', 'wlan0', 'fe80::1')]);
    expect(kinds(a, b)).toEqual(['warning default-route-changed: IPv4 default route now via wlan0 (10.1.0.1), was via eth0 (192.168.1.1)']);
    expect(kinds(b, snap([eth, wl], [route('default', 'wlan0', '10.1.0.1')]))).toEqual(['warning default-route-changed: IPv6 default route removed (was via wlan0 (fe80::1))']);
    expect(kinds(snap([eth], []), snap([eth], [route('default', 'eth0', '192.168.1.1')]))).toEqual(['warning default-route-changed: IPv4 default route added via eth0 (192.168.1.1)']);
  });
  it('a VPN captures the default route, by default route or by half routes, and releases it', () => {
    const tun = iface('tun0', 'vpn-tunnel', ['10.8.0.2/24']);
    const before = snap([eth, tun], [route('default', 'eth0', '192.168.1.1')]);
    const split = snap([eth, tun], [route('default', 'eth0', '192.168.1.1'), route('0.0.0.0/1', 'tun0'), route('128.0.0.0/1', 'tun0')]);
    expect(kinds(before, split)).toEqual([
      'warning default-route-changed: IPv4 default route now via tun0, was via eth0 (192.168.1.1)',
      "warning vpn-captured-default: VPN tunnel tun0 captured all IPv4 traffic with two half routes (0.0.0.0/1 + 128.0.0.0/1); devices on the local network are reached only through routes more specific than the VPN's",
    ]);
    const full = snap([eth, tun], [route('default', 'tun0')]);
    expect(diffSnapshots(before, full).map((c) => c.kind)).toEqual(['default-route-changed', 'vpn-captured-default']);
    expect(kinds(full, before)).toEqual(['warning default-route-changed: IPv4 default route now via eth0 (192.168.1.1), was via tun0', 'info vpn-released-default: VPN tunnel tun0 no longer carries all IPv4 traffic']);
  });
  it('Wi-Fi roam, network change, signal drop, disconnect', () => {
    const w = iface('wlan0', 'wifi');
    const a = wifi({ ssid: 'Home', bssid: 'aa:aa:aa:aa:aa:01', rssiDbm: -50, channel: 36 });
    expect(kinds(snap([w], [], a), snap([w], [], { ...a, bssid: 'aa:aa:aa:aa:aa:02', channel: 11 }))).toEqual(['warning wifi-roamed: Wi-Fi roamed to access point aa:aa:aa:aa:aa:02 (was aa:aa:aa:aa:aa:01), channel 11']);
    expect(kinds(snap([w], [], a), snap([w], [], { ...a, ssid: 'Guest', bssid: 'bb:bb:bb:bb:bb:01' }))).toEqual(['warning wifi-ssid-changed: Wi-Fi network changed from Home to Guest']);
    expect(kinds(snap([w], [], a), snap([w], [], { ...a, rssiDbm: -61 }))).toEqual(['warning wifi-signal-dropped: Wi-Fi signal dropped from -50 to -61 dBm']);
    expect(kinds(snap([w], [], a), snap([w], [], { ...a, rssiDbm: -58 }))).toEqual([]);
    expect(kinds(snap([w], [], a), snap([w], [], { ...a, connected: false, ssid: null, bssid: null }))).toEqual(['warning wifi-disconnected: Wi-Fi disconnected from Home']);
    const pct = wifi({ ssid: 'Home', bssid: 'aa:aa:aa:aa:aa:01', signalPercent: 80 });
    expect(kinds(snap([w], [], pct), snap([w], [], { ...pct, signalPercent: 55 }))).toEqual(['warning wifi-signal-dropped: Wi-Fi signal dropped from 80% to 55%']);
  });
  it('Wi-Fi that cannot be read gives no events', () => {
    expect(diffSnapshots(snap([eth], [], wifiUnavailable('iw not installed')), snap([eth], [], wifiUnavailable('iw not installed')))).toEqual([]);
  });
});
