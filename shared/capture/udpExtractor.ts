/**
 * From captured frames to UDP datagrams: finds the IP packet (any supported link layer, VLAN tags),
 * walks IPv4 options and IPv6 extension headers up to the UDP header, and reassembles fragmented
 * datagrams. Everything that is not a UDP datagram is counted by what it is, so a report can say
 * why a capture held fewer datagrams than frames.
 */
import type { CaptureRecord } from '../pcapng/read';
import { CaptureWarnings } from '../pcapng/readErrors';
import { DEFAULT_FRAGMENT_LIMITS, FragmentReassembler, type FragmentLimits } from './fragments';
import { isSupportedLinkType, linkTypeName, locateIp, type IpLocation } from './linkLayer';

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
  /** Datagrams whose payload the snap length cut. */
  snapTruncated: number;
  /** Frames too short or inconsistent to parse (see warnings). */
  malformed: number;
}

const IPPROTO_UDP = 17;
const IPV6_FRAGMENT = 44;
const IPV6_NO_NEXT = 59;
/** Extension headers followed before UDP: hop-by-hop, routing, destination options, AH, mobility, HIP, shim6. */
const IPV6_EXTENSIONS = new Set([0, 43, 60, 51, 135, 139, 140]);
const MAX_EXTENSION_HEADERS = 16;

/** Turns frames into UDP datagrams; call `finish()` at the end of the file to count unfinished fragments. */
export class UdpExtractor {
  readonly warnings: CaptureWarnings;
  readonly stats: ExtractStats = { frames: 0, ipPackets: 0, udpDatagrams: 0, otherIp: 0, notIp: 0, unsupportedLinkType: 0, vlanTagged: 0, snapTruncated: 0, malformed: 0 };
  readonly fragments: FragmentReassembler;
  private readonly loc: IpLocation = { offset: -1, version: 0, vlanTags: 0, reason: null };
  private readonly linkTypesSeen = new Set<number>();

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
    if (!this.linkTypesSeen.has(r.linkType)) this.linkTypesSeen.add(r.linkType);
    if (!isSupportedLinkType(r.linkType)) {
      this.stats.unsupportedLinkType += 1;
      this.warnings.add(`link-type-${r.linkType}`, `Frames with ${linkTypeName(r.linkType)} are not read by Gapscope; they were skipped.`, r.offset);
      return;
    }
    const loc = locateIp(r.linkType, r.data, this.loc);
    if (loc.vlanTags > 0) this.stats.vlanTagged += 1;
    if (loc.offset < 0) {
      if (loc.reason === 'truncated') this.malformed(r, 'short-frame', 'A frame is too short for its link-layer header.');
      else this.stats.notIp += 1;
      return;
    }
    this.stats.ipPackets += 1;
    if (loc.version === 4) this.ipv4(r, loc.offset);
    else this.ipv6(r, loc.offset);
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

  private ipv4(r: CaptureRecord, o: number): void {
    const b = r.data;
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
      if (proto !== IPPROTO_UDP) {
        this.stats.otherIp += 1;
        return;
      }
      return this.udp(r, 4, ipv4Text(b, o + 12), ipv4Text(b, o + 16), whole, 0, whole.byteLength, true);
    }
    if (proto !== IPPROTO_UDP) {
      this.stats.otherIp += 1;
      return;
    }
    this.udp(r, 4, ipv4Text(b, o + 12), ipv4Text(b, o + 16), b, o + ihl, end, false);
  }

  private ipv6(r: CaptureRecord, o: number): void {
    const b = r.data;
    const n = b.byteLength;
    if (o + 40 > n) return this.malformed(r, 'short-ipv6', 'An IPv6 header is cut short.');
    const payloadLength = (b[o + 4]! << 8) | b[o + 5]!;
    // Length 0 means a jumbogram (or offload): the frame's length is all there is.
    const end = payloadLength === 0 ? n : o + 40 + payloadLength;
    const walked = this.walkExtensions(r, b, b[o + 6]!, o + 40, Math.min(end, n));
    if (!walked) return;
    let { next, at } = walked;
    if (next === IPV6_FRAGMENT) {
      if (at + 8 > Math.min(end, n)) return this.malformed(r, 'short-ipv6', 'An IPv6 fragment header is cut short.');
      if (end > n) return this.malformed(r, 'fragment-cut', 'An IP fragment was cut by the snap length; its datagram cannot be reassembled.');
      const fragNext = b[at]!;
      const field = (b[at + 2]! << 8) | b[at + 3]!;
      const fragAt = field & 0xfff8;
      const more = (field & 1) !== 0;
      if (fragAt === 0 && !more) {
        // An atomic fragment (RFC 6946): a whole datagram behind a fragment header.
        next = fragNext;
        at += 8;
      } else {
        const id = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
        const key = `6|${hex(b, o + 8, 16)}|${hex(b, o + 24, 16)}|${id}`;
        const whole = this.fragments.add(key, r.timeMs, fragAt, more, b.subarray(at + 8, end));
        if (!whole) return;
        // The fragmentable part may start with more extension headers.
        const inner = this.walkExtensions(r, whole, fragNext, 0, whole.byteLength);
        if (!inner) return;
        if (inner.next !== IPPROTO_UDP) {
          this.stats.otherIp += 1;
          return;
        }
        return this.udp(r, 6, ipv6Text(b, o + 8), ipv6Text(b, o + 24), whole, inner.at, whole.byteLength, true);
      }
    }
    if (next !== IPPROTO_UDP) {
      this.stats.otherIp += 1;
      return;
    }
    this.udp(r, 6, ipv6Text(b, o + 8), ipv6Text(b, o + 24), b, at, end, false);
  }

  private walkExtensions(r: CaptureRecord, b: Uint8Array, next: number, at: number, limit: number): { next: number; at: number } | null {
    for (let i = 0; IPV6_EXTENSIONS.has(next); i++) {
      if (i >= MAX_EXTENSION_HEADERS) {
        this.malformed(r, 'ipv6-extension-chain', `An IPv6 packet has more than ${MAX_EXTENSION_HEADERS} extension headers.`);
        return null;
      }
      if (at + 2 > limit) {
        this.malformed(r, 'short-ipv6', 'An IPv6 extension header is cut short.');
        return null;
      }
      const len = next === 51 ? (b[at + 1]! + 2) * 4 : (b[at + 1]! + 1) * 8;
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
  private udp(r: CaptureRecord, family: 4 | 6, src: string, dst: string, b: Uint8Array, at: number, end: number, reassembled: boolean): void {
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
    this.onDatagram({
      timeMs: r.timeMs,
      family,
      srcAddress: src,
      dstAddress: dst,
      srcPort: (b[at]! << 8) | b[at + 1]!,
      dstPort: (b[at + 2]! << 8) | b[at + 3]!,
      payload,
      missingBytes: want - have,
      reassembled,
      offset: r.offset,
    });
  }
}

function ipv4Text(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
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
