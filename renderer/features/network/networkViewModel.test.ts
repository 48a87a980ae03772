import { describe, expect, it } from 'vitest';
import type { ConnectTestResult, NetInterface } from '../../../shared/network/types';
import { defaultRouteText, historyRows, interfaceRows, outcomeWords, parseTarget } from './networkViewModel';

const nic = (name: string, kind: NetInterface['kind'], up: boolean, running: boolean): NetInterface => ({ name, kind, index: null, mac: null, mtu: 1500, up, running, flags: up ? ['UP'] : [], addresses: [{ address: '10.0.0.2', family: 'ipv4', prefixLength: 24 }], linkKind: null });

describe('Network tab view model', () => {
  it('parses HOST:PORT or says how to type it', () => {
    expect(parseTarget(' 10.0.0.5:443 ')).toEqual({ host: '10.0.0.5', port: 443 });
    expect(parseTarget('[fd00::1]:8443')).toEqual({ host: 'fd00::1', port: 8443 });
    expect(parseTarget('10.0.0.5')).toEqual({ error: 'Type HOST:PORT, e.g. 192.168.1.20:443 or [fd00::1]:8443.' });
    expect(parseTarget('h:0')).toEqual({ error: 'The port must be 1–65535.' });
  });
  it('orders interfaces: working first, loopback last, with state words', () => {
    const rows = interfaceRows([nic('lo', 'loopback', true, true), nic('tun0', 'vpn-tunnel', true, false), nic('eth0', 'ethernet', true, true), nic('eth1', 'ethernet', false, false)]);
    expect(rows.map((r) => `${r.name} ${r.kind} ${r.state}`)).toEqual(['eth0 Ethernet up', 'eth1 Ethernet down', 'tun0 VPN tunnel up, no carrier', 'lo loopback up']);
    expect(rows[0]?.addresses).toEqual(['10.0.0.2/24']);
  });
  it('an MTU or flags the reader could not get read "unknown" (Windows), not a dash or nothing', () => {
    const [row] = interfaceRows([{ ...nic('Ethernet', 'ethernet', true, true), mtu: null, flags: [] }]);
    expect(row).toMatchObject({ mtu: 'unknown', flags: 'unknown' });
    expect(interfaceRows([nic('eth0', 'ethernet', true, true)])[0]).toMatchObject({ mtu: '1500', flags: 'UP' });
    expect(interfaceRows([{ ...nic('stf0', 'virtual', false, false), mtu: 1280 }])[0]).toMatchObject({ mtu: '1280', flags: '' });
  });
  it('flags a VPN that captured the default route', () => {
    expect(defaultRouteText({ family: 'ipv4', iface: 'tun0', gateway: null, capturedBy: 'tun0', captureStyle: 'split' })).toMatch(/^IPv4: via tun0 — VPN tun0 captures all IPv4 traffic \(two half routes/);
    expect(defaultRouteText({ family: 'ipv6', iface: null, gateway: null, capturedBy: null, captureStyle: null })).toBe('IPv6: no default route');
  });
  it('headline words for outcomes', () => {
    const r = { outcome: 'refused', tls: null } as unknown as ConnectTestResult;
    expect(outcomeWords(r)).toBe('connection refused');
    expect(outcomeWords({ ...r, outcome: 'connected', tls: { trusted: false, hostnameMatches: true } } as unknown as ConnectTestResult)).toBe('connected, certificate NOT trusted');
  });
  it('history rows in seconds before now', () => {
    expect(historyRows([{ at: 1000, tunnelCount: 0, udp: 3, tcp: 5, tcpEstablished: 1 }, { at: 3000, tunnelCount: 1, udp: 4, tcp: 5, tcpEstablished: 1 }])).toEqual([
      { t: -2, tunnels: 0, udp: 3, tcp: 5 },
      { t: 0, tunnels: 1, udp: 4, tcp: 5 },
    ]);
  });
});
