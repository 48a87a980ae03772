/**
 * What tunnels carry: the headers of GRE and of the UDP tunnels tshark opens by default (its
 * `udp.port` decode table: VXLAN 4789, VXLAN-GPE 4790, Geneve 6081, GTP-U 2152, Teredo 3544,
 * GRE-in-UDP 4754, MPLS-in-UDP 6635, L2TPv2 1701, LISP data 4341 and the Encapsulated Control
 * Messages of LISP control 4342), and the NSH they may carry, read far enough to find the packet
 * inside. Each function says where the inner IP header is (an IpLocation on the tunnel's own bytes),
 * or why there is none; the UDP extractor then reads that packet like any other.
 */
import { EtherType, locateByEthertype, locateByVersion, locateIp, locateMpls, locateNsh, locatePpp, LinkType, type IpLocation } from './linkLayer';

/** The UDP tunnels read, by the port tshark registers them on. */
export const UdpTunnelPort = {
  VXLAN: 4789,
  VXLAN_GPE: 4790,
  GENEVE: 6081,
  GTP_U: 2152,
  TEREDO: 3544,
  GRE: 4754,
  MPLS: 6635,
  L2TP: 1701,
  LISP: 4341,
  LISP_CONTROL: 4342,
  /** CAPWAP data (RFC 5415): its 802.11 frames are not read, and said so. */
  CAPWAP_DATA: 5247,
} as const;

const TUNNEL_PORTS = new Set<number>(Object.values(UdpTunnelPort));

/** The tunnel port of a datagram, tried as tshark tries its ports (the lower one first); 0 for none. */
export function udpTunnelPort(srcPort: number, dstPort: number): number {
  const low = Math.min(srcPort, dstPort);
  const high = Math.max(srcPort, dstPort);
  if (TUNNEL_PORTS.has(low)) return low;
  if (TUNNEL_PORTS.has(high)) return high;
  return 0;
}

