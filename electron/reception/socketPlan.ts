/** Turns what the user asked for into exactly how to open the socket, or a clear error before any socket exists. */
import type { StreamConfig } from '../../shared/contract';
import { ipv4Netmask, takesMulticast, type NetInterface } from '../../shared/network/types';
import { GapscopeError } from '../../shared/errors';
import { addressFamily, isBroadcast, isMulticast, isUnspecified, parseIPv6, type AddressFamily, type ReceptionKind } from '../../shared/net/address';

/** Everything the receiver worker needs to open and join; plain data, so it crosses to the worker. */
export interface SocketPlan {
  type: 'udp4' | 'udp6';
  family: AddressFamily;
  kind: ReceptionKind;
  bindAddress: string;
  port: number;
  /** For multicast: the group, the interface argument Node expects, and the SSM source. */
  membership: { group: string; iface: string | undefined; source: string | undefined } | null;
  /** Interface to watch: a warning is raised if it disappears. */
  watchInterface: string | null;
  recvBufferBytes: number;
}

function describeInterfaces(ifaces: NetInterface[]): string {
  return ifaces.map((i) => i.name).join(', ') || 'none';
}

/** Finds an interface by name or by one of its addresses. */
export function findInterface(ref: string, ifaces: NetInterface[]): NetInterface | null {
  const byName = ifaces.find((i) => i.name === ref);
  if (byName) return byName;
  const bare = ref.split('%')[0]!.toLowerCase();
  return ifaces.find((i) => i.addresses.some((a) => a.address.toLowerCase() === bare)) ?? null;
}

/** Plans the socket for a validated stream config on this host's interfaces and platform. */
export function planSocket(config: StreamConfig, ifaces: NetInterface[], platform: string = 'linux'): SocketPlan {
  const family: AddressFamily = (config.address ? addressFamily(config.address) : null) ?? config.family ?? 'ipv4';
  const type = family === 'ipv4' ? 'udp4' : 'udp6';
  const any = family === 'ipv4' ? '0.0.0.0' : '::';
  const iface = config.iface ? findInterface(config.iface, ifaces) : null;
  if (config.iface && !iface) {
    throw new GapscopeError('no-such-interface', `No interface "${config.iface}" on this machine (interfaces: ${describeInterfaces(ifaces)}).`);
  }
  const base = { type, family, port: config.port, watchInterface: iface?.name ?? null, recvBufferBytes: config.recvBufferBytes } as const;

  if (config.address && isMulticast(config.address)) {
    let ifaceArg: string | undefined;
    if (iface) {
      if (family === 'ipv4') {
        const v4 = iface.addresses.find((a) => a.family === 'ipv4');
        if (!v4) throw new GapscopeError('join-failed', `Interface ${iface.name} has no IPv4 address to join ${config.address} on.`);
        ifaceArg = v4.address;
      } else {
        ifaceArg = `::%${iface.name}`;
      }
    } else if (family === 'ipv6') {
      const zone = parseIPv6(config.address)?.zone;
      if (zone) ifaceArg = `::%${zone}`;
    }
    if (iface && takesMulticast(iface) === false) {
      throw new GapscopeError('join-failed', `Interface ${iface.name} does not support multicast.`);
    }
    // Binding to the group keeps other traffic to the same port out (Linux, macOS); Windows
    // refuses to bind a multicast address, and IPv6 link-scope groups need a zone to bind.
    const bindAddress = platform === 'win32' || family === 'ipv6' ? any : config.address;
    return {
      ...base,
      kind: config.source ? 'source-specific multicast' : 'multicast',
      bindAddress,
      membership: { group: config.address.split('%')[0]!, iface: ifaceArg, source: config.source },
    };
  }

  const broadcast =
    config.address !== undefined &&
    (isBroadcast(config.address) || ifaces.some((i) => i.addresses.some((a) => a.family === 'ipv4' && isBroadcast(config.address!, ipv4Netmask(a.prefixLength) ?? undefined) && sameSubnet(config.address!, a.address, ipv4Netmask(a.prefixLength)))));
  if (broadcast) {
    // A socket bound to the unspecified address receives broadcasts on every interface.
    return { ...base, kind: 'broadcast', bindAddress: any, membership: null };
  }
  if (config.address && !isUnspecified(config.address)) {
    return { ...base, kind: 'unicast', bindAddress: config.address, membership: null };
  }
  if (iface) {
    const addr = iface.addresses.find((a) => a.family === family);
    if (!addr) throw new GapscopeError('address-not-available', `Interface ${iface.name} has no ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address.`);
    const bind = family === 'ipv6' && addr.address.toLowerCase().startsWith('fe80') ? `${addr.address}%${iface.name}` : addr.address;
    return { ...base, kind: 'unicast', bindAddress: bind, membership: null };
  }
  return { ...base, kind: 'unicast', bindAddress: any, membership: null };
}

function sameSubnet(a: string, b: string, mask: string | null): boolean {
  if (mask === null) return false;
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  const pm = mask.split('.').map(Number);
  return pm.every((m, i) => ((pa[i] ?? 0) & m) === ((pb[i] ?? 0) & m));
}

/** The unicast datagrams a socket would take: none (bound to a group), all of a family's (wildcard), or one address's. */
interface UnicastReach {
  ipv4: string | '*' | null;
  ipv6: string | '*' | null;
}

function unicastReach(plan: SocketPlan): UnicastReach {
  const bare = plan.bindAddress.split('%')[0]!.toLowerCase();
  if (isMulticast(bare)) return { ipv4: null, ipv6: null };
  const wildcard = isUnspecified(bare);
  if (plan.family === 'ipv4') return { ipv4: wildcard ? '*' : canonical(bare), ipv6: null };
  // Node's udp6 sockets are dual-stack: bound to :: they take IPv4 datagrams too.
  return wildcard ? { ipv4: '*', ipv6: '*' } : { ipv4: null, ipv6: canonical(bare) };
}

function canonical(address: string): string {
  const v6 = parseIPv6(address);
  return v6 ? [...v6.bytes].join('.') : address;
}

function overlaps(a: string | '*' | null, b: string | '*' | null): boolean {
  return a !== null && b !== null && (a === '*' || b === '*' || a === b);
}

/**
 * Whether two streams can listen on the same port without one taking the other's datagrams. With
 * SO_REUSEADDR the kernel hands a unicast datagram to one socket only (the most specific, else the
 * last bound), so two sockets that would both take a unicast datagram cannot share; multicast and
 * broadcast datagrams reach every socket, so streams joined to groups share a port.
 */
export function portsConflict(a: SocketPlan, b: SocketPlan): boolean {
  if (a.port !== b.port) return false;
  if (a.membership && b.membership) return false;
  const ra = unicastReach(a);
  const rb = unicastReach(b);
  return overlaps(ra.ipv4, rb.ipv4) || overlaps(ra.ipv6, rb.ipv6);
}
