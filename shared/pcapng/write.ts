/**
 * pcapng writer: the blocks Gapscope's recordings are made of, on plain Uint8Arrays so the same
 * code runs in the receiver worker, the CLI and tests. Received datagrams are written as raw IPv4 or
 * IPv6 packets (LINKTYPE_RAW) with a rebuilt UDP header, so Wireshark dissects the payload as it
 * would on the wire. Little-endian throughout (the section header's magic says so).
 */
import { parseIPv4, parseIPv6 } from '../net/address';
import { BLOCK, BYTE_ORDER_MAGIC, IDB_OPT, LINKTYPE, OPT, SHB_OPT } from './blocks';

/** The longest value one option can hold (its length field is 16 bits, values pad to 4). */
export const MAX_OPTION_BYTES = 65532;
/** The snap length Gapscope declares: larger than any UDP datagram with its headers. */
export const SNAP_LENGTH = 262144;

/** One option: its code and its raw value. */
export interface PcapngOption {
  code: number;
  value: Uint8Array;
}

/** What the section header says about where the file was made. */
export interface SectionInfo {
  hardware?: string;
  os?: string;
  /** The application, e.g. "Gapscope 0.1.0". */
  userAppl?: string;
  /** Free text; long text is split over several comments. */
  comment?: string;
}

/** One capture interface: Gapscope writes one per stream. */
export interface InterfaceDescription {
  name: string;
  description?: string;
  /** Timestamp resolution as a power of ten: 6 = microseconds, 9 = nanoseconds. */
  tsresol: 6 | 9;
  linkType?: number;
  comment?: string;
}

/** An address and port as bytes: 4 bytes for IPv4, 16 for IPv6. */
export interface IpEndpoint {
  address: Uint8Array;
  port: number;
}

