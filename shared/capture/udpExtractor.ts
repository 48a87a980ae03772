/**
 * From captured frames to UDP datagrams: finds the IP packet (any supported link layer, VLAN tags,
 * PPPoE, MPLS), walks IPv4 options, AH and IPv6 extension headers up to the UDP header, opens
 * tunnels (IP-in-IP in all four combinations, GRE, and the UDP tunnels of tunnels.ts) and reads the
 * packets inside like any other, and reassembles fragmented datagrams. A tunnel's own UDP datagram
 * (VXLAN to 4789...) is a datagram too, as tshark counts it. Everything that is not a UDP datagram
 * is counted by what it is, and whatever might carry UDP but is not read gets a warning saying how
 * many and why, so a report can say why a capture held fewer datagrams than frames.
 */
import type { CaptureRecord } from '../pcapng/read';
import { CaptureWarnings } from '../pcapng/readErrors';
import { DEFAULT_FRAGMENT_LIMITS, FragmentReassembler, type FragmentLimits } from './fragments';
import { isSupportedLinkType, linkTypeName, locateByVersion, locateIp, newIpLocation, type IpLocation } from './linkLayer';
import { locateInGre, locateInUdpTunnel, udpTunnelName, udpTunnelPort } from './tunnels';

/** One UDP datagram found in a capture. */
export interface UdpDatagram {
  /** Capture time of the frame that carried it (the last fragment, when reassembled), ms since the epoch. */
  timeMs: number;
  family: 4 | 6;
  srcAddress: string;
  dstAddress: string;
  srcPort: number;
  dstPort: number;
  /** The UDP payload. When the snap length cut it, the missing tail is zeros (see `missingBytes`). */
  payload: Uint8Array;
  /** Payload bytes the capture did not keep (snap length); 0 normally. */
  missingBytes: number;
  /** True when it was reassembled from IP fragments. */
  reassembled: boolean;
  /** File offset of the record that completed it. */
  offset: number;
}

/** Counts of what the frames held. */
export interface ExtractStats {
  frames: number;
  /** Frames carrying IPv4 or IPv6 (fragments included). */
  ipPackets: number;
  udpDatagrams: number;
  /** IP packets of another protocol (TCP, ICMP...). */
  otherIp: number;
  /** Frames without IP (ARP, LLDP...). */
  notIp: number;
  /** Frames on an interface whose link type Gapscope does not read. */
  unsupportedLinkType: number;
  /** Frames with VLAN tags. */
  vlanTagged: number;
  /** Frames whose IP packet was behind a PPPoE session header. */
  pppoe: number;
  /** Frames whose IP packet was behind MPLS labels. */
  mpls: number;
  /** IP packets found inside tunnels (IP-in-IP, GRE, VXLAN...) and read like any other. */
  tunneled: number;
  /** Datagrams whose payload the snap length cut. */
  snapTruncated: number;
  /** Frames too short or inconsistent to parse (see warnings). */
  malformed: number;
}

const IPPROTO_IPIP = 4;
const IPPROTO_UDP = 17;
const IPPROTO_IPV6 = 41;
const IPPROTO_GRE = 47;
const IPPROTO_ESP = 50;
const IPPROTO_AH = 51;
const IPPROTO_PIM = 103;
const IPV6_FRAGMENT = 44;
const IPV6_NO_NEXT = 59;
/** Extension headers followed before UDP: hop-by-hop, routing, destination options, AH, mobility, HIP, shim6. */
const IPV6_EXTENSIONS = new Set([0, 43, 60, 51, 135, 139, 140]);
/** Tunnels opened inside one another before giving up (a crafted packet could nest forever). */
export const MAX_TUNNEL_DEPTH = 8;

/** Turns frames into UDP datagrams; call `finish()` at the end of the file to count unfinished fragments. */
export class UdpExtractor {
  readonly warnings: CaptureWarnings;
  readonly stats: ExtractStats = { frames: 0, ipPackets: 0, udpDatagrams: 0, otherIp: 0, notIp: 0, unsupportedLinkType: 0, vlanTagged: 0, pppoe: 0, mpls: 0, tunneled: 0, snapTruncated: 0, malformed: 0 };
  readonly fragments: FragmentReassembler;
  private readonly loc: IpLocation = newIpLocation();
  private readonly linkTypesSeen = new Set<number>();
  private lastLinkType = -1;
  private readonly v4 = new Ipv4Texts();

