/**
 * DNS messages as the probe needs them: validated names and types, queries built with dns-packet,
 * and replies decoded into plain summaries. Decoding never throws, whatever bytes arrive.
 */
import { randomInt } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import { canonicalQueryType, dnsServerAddress, QUERY_TYPES, type DnsServerAddress } from '../../shared/dns/names';
import type { DnsFlags, DnsRecordSummary, EdnsInfo } from '../../shared/dns/probeTypes';

export type { DnsServerAddress } from '../../shared/dns/names';
export type { DnsFlags, DnsRecordSummary, EdnsInfo } from '../../shared/dns/probeTypes';

// dns-packet knows no HTTPS/SVCB; its "UNKNOWN_n" form carries any type number.
const TYPE_NUMBERS: Record<string, number> = { HTTPS: 65, SVCB: 64 };

/** A validated query type: its name as the user reads it and its number on the wire. */
export interface QueryType {
  name: string;
  code: number;
}

/** The wire number of a query type (A, aaaa, HTTPS, TYPE65), as the contract's schema spelled it. */
export function parseQueryType(text: string): QueryType {
  const t = canonicalQueryType(text);
  const generic = /^TYPE(\d{1,5})$/.exec(t);
  if (generic) return { name: t, code: Number(generic[1]) };
  return { name: t, code: TYPE_NUMBERS[t] ?? typeNumber(t) };
}

function typeNumber(name: string): number {
  // Encode a one-question packet and read the type back: dns-packet's own table, no copy of it here.
  const buf = dnsPacket.encode({ type: 'query', id: 0, questions: [{ type: name as dnsPacket.RecordType, name: 'a' }] });
  return buf.readUInt16BE(buf.length - 4);
}

/** The name as dns-packet wants the question's type. */
function wireTypeName(type: QueryType): dnsPacket.RecordType {
  const known = (QUERY_TYPES as readonly string[]).includes(type.name) && TYPE_NUMBERS[type.name] === undefined;
  return (known ? type.name : `UNKNOWN_${type.code}`) as dnsPacket.RecordType;
}

/** A server already checked at the door (or read from the system's list), as the probe's sockets need it. */
export function serverAddress(server: string | DnsServerAddress): DnsServerAddress {
  if (typeof server !== 'string') return server;
  const parsed = dnsServerAddress(server);
  // The contract's schema refuses anything else with a sentence; reaching this is a bug in the caller.
  if (!parsed) throw new Error(`not a DNS server address: ${server.slice(0, 80)}`);
  return parsed;
}

/** The address a socket connects to: the zone appended for link-local IPv6. */
export function socketHost(server: DnsServerAddress): string {
  return server.zone !== null ? `${server.address}%${server.zone}` : server.address;
}

/** What to put in the query. */
export interface QueryOptions {
  name: string;
  type: QueryType;
  /** Recursion desired (default true). */
  recursion?: boolean;
  /** Add an EDNS0 OPT record (default true) advertising this UDP size (default 1232). */
  edns?: boolean;
  udpPayloadSize?: number;
  /** Ask for DNSSEC records (the DO bit; needs EDNS). */
  dnssecOk?: boolean;
  /** Set CD: ask the server not to validate. */
  checkingDisabled?: boolean;
}

/** A new random 16-bit query id (crypto-random, so that off-path replies cannot guess it). */
export function randomQueryId(): number {
  return randomInt(0, 0x10000);
}

/** Builds the query's bytes with dns-packet. */
export function encodeQuery(id: number, q: QueryOptions): Buffer {
  let flags = 0;
  if (q.recursion !== false) flags |= dnsPacket.RECURSION_DESIRED;
  if (q.checkingDisabled) flags |= dnsPacket.CHECKING_DISABLED;
  const packet: dnsPacket.Packet = {
    type: 'query',
    id,
    flags,
    questions: [{ type: wireTypeName(q.type), name: q.name, class: 'IN' }],
  };
  if (q.edns !== false) {
    packet.additionals = [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: q.udpPayloadSize ?? 1232,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: q.dnssecOk ? dnsPacket.DNSSEC_OK : 0,
        flag_do: q.dnssecOk === true,
        options: [],
      },
    ];
  }
  return dnsPacket.encode(packet);
}

