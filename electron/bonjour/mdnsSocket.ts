/** The mDNS socket of one interface and family, opened the same way for browsing and advertising. */
import { createSocket, type Socket } from 'node:dgram';
import type { InterfaceInfo } from '../../shared/contract';
import { parseIPv4, parseIPv6 } from '../../shared/net/address';

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
export function openMdnsSocket(iface: InterfaceInfo, family: 'ipv4' | 'ipv6'): Promise<Socket> {
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

/** Interfaces mDNS can run on: up, multicast, not loopback, optionally only those named. */
export function mdnsInterfaces(all: InterfaceInfo[], only?: string | readonly string[]): InterfaceInfo[] {
  const names = only === undefined ? [] : typeof only === 'string' ? [only] : only;
  return all.filter((i) => i.flags !== null && i.flags.up && i.flags.multicast && !i.flags.loopback && (names.length === 0 || names.includes(i.name)));
}

/** Whether an IPv4 address lies in an interface's subnet (cidr "a.b.c.d/n"). */
export function inSubnet(address: string, cidr: string | null): boolean {
  const a = parseIPv4(address);
  const m = cidr ? /^(.+)\/(\d+)$/.exec(cidr) : null;
  const net = m ? parseIPv4(m[1]!) : null;
  if (!a || !net || !m) return false;
  const bits = Number(m[2]);
  const toInt = (p: number[]): number => ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (toInt(a) & mask) === (toInt(net) & mask);
}

/** Whether an IPv6 address lies in an interface's prefix (cidr "addr/n"). */
export function inPrefix6(address: string, cidr: string | null): boolean {
  const a = parseIPv6(address);
  const m = cidr ? /^(.+)\/(\d+)$/.exec(cidr) : null;
  const net = m ? parseIPv6(m[1]!) : null;
  if (!a || !net || !m) return false;
  const bits = Number(m[2]);
  for (let i = 0; i < 16; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    const mask = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
    if ((a.bytes[i]! & mask) !== (net.bytes[i]! & mask)) return false;
  }
  return true;
}

/**
 * The interface a packet came in on. Linux hands every socket bound to 5353 a copy of every
 * mDNS packet whatever interface joined the group (IP_MULTICAST_ALL), so the interface is
 * told by the source: an IPv6 scope, or the subnet; null when the source says nothing.
 */
export function arrivalInterface(all: readonly InterfaceInfo[], family: 'ipv4' | 'ipv6', source: string): string | null {
  const pct = source.indexOf('%');
  if (family === 'ipv6' && pct >= 0) {
    const scope = source.slice(pct + 1);
    return all.find((i) => i.name === scope || String(i.index) === scope)?.name ?? null;
  }
  const inside = family === 'ipv4' ? inSubnet : inPrefix6;
  for (const i of all) {
    if (i.flags?.loopback) continue;
    if (i.addresses.some((a) => a.family === family && !a.address.toLowerCase().startsWith('fe80') && inside(source, a.cidr))) return i.name;
  }
  return null;
}
