/**
 * Finds the IP packet inside a captured frame, whatever link layer the capture used: Ethernet
 * (with 802.1Q / 802.1ad VLAN tags, stacked; PPPoE sessions; MPLS label stacks), raw IP, Linux
 * cooked capture v1 and v2 (what `tcpdump -i any` and `tshark -i any` write), and BSD loopback
 * (NULL and LOOP). The same walk reads what tunnels carry (an Ethernet frame, PPP, MPLS, an
 * EtherType-tagged packet), so the UDP extractor calls it again on a tunnel's inner bytes.
 */

/** LINKTYPE_* values Gapscope reads (https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  PPP_HDLC: 50,
  C_HDLC: 104,
  RAW_OPENBSD: 12,
  RAW_BSDOS: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  PKTAP: 258,
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
    case LinkType.PPP:
      return 'PPP';
    case LinkType.PPP_HDLC:
      return 'PPP in HDLC-like framing';
    case LinkType.C_HDLC:
      return 'Cisco HDLC';
    case LinkType.PKTAP:
      return 'Apple PKTAP';
    default:
      return `link type ${t}`;
  }
}

/** True for the link types Gapscope can find IP packets in. */
export function isSupportedLinkType(t: number): boolean {
  return (
    t === LinkType.NULL || t === LinkType.ETHERNET || t === LinkType.RAW_OPENBSD || t === LinkType.RAW_BSDOS || t === LinkType.RAW ||
    t === LinkType.LOOP || t === LinkType.LINUX_SLL || t === LinkType.IPV4 || t === LinkType.IPV6 || t === LinkType.LINUX_SLL2 ||
    t === LinkType.PPP || t === LinkType.PPP_HDLC || t === LinkType.C_HDLC || t === LinkType.PKTAP
  );
}

/** Where the IP packet starts in a frame and what was crossed to get there. */
export interface IpLocation {
  /** Offset of the IP header, or -1 when the frame carries no IPv4/IPv6 (ARP, LLDP, truncated...). */
  offset: number;
  /** 4, 6, or 0 when unknown. */
  version: number;
  vlanTags: number;
  /** A PPPoE session header was crossed. */
  pppoe: boolean;
  /** MPLS labels crossed. */
  mplsLabels: number;
  /**
   * Why there is no IP packet, when offset is -1: 'not-ip' (another protocol: ARP, LCP...),
   * 'truncated', or 'not-read' (it may carry IP in a form Gapscope does not read: `notRead` says which).
   */
  reason: 'not-ip' | 'truncated' | 'not-read' | null;
  /** For 'not-read': a short description of what was not read, e.g. 'MPLS payload that is not IP'. */
  notRead: string | null;
}

/** EtherTypes the walk follows (IEEE registry). */
export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  PPPOE_SESSION: 0x8864,
  MPLS: 0x8847,
  MPLS_MULTICAST: 0x8848,
  /** Transparent Ethernet bridging: an Ethernet frame follows (GRE, Geneve). */
  TEB: 0x6558,
  /** IEEE 802.1AE MACsec: a SecTAG, then (unless encrypted) the frame's own EtherType. */
  MACSEC: 0x88e5,
  /** RFC 8300 Network Service Header. */
  NSH: 0x894f,
} as const;

/** Tags followed before giving up: real networks stack two, rarely three. */
const MAX_VLAN_TAGS = 8;
/** Labels followed before giving up: real stacks hold a few. */
const MAX_MPLS_LABELS = 16;
/** PPP protocol numbers (RFC 1661, IANA) for IPv4 and IPv6. */
const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;
const PPP_MPLS = 0x0281;
const PPP_MPLS_MULTICAST = 0x0283;

/** A fresh location to reuse. */
export function newIpLocation(): IpLocation {
  return { offset: -1, version: 0, vlanTags: 0, pppoe: false, mplsLabels: 0, reason: null, notRead: null };
}