/** A reply decoded into what the probe reports. */
export interface DecodedReply {
  id: number;
  rcode: string;
  opcode: string;
  flags: DnsFlags;
  /** The question the reply repeated, with its type's number. */
  question: { name: string; type: string; code: number } | null;
  answers: DnsRecordSummary[];
  authorities: DnsRecordSummary[];
  additionals: DnsRecordSummary[];
  edns: EdnsInfo | null;
}

/** What arrived: a reply to this query, a datagram for another query (ignored), or bytes that cannot be read. */
export type ReplyVerdict =
  | { kind: 'reply'; reply: DecodedReply }
  | { kind: 'other'; why: string }
  | { kind: 'malformed'; why: string };

/** Reads a datagram that arrived for the query `id` asking `name`; never throws, whatever the bytes. */
export function readReply(bytes: Uint8Array, id: number, name?: string): ReplyVerdict {
  try {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 2) return { kind: 'other', why: `${buf.length}-byte datagram, too short to carry a query id` };
    const got = buf.readUInt16BE(0);
    if (got !== id) return { kind: 'other', why: `reply for query id ${got}, not ${id}` };
    if (buf.length < 12) return { kind: 'malformed', why: `${buf.length}-byte reply, shorter than a DNS header (12 bytes)` };
    if ((buf[2]! & 0x80) === 0) return { kind: 'other', why: 'a query (QR bit clear), not a reply' };
    const broken = checkStructure(buf);
    if (broken !== null) return { kind: 'malformed', why: `undecodable reply: ${broken}` };
    let packet: dnsPacket.DecodedPacket & { rcode?: string; opcode?: string };
    try {
      packet = dnsPacket.decode(buf) as typeof packet;
    } catch (e) {
      return { kind: 'malformed', why: `undecodable reply: ${e instanceof Error ? e.message : String(e)}` };
    }
    const q = packet.questions?.[0];
    if (name !== undefined && q && typeof q.name === 'string' && normalize(q.name) !== normalize(name)) {
      return { kind: 'other', why: `reply about ${q.name}, not ${name}` };
    }
    const opt = (packet.additionals ?? []).find((a) => a.type === 'OPT') as dnsPacket.OptAnswer | undefined;
    return {
      kind: 'reply',
      reply: {
        id: got,
        rcode: extendedRcode(packet.rcode ?? 'NOERROR', opt),
        opcode: packet.opcode ?? 'QUERY',
        flags: { aa: packet.flag_aa, tc: packet.flag_tc, rd: packet.flag_rd, ra: packet.flag_ra, ad: packet.flag_ad, cd: packet.flag_cd },
        question: q ? { name: String(q.name), type: String(q.type), code: typeNumber(String(q.type)) } : null,
        answers: (packet.answers ?? []).map(summarizeRecord),
        authorities: (packet.authorities ?? []).map(summarizeRecord),
        additionals: (packet.additionals ?? []).filter((a) => a.type !== 'OPT').map(summarizeRecord),
        edns: opt ? ednsInfo(opt) : null,
      },
    };
  } catch (e) {
    // A bug in summarizing must not take the probe down: the reply is then reported as unreadable.
    return { kind: 'malformed', why: `unreadable reply: ${e instanceof Error ? e.message : String(e)}` };
  }
}

// Walks the message's framing before dns-packet sees it: dns-packet reads record data past the end of a
// cut reply ("10.undefined…") and spends milliseconds on some random bytes. Returns why the framing is
// broken, or null. Work is bounded: every step consumes bytes, and pointers only jump backwards.
function checkStructure(buf: Buffer): string | null {
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)] as const;
  if (counts[0] * 5 + (counts[1] + counts[2] + counts[3]) * 11 > buf.length - 12) return 'the header counts more records than the reply holds';
  let offset = 12;
  const skipName = (): boolean => {
    let pos = offset;
    let jumped = false;
    let length = 0;
    let limit = pos;
    for (let hops = 0; hops < 128; hops++) {
      if (pos >= buf.length) return false;
      const len = buf[pos]!;
      if (len === 0) {
        if (!jumped) offset = pos + 1;
        return true;
      }
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= buf.length) return false;
        const target = buf.readUInt16BE(pos) & 0x3fff;
        if (target >= limit) return false;
        if (!jumped) offset = pos + 2;
        jumped = true;
        pos = target;
        limit = target;
        continue;
      }
      if ((len & 0xc0) !== 0) return false;
      length += len + 1;
      if (length > 255 || pos + 1 + len > buf.length) return false;
      pos += 1 + len;
      if (!jumped) offset = pos;
      hops--;
    }
    return false;
  };
  for (let i = 0; i < counts[0]; i++) {
    if (!skipName()) return `question ${i + 1} has a broken name (bad label, or a compression pointer that loops or points forward)`;
    offset += 4;
    if (offset > buf.length) return 'the reply ends inside its question';
  }
  const records = counts[1] + counts[2] + counts[3];
  for (let i = 0; i < records; i++) {
    if (!skipName()) return `record ${i + 1} has a broken name (bad label, or a compression pointer that loops or points forward)`;
    if (offset + 10 > buf.length) return `the reply ends inside record ${i + 1}`;
    const rdlength = buf.readUInt16BE(offset + 8);
    offset += 10 + rdlength;
    if (offset > buf.length) return `record ${i + 1} claims ${rdlength} bytes of data past the end of the reply`;
  }
  return null;
}

