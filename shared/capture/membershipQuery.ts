/**
 * IGMP and MLD membership queries in captured frames: a multicast stream's wire view watches for
 * them because a switch that snoops IGMP/MLD without a querier on the link forgets a group a few
 * minutes after the join's own reports (RFC 4541; the Group Membership Interval, 260 s by default,
 * RFC 3376 §8.4), and the stream stops. Hearing a query says a querier is there. Pure.
 */
import { locateIp, newIpLocation, type IpLocation } from './linkLayer';
import { ipv6Text } from './udpExtractor';

/** One membership query heard on the link. */
export interface MembershipQuery {
  /** Capture time, ms since the epoch. */
  timeMs: number;
  /** The querier's address. */
  from: string;
  version: 'IGMPv1' | 'IGMPv2' | 'IGMPv3' | 'MLDv1' | 'MLDv2';
  /** The group asked about; null for a general query (all groups). */
  group: string | null;
}

const IGMP = 2;
const HOP_BY_HOP = 0;
const ICMPV6 = 58;
const IGMP_QUERY = 0x11;
const MLD_QUERY = 130;

/** Reads frames for membership queries; everything else (and anything cut short) is passed over. */
export class MembershipQueryReader {
  private readonly loc: IpLocation = newIpLocation();

  /** The query this frame carries, or null. */
  read(linkType: number, frame: Uint8Array, timeMs: number): MembershipQuery | null {
    const loc = locateIp(linkType, frame, this.loc);
    if (loc.offset < 0) return null;
    return loc.version === 4 ? igmpQuery(frame, loc.offset, timeMs) : loc.version === 6 ? mldQuery(frame, loc.offset, timeMs) : null;
  }
}

function igmpQuery(b: Uint8Array, o: number, timeMs: number): MembershipQuery | null {
  if (o + 20 > b.byteLength || b[o + 9] !== IGMP) return null;
  const ihl = (b[o]! & 0x0f) * 4;
  const total = (b[o + 2]! << 8) | b[o + 3]!;
  const at = o + ihl;
  if (at + 8 > b.byteLength || b[at] !== IGMP_QUERY) return null;
  const length = Math.min(total, b.byteLength - o) - ihl;
  // RFC 3376 §7.1: 8 bytes is v1 (max response 0) or v2; 12 or more is v3.
  const version = length >= 12 ? 'IGMPv3' : b[at + 1] === 0 ? 'IGMPv1' : 'IGMPv2';
  const group = `${b[at + 4]}.${b[at + 5]}.${b[at + 6]}.${b[at + 7]}`;
  return { timeMs, from: `${b[o + 12]}.${b[o + 13]}.${b[o + 14]}.${b[o + 15]}`, version, group: group === '0.0.0.0' ? null : group };
}

function mldQuery(b: Uint8Array, o: number, timeMs: number): MembershipQuery | null {
  // MLD rides behind a Hop-by-Hop header with the Router Alert option (RFC 2710 §3, RFC 3810 §5).
  if (o + 40 + 8 > b.byteLength || b[o + 6] !== HOP_BY_HOP || b[o + 40] !== ICMPV6) return null;
  const hbh = (b[o + 41]! + 1) * 8;
  const at = o + 40 + hbh;
  if (at + 24 > b.byteLength || b[at] !== MLD_QUERY) return null;
  const payload = (b[o + 4]! << 8) | b[o + 5]!;
  const version = payload - hbh >= 28 ? 'MLDv2' : 'MLDv1';
  const group = ipv6Text(b, at + 8);
  return { timeMs, from: ipv6Text(b, o + 8), version, group: group === '::' ? null : group };
}
