import { describe, expect, it } from 'vitest';
import { StreamConfigSchema } from '../../shared/contract';
import type { NetInterface } from '../../shared/network/types';
import { GapscopeError } from '../../shared/errors';
import { planSocket, portsConflict } from './socketPlan';

const ifaces: NetInterface[] = [
  { name: 'lo', kind: 'loopback', index: 1, mac: null, mtu: 65536, up: true, running: true, flags: ['UP', 'LOOPBACK', 'LOWER_UP'], addresses: [{ address: '127.0.0.1', family: 'ipv4', prefixLength: 8 }], linkKind: null },
  {
    name: 'vins',
    kind: 'virtual',
    index: 7,
    mac: '02:00:00:00:00:02',
    mtu: 1500,
    up: true,
    running: true,
    flags: ['UP', 'BROADCAST', 'MULTICAST', 'LOWER_UP'],
    addresses: [
      { address: '10.99.0.2', family: 'ipv4', prefixLength: 24 },
      { address: 'fd00:99::2', family: 'ipv6', prefixLength: 64 },
    ],
    linkKind: null,
  },
];
const plan = (c: object, platform = 'linux') => planSocket(StreamConfigSchema.parse(c), ifaces, platform);

describe('planSocket', () => {
  it('binds the unspecified address when only a port is given', () => {
    expect(plan({ port: 4000 })).toMatchObject({ type: 'udp4', kind: 'unicast', bindAddress: '0.0.0.0', membership: null });
    expect(plan({ port: 4000, family: 'ipv6' })).toMatchObject({ type: 'udp6', bindAddress: '::' });
  });

  it('joins an IPv4 group on the chosen interface by name or address, bound to the group', () => {
    const byName = plan({ port: 5001, address: '239.1.2.3', iface: 'vins' });
    expect(byName).toMatchObject({ kind: 'multicast', bindAddress: '239.1.2.3', membership: { group: '239.1.2.3', iface: '10.99.0.2' }, watchInterface: 'vins' });
    expect(plan({ port: 5001, address: '239.1.2.3', iface: '10.99.0.2' }).membership?.iface).toBe('10.99.0.2');
    expect(plan({ port: 5001, address: '239.1.2.3' }, 'win32').bindAddress).toBe('0.0.0.0');
  });

  it('joins an IPv6 group with the interface as a zone, and SSM with its source', () => {
    expect(plan({ port: 5001, address: 'ff15::1234', iface: 'vins' })).toMatchObject({ type: 'udp6', bindAddress: '::', membership: { group: 'ff15::1234', iface: '::%vins' } });
    expect(plan({ port: 5001, address: 'ff02::fb%vins' }).membership).toEqual({ group: 'ff02::fb', iface: '::%vins', source: undefined });
    expect(plan({ port: 5001, address: '232.1.1.1', source: '10.99.0.1', iface: 'vins' })).toMatchObject({ kind: 'source-specific multicast', membership: { source: '10.99.0.1' } });
  });

  it('recognises limited and directed broadcast', () => {
    expect(plan({ port: 4000, address: '255.255.255.255' })).toMatchObject({ kind: 'broadcast', bindAddress: '0.0.0.0' });
    expect(plan({ port: 4000, address: '10.99.0.255' })).toMatchObject({ kind: 'broadcast', bindAddress: '0.0.0.0' });
  });

  it('binds a unicast address, or the address of the chosen interface', () => {
    expect(plan({ port: 4000, address: '10.99.0.2' })).toMatchObject({ kind: 'unicast', bindAddress: '10.99.0.2' });
    expect(plan({ port: 4000, iface: 'vins', family: 'ipv6' })).toMatchObject({ bindAddress: 'fd00:99::2' });
  });

  it('fails clearly for an unknown interface, or one that cannot join', () => {
    const unknown = () => plan({ port: 4000, address: '239.1.2.3', iface: 'wlan9' });
    expect(unknown).toThrow(GapscopeError);
    expect(unknown).toThrow('No interface "wlan9" on this machine (interfaces: lo, vins).');
    expect(() => plan({ port: 4000, address: '239.1.2.3', iface: 'lo' })).toThrow('Interface lo does not support multicast.');
  });
});

describe('StreamConfigSchema', () => {
  it('rejects what cannot be listened to, with the field named', () => {
    const issues = (c: object) => StreamConfigSchema.safeParse(c).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ port: 0 })).toEqual(['port: port must be 1–65535']);
    expect(issues({ port: 4000, address: '239.1.2' })).toEqual(['address: is not an IPv4 or IPv6 address']);
    expect(issues({ port: 4000, address: '10.0.0.1', source: '10.0.0.2' })).toEqual(['source: a source is only meaningful with a multicast group']);
    expect(issues({ port: 4000, address: '239.1.1.1', family: 'ipv6' })).toEqual(['family: address 239.1.1.1 is ipv4, not ipv6']);
    expect(issues({ port: 4000, binMs: 5 })).toEqual(['binMs: bins are 10 ms to 10 s']);
    expect(issues({ port: 4000, extra: 1 })?.[0]).toMatch(/extra/);
  });
});

describe('portsConflict', () => {
  const conflict = (a: object, b: object) => portsConflict(plan(a), plan(b));

  it('refuses two sockets that would both take a unicast datagram to the port', () => {
    expect(conflict({ port: 4000 }, { port: 4000 })).toBe(true);
    expect(conflict({ port: 4000, address: '10.99.0.2' }, { port: 4000 })).toBe(true);
    expect(conflict({ port: 4000, address: '10.99.0.2' }, { port: 4000, address: '10.99.0.2' })).toBe(true);
    expect(conflict({ port: 4000, family: 'ipv6' }, { port: 4000, address: '127.0.0.1' })).toBe(true);
    expect(conflict({ port: 4000, address: '10.99.0.255' }, { port: 4000 })).toBe(true);
    expect(conflict({ port: 4000, address: 'fd00:99::2' }, { port: 4000, address: 'FD00:99:0::2' })).toBe(true);
  });

  it('lets streams share a port when no unicast datagram could reach both, or both joined groups', () => {
    expect(conflict({ port: 4000 }, { port: 4001 })).toBe(false);
    expect(conflict({ port: 4000, address: '10.99.0.2' }, { port: 4000, address: '127.0.0.1' })).toBe(false);
    expect(conflict({ port: 4000, address: 'fd00:99::2' }, { port: 4000, address: '127.0.0.1' })).toBe(false);
    expect(conflict({ port: 5000, address: '239.1.2.3' }, { port: 5000, address: '239.1.2.3' })).toBe(false);
    expect(conflict({ port: 5000, address: '239.1.2.3' }, { port: 5000, address: '239.1.2.4' })).toBe(false);
    expect(conflict({ port: 5000, address: 'ff15::1' }, { port: 5000, address: 'ff15::1' })).toBe(false);
    // A socket bound to its group takes no unicast: a unicast stream on the port keeps them all.
    expect(conflict({ port: 5000, address: '239.1.2.3' }, { port: 5000 })).toBe(false);
  });

  it('refuses a group bound to the unspecified address (IPv6, Windows) beside a unicast stream', () => {
    expect(conflict({ port: 5000, address: 'ff15::1' }, { port: 5000 })).toBe(true);
    expect(portsConflict(planSocket(StreamConfigSchema.parse({ port: 5000, address: '239.1.2.3' }), ifaces, 'win32'), plan({ port: 5000 }))).toBe(true);
  });
});
