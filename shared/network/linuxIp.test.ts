import { describe, expect, it } from 'vitest';
import addrJson from './fixtures/linux-ip-d-j-addr-lab-tun-bridge-veth.json?raw';
import getLocal from './fixtures/linux-ip-j-route-get-local.json?raw';
import getTun from './fixtures/linux-ip-j-route-get-via-tun.json?raw';
import get6 from './fixtures/linux-ip-j-6-route-get.json?raw';
import route6 from './fixtures/linux-ip-j-6-route-lab.json?raw';
import route4 from './fixtures/linux-ip-j-route-lab-split-tun.json?raw';
import { analyzeDefaultRoutes } from './defaultRoute';
import { parseIpAddrJson, parseIpRouteGetJson, parseIpRouteJson } from './linuxIp';

describe('ip -d -j addr (real output, lab namespace)', () => {
  const list = parseIpAddrJson(addrJson);
  it('finds every interface with its kind, flags, MTU and addresses', () => {
    expect(list.map((i) => [i.name, i.kind, i.linkKind, i.up, i.running, i.mtu])).toEqual([
      ['lo', 'loopback', 'loopback', true, true, 65536],
      ['tun0', 'vpn-tunnel', 'tun', true, false, 1500],
      ['br73', 'virtual', 'bridge', false, false, 1500],
      ['v73a', 'virtual', 'veth', true, true, 1500],
    ]);
    const v = list.find((i) => i.name === 'v73a');
    expect(v?.addresses.filter((a) => !a.address.startsWith('fe80'))).toEqual([
      { address: '10.98.73.2', family: 'ipv4', prefixLength: 24 },
      { address: 'fd00:98:73::2', family: 'ipv6', prefixLength: 64 },
    ]);
    expect(v?.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(list.find((i) => i.name === 'tun0')?.mac).toBeNull();
  });
  it('marks an interface named by the Wi-Fi reader as Wi-Fi', () => {
    expect(parseIpAddrJson(addrJson, new Set(['v73a'])).find((i) => i.name === 'v73a')?.kind).toBe('wifi');
  });
  it('rejects output that is not JSON with one clear error', () => {
    expect(() => parseIpAddrJson('Object "addr" is unknown')).toThrow('ip -j addr: output is not JSON');
  });
});

describe('ip -j route (real output): the tunnel captures IPv4 with two half routes', () => {
  const ifaces = parseIpAddrJson(addrJson);
  const routes = [...parseIpRouteJson(route4, 'ipv4'), ...parseIpRouteJson(route6, 'ipv6')];
  it('reads destinations, gateways and devices', () => {
    expect(routes.filter((r) => r.family === 'ipv4').map((r) => `${r.destination} ${r.gateway ?? '-'} ${r.iface}`)).toEqual([
      '0.0.0.0/1 - tun0',
      'default 10.98.73.1 v73a',
      '10.8.0.0/24 - tun0',
      '10.98.73.0/24 - v73a',
      '128.0.0.0/1 - tun0',
    ]);
    expect(routes.find((r) => r.family === 'ipv6' && r.destination === 'default')).toMatchObject({ gateway: 'fd00:98:73::1', iface: 'v73a', metric: 1024 });
  });
  it('flags the VPN capture (redirect-gateway def1) for IPv4 and not for IPv6', () => {
    expect(analyzeDefaultRoutes(routes, ifaces)).toEqual([
      { family: 'ipv4', iface: 'tun0', gateway: null, capturedBy: 'tun0', captureStyle: 'split' },
      { family: 'ipv6', iface: 'v73a', gateway: 'fd00:98:73::1', capturedBy: null, captureStyle: null },
    ]);
  });
});

describe('ip -j route get (real output)', () => {
  it('gives the interface and source address that would reach the target', () => {
    expect(parseIpRouteGetJson('1.1.1.1', getTun)).toEqual({ destination: '1.1.1.1', iface: 'tun0', source: '10.8.0.2', gateway: null, error: null });
    expect(parseIpRouteGetJson('10.98.73.1', getLocal)).toMatchObject({ iface: 'v73a', source: '10.98.73.2' });
    expect(parseIpRouteGetJson('fd00:98:73::1', get6)).toMatchObject({ iface: 'v73a', source: 'fd00:98:73::2' });
  });
  it('turns the "no route" error into a plain message', () => {
    expect(parseIpRouteGetJson('1.1.1.1', '', 'RTNETLINK answers: Network is unreachable\n')).toEqual({ destination: '1.1.1.1', iface: null, source: null, gateway: null, error: 'Network is unreachable' });
  });
});
