/**
 * Builders of small pcap and pcapng files and of frames, for the reader's and the analyzer's tests:
 * the layouts real tools rarely write (big-endian, nanoseconds, tsoffset, several sections, Simple
 * and obsolete Packet Blocks, stacked VLAN tags, IPv6 extension headers) built byte by byte.
 */
import { concatBytes } from '../write';

/** Little- or big-endian writer into a growing array. */
export class Bytes {
  private readonly out: number[] = [];
  constructor(private readonly little = true) {}
  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.little ? this.u8(v).u8(v >> 8) : this.u8(v >> 8).u8(v);
  }
  u32(v: number): this {
    const b = [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    for (const x of this.little ? b.reverse() : b) this.u8(x);
    return this;
  }
  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.u8(b[i]!);
    return this;
  }
  pad4(): this {
    while (this.out.length % 4) this.u8(0);
    return this;
  }
  get length(): number {
    return this.out.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** Concatenates arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/** A classic pcap file: packets with [seconds, fraction] timestamps. */
export function pcapFile(opts: { little?: boolean; ns?: boolean; linkType: number; packets: { sec: number; frac: number; data: Uint8Array; orig?: number }[] }): Uint8Array {
  const w = new Bytes(opts.little ?? true);
  w.u32(opts.ns ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(262144).u32(opts.linkType);
  for (const p of opts.packets) w.u32(p.sec).u32(p.frac).u32(p.data.byteLength).u32(p.orig ?? p.data.byteLength).bytes(p.data);
  return w.done();
}

/** One pcapng block with its two length fields around `body` (padded to 32 bits). */
export function block(type: number, body: Uint8Array, little = true): Uint8Array {
  const padded = (body.byteLength + 3) & ~3;
  const w = new Bytes(little);
  w.u32(type).u32(padded + 12).bytes(body);
  while (w.length < 8 + padded) w.u8(0);
  w.u32(padded + 12);
  return w.done();
}

/** A Section Header Block. */
export function shb(little = true): Uint8Array {
  const b = new Bytes(little).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).done();
  return block(0x0a0d0d0a, b, little);
}

/** An Interface Description Block; tsresol is the raw option byte, tsoffset whole seconds. */
export function idb(linkType: number, opts: { little?: boolean; tsresol?: number; tsoffset?: number; name?: string; snap?: number } = {}): Uint8Array {
  const little = opts.little ?? true;
  const w = new Bytes(little).u16(linkType).u16(0).u32(opts.snap ?? 262144);
  if (opts.name !== undefined) {
    const name = Array.from(opts.name, (c) => c.charCodeAt(0));
    w.u16(2).u16(name.length).bytes(name).pad4();
  }
  if (opts.tsresol !== undefined) w.u16(9).u16(1).u8(opts.tsresol).pad4();
  if (opts.tsoffset !== undefined) {
    w.u16(14).u16(8);
    if (little) w.u32(opts.tsoffset).u32(0);
    else w.u32(0).u32(opts.tsoffset);
  }
  w.u16(0).u16(0);
  return block(1, w.done(), little);
}

/** An Enhanced Packet Block with a raw 64-bit timestamp given as [high, low]. */
export function epb(iface: number, ts: [number, number], data: Uint8Array, little = true, orig?: number): Uint8Array {
  const w = new Bytes(little).u32(iface).u32(ts[0]).u32(ts[1]).u32(data.byteLength).u32(orig ?? data.byteLength).bytes(data).pad4();
  w.u16(1).u16(5).bytes([104, 101, 108, 108, 111]).pad4().u16(0).u16(0); // opt_comment "hello"
  return block(6, w.done(), little);
}

/** A Simple Packet Block. */
export function spb(data: Uint8Array, little = true): Uint8Array {
  return block(3, new Bytes(little).u32(data.byteLength).bytes(data).done(), little);
}

/** An obsolete Packet Block (type 2). */
export function pb(iface: number, ts: [number, number], data: Uint8Array, little = true): Uint8Array {
  return block(2, new Bytes(little).u16(iface).u16(0).u32(ts[0]).u32(ts[1]).u32(data.byteLength).u32(data.byteLength).bytes(data).done(), little);
}

function checksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.byteLength; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

/** A UDP header and payload (checksum 0). */
export function udp(srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  return concat(new Bytes(false).u16(srcPort).u16(dstPort).u16(payload.byteLength + 8).u16(0).done(), payload);
}

/** An IPv4 packet around `body`; fragment fields optional. */
export function ipv4(src: number[], dst: number[], proto: number, body: Uint8Array, frag: { id?: number; offset?: number; more?: boolean; totalOverride?: number } = {}): Uint8Array {
  const h = new Bytes(false)
    .u8(0x45).u8(0).u16(frag.totalOverride ?? 20 + body.byteLength).u16(frag.id ?? 1)
    .u16(((frag.offset ?? 0) / 8) | (frag.more ? 0x2000 : 0)).u8(64).u8(proto).u16(0).bytes(src).bytes(dst).done();
  const c = checksum(h);
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return concat(h, body);
}

/** An IPv6 packet: `next` is the first next-header value, `body` everything after the fixed header. */
export function ipv6(src: number[], dst: number[], next: number, body: Uint8Array): Uint8Array {
  return concat(new Bytes(false).u32(0x60000000).u16(body.byteLength).u8(next).u8(64).bytes(src).bytes(dst).done(), body);
}

/** An IPv6 extension header of 8 bytes (hop-by-hop, routing, destination options) followed by `rest`. */
export function ext8(next: number, rest: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([next, 0, 1, 4, 0, 0, 0, 0]), rest);
}

/** An IPv6 fragment header followed by fragment data. */
export function frag6(next: number, offset: number, more: boolean, id: number, data: Uint8Array): Uint8Array {
  return concat(new Bytes(false).u8(next).u8(0).u16(offset | (more ? 1 : 0)).u32(id).done(), data);
}

/** An Ethernet frame with optional VLAN tags ([tpid, vid] outermost first). */
export function ethernet(etherType: number, payload: Uint8Array, tags: [number, number][] = []): Uint8Array {
  const w = new Bytes(false).bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]);
  for (const [tpid, vid] of tags) w.u16(tpid).u16(vid);
  return concat(w.u16(etherType).done(), payload);
}

/** A payload whose first 8 bytes are a big-endian sequence number, as lab/sender.mjs sends. */
export function seqPayload(seq: number, size = 64): Uint8Array {
  const p = new Uint8Array(size);
  p[4] = (seq >>> 24) & 0xff;
  p[5] = (seq >>> 16) & 0xff;
  p[6] = (seq >>> 8) & 0xff;
  p[7] = seq & 0xff;
  return p;
}

/** A seeded PRNG (mulberry32) so that fuzz failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
