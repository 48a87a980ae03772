/**
 * What a session capture holds besides the streams: the mDNS datagrams the Bonjour browser took
 * (rebuilt as IPv4/IPv6 + UDP to the mDNS group, so Wireshark dissects them as mDNS) and the
 * timeline's events. An event is a frame on its own interface of link type "Wireshark Upper PDU"
 * carrying a syslog-style line — Wireshark and tshark show it in the packet list (Protocol
 * "Syslog", Info "USER.WARNING: gapscope network interface-down: …") — and a packet comment with
 * the same sentence, which `frame.comment` filters and Expert Information list. pcapng Custom
 * Blocks were the other choice; Wireshark shows nothing of them.
 */
import type { TimelineEvent } from '../timeline';
import { addressBytes, enhancedPacketBlock, interfaceDescriptionBlock, udpPacketBlockSize, utf8, writeUdpPacketBlock, type IpEndpoint } from './write';

/** LINKTYPE_WIRESHARK_UPPER_PDU: a PDU with tags naming the dissector, no network headers. */
export const LINKTYPE_UPPER_PDU = 252;
/** The mDNS port and groups (RFC 6762). */
export const MDNS_PORT = 5353;
const MDNS_GROUP_V4 = addressBytes('224.0.0.251')!;
const MDNS_GROUP_V6 = addressBytes('ff02::fb')!;

/** An event's detail JSON is cut to this many characters in the frame (session.json keeps it whole). */
export const EVENT_DETAIL_CHARS = 2000;

/** Exported PDU tags (Wireshark epan/exported_pdu.h). */
const TAG_END = 0;
const TAG_PROTO_NAME = 12;

/** The capture interface that holds the timeline's events. */
export function timelineInterfaceBlock(): Uint8Array {
  return interfaceDescriptionBlock({
    name: 'Gapscope timeline',
    description: 'Timeline events during the recording (network, DNS, Bonjour, generator), one frame each as a syslog-style line, with the event as the packet comment',
    tsresol: 6,
    linkType: LINKTYPE_UPPER_PDU,
  });
}

/** The capture interface for the mDNS datagrams the Bonjour browser received on one link. */
export function mdnsInterfaceBlock(iface: string): Uint8Array {
  return interfaceDescriptionBlock({
    name: `${iface} (mDNS, Bonjour browser)`,
    description: `mDNS datagrams the Bonjour browser received on ${iface} (IPv4 and IPv6); the destination is written as the mDNS group 224.0.0.251 / ff02::fb port 5353`,
    tsresol: 6,
  });
}

/** A Wireshark exported PDU: the dissector's name as a tag, then the payload. */
export function exportedPdu(dissector: string, payload: Uint8Array): Uint8Array {
  const name = utf8(dissector);
  // Tag values are NUL-terminated and padded to 4 bytes; the length includes the padding.
  const padded = (name.length + 4) & ~3;
  const out = new Uint8Array(4 + padded + 4 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, TAG_PROTO_NAME, false);
  v.setUint16(2, padded, false);
  out.set(name, 4);
  v.setUint16(4 + padded, TAG_END, false);
  v.setUint16(6 + padded, 0, false);
  out.set(payload, 8 + padded);
  return out;
}

/** Syslog priority of an event: facility "user" (1), level informational, warning or error. */
function priority(e: Pick<TimelineEvent, 'severity'>): number {
  return 8 + (e.severity === 'error' ? 3 : e.severity === 'warning' ? 4 : 6);
}

/** One line without control characters (a syslog message is one line). */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

/** The event as the line its frame carries: "<14>gapscope bonjour service-added: … {detail}". */
export function timelineEventLine(e: TimelineEvent): string {
  let detail = '';
  if (e.detail && Object.keys(e.detail).length > 0) {
    const json = JSON.stringify(e.detail);
    detail = ` ${json.length > EVENT_DETAIL_CHARS ? `${json.slice(0, EVENT_DETAIL_CHARS)}…` : json}`;
  }
  return `<${priority(e)}>gapscope ${e.source} ${oneLine(e.kind)}: ${oneLine(e.summary)}${oneLine(detail)}`;
}

/** The packet comment of an event's frame: what `tshark -Y frame.comment` and Expert Information show. */
export function timelineEventComment(e: TimelineEvent): string {
  return `Gapscope timeline (${e.severity}): [${e.source} ${e.kind}] ${e.summary}`;
}

/** An event as an Enhanced Packet Block on the timeline interface. */
export function timelineEventBlock(interfaceId: number, e: TimelineEvent): Uint8Array {
  return enhancedPacketBlock(interfaceId, e.at, 6, exportedPdu('syslog', utf8(timelineEventLine(e))), timelineEventComment(e));
}

/** One mDNS datagram as received: wall-clock ms, the sender and the bytes. */
export interface MdnsDatagramRecord {
  at: number;
  source: string;
  port: number;
  data: Uint8Array;
}

/** A datagram between two endpoints as an Enhanced Packet Block with rebuilt IP + UDP headers. */
function udpBlock(interfaceId: number, at: number, src: IpEndpoint, dst: IpEndpoint, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(udpPacketBlockSize(src, dst, data.length));
  writeUdpPacketBlock(out, new DataView(out.buffer), 0, interfaceId, at, 6, src, dst, data);
  return out;
}

/**
 * A received mDNS datagram as an Enhanced Packet Block: IP + UDP from the responder to the mDNS
 * group of its family, port 5353. Null when the source is not an address.
 */
export function mdnsDatagramBlock(interfaceId: number, d: MdnsDatagramRecord): Uint8Array | null {
  const address = addressBytes(d.source);
  if (!address) return null;
  // An IPv4 responder seen through an IPv6 socket (::ffff:a.b.c.d) is written as IPv4 to the IPv4 group.
  return udpBlock(interfaceId, d.at, { address, port: d.port }, { address: address.length === 4 ? MDNS_GROUP_V4 : MDNS_GROUP_V6, port: MDNS_PORT }, d.data);
}

/** The capture interface for what the DNS probes sent and received. */
export function dnsProbesInterfaceBlock(): Uint8Array {
  return interfaceDescriptionBlock({ name: 'DNS probes', description: "DNS queries Gapscope's probes sent over UDP and the replies they received, as the probe's socket saw them", tsresol: 6 });
}

/** One datagram of a DNS probe's UDP exchange, with both ends as the probe's socket saw them. */
export interface DnsDatagramRecord {
  at: number;
  direction: 'sent' | 'received';
  local: { address: string; port: number };
  server: { address: string; port: number };
  data: Uint8Array;
}

/** A DNS probe's datagram as an Enhanced Packet Block: a query from the local end, a reply from the server. Null when an end is not an address. */
export function dnsDatagramBlock(interfaceId: number, d: DnsDatagramRecord): Uint8Array | null {
  const local = addressBytes(d.local.address);
  const server = addressBytes(d.server.address);
  if (!local || !server) return null;
  const l: IpEndpoint = { address: local, port: d.local.port };
  const s: IpEndpoint = { address: server, port: d.server.port };
  return d.direction === 'sent' ? udpBlock(interfaceId, d.at, l, s, d.data) : udpBlock(interfaceId, d.at, s, l, d.data);
}
