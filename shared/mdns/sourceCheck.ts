/**
 * Which link an mDNS packet came from, told by its source (RFC 6762 §11): an address on a subnet
 * of an interface (IPv4: (I & M) == (P & M) for one of the interface's addresses; IPv6: inside one
 * of its prefixes), or link-local (169.254/16, fe80::/10). Anything else came from beyond the
 * link (routed, or spoofed) and must not be believed; nor must a response whose source port is not
 * 5353 (§6, §11).
 *
 * The RFC also deems a response sent to the group address local whatever its source (a device
 * with a wrong static address on the right wire). A socket API without IP_PKTINFO, as Node's,
 * cannot tell a packet sent to the group from one sent to us, so every packet is judged by its
 * source; the browser names such a source in a warning instead of dropping it in silence.
 */
import { parseIPv4, parseIPv6 } from '../net/address';
import { addressCidr, isLoopbackInterface, type NetInterface } from '../network/types';

/** The mDNS port: responses come from it (RFC 6762 §11). */
export const MDNS_SOURCE_PORT = 5353;

/** What the source check needs of an interface. */
export type LinkInterface = Pick<NetInterface, 'name' | 'index' | 'kind' | 'flags' | 'addresses'>;

/** Why a packet was not believed: a response not from port 5353, or a source beyond the link. */
export type SourceProblem = 'source-port' | 'off-link';

/** Whether an IPv4 address lies in an interface's subnet (cidr "a.b.c.d/n"). */
export function inSubnet(address: string, cidr: string | null): boolean {
  const a = parseIPv4(address);
  const m = cidr ? /^(.+)\/(\d{1,2})$/.exec(cidr) : null;
  const net = m ? parseIPv4(m[1]!) : null;
  if (!a || !net || !m) return false;
  const bits = Number(m[2]);
  if (bits > 32) return false;
  const toInt = (p: number[]): number => ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (toInt(a) & mask) === (toInt(net) & mask);
}

/** Whether an IPv6 address lies in an interface's prefix (cidr "addr/n"). */
export function inPrefix6(address: string, cidr: string | null): boolean {
  const a = parseIPv6(address);
  const m = cidr ? /^(.+)\/(\d{1,3})$/.exec(cidr) : null;
  const net = m ? parseIPv6(m[1]!) : null;
  if (!a || !net || !m) return false;
  const bits = Number(m[2]);
  if (bits > 128) return false;
  for (let i = 0; i < 16; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    const mask = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
    if ((a.bytes[i]! & mask) !== (net.bytes[i]! & mask)) return false;
  }
  return true;
}

function isLinkLocal(family: 'ipv4' | 'ipv6', address: string): boolean {
  if (family === 'ipv4') {
    const a = parseIPv4(address);
    return a !== null && a[0] === 169 && a[1] === 254;
  }
  const a = parseIPv6(address);
  return a !== null && a.bytes[0] === 0xfe && (a.bytes[1]! & 0xc0) === 0x80;
}

/**
 * The link a source address is on: `{ iface }` when an interface's subnet or prefix holds it (or
 * an IPv6 scope names the interface), `{ iface: null }` for a link-local source that no interface
 * claims (it came from some link, which one cannot be told), null for a source beyond every link.
 * Loopback interfaces are skipped, and so are link-local interface addresses for IPv6, whose
 * fe80::/64 every interface shares (the scope tells those apart).
 */
export function sourceLink(all: readonly LinkInterface[], family: 'ipv4' | 'ipv6', source: string): { iface: string | null } | null {
  const pct = source.indexOf('%');
  const bare = pct >= 0 ? source.slice(0, pct) : source;
  if (family === 'ipv6' && pct >= 0) {
    const scope = source.slice(pct + 1);
    const byScope = all.find((i) => i.name === scope || String(i.index) === scope);
    if (byScope) return { iface: byScope.name };
  }
  const inside = family === 'ipv4' ? inSubnet : inPrefix6;
  for (const i of all) {
    if (isLoopbackInterface(i)) continue;
    if (i.addresses.some((a) => a.family === family && !(family === 'ipv6' && isLinkLocal('ipv6', a.address)) && inside(bare, addressCidr(a)))) return { iface: i.name };
  }
  return isLinkLocal(family, bare) ? { iface: null } : null;
}

/**
 * Whether to believe a packet, from its source alone (before decoding): a response (QR bit set)
 * must come from port 5353, and any packet from the link of one of the interfaces. Returns the
 * link it came from as far as the source tells (see sourceLink), and why not to believe it.
 */
export function checkMdnsSource(all: readonly LinkInterface[], family: 'ipv4' | 'ipv6', source: string, port: number, packet: Uint8Array): { iface: string | null; problem: SourceProblem | null } {
  const link = sourceLink(all, family, source);
  if (!link) return { iface: null, problem: 'off-link' };
  const isResponse = packet.length > 2 && (packet[2]! & 0x80) !== 0;
  return { iface: link.iface, problem: isResponse && port !== MDNS_SOURCE_PORT ? 'source-port' : null };
}