  constructor(
    private readonly onDatagram: (d: UdpDatagram) => void,
    options: { fragments?: FragmentLimits; warnings?: CaptureWarnings } = {},
  ) {
    this.fragments = new FragmentReassembler(options.fragments ?? DEFAULT_FRAGMENT_LIMITS);
    this.warnings = options.warnings ?? new CaptureWarnings();
  }

  /** Link types of the frames seen so far. */
  get linkTypes(): number[] {
    return [...this.linkTypesSeen];
  }

  /** Looks at one captured frame. */
  onRecord(r: CaptureRecord): void {
    this.stats.frames += 1;
    if (r.linkType !== this.lastLinkType) {
      this.lastLinkType = r.linkType;
      this.linkTypesSeen.add(r.linkType);
    }
    if (!isSupportedLinkType(r.linkType)) {
      this.stats.unsupportedLinkType += 1;
      this.warnings.add(`link-type-${r.linkType}`, `Frames with ${linkTypeName(r.linkType)} are not read by Gapscope; they were skipped.`, r.offset);
      return;
    }
    const loc = locateIp(r.linkType, r.data, this.loc);
    if (loc.vlanTags > 0) this.stats.vlanTagged += 1;
    if (loc.pppoe) this.stats.pppoe += 1;
    if (loc.mplsLabels > 0) this.stats.mpls += 1;
    if (loc.offset < 0) {
      if (loc.reason === 'truncated') this.malformed(r, 'short-frame', 'A frame is too short for its link-layer header.');
      else if (loc.reason === 'not-read') this.notRead(r, loc.notRead!);
      else this.stats.notIp += 1;
      return;
    }
    this.stats.ipPackets += 1;
    this.ip(r, r.data, loc.offset, loc.version, 0);
  }

  /** The file ended: datagrams still missing fragments are counted as not reassembled. */
  finish(): void {
    this.fragments.finish();
    const s = this.fragments.stats;
    const lost = s.lost.timeout + s.lost.evicted + s.lost['incomplete-at-end'] + s.lost.invalid;
    if (lost > 0) {
      this.warnings.add('fragments-lost', `${lost} fragmented datagrams could not be reassembled (${s.lostFragments} fragments, ${s.lostBytes} bytes): ${s.lost['incomplete-at-end']} incomplete at the end, ${s.lost.timeout} timed out, ${s.lost.evicted} evicted by the memory cap, ${s.lost.invalid} invalid.`, null, lost);
    }
  }

  private malformed(r: CaptureRecord, kind: string, message: string): void {
    this.stats.malformed += 1;
    this.warnings.add(kind, message, r.offset);
  }

  /** Something that may carry UDP and is not read: one warning per kind, with its count. */
  private notRead(r: CaptureRecord, what: string): void {
    this.stats.otherIp += 1;
    this.warnings.add(`not-read: ${what}`, `Packets of ${what} were not read: any UDP inside them is not counted.`, r.offset);
  }

  private ip(r: CaptureRecord, b: Uint8Array, o: number, version: number, depth: number): void {
    if (version === 4) this.ipv4(r, b, o, depth);
    else this.ipv6(r, b, o, depth);
  }

  /** The packet a tunnel carries, at `loc` in `b` (the tunnel's payload as captured). */
  private inner(r: CaptureRecord, b: Uint8Array, loc: IpLocation, depth: number, tunnel: string): void {
    if (loc.offset < 0) {
      if (loc.reason === 'truncated') this.malformed(r, 'short-tunnel', `A ${tunnel} packet is too short for what its header says it carries.`);
      else if (loc.reason === 'not-read') this.notRead(r, loc.notRead!);
      return;
    }
    if (depth > MAX_TUNNEL_DEPTH) {
      this.notRead(r, `tunnels nested more than ${MAX_TUNNEL_DEPTH} deep`);
      return;
    }
    this.stats.tunneled += 1;
    this.ip(r, b, loc.offset, loc.version, depth);
  }

