/**
 * Finds the IP packet inside a captured frame, whatever link layer the capture used: Ethernet
 * (with 802.1Q / 802.1ad VLAN tags, stacked), raw IP, Linux cooked capture v1 and v2 (what
 * `tcpdump -i any` and `tshark -i any` write), and BSD loopback (NULL and LOOP).
 */

/** LINKTYPE_* values Gapscope reads (https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW_OPENBSD: 12,
  RAW_BSDOS: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** A readable name for a link type, for reports and errors. */
export function linkTypeName(t: number): string {
  switch (t) {
    case LinkType.NULL:
      return 'BSD loopback (NULL)';
    case LinkType.ETHERNET:
      return 'Ethernet';
    case LinkType.RAW_OPENBSD:
    case LinkType.RAW_BSDOS:
    case LinkType.RAW:
      return 'raw IP';
    case LinkType.LOOP:
      return 'OpenBSD loopback (LOOP)';
    case LinkType.LINUX_SLL:
      return 'Linux cooked (SLL)';
    case LinkType.IPV4:
      return 'raw IPv4';
    case LinkType.IPV6:
      return 'raw IPv6';
    case LinkType.LINUX_SLL2:
      return 'Linux cooked v2 (SLL2)';
    default:
      return `link type ${t}`;
  }
}

/** True for the link types Gapscope can find IP packets in. */
export function isSupportedLinkType(t: number): boolean {
  return (
    t === LinkType.NULL || t === LinkType.ETHERNET || t === LinkType.RAW_OPENBSD || t === LinkType.RAW_BSDOS || t === LinkType.RAW ||
    t === LinkType.LOOP || t === LinkType.LINUX_SLL || t === LinkType.IPV4 || t === LinkType.IPV6 || t === LinkType.LINUX_SLL2
  );
}

/** Where the IP packet starts in a frame and how many VLAN tags were crossed to get there. */
export interface IpLocation {
  /** Offset of the IP header, or -1 when the frame carries no IPv4/IPv6 (ARP, LLDP, truncated...). */
  offset: number;
  /** 4, 6, or 0 when unknown. */
  version: number;
  vlanTags: number;
  /** Why there is no IP packet, when offset is -1: 'not-ip' (another protocol) or 'truncated'. */
  reason: 'not-ip' | 'truncated' | null;
}

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;
/** Tags followed before giving up: real networks stack two, rarely three. */
const MAX_VLAN_TAGS = 8;

/** Locates the IP header in `frame` captured with link type `linkType`; reuses `out`. */
export function locateIp(linkType: number, frame: Uint8Array, out: IpLocation): IpLocation {
  out.offset = -1;
  out.version = 0;
  out.vlanTags = 0;
  out.reason = 'not-ip';
  const n = frame.byteLength;
  switch (linkType) {
    case LinkType.ETHERNET:
      if (n < 14) return truncated(out);
      return ethertype(frame, 12, 14, out);
    case LinkType.LINUX_SLL:
      if (n < 16) return truncated(out);
      return ethertype(frame, 14, 16, out);
    case LinkType.LINUX_SLL2:
      if (n < 20) return truncated(out);
      return ethertype(frame, 0, 20, out);
    case LinkType.RAW:
    case LinkType.RAW_OPENBSD:
    case LinkType.RAW_BSDOS:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return byVersion(frame, 0, out);
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (n < 4) return truncated(out);
      // NULL stores the address family in the capturing host's byte order, LOOP in network order.
      const le = (frame[0]! | (frame[1]! << 8) | (frame[2]! << 16) | (frame[3]! << 24)) >>> 0;
      const be = ((frame[0]! << 24) | (frame[1]! << 16) | (frame[2]! << 8) | frame[3]!) >>> 0;
      const family = linkType === LinkType.LOOP ? be : le <= 0xffff ? le : be;
      if (family === 2) return expect(frame, 4, 4, out);
      // AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
      if (family === 24 || family === 28 || family === 30 || family === 10) return expect(frame, 4, 6, out);
      return out;
    }
    default:
      return out;
  }
}

function truncated(out: IpLocation): IpLocation {
  out.reason = 'truncated';
  return out;
}

function ethertype(frame: Uint8Array, typeAt: number, payloadAt: number, out: IpLocation): IpLocation {
  let t = (frame[typeAt]! << 8) | frame[typeAt + 1]!;
  let p = payloadAt;
  while (t === ETH_VLAN || t === ETH_QINQ || t === ETH_QINQ_OLD) {
    if (out.vlanTags >= MAX_VLAN_TAGS) return out;
    // A tag is 2 bytes of priority/VLAN id, then the next type.
    if (p + 4 > frame.byteLength) return truncated(out);
    out.vlanTags += 1;
    t = (frame[p + 2]! << 8) | frame[p + 3]!;
    p += 4;
  }
  if (t === ETH_IPV4) return expect(frame, p, 4, out);
  if (t === ETH_IPV6) return expect(frame, p, 6, out);
  return out;
}

function expect(frame: Uint8Array, at: number, version: 4 | 6, out: IpLocation): IpLocation {
  if (at >= frame.byteLength) return truncated(out);
  if (frame[at]! >> 4 !== version) return out;
  out.offset = at;
  out.version = version;
  out.reason = null;
  return out;
}

function byVersion(frame: Uint8Array, at: number, out: IpLocation): IpLocation {
  if (at >= frame.byteLength) return truncated(out);
  const v = frame[at]! >> 4;
  if (v !== 4 && v !== 6) return out;
  out.offset = at;
  out.version = v;
  out.reason = null;
  return out;
}
