/** The mDNS socket of one interface and family, opened the same way for browsing and advertising. */
import { createSocket, type Socket } from 'node:dgram';
import { isLoopbackInterface, takesMulticast, type NetInterface } from '../../shared/network/types';
import { sourceLink } from '../../shared/mdns/sourceCheck';

/** The mDNS port and groups (RFC 6762 §3). */
export const MDNS_PORT = 5353;
export const MDNS_IPV4 = '224.0.0.251';
export const MDNS_IPV6 = 'ff02::fb';

/** The group address to send to on this socket's interface. */
export function mdnsGroup(family: 'ipv4' | 'ipv6', iface: string): string {
  return family === 'ipv4' ? MDNS_IPV4 : `${MDNS_IPV6}%${iface}`;
}

/**
 * Binds port 5353 with SO_REUSEADDR (beside avahi or mDNSResponder), joins the group on the
 * interface (IPv4 by its address, IPv6 as "::%name"), sends from it with TTL 255 (§11), and keeps
 * multicast loopback on so that a responder on this machine hears us; rejects with the reason.
 */
export function openMdnsSocket(iface: NetInterface, family: 'ipv4' | 'ipv6'): Promise<Socket> {
  const socket = createSocket({ type: family === 'ipv4' ? 'udp4' : 'udp6', reuseAddr: true, ipv6Only: family === 'ipv6' });
  return new Promise<Socket>((resolve, reject) => {
    const fail = (e: unknown): void => {
      try {
        socket.close();
      } catch {
        /* already closed */
      }
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    socket.once('error', fail);
    socket.bind({ port: MDNS_PORT, address: family === 'ipv4' ? '0.0.0.0' : '::', exclusive: false }, () => {
      try {
        if (family === 'ipv4') {
          const v4 = iface.addresses.find((a) => a.family === 'ipv4')?.address;
          if (!v4) throw new Error('no IPv4 address');
          socket.addMembership(MDNS_IPV4, v4);
          socket.setMulticastInterface(v4);
        } else {
          socket.addMembership(MDNS_IPV6, `::%${iface.name}`);
          socket.setMulticastInterface(`::%${iface.name}`);
        }
        socket.setMulticastTTL(255);
        socket.setMulticastLoopback(true);
      } catch (e) {
        socket.removeListener('error', fail);
        fail(e);
        return;
      }
      socket.removeListener('error', fail);
      resolve(socket);
    });
  });
}

/**
 * Interfaces mDNS can run on: up, not loopback, multicast unless the OS says it is not (where the
 * flags are unknown, as on Windows and from Node's own list, the join tells), optionally only those named.
 */
export function mdnsInterfaces(all: NetInterface[], only?: string | readonly string[]): NetInterface[] {
  const names = only === undefined ? [] : typeof only === 'string' ? [only] : only;
  return all.filter((i) => i.up && takesMulticast(i) !== false && !isLoopbackInterface(i) && (names.length === 0 || names.includes(i.name)));
}

/**
 * The interface a packet came in on. Linux hands every socket bound to 5353 a copy of every
 * mDNS packet whatever interface joined the group (IP_MULTICAST_ALL), so the interface is
 * told by the source: an IPv6 scope, or the subnet; null when the source says nothing.
 */
export function arrivalInterface(all: readonly NetInterface[], family: 'ipv4' | 'ipv6', source: string): string | null {
  return sourceLink(all, family, source)?.iface ?? null;
}
