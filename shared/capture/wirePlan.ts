/**
 * What to capture for a stream's wire view: the interface and the BPF filter that keep exactly the
 * stream's datagrams (and the IP fragments they may come in), and which datagrams of the capture
 * belong to the stream. Pure: the back end runs the capture engine with it.
 */
import { isMulticast, isUnspecified } from '../net/address';

/** What the wire view needs to know of the stream's socket plan. */
export interface WireTarget {
  family: 'ipv4' | 'ipv6';
  port: number;
  /** The group joined, when multicast. */
  group: string | null;
  /** The address bound: a unicast address narrows the capture to it; a wildcard does not. */
  bindAddress: string;
  /** The interface the stream names (or that holds the bound address), if any. */
  iface: string | null;
}

/** The destination address the stream's datagrams carry, when one address says it (a group, or a bound unicast address). */
export function wireDestination(t: WireTarget): string | null {
  if (t.group) return t.group.split('%')[0]!;
  const bare = t.bindAddress.split('%')[0]!;
  return isUnspecified(bare) || isMulticast(bare) ? null : bare;
}

/**
 * The capture filter (libpcap syntax, the same for dumpcap and tcpdump): UDP to the stream's port,
 * plus IPv4 fragments after the first and IPv6 fragments (they carry no UDP header, and the
 * extractor reassembles them), narrowed to the stream's destination address when it has one;
 * for a group, IGMP or MLD queries as well.
 */
export function wireFilter(t: WireTarget): string {
  const parts = [`udp dst port ${t.port}`, 'ip[6:2] & 0x1fff != 0'];
  // A udp6 socket bound to :: is dual-stack, so both families may reach it.
  const v6 = t.family === 'ipv6';
  if (v6) parts.push('ip6[6] == 44');
  const any = `(${parts.join(' or ')})`;
  const dst = wireDestination(t);
  // A group's stream also watches for the link's membership queries (membershipQuery.ts): IGMP, or
  // an MLD query (ICMPv6 type 130) behind the 8-byte Hop-by-Hop header with Router Alert it always has.
  if (dst && t.group) return `(${any} and dst host ${dst}) or ${v6 ? MLD_QUERY_FILTER : 'igmp'}`;
  if (dst) return `${any} and dst host ${dst}`;
  return v6 ? any : `ip and ${any}`;
}

/** MLD queries as libpcap can pick them: next header Hop-by-Hop, then ICMPv6, type 130. */
const MLD_QUERY_FILTER = '(ip6[6] == 0 and ip6[40] == 58 and ip6[48] == 130)';

/**
 * The interface to capture on: the one the stream names, else (Linux) every interface, `any`.
 * Elsewhere an interface must be named: macOS's dumpcap and Windows have no `any`.
 */
export function wireInterface(t: WireTarget, platform: string): { iface: string } | { error: string } {
  if (t.iface) return { iface: t.iface };
  if (platform === 'linux') return { iface: 'any' };
  return { error: 'To watch the wire, name the interface the stream arrives on (the stream\u2019s interface, --iface): on this system the capture engine cannot listen on every interface at once.' };
}
