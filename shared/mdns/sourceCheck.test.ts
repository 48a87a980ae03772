import { describe, expect, it } from 'vitest';
import { checkMdnsSource, inPrefix6, inSubnet, sourceLink, type LinkInterface } from './sourceCheck';

const ifaces: LinkInterface[] = [
  { name: 'lo', index: 1, kind: 'loopback', flags: ['UP', 'LOOPBACK'], addresses: [{ address: '127.0.0.1', family: 'ipv4', prefixLength: 8 }, { address: '::1', family: 'ipv6', prefixLength: 128 }] },
  {
    name: 'wlan0',
    index: 3,
    kind: 'wifi',
    flags: ['UP', 'BROADCAST', 'MULTICAST'],
    addresses: [
      { address: '192.168.4.10', family: 'ipv4', prefixLength: 22 },
      { address: 'fd00:98:32::2', family: 'ipv6', prefixLength: 64 },
      { address: 'fe80::1c2b:3ff:fe4d:5e6f', family: 'ipv6', prefixLength: 64 },
    ],
  },
  { name: 'eth0', index: 4, kind: 'ethernet', flags: ['UP', 'BROADCAST', 'MULTICAST'], addresses: [{ address: '10.1.0.5', family: 'ipv4', prefixLength: 24 }, { address: 'fe80::2', family: 'ipv6', prefixLength: 64 }] },
];

const RESPONSE = Uint8Array.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
const QUERY = Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);

describe('subnets and prefixes', () => {
  it('masks IPv4 and IPv6 at any prefix length, and refuses what is not a prefix', () => {
    expect(inSubnet('192.168.7.255', '192.168.4.10/22')).toBe(true);
    expect(inSubnet('192.168.8.1', '192.168.4.10/22')).toBe(false);
    expect(inSubnet('8.8.8.8', '0.0.0.0/0')).toBe(true);
    expect(inSubnet('10.0.0.1', '10.0.0.1/33')).toBe(false);
    expect(inSubnet('10.0.0.1', null)).toBe(false);
    expect(inPrefix6('fd00:98:32::99', 'fd00:98:32::2/64')).toBe(true);
    expect(inPrefix6('fd00:98:33::99', 'fd00:98:32::2/64')).toBe(false);
    expect(inPrefix6('fd00:98:32:0:8000::1', 'fd00:98:32::/65')).toBe(false);
    expect(inPrefix6('fd00::1', 'fd00::/129')).toBe(false);
  });
});

describe('the link a source is on (RFC 6762 §11)', () => {
  it('names the interface whose subnet holds an IPv4 source', () => {
    expect(sourceLink(ifaces, 'ipv4', '192.168.5.77')).toEqual({ iface: 'wlan0' });
    expect(sourceLink(ifaces, 'ipv4', '10.1.0.200')).toEqual({ iface: 'eth0' });
  });

  it('takes link-local sources (169.254/16, fe80::/10) as local, with the interface their scope names', () => {
    expect(sourceLink(ifaces, 'ipv4', '169.254.10.20')).toEqual({ iface: null });
    expect(sourceLink(ifaces, 'ipv6', 'fe80::aa%eth0')).toEqual({ iface: 'eth0' });
    expect(sourceLink(ifaces, 'ipv6', 'fe80::aa%3')).toEqual({ iface: 'wlan0' });
    // fe80::/64 is on every interface: without a scope the interface cannot be told, but the source is local.
    expect(sourceLink(ifaces, 'ipv6', 'fe80::aa')).toEqual({ iface: null });
  });

  it('names the interface whose on-link prefix holds an IPv6 source', () => {
    expect(sourceLink(ifaces, 'ipv6', 'fd00:98:32::1')).toEqual({ iface: 'wlan0' });
  });

  it('finds routed, documentation and loopback-subnet sources off every link', () => {
    for (const a of ['203.0.113.9', '192.168.8.1', '10.1.1.5', '127.0.0.2']) expect(sourceLink(ifaces, 'ipv4', a)).toBeNull();
    for (const a of ['2001:db8::9', 'fd00:98:33::1', '::1']) expect(sourceLink(ifaces, 'ipv6', a)).toBeNull();
    expect(sourceLink(ifaces, 'ipv4', 'not an address')).toBeNull();
  });
});

describe('checkMdnsSource', () => {
  it('believes responses from port 5353 on the link, and queries from any port there', () => {
    expect(checkMdnsSource(ifaces, 'ipv4', '192.168.4.1', 5353, RESPONSE)).toEqual({ iface: 'wlan0', problem: null });
    // A legacy resolver asks from an ephemeral port (§6.7): its query is fine.
    expect(checkMdnsSource(ifaces, 'ipv4', '192.168.4.1', 40000, QUERY)).toEqual({ iface: 'wlan0', problem: null });
  });

  it('refuses a response from another port, and anything from beyond the link', () => {
    expect(checkMdnsSource(ifaces, 'ipv4', '192.168.4.1', 40000, RESPONSE)).toEqual({ iface: 'wlan0', problem: 'source-port' });
    // The case: a response from 203.0.113.9:40000.
    expect(checkMdnsSource(ifaces, 'ipv4', '203.0.113.9', 40000, RESPONSE)).toEqual({ iface: null, problem: 'off-link' });
    expect(checkMdnsSource(ifaces, 'ipv4', '203.0.113.9', 5353, RESPONSE)).toEqual({ iface: null, problem: 'off-link' });
    expect(checkMdnsSource(ifaces, 'ipv6', '2001:db8::9', 5353, QUERY)).toEqual({ iface: null, problem: 'off-link' });
    expect(checkMdnsSource(ifaces, 'ipv6', 'fe80::9%wlan0', 5353, RESPONSE)).toEqual({ iface: 'wlan0', problem: null });
  });
});