function normalize(name: string): string {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === '' ? '.' : n;
}

function extendedRcode(rcode: string, opt: dnsPacket.OptAnswer | undefined): string {
  if (!opt || !opt.extendedRcode) return rcode;
  const low = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'].indexOf(rcode);
  const full = (opt.extendedRcode << 4) | (low >= 0 ? low : 0);
  return full === 16 ? 'BADVERS' : `RCODE_${full}`;
}

function ednsInfo(opt: dnsPacket.OptAnswer): EdnsInfo {
  return {
    udpPayloadSize: Number(opt.udpPayloadSize) || 0,
    version: Number(opt.ednsVersion) || 0,
    extendedRcode: Number(opt.extendedRcode) || 0,
    dnssecOk: opt.flag_do === true,
    options: (opt.options ?? []).map((o) => ({ code: Number(o.code), length: o.data ? o.data.length : 0 })),
  };
}

function hex(buf: Buffer): string {
  return `\\# ${buf.length}${buf.length ? ` ${buf.toString('hex')}` : ''}`;
}

function fqdn(name: unknown): string {
  const n = String(name);
  return n === '.' ? '.' : `${n}.`;
}

function txtText(data: unknown): string {
  const parts = Array.isArray(data) ? data : [data];
  return parts.map((p) => JSON.stringify(Buffer.isBuffer(p) ? p.toString('latin1') : String(p))).join(' ');
}

/** One record in text; unknown or odd data falls back to hex. */
export function summarizeRecord(a: dnsPacket.Answer): DnsRecordSummary {
  const ttl = 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : null;
  const type = String(a.type);
  const d = (a as { data?: unknown }).data;
  let data: string;
  switch (type) {
    case 'A':
    case 'AAAA':
      data = String(d);
      break;
    case 'CNAME':
    case 'DNAME':
    case 'NS':
    case 'PTR':
      data = fqdn(d);
      break;
    case 'MX': {
      const mx = d as dnsPacket.MxData;
      data = `${mx.preference ?? 0} ${fqdn(mx.exchange)}`;
      break;
    }
    case 'SRV': {
      const srv = d as dnsPacket.SrvData;
      data = `${srv.priority ?? 0} ${srv.weight ?? 0} ${srv.port} ${fqdn(srv.target)}`;
      break;
    }
    case 'SOA': {
      const soa = d as dnsPacket.SoaData;
      data = `${fqdn(soa.mname)} ${fqdn(soa.rname)} ${soa.serial ?? 0} ${soa.refresh ?? 0} ${soa.retry ?? 0} ${soa.expire ?? 0} ${soa.minimum ?? 0}`;
      break;
    }
    case 'TXT':
      data = txtText(d);
      break;
    case 'CAA': {
      const caa = d as dnsPacket.CaaData;
      data = `${caa.flags ?? 0} ${caa.tag} ${JSON.stringify(caa.value)}`;
      break;
    }
    default:
      data = Buffer.isBuffer(d) ? hex(d) : JSON.stringify(d, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)) ?? '';
  }
  const typeName = /^UNKNOWN_(\d+)$/.exec(type);
  return { name: String(a.name), type: typeName ? (typeName[1] === '65' ? 'HTTPS' : typeName[1] === '64' ? 'SVCB' : `TYPE${typeName[1]}`) : type, ttl, data };
}