  /** What an IP packet carries once its headers are walked: UDP, a tunnel, or something else. */
  private transport(r: CaptureRecord, family: 4 | 6, src: string, dst: string, proto: number, b: Uint8Array, at: number, end: number, reassembled: boolean, depth: number): void {
    if (proto === IPPROTO_UDP) return this.udp(r, family, src, dst, b, at, end, reassembled, depth);
    // The rest look into the IP payload as captured (a view made only for them, not per datagram).
    const captured = b.subarray(Math.min(at, b.byteLength), Math.min(end, b.byteLength));
    switch (proto) {
      case IPPROTO_IPIP:
      case IPPROTO_IPV6: {
        const what = proto === IPPROTO_IPIP ? `IPv4-in-IPv${family}` : `IPv6-in-IPv${family}`;
        const loc = locateByVersion(captured, 0, this.loc);
        if (loc.offset >= 0 && loc.version !== (proto === IPPROTO_IPIP ? 4 : 6)) return this.malformed(r, 'bad-tunnel', `An ${what} packet does not hold the IP version its protocol number says.`);
        if (loc.reason === 'not-ip') return this.malformed(r, 'bad-tunnel', `An ${what} packet does not hold an IP packet.`);
        return this.inner(r, captured, loc, depth + 1, what);
      }
      case IPPROTO_GRE:
        return this.inner(r, captured, locateInGre(captured, this.loc), depth + 1, 'GRE');
      case IPPROTO_AH: {
        // RFC 4302: next header, payload length in 4-byte words minus 2, then what it authenticates.
        if (captured.byteLength < 2) return this.malformed(r, 'short-ah', 'An IPsec AH header is cut short.');
        if (depth > MAX_TUNNEL_DEPTH) return this.notRead(r, 'AH headers nested too deep');
        return this.transport(r, family, src, dst, b[at]!, b, at + (b[at + 1]! + 2) * 4, end, reassembled, depth + 1);
      }
      case IPPROTO_PIM: {
        // RFC 7761 §4.9.3: a PIMv2 Register (type 1) carries a multicast data packet after 8 bytes.
        if (captured.byteLength < 8 || captured[0] !== 0x21 || (b[at + 4]! & 0x40) !== 0) {
          this.stats.otherIp += 1; // other PIM messages, and null-registers (N bit), carry none
          return;
        }
        return this.inner(r, captured, locateByVersion(captured, 8, this.loc), depth + 1, 'PIM Register');
      }
      case IPPROTO_ESP:
        this.stats.otherIp += 1;
        this.warnings.add('esp-encrypted', 'IPsec ESP packets are encrypted: what they carry (UDP included) cannot be read without the keys, here as in tshark.', r.offset);
        return;
      default:
        this.stats.otherIp += 1;
    }
  }

  private ipv4(r: CaptureRecord, b: Uint8Array, o: number, depth: number): void {
    const n = b.byteLength;
    if (o + 20 > n) return this.malformed(r, 'short-ipv4', 'An IPv4 header is cut short.');
    const ihl = (b[o]! & 0x0f) * 4;
    let total = (b[o + 2]! << 8) | b[o + 3]!;
    // Segmentation offload can leave the length 0 in a capture: the frame's length is all there is.
    if (total === 0) total = n - o;
    if (ihl < 20 || total < ihl) return this.malformed(r, 'bad-ipv4-header', `An IPv4 header has an impossible length (header ${ihl}, total ${total}).`);
    if (o + ihl > n) return this.malformed(r, 'short-ipv4', 'An IPv4 header is cut short.');
    const proto = b[o + 9]!;
    const frag = (b[o + 6]! << 8) | b[o + 7]!;
    const more = (frag & 0x2000) !== 0;
    const fragAt = (frag & 0x1fff) * 8;
    const end = o + total;
    if (more || fragAt > 0) {
      if (end > n) return this.malformed(r, 'fragment-cut', 'An IP fragment was cut by the snap length; its datagram cannot be reassembled.');
      const key = `4|${b[o + 12]}.${b[o + 13]}.${b[o + 14]}.${b[o + 15]}|${b[o + 16]}.${b[o + 17]}.${b[o + 18]}.${b[o + 19]}|${(b[o + 4]! << 8) | b[o + 5]!}|${proto}`;
      const whole = this.fragments.add(key, r.timeMs, fragAt, more, b.subarray(o + ihl, end));
      if (!whole) return;
      return this.transport(r, 4, this.v4.text(b, o + 12), this.v4.text(b, o + 16), proto, whole, 0, whole.byteLength, true, depth);
    }
    this.transport(r, 4, this.v4.text(b, o + 12), this.v4.text(b, o + 16), proto, b, o + ihl, end, false, depth);
  }

