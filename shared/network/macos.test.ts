import { describe, expect, it } from 'vitest';
import ifconfig from './fixtures/macos-ifconfig-10.14.6-5-utun.txt?raw';
import netstat from './fixtures/macos-netstat-rnl-10.14.6-PARTIAL.txt?raw';
import getEn0 from './fixtures/macos-route-n-get-default-en0.txt?raw';
import getUtun from './fixtures/macos-route-n-get-default-utun5-no-gateway.txt?raw';
import getHost from './fixtures/macos-route-n-get-host-en0.txt?raw';
import { analyzeDefaultRoutes } from './defaultRoute';
import { expandNetstatV4, parseIfconfig, parseNetstatRn, parseRouteGet } from './macos';

describe('ifconfig (real output, macOS 10.14.6 with five utun interfaces)', () => {
  const list = parseIfconfig(ifconfig, 'en0');
  it('reads kinds, flags, MTU, MAC and addresses', () => {
    expect(list.filter((i) => i.kind === 'vpn-tunnel').map((i) => `${i.name}:${i.mtu}`)).toEqual(['utun0:2000', 'utun1:1380', 'utun2:1380', 'utun3:1380', 'utun4:1380']);
    const en0 = list.find((i) => i.name === 'en0');
    expect(en0).toMatchObject({ kind: 'wifi', mtu: 1500, mac: 'f0:18:98:03:d9:30', up: true, running: true, index: 8 });
    expect(en0?.addresses[0]).toEqual({ address: 'fe80::8b7:1281:7499:b504', family: 'ipv6', prefixLength: 64 });
    expect(en0?.addresses.find((a) => a.family === 'ipv4')).toEqual({ address: '192.168.1.72', family: 'ipv4', prefixLength: 24 });
    expect(list.find((i) => i.name === 'en1')).toMatchObject({ kind: 'wifi-or-ethernet', up: true, running: false });
    expect(list.find((i) => i.name === 'lo0')).toMatchObject({ kind: 'loopback', mtu: 16384 });
    expect(list.find((i) => i.name === 'stf0')).toMatchObject({ up: false, flags: [] });
  });
});

describe('netstat -rn (real output, excerpt)', () => {
  const routes = parseNetstatRn(netstat);
  it('expands shortened destinations', () => {
    expect(['127', '169.254', '192.168.1', '0/1', '128.0/1', '224.0.0/4', '10.0.0.1'].map((d) => expandNetstatV4(d, false))).toEqual(['127.0.0.0/8', '169.254.0.0/16', '192.168.1.0/24', '0.0.0.0/1', '128.0.0.0/1', '224.0.0.0/4', '10.0.0.1/32']);
  });
  it('keeps routes, skips neighbour (L) entries', () => {
    const v4 = routes.filter((r) => r.family === 'ipv4');
    expect(v4.map((r) => r.destination)).toEqual(['default', '127.0.0.0/8', '127.0.0.1/32', '169.254.0.0/16', '192.168.1.0/24', '192.168.1.221/32', '192.168.1.254/32', '192.168.71.0/24', '192.168.101.0/24', '224.0.0.0/4', '255.255.255.255/32']);
    expect(v4[0]).toMatchObject({ gateway: '192.168.1.254', iface: 'en0' });
  });
  it('ignores the utun interfaces\' scoped (I) IPv6 defaults: en0 carries the traffic, no VPN capture', () => {
    const defaults = analyzeDefaultRoutes(routes, parseIfconfig(ifconfig, 'en0'));
    expect(defaults).toEqual([
      { family: 'ipv4', iface: 'en0', gateway: '192.168.1.254', capturedBy: null, captureStyle: null },
      { family: 'ipv6', iface: 'en0', gateway: 'fe80::feae:34ff:fea1:3a80', capturedBy: null, captureStyle: null },
    ]);
  });
});

describe('route -n get (outputs published in other projects\' tests)', () => {
  it('interface and gateway', () => {
    expect(parseRouteGet('default', getEn0)).toEqual({ destination: 'default', iface: 'en0', source: null, gateway: '192.168.1.1', error: null });
    expect(parseRouteGet('1.1.1.1', getHost)).toMatchObject({ iface: 'en0', gateway: '192.168.0.1' });
  });
  it('a VPN default without gateway', () => {
    expect(parseRouteGet('default', getUtun)).toMatchObject({ iface: 'utun5', gateway: null, error: null });
  });
  it('the "not in table" error', () => {
    expect(parseRouteGet('default', '', 'route: writing to routing socket: not in table\n')).toMatchObject({ iface: null, error: 'writing to routing socket: not in table' });
  });
});