/** A readable name of a UDP tunnel port, for warnings. */
export function udpTunnelName(port: number): string {
  switch (port) {
    case UdpTunnelPort.VXLAN:
      return 'VXLAN';
    case UdpTunnelPort.VXLAN_GPE:
      return 'VXLAN-GPE';
    case UdpTunnelPort.GENEVE:
      return 'Geneve';
    case UdpTunnelPort.GTP_U:
      return 'GTP-U';
    case UdpTunnelPort.TEREDO:
      return 'Teredo';
    case UdpTunnelPort.GRE:
      return 'GRE-in-UDP';
    case UdpTunnelPort.MPLS:
      return 'MPLS-in-UDP';
    case UdpTunnelPort.L2TP:
      return 'L2TP';
    case UdpTunnelPort.LISP:
      return 'LISP';
    case UdpTunnelPort.LISP_CONTROL:
      return 'LISP control';
    case UdpTunnelPort.CAPWAP_DATA:
      return 'CAPWAP data';
    default:
      return `UDP port ${port}`;
  }
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function truncated(out: IpLocation): IpLocation {
  out.offset = -1;
  out.reason = 'truncated';
  out.notRead = null;
  return out;
}

function notRead(out: IpLocation, what: string): IpLocation {
  out.offset = -1;
  out.reason = 'not-read';
  out.notRead = what;
  return out;
}

function notIp(out: IpLocation): IpLocation {
  out.offset = -1;
  out.reason = 'not-ip';
  out.notRead = null;
  return out;
}

/** Locates the packet inside the payload `p` of a UDP datagram on tunnel port `port`. */
export function locateInUdpTunnel(port: number, p: Uint8Array, out: IpLocation): IpLocation {
  const n = p.byteLength;
  switch (port) {
    case UdpTunnelPort.VXLAN:
      // RFC 7348: 8-byte header (flags, VNI), then an Ethernet frame.
      if (n < 8) return truncated(out);
      return ethernetAt(p, 8, out);
    case UdpTunnelPort.VXLAN_GPE: {
      // draft-ietf-nvo3-vxlan-gpe: byte 3 is the next protocol.
      if (n < 8) return truncated(out);
      const next = p[3]!;
      if (next === 1 || next === 2) return locateByVersion(p, 8, out);
      if (next === 3) return ethernetAt(p, 8, out);
      if (next === 4) return locateNsh(p, 8, out);
      if (next === 5) return locateMpls(p, 8, out);
      return notRead(out, `VXLAN-GPE next protocol ${next}`);
    }
    case UdpTunnelPort.GENEVE: {
      // RFC 8926: version and option length (4-byte words) in byte 0, protocol type at 2.
      if (n < 8) return truncated(out);
      const header = 8 + (p[0]! & 0x3f) * 4;
      if (n < header) return truncated(out);
      return byProtocolType(u16(p, 2), p, header, out, 'Geneve');
    }
    case UdpTunnelPort.GTP_U:
      return gtpU(p, out);
    case UdpTunnelPort.TEREDO:
      return teredo(p, out);
    case UdpTunnelPort.GRE:
      return locateInGre(p, out);
    case UdpTunnelPort.MPLS:
      return locateMpls(p, 0, out);
    case UdpTunnelPort.L2TP:
      return l2tp(p, out);
    case UdpTunnelPort.LISP:
      // RFC 9300 §5.3: an 8-byte LISP header, then the inner IP packet.
      if (n < 8) return truncated(out);
      return locateByVersion(p, 8, out);
    case UdpTunnelPort.LISP_CONTROL:
      // RFC 9301 §5.8: an Encapsulated Control Message (type 8) is a 4-byte header and an IP packet;
      // the other control messages carry none.
      if (n < 1 || p[0]! >> 4 !== 8) return notIp(out);
      if (n < 4) return truncated(out);
      return locateByVersion(p, 4, out);
    case UdpTunnelPort.CAPWAP_DATA:
      // RFC 5415 §4.3: keep-alives carry nothing; data carries 802.11 (or 802.3) frames, not read here.
      if (n < 8 || p[0] !== 0) return notIp(out);
      if (p[3]! & 0x08) return notIp(out); // K: keep-alive
      return notRead(out, 'CAPWAP data (wireless frames tunnelled to a controller)');
    default:
      return notIp(out);
  }
}

/** Locates the IP packet in an Ethernet frame starting at `at` of `b` (offsets on `b`). */
function ethernetAt(b: Uint8Array, at: number, out: IpLocation): IpLocation {
  locateIp(LinkType.ETHERNET, b.subarray(at), out);
  if (out.offset >= 0) out.offset += at;
  return out;
}

/** GRE protocol types besides EtherTypes that tshark opens. */
const GRE_NSH = 0x894f;
const GRE_PPP = 0x880b;
const GRE_ERSPAN_2 = 0x88be;
const GRE_ERSPAN_3 = 0x22eb;
const GRE_WCCP = 0x883e;

/** Locates the packet inside a GRE packet `g` (RFC 2784/2890; RFC 1701's routing; PPTP's RFC 2637 version 1). */
export function locateInGre(g: Uint8Array, out: IpLocation): IpLocation {
  const n = g.byteLength;
  if (n < 4) return truncated(out);
  const flags = u16(g, 0);
  const version = flags & 7;
  const proto = u16(g, 2);
  let p = 4;
  if (version === 0) {
    if (flags & 0x4000) return notRead(out, 'GRE with source routing (RFC 1701)');
    if (flags & 0x8000) p += 4; // checksum and reserved
    if (flags & 0x2000) p += 4; // key
    if (flags & 0x1000) p += 4; // sequence number
  } else if (version === 1) {
    p += 4; // payload length and call id (the key field of PPTP's enhanced GRE)
    if (flags & 0x1000) p += 4; // sequence number
    if (flags & 0x0080) p += 4; // acknowledgment number
  } else {
    return notRead(out, `GRE version ${version}`);
  }
  if (p > n) return truncated(out);
  if (version === 1 && p === n) return notIp(out); // a PPTP acknowledgment without payload
  switch (proto) {
    case GRE_PPP:
      return locatePpp(g, p, out);
    case GRE_NSH:
      return locateNsh(g, p, out);
    case GRE_ERSPAN_2: {
      // ERSPAN type I has no header (and no GRE sequence number); type II an 8-byte one. Then Ethernet.
      const at = flags & 0x1000 ? p + 8 : p;
      if (at > n) return truncated(out);
      return ethernetAt(g, at, out);
    }
    case GRE_ERSPAN_3: {
      // 12-byte header; an 8-byte platform-specific subheader follows when its O bit (the last one) is set.
      if (p + 12 > n) return truncated(out);
      const at = p + 12 + (g[p + 11]! & 1 ? 8 : 0);
      if (at > n) return truncated(out);
      return ethernetAt(g, at, out);
    }
    case GRE_WCCP:
      // WCCP redirection: a 4-byte redirect header unless the packet starts with an IPv4 header (as tshark decides).
      if (p >= n) return truncated(out);
      return locateByVersion(g, (g[p]! >> 4) === 4 ? p : p + 4, out);
    default:
      return byProtocolType(proto, g, p, out, 'GRE');
  }
}

function byProtocolType(proto: number, b: Uint8Array, at: number, out: IpLocation, tunnel: string): IpLocation {
  if (FOLLOWED.has(proto)) return locateByEthertype(proto, b, at, out);
  if (KNOWN_NOT_IP.has(proto)) return notIp(out);
  // A protocol type the walk does not know may well carry IP (Aruba's 802.11 frames, NSH...): say so.
  return notRead(out, `${tunnel} payloads of protocol type 0x${proto.toString(16).padStart(4, '0')}`);
}

/** EtherTypes the link-layer walk follows. */
const FOLLOWED = new Set<number>(Object.values(EtherType));
/** EtherTypes that never carry IP: ARP, RARP, LLDP, EAPOL, loop, slow protocols. */
const KNOWN_NOT_IP = new Set([0x0806, 0x8035, 0x88cc, 0x888e, 0x9000, 0x8809]);

function gtpU(p: Uint8Array, out: IpLocation): IpLocation {
  // 3GPP TS 29.281 §5: flags (version 1, PT 1, E, S, PN), message type, length, TEID.
  const n = p.byteLength;
  if (n < 8) return truncated(out);
  const flags = p[0]!;
  if (flags >> 5 !== 1 || (flags & 0x10) === 0) return notRead(out, 'GTP packets other than GTPv1-U');
  if (p[1] !== 0xff) return notIp(out); // echo, error indication, end marker: no user packet
  let at = 8;
  if (flags & 0x07) {
    // Sequence number (2), N-PDU number (1), next extension header type (1), then extension headers.
    at += 4;
    if (at > n) return truncated(out);
    let next = p[at - 1]!;
    for (let i = 0; next !== 0; i++) {
      if (at >= n || i > 16) return truncated(out);
      const len = p[at]! * 4;
      if (len === 0 || at + len > n) return truncated(out);
      next = p[at + len - 1]!;
      at += len;
    }
  }
  if (at >= n) return truncated(out);
  const v = p[at]! >> 4;
  if (v !== 4 && v !== 6) return notRead(out, 'GTP-U payloads that are not IP');
  return locateByVersion(p, at, out);
}

function teredo(p: Uint8Array, out: IpLocation): IpLocation {
  // RFC 4380 §5.1.1: an optional authentication indicator (type 1), an optional origin indication
  // (type 0, 8 bytes), then the IPv6 packet.
  const n = p.byteLength;
  let at = 0;
  if (n >= 4 && u16(p, 0) === 0x0001) at = 4 + p[2]! + p[3]! + 8 + 1;
  if (at + 2 <= n && u16(p, at) === 0x0000) at += 8;
  if (at >= n) return truncated(out);
  // Anything else on 3544 is not Teredo (tshark's check too): plain data.
  if (p[at]! >> 4 !== 6) return notIp(out);
  return locateByVersion(p, at, out);
}

function l2tp(p: Uint8Array, out: IpLocation): IpLocation {
  // RFC 2661 §3.1: flags and version, optional length, tunnel and session ids, optional Ns/Nr and offset.
  const n = p.byteLength;
  if (n < 6) return truncated(out);
  const flags = u16(p, 0);
  if (flags & 0x8000) return notIp(out); // a control message
  if ((flags & 0x0f) !== 2) return notRead(out, `L2TP version ${flags & 0x0f} over UDP`);
  let at = 2;
  if (flags & 0x4000) at += 2;
  at += 4;
  if (flags & 0x0800) at += 4;
  if (flags & 0x0200) {
    if (at + 2 > n) return truncated(out);
    at += 2 + u16(p, at);
  }
  if (at > n) return truncated(out);
  return locatePpp(p, at, out);
}