  private ipv6(r: CaptureRecord, b: Uint8Array, o: number, depth: number): void {
    const n = b.byteLength;
    if (o + 40 > n) return this.malformed(r, 'short-ipv6', 'An IPv6 header is cut short.');
    const payloadLength = (b[o + 4]! << 8) | b[o + 5]!;
    // Length 0 means a jumbogram (RFC 2675; BIG TCP and GSO captures write them): the frame's length is all there is.
    if (payloadLength === 0 && b[o + 6] !== IPV6_NO_NEXT) this.warnings.add('ipv6-length-zero', 'IPv6 packets with payload length 0 (jumbograms, as BIG TCP and segmentation offload write them) were read to the end of their frame; tshark 4.0 reads no UDP in them.', r.offset);
    const end = payloadLength === 0 ? n : o + 40 + payloadLength;
    const limit = Math.min(end, n);
    let next = b[o + 6]!;
    let at = o + 40;
    // Every header is at least 8 bytes: the walk ends within the packet, however long the chain.
    for (;;) {
      const walked = this.walkExtensions(r, b, next, at, limit);
      if (!walked) return;
      ({ next, at } = walked);
      if (next !== IPV6_FRAGMENT) break;
      if (at + 8 > limit) return this.malformed(r, 'short-ipv6', 'An IPv6 fragment header is cut short.');
      const fragNext = b[at]!;
      const field = (b[at + 2]! << 8) | b[at + 3]!;
      const fragAt = field & 0xfff8;
      const more = (field & 1) !== 0;
      if (fragAt === 0 && !more) {
        // An atomic fragment (RFC 6946): a whole datagram behind a fragment header, and maybe more headers.
        next = fragNext;
        at += 8;
        continue;
      }
      if (end > n) return this.malformed(r, 'fragment-cut', 'An IP fragment was cut by the snap length; its datagram cannot be reassembled.');
      const id = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
      const key = `6|${hex(b, o + 8, 16)}|${hex(b, o + 24, 16)}|${id}`;
      const whole = this.fragments.add(key, r.timeMs, fragAt, more, b.subarray(at + 8, end));
      if (!whole) return;
      // The fragmentable part may start with more extension headers.
      const inner = this.walkExtensions(r, whole, fragNext, 0, whole.byteLength);
      if (!inner) return;
      return this.transport(r, 6, ipv6Text(b, o + 8), ipv6Text(b, o + 24), inner.next, whole, inner.at, whole.byteLength, true, depth);
    }
    this.transport(r, 6, ipv6Text(b, o + 8), ipv6Text(b, o + 24), next, b, at, end, false, depth);
  }

  private walkExtensions(r: CaptureRecord, b: Uint8Array, next: number, at: number, limit: number): { next: number; at: number } | null {
    while (IPV6_EXTENSIONS.has(next)) {
      if (at + 2 > limit) {
        this.malformed(r, 'short-ipv6', 'An IPv6 extension header is cut short.');
        return null;
      }
      const len = next === 51 ? (b[at + 1]! + 2) * 4 : (b[at + 1]! + 1) * 8;
      if (at + len > limit) {
        this.malformed(r, 'short-ipv6', 'An IPv6 extension header is cut short.');
        return null;
      }
      // Hop-by-hop and destination options: each option must fit its header (tshark stops there too).
      if ((next === 0 || next === 60) && !optionsFit(b, at + 2, at + len)) {
        this.malformed(r, 'bad-ipv6-option', 'An IPv6 option runs past the end of its extension header; the packet was not read further.');
        return null;
      }
      next = b[at]!;
      at += len;
    }
    if (next === IPV6_NO_NEXT) {
      this.stats.otherIp += 1;
      return null;
    }
    return { next, at };
  }