/** Locates the IP header in `frame` captured with link type `linkType`; reuses `out`. */
export function locateIp(linkType: number, frame: Uint8Array, out: IpLocation): IpLocation {
  reset(out);
  const n = frame.byteLength;
  switch (linkType) {
    case LinkType.ETHERNET:
      if (n < 14) return truncated(out);
      return byEthertype(frame, u16(frame, 12), 14, out);
    case LinkType.LINUX_SLL:
      if (n < 16) return truncated(out);
      return byEthertype(frame, u16(frame, 14), 16, out);
    case LinkType.LINUX_SLL2:
      if (n < 20) return truncated(out);
      return byEthertype(frame, u16(frame, 0), 20, out);
    case LinkType.PPP:
    case LinkType.PPP_HDLC:
      return ppp(frame, 0, out);
    case LinkType.C_HDLC:
      // Address (0x0F unicast, 0x8F broadcast), control 0, then an EtherType.
      if (n < 4) return truncated(out);
      return byEthertype(frame, u16(frame, 2), 4, out);
    case LinkType.PKTAP: {
      // Apple's PKTAP (`tcpdump -k` on macOS): a little-endian header giving its own length, the
      // record type (1: a packet) and the packet's DLT; then the packet as that DLT has it.
      if (n < 12) return truncated(out);
      const length = le32(frame, 0);
      if (le32(frame, 4) !== 1) return out;
      const dlt = le32(frame, 8);
      if (length < 12 || length > n) return truncated(out);
      if (dlt === LinkType.PKTAP || !isSupportedLinkType(dlt)) return notRead(out, `PKTAP records of DLT ${dlt}`);
      locateIp(dlt, frame.subarray(length), out);
      if (out.offset >= 0) out.offset += length;
      return out;
    }
    case LinkType.RAW:
    case LinkType.RAW_OPENBSD:
    case LinkType.RAW_BSDOS:
      return byVersion(frame, 0, out);
    case LinkType.IPV4:
    case LinkType.IPV6: {
      // These two name the version: a packet of the other one is not read (tshark does not either).
      const want = linkType === LinkType.IPV4 ? 4 : 6;
      byVersion(frame, 0, out);
      if (out.offset >= 0 && out.version !== want) return notRead(out, `IPv${out.version} packets on a raw IPv${want} link type`);
      return out;
    }
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

/** Locates the IP header in what follows a header whose EtherType (or GRE protocol type) is `type`, at `at`. */
export function locateByEthertype(type: number, bytes: Uint8Array, at: number, out: IpLocation): IpLocation {
  reset(out);
  return byEthertype(bytes, type, at, out);
}

/** Locates the IP header in a PPP frame at `at` (address/control bytes and a compressed protocol field allowed). */
export function locatePpp(bytes: Uint8Array, at: number, out: IpLocation): IpLocation {
  reset(out);
  return ppp(bytes, at, out);
}

/** Locates the IP header after an MPLS label stack at `at`. */
export function locateMpls(bytes: Uint8Array, at: number, out: IpLocation): IpLocation {
  reset(out);
  return mpls(bytes, at, out);
}

function reset(out: IpLocation): void {
  out.offset = -1;
  out.version = 0;
  out.vlanTags = 0;
  out.pppoe = false;
  out.mplsLabels = 0;
  out.reason = 'not-ip';
  out.notRead = null;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function truncated(out: IpLocation): IpLocation {
  out.reason = 'truncated';
  return out;
}

function notRead(out: IpLocation, what: string): IpLocation {
  out.offset = -1;
  out.version = 0;
  out.reason = 'not-read';
  out.notRead = what;
  return out;
}

function byEthertype(frame: Uint8Array, type: number, payloadAt: number, out: IpLocation): IpLocation {
  let t = type;
  let p = payloadAt;
  while (t === EtherType.VLAN || t === EtherType.QINQ || t === EtherType.QINQ_OLD) {
    if (out.vlanTags >= MAX_VLAN_TAGS) return notRead(out, `more than ${MAX_VLAN_TAGS} VLAN tags`);
    // A tag is 2 bytes of priority/VLAN id, then the next type.
    if (p + 4 > frame.byteLength) return truncated(out);
    out.vlanTags += 1;
    t = u16(frame, p + 2);
    p += 4;
  }
  if (t === EtherType.IPV4) return expect(frame, p, 4, out);
  if (t === EtherType.IPV6) return expect(frame, p, 6, out);
  if (t === EtherType.PPPOE_SESSION) {
    // RFC 2516 §5: VER/TYPE (0x11), CODE 0, SESSION_ID, LENGTH, then the PPP protocol field.
    if (p + 6 > frame.byteLength) return truncated(out);
    if (frame[p] !== 0x11 || frame[p + 1] !== 0) return notRead(out, 'PPPoE session frames of an unknown version or code');
    out.pppoe = true;
    return pppProtocol(frame, p + 6, out);
  }
  if (t === EtherType.MPLS || t === EtherType.MPLS_MULTICAST) return mpls(frame, p, out);
  if (t === EtherType.TEB) {
    if (p + 14 > frame.byteLength) return truncated(out);
    return byEthertype(frame, u16(frame, p + 12), p + 14, out);
  }
  if (t === EtherType.MACSEC) {
    // SecTAG: TCI/AN, short length, packet number, and the 8-byte SCI when the SC bit is set.
    if (p + 6 > frame.byteLength) return truncated(out);
    const tci = frame[p]!;
    if (tci & 0x0c) return notRead(out, 'MACsec frames with encrypted or modified user data');
    const data = p + 6 + (tci & 0x20 ? 8 : 0);
    if (data + 2 > frame.byteLength) return truncated(out);
    return byEthertype(frame, u16(frame, data), data + 2, out);
  }
  if (t === EtherType.NSH) return nshAt(frame, p, out);
  return out;
}

/** Locates the packet behind a Network Service Header (RFC 8300) at `at`. */
export function locateNsh(b: Uint8Array, at: number, out: IpLocation): IpLocation {
  reset(out);
  return nshAt(b, at, out);
}

function nshAt(b: Uint8Array, at: number, out: IpLocation): IpLocation {
  if (at + 8 > b.byteLength) return truncated(out);
  if (b[at]! >> 6 !== 0) return notRead(out, `NSH version ${b[at]! >> 6}`);
  const inner = at + (b[at + 1]! & 0x3f) * 4; // the length counts the whole header in 4-byte words
  const next = b[at + 3]!;
  if (inner < at + 8 || inner > b.byteLength) return truncated(out);
  if (next === 1 || next === 2) return byVersion(b, inner, out);
  if (next === 3) {
    if (inner + 14 > b.byteLength) return truncated(out);
    return byEthertype(b, u16(b, inner + 12), inner + 14, out);
  }
  if (next === 5) return mpls(b, inner, out);
  return notRead(out, `NSH next protocol ${next}`);
}

/** Locates an IP header at `at` by its version nibble (what raw IP, IP-in-IP and most tunnels carry). */
export function locateByVersion(bytes: Uint8Array, at: number, out: IpLocation): IpLocation {
  reset(out);
  return byVersion(bytes, at, out);
}

function ppp(b: Uint8Array, at: number, out: IpLocation): IpLocation {
  // HDLC-like framing (RFC 1662): address 0xFF, control 0x03, which may be left out (ACFC).
  let p = at;
  if (p + 2 <= b.byteLength && b[p] === 0xff && b[p + 1] === 0x03) p += 2;
  return pppProtocol(b, p, out);
}

function pppProtocol(b: Uint8Array, at: number, out: IpLocation): IpLocation {
  if (at + 1 > b.byteLength) return truncated(out);
  // A protocol field whose first byte is odd is compressed to that one byte (RFC 1661 §6.5).
  let proto: number;
  let p: number;
  if (b[at]! & 1) {
    proto = b[at]!;
    p = at + 1;
  } else {
    if (at + 2 > b.byteLength) return truncated(out);
    proto = u16(b, at);
    p = at + 2;
  }
  if (proto === PPP_IPV4) return expect(b, p, 4, out);
  if (proto === PPP_IPV6) return expect(b, p, 6, out);
  if (proto === PPP_MPLS || proto === PPP_MPLS_MULTICAST) return mpls(b, p, out);
  return out; // LCP, IPCP, CHAP...: PPP's own control traffic
}

function mpls(b: Uint8Array, at: number, out: IpLocation): IpLocation {
  let p = at;
  for (;;) {
    if (p + 4 > b.byteLength) return truncated(out);
    out.mplsLabels += 1;
    const bottom = (b[p + 2]! & 1) !== 0;
    p += 4;
    if (bottom) break;
    if (out.mplsLabels >= MAX_MPLS_LABELS) return notRead(out, `MPLS stacks of more than ${MAX_MPLS_LABELS} labels`);
  }
  // RFC 3032 leaves the payload's protocol implicit; IP says so by its version nibble, as tshark reads it.
  if (p >= b.byteLength) return truncated(out);
  const v = b[p]! >> 4;
  if (v === 4 || v === 6) return expect(b, p, v === 4 ? 4 : 6, out);
  return notRead(out, 'MPLS payloads that are not IP (pseudowires)');
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