/** UTF-8 bytes of a string (shared/ has no TextEncoder type). */
export function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Splits text into comment options that each fit an option, never inside a character. */
export function commentOptions(text: string | undefined): PcapngOption[] {
  if (!text) return [];
  const bytes = utf8(text);
  const out: PcapngOption[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(bytes.length, start + MAX_OPTION_BYTES);
    // Step back off UTF-8 continuation bytes so each comment is valid UTF-8 on its own.
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
    out.push({ code: OPT.comment, value: bytes.subarray(start, end) });
    start = end;
  }
  return out;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function optionsLength(options: readonly PcapngOption[]): number {
  if (options.length === 0) return 0;
  let n = 4; // opt_endofopt
  for (const o of options) n += 4 + pad4(o.value.length);
  return n;
}

function writeOptions(view: DataView, bytes: Uint8Array, at: number, options: readonly PcapngOption[]): number {
  if (options.length === 0) return at;
  for (const o of options) {
    if (o.value.length > 0xffff) throw new RangeError(`pcapng option ${o.code} is ${o.value.length} bytes; at most 65535 fit`);
    view.setUint16(at, o.code, true);
    view.setUint16(at + 2, o.value.length, true);
    bytes.set(o.value, at + 4);
    bytes.fill(0, at + 4 + o.value.length, at + 4 + pad4(o.value.length));
    at += 4 + pad4(o.value.length);
  }
  view.setUint32(at, 0, true);
  return at + 4;
}

/** A block of any type around a body, with its options; the generic frame every block shares. */
export function block(type: number, body: Uint8Array, options: readonly PcapngOption[] = []): Uint8Array {
  const total = 12 + pad4(body.length) + optionsLength(options);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  out.set(body, 8);
  writeOptions(view, out, 8 + pad4(body.length), options);
  view.setUint32(total - 4, total, true);
  return out;
}

/** The Section Header Block that opens every file (and every later section). */
export function sectionHeaderBlock(info: SectionInfo): Uint8Array {
  const body = new Uint8Array(16);
  const v = new DataView(body.buffer);
  v.setUint32(0, BYTE_ORDER_MAGIC, true);
  v.setUint16(4, 1, true);
  v.setUint16(6, 0, true);
  // Section length unknown (-1): the file is written as it grows.
  v.setInt32(8, -1, true);
  v.setInt32(12, -1, true);
  const options: PcapngOption[] = [...commentOptions(info.comment)];
  if (info.hardware) options.push({ code: SHB_OPT.hardware, value: utf8(info.hardware) });
  if (info.os) options.push({ code: SHB_OPT.os, value: utf8(info.os) });
  if (info.userAppl) options.push({ code: SHB_OPT.userAppl, value: utf8(info.userAppl) });
  return block(BLOCK.sectionHeader, body, options);
}

/** An Interface Description Block; packets name it by its index in the section (0, 1, …). */
export function interfaceDescriptionBlock(i: InterfaceDescription): Uint8Array {
  const body = new Uint8Array(8);
  const v = new DataView(body.buffer);
  v.setUint16(0, i.linkType ?? LINKTYPE.raw, true);
  v.setUint16(2, 0, true);
  v.setUint32(4, SNAP_LENGTH, true);
  const options: PcapngOption[] = [...commentOptions(i.comment), { code: IDB_OPT.name, value: utf8(i.name) }];
  if (i.description) options.push({ code: IDB_OPT.description, value: utf8(i.description) });
  options.push({ code: IDB_OPT.tsresol, value: Uint8Array.of(i.tsresol) });
  return block(BLOCK.interfaceDescription, body, options);
}

/** A time in ms since the epoch as the two 32-bit halves of a count of 10^-tsresol seconds. */
export function timestampHalves(epochMs: number, tsresol: 6 | 9): [number, number] {
  if (!(epochMs >= 0)) throw new RangeError(`timestamp ${epochMs} is not a time after 1970`);
  if (tsresol === 6) {
    const us = Math.round(epochMs * 1000);
    return [Math.floor(us / 0x100000000), us >>> 0];
  }
  // Nanoseconds exceed 2^53: whole ms and the fraction separately, then 64-bit arithmetic.
  const whole = Math.floor(epochMs);
  const ns = BigInt(whole) * 1_000_000n + BigInt(Math.round((epochMs - whole) * 1e6));
  return [Number(ns >> 32n), Number(ns & 0xffffffffn)];
}

/** An Enhanced Packet Block around already-built packet data (any link type). */
export function enhancedPacketBlock(interfaceId: number, epochMs: number, tsresol: 6 | 9, data: Uint8Array, comment?: string, originalLength = data.length): Uint8Array {
  const body = new Uint8Array(20 + data.length);
  const v = new DataView(body.buffer);
  const [hi, lo] = timestampHalves(epochMs, tsresol);
  v.setUint32(0, interfaceId, true);
  v.setUint32(4, hi, true);
  v.setUint32(8, lo, true);
  v.setUint32(12, data.length, true);
  v.setUint32(16, originalLength, true);
  body.set(data, 20);
  return block(BLOCK.enhancedPacket, body, commentOptions(comment));
}

/** An address string (IPv4, IPv6, IPv6 with %zone, IPv4-mapped IPv6) as 4 or 16 bytes; null if not an address. */
export function addressBytes(text: string): Uint8Array | null {
  const v4 = parseIPv4(text);
  if (v4) return Uint8Array.from(v4);
  const v6 = parseIPv6(text.replace(/^\[|\]$/g, ''));
  if (!v6) return null;
  const b = v6.bytes;
  // ::ffff:a.b.c.d is an IPv4 sender seen through a dual-stack socket: write it as IPv4.
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return b.slice(12);
  return b.slice();
}

function asIPv6(a: Uint8Array): Uint8Array {
  if (a.length === 16) return a;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(a, 12);
  return out;
}

/** Bytes of the IP and UDP headers Gapscope rebuilds for a datagram between two endpoints. */
export function udpHeaderBytes(src: IpEndpoint, dst: IpEndpoint): number {
  return src.address.length === 4 && dst.address.length === 4 ? 28 : 48;
}

/** The size of the Enhanced Packet Block that writeUdpPacketBlock writes, to check it fits first. */
export function udpPacketBlockSize(src: IpEndpoint, dst: IpEndpoint, payloadLength: number, comment: PcapngOption[] = []): number {
  return 32 + pad4(udpHeaderBytes(src, dst) + payloadLength) + optionsLength(comment);
}

let ipv4Id = 0;

/**
 * Writes one received datagram as an Enhanced Packet Block (IPv4/IPv6 + UDP + payload) into out at
 * offset, without allocating; returns the offset after it. The caller checks room with udpPacketBlockSize.
 */
export function writeUdpPacketBlock(
  out: Uint8Array,
  view: DataView,
  offset: number,
  interfaceId: number,
  epochMs: number,
  tsresol: 6 | 9,
  src: IpEndpoint,
  dst: IpEndpoint,
  payload: Uint8Array,
  comment: PcapngOption[] = [],
): number {
  const v4 = src.address.length === 4 && dst.address.length === 4;
  const ipLen = v4 ? 20 : 40;
  const dataLen = ipLen + 8 + payload.length;
  const total = 32 + pad4(dataLen) + optionsLength(comment);
  const [hi, lo] = timestampHalves(epochMs, tsresol);
  view.setUint32(offset, BLOCK.enhancedPacket, true);
  view.setUint32(offset + 4, total, true);
  view.setUint32(offset + 8, interfaceId, true);
  view.setUint32(offset + 12, hi, true);
  view.setUint32(offset + 16, lo, true);
  view.setUint32(offset + 20, dataLen, true);
  view.setUint32(offset + 24, dataLen, true);
  const ip = offset + 28;
  const udp = ip + ipLen;
  const udpLen = 8 + payload.length;
  if (v4) {
    out[ip] = 0x45;
    out[ip + 1] = 0;
    view.setUint16(ip + 2, dataLen, false);
    ipv4Id = (ipv4Id + 1) & 0xffff;
    view.setUint16(ip + 4, ipv4Id, false);
    view.setUint16(ip + 6, 0x4000, false); // don't fragment: it arrived whole
    out[ip + 8] = 64;
    out[ip + 9] = 17;
    view.setUint16(ip + 10, 0, false);
    out.set(src.address, ip + 12);
    out.set(dst.address, ip + 16);
    view.setUint16(ip + 10, onesComplement(sum16(out, ip, 20, 0)), false);
  } else {
    view.setUint32(ip, 0x60000000, false);
    view.setUint16(ip + 4, udpLen, false);
    out[ip + 6] = 17;
    out[ip + 7] = 64;
    out.set(asIPv6(src.address), ip + 8);
    out.set(asIPv6(dst.address), ip + 24);
  }
  view.setUint16(udp, src.port, false);
  view.setUint16(udp + 2, dst.port, false);
  view.setUint16(udp + 4, udpLen, false);
  view.setUint16(udp + 6, 0, false);
  out.set(payload, udp + 8);
  if (!v4) {
    // IPv6 makes the UDP checksum mandatory: pseudo-header (addresses, length, next header) + UDP.
    let s = sum16(out, ip + 8, 32, 0);
    s += udpLen + 17;
    s = sum16(out, udp, udpLen, s);
    const c = onesComplement(s);
    view.setUint16(udp + 6, c === 0 ? 0xffff : c, false);
  }
  out.fill(0, ip + dataLen, offset + 28 + pad4(dataLen));
  writeOptions(view, out, offset + 28 + pad4(dataLen), comment);
  view.setUint32(offset + total - 4, total, true);
  return offset + total;
}

/** A datagram rebuilt as raw IP + UDP, as writeUdpPacketBlock puts it in the file; for tests and exports. */
export function rawUdpPacket(src: IpEndpoint, dst: IpEndpoint, payload: Uint8Array): Uint8Array {
  const size = udpPacketBlockSize(src, dst, payload.length);
  const out = new Uint8Array(size);
  writeUdpPacketBlock(out, new DataView(out.buffer), 0, 0, 0, 6, src, dst, payload);
  return out.slice(28, 28 + udpHeaderBytes(src, dst) + payload.length);
}

function sum16(b: Uint8Array, at: number, len: number, s: number): number {
  const end = at + len - 1;
  let i = at;
  for (; i < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i === end) s += b[i]! << 8;
  // At most 32,768 words of 0xffff: the sum stays an exact double, folded once at the end.
  return s;
}

function onesComplement(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** Joins byte arrays into one (blocks into a file, parts into a packet). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