  /** The UDP header at `at` in `b`, the IP payload ending at `end` (which may be past the captured bytes). */
  private udp(r: CaptureRecord, family: 4 | 6, src: string, dst: string, b: Uint8Array, at: number, end: number, reassembled: boolean, depth: number): void {
    const n = b.byteLength;
    if (at + 8 > n || at + 8 > end) return this.malformed(r, 'short-udp', 'A UDP header is cut short.');
    let length = (b[at + 4]! << 8) | b[at + 5]!;
    if (length === 0 && family === 6) length = end - at; // IPv6 jumbogram.
    if (length < 8) return this.malformed(r, 'bad-udp-length', `A UDP header gives an impossible length (${length}).`);
    if (at + length > end) {
      this.warnings.add('udp-longer-than-ip', 'A UDP length exceeds its IP packet; the IP length was used.', r.offset);
      length = end - at;
    }
    const want = length - 8;
    const have = Math.max(0, Math.min(want, n - at - 8));
    let payload = b.subarray(at + 8, at + 8 + have);
    if (have < want) {
      this.stats.snapTruncated += 1;
      this.warnings.add('snap-truncated', 'Datagrams were cut by the capture\u2019s snap length; their sizes are counted in full, the missing bytes as zeros.', r.offset);
      const padded = new Uint8Array(want);
      padded.set(payload);
      payload = padded;
    }
    this.stats.udpDatagrams += 1;
    const srcPort = (b[at]! << 8) | b[at + 1]!;
    const dstPort = (b[at + 2]! << 8) | b[at + 3]!;
    this.onDatagram({
      timeMs: r.timeMs,
      family,
      srcAddress: src,
      dstAddress: dst,
      srcPort,
      dstPort,
      payload,
      missingBytes: want - have,
      reassembled,
      offset: r.offset,
    });
    // A UDP tunnel's datagram is counted as itself (above), and what it carries is read too.
    const tunnel = udpTunnelPort(srcPort, dstPort);
    if (tunnel !== 0) {
      const captured = b.subarray(at + 8, at + 8 + have);
      this.inner(r, captured, locateInUdpTunnel(tunnel, captured, this.loc), depth + 1, udpTunnelName(tunnel));
    }
  }
}

/** Whether the type-length-value options from `at` to `end` each fit (RFC 8200 §4.2; Pad1 is one byte). */
function optionsFit(b: Uint8Array, at: number, end: number): boolean {
  let q = at;
  while (q < end) {
    if (b[q] === 0) {
      q += 1;
      continue;
    }
    if (q + 2 > end) return false;
    q += 2 + b[q + 1]!;
  }
  return q === end;
}

/** Addresses remembered before the cache starts over (a scan of a whole /16 costs a rebuild, not memory). */
const IPV4_TEXTS = 65_536;

/**
 * The text of IPv4 addresses, made once per address rather than once per datagram: a capture holds
 * few addresses and many packets, and the same string object for the same address also lets the
 * flow table compare addresses by reference.
 */
class Ipv4Texts {
  private readonly texts = new Map<number, string>();

  text(b: Uint8Array, at: number): string {
    const key = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
    let t = this.texts.get(key);
    if (t === undefined) {
      if (this.texts.size >= IPV4_TEXTS) this.texts.clear();
      t = `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
      this.texts.set(key, t);
    }
    return t;
  }
}

function hex(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (b[at + i]! < 16 ? '0' : '') + b[at + i]!.toString(16);
  return s;
}

/** An IPv6 address in its RFC 5952 text form (lowercase, longest run of zero groups as ::). */
export function ipv6Text(b: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!);
  // IPv4-mapped addresses read as Node prints them.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${b[at + 12]}.${b[at + 13]}.${b[at + 14]}.${b[at + 15]}`;
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const text = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestAt < 0) return text(groups);
  return `${text(groups.slice(0, bestAt))}::${text(groups.slice(bestAt + bestLen))}`;
}
