import { describe, expect, it } from 'vitest';
import find from './fixtures/windows-find-netroute-json-CONSTRUCTED.json?raw';
import routesJson from './fixtures/windows-get-netroute-json-CONSTRUCTED.json?raw';
import mondoo from './fixtures/windows-get-netroute-json-mondoo-vm.json?raw';
import singTun from './fixtures/windows-get-netroute-json-default-routes-sing-tun-PARTIAL.json?raw';
import { analyzeDefaultRoutes } from './defaultRoute';
import { classifyInterface } from './kind';
import { findNetRouteCommand, parseFindNetRouteJson, parseGetNetRouteJson } from './windows';

describe('Get-NetRoute JSON (constructed from the documented fields)', () => {
  const routes = parseGetNetRouteJson(routesJson);
  it('reads prefixes, next hops (on-link = none), aliases and the summed metric', () => {
    expect(routes[0]).toEqual({ family: 'ipv4', destination: 'default', gateway: '192.168.1.1', iface: 'Wi-Fi', metric: 35, source: null, flags: [] });
    expect(routes[1]).toMatchObject({ destination: '0.0.0.0/1', gateway: null, iface: 'OpenVPN TAP-Windows6' });
    expect(routes.find((r) => r.family === 'ipv6' && r.destination === 'default')).toMatchObject({ gateway: 'fe80::1', metric: 291 });
  });
  it('a single object (ConvertTo-Json without brackets) is one route', () => {
    expect(parseGetNetRouteJson('{"DestinationPrefix":"0.0.0.0/0","NextHop":"10.0.0.1","InterfaceAlias":"Ethernet","RouteMetric":0,"AddressFamily":2}')).toHaveLength(1);
  });
  it('flags the TAP adapter\'s half routes as a VPN capture', () => {
    const ifaces = ['Wi-Fi', 'OpenVPN TAP-Windows6'].map((name) => ({ name, kind: classifyInterface(name, { platform: 'win32' }), index: null, mac: null, mtu: null, up: true, running: true, flags: [], addresses: [], linkKind: null }));
    expect(analyzeDefaultRoutes(routes, ifaces)[0]).toMatchObject({ iface: 'OpenVPN TAP-Windows6', capturedBy: 'OpenVPN TAP-Windows6', captureStyle: 'split' });
  });
});

describe('Get-NetRoute JSON (published outputs)', () => {
  it('a VM\'s whole table (PowerShell 5 layout, InterfaceIndex instead of ifIndex, an extra column): every route, on-link hops as none', () => {
    const routes = parseGetNetRouteJson(mondoo);
    expect(routes).toHaveLength(18);
    expect(routes.filter((r) => r.gateway !== null)).toEqual([{ family: 'ipv4', destination: 'default', gateway: '192.168.64.1', iface: 'Ethernet', metric: 0, source: null, flags: [] }]);
    expect(routes.filter((r) => r.family === 'ipv6').map((r) => `${r.destination} ${r.iface}`)).toEqual([
      'ff00::/8 Ethernet',
      'ff00::/8 Loopback Pseudo-Interface 1',
      'fe80::9b29:7b8f:bc2:f9bf/128 Ethernet',
      'fe80::/64 Ethernet',
      'fd28:df6a:5fc8:2cb:d33a:a509:e9d8:681a/128 Ethernet',
      'fd28:df6a:5fc8:2cb:cd60:a4f0:52ca:3c3/128 Ethernet',
      '::1/128 Loopback Pseudo-Interface 1',
    ]);
  });
  it('two equal default routes, one through a sing-tun adapter (no AddressFamily, no InterfaceMetric selected)', () => {
    const routes = parseGetNetRouteJson(singTun);
    expect(routes).toEqual([
      { family: 'ipv4', destination: 'default', gateway: '172.18.0.2', iface: 'happ-tun', metric: 0, source: null, flags: [] },
      { family: 'ipv4', destination: 'default', gateway: '192.168.0.1', iface: 'Ethernet', metric: 0, source: null, flags: [] },
    ]);
    const ifaces = ['happ-tun', 'Ethernet'].map((name) => ({ name, kind: classifyInterface(name, { platform: 'win32' }), index: null, mac: null, mtu: null, up: true, running: true, flags: [], addresses: [], linkKind: null }));
    // Without InterfaceMetric the tie keeps Windows' order: the tunnel's route, listed first, is taken as the default.
    expect(analyzeDefaultRoutes(routes, ifaces)).toEqual([
      { family: 'ipv4', iface: 'happ-tun', gateway: '172.18.0.2', capturedBy: 'happ-tun', captureStyle: 'default' },
      { family: 'ipv6', iface: null, gateway: null, capturedBy: null, captureStyle: null },
    ]);
  });
});

describe('Find-NetRoute JSON (constructed)', () => {
  it('source address from the address object, next hop from the route object', () => {
    expect(parseFindNetRouteJson('8.8.8.8', find)).toEqual({ destination: '8.8.8.8', iface: 'Wi-Fi', source: '192.168.1.23', gateway: '192.168.1.1', error: null });
  });
  it('no output is "no route", with the first error line when there is one', () => {
    expect(parseFindNetRouteJson('10.1.1.1', '', 'Find-NetRoute : The network location cannot be reached.\r\nAt line:1')).toMatchObject({ iface: null, error: 'Find-NetRoute : The network location cannot be reached.' });
  });
  it('the command quotes an address only', () => {
    expect(findNetRouteCommand('10.0.0.1')).toContain("-RemoteIPAddress '10.0.0.1'");
  });
});
