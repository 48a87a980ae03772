/**
 * A structural check of an mDNS packet before any decoder sees it: size, counts, and every name
 * (owners and the names inside PTR, SRV, CNAME, NS, MX, SOA and NSEC data) followed with a bound
 * on compression pointers, so that a loop or a long pointer chain costs at most a few steps.
 */

/** mDNS packets may reach 9000 bytes (RFC 6762 §17); anything larger is refused unread. */
export const MAX_MDNS_PACKET_BYTES = 9000;
/** Pointers followed per name; real packets need one or two. */
export const MAX_POINTER_HOPS = 16;

/** Why a packet was refused before decoding. */
export type PacketProblem = 'oversized' | 'truncated' | 'compression-loop' | 'bad-label' | 'too-many-records';

// Types whose data starts with (or holds) domain names that a decoder follows.
const NAME_AT: Record<number, number[]> = { 2: [0], 5: [0], 12: [0], 39: [0], 47: [0], 15: [2], 33: [6], 6: [0, -1] };

/** Follows one name; returns the offset after it in the packet, or a problem. */
function walkName(b: Uint8Array, start: number): number | PacketProblem {
  let offset = start;
  let end = -1;
  let hops = 0;
  let length = 0;
  for (;;) {
    if (offset >= b.length) return 'truncated';
    const len = b[offset]!;
    if (len === 0) return end >= 0 ? end : offset + 1;
    if ((len & 0xc0) === 0xc0) {
      if (offset + 1 >= b.length) return 'truncated';
      const target = ((len & 0x3f) << 8) | b[offset + 1]!;
      if (end < 0) end = offset + 2;
      if (++hops > MAX_POINTER_HOPS || target >= offset) return 'compression-loop';
      offset = target;
      continue;
    }
    if ((len & 0xc0) !== 0) return 'bad-label';
    length += len + 1;
    if (length > 255) return 'bad-label';
    offset += len + 1;
  }
}

/** Returns null when the packet is safe to decode, or why it is not. */
export function checkMdnsPacket(b: Uint8Array): PacketProblem | null {
  if (b.length > MAX_MDNS_PACKET_BYTES) return 'oversized';
  if (b.length < 12) return 'truncated';
  const count = (o: number): number => (b[o]! << 8) | b[o + 1]!;
  const questions = count(4);
  const records = count(6) + count(8) + count(10);
  // Each question takes at least 5 bytes and each record at least 11: more cannot fit.
  if (questions * 5 + records * 11 > b.length - 12) return 'too-many-records';
  let o = 12;
  for (let q = 0; q < questions; q++) {
    const next = walkName(b, o);
    if (typeof next !== 'number') return next;
    o = next + 4;
  }
  for (let r = 0; r < records; r++) {
    const next = walkName(b, o);
    if (typeof next !== 'number') return next;
    if (next + 10 > b.length) return 'truncated';
    const type = count(next);
    const rdlength = count(next + 8);
    const rdata = next + 10;
    if (rdata + rdlength > b.length) return 'truncated';
    const at = NAME_AT[type];
    if (at) {
      let after = rdata;
      for (const rel of at) {
        const p = rel < 0 ? after : rdata + rel;
        if (p >= rdata + rdlength) return 'truncated';
        const n = walkName(b, p);
        if (typeof n !== 'number') return n;
        after = n;
      }
    }
    o = rdata + rdlength;
  }
  return null;
}
