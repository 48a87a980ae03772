/**
 * IP fragment reassembly for captures, in bounded memory: a cap on datagrams waiting for their
 * fragments, a cap on the bytes they hold, and a timeout in capture time (30 s, as Linux's
 * ipfrag_time). Whatever cannot be put back together is counted by reason, never dropped silently.
 */

/** How much reassembly may hold. */
export interface FragmentLimits {
  /** Datagrams waiting for fragments at once; the oldest is given up beyond this. */
  maxDatagrams: number;
  /** Bytes held by waiting fragments; the oldest datagrams are given up beyond this. */
  maxBytes: number;
  /** A datagram whose first fragment is older than this (capture time) is given up. */
  timeoutMs: number;
}

/** Defaults: far more than a real capture needs, small enough for any machine. */
export const DEFAULT_FRAGMENT_LIMITS: FragmentLimits = { maxDatagrams: 4096, maxBytes: 64 * 1024 * 1024, timeoutMs: 30_000 };

/** Largest reassembled IP payload (a non-jumbo datagram's 16-bit length). */
const MAX_DATAGRAM = 65_535;
/** Fragments accepted per datagram (65535 / 8 would be the absolute maximum). */
const MAX_PARTS = 1024;

/** Why a datagram was not reassembled. */
export type FragmentLoss = 'timeout' | 'evicted' | 'incomplete-at-end' | 'invalid';

/** What reassembly did, for the report. */
export interface FragmentStats {
  /** Fragments seen. */
  fragments: number;
  /** Datagrams put back together. */
  reassembled: number;
  /** Datagrams given up, by reason, and the fragments and bytes they held. */
  lost: Record<FragmentLoss, number>;
  lostFragments: number;
  lostBytes: number;
  /** Most datagrams waiting at once. */
  peakWaiting: number;
}

interface Pending {
  firstMs: number;
  parts: { at: number; data: Uint8Array }[];
  bytes: number;
  /** Payload length once the last fragment (more-fragments clear) is seen; -1 before. */
  total: number;
}

/** Reassembles fragments keyed by (addresses, id, protocol); returns the payload when complete. */
export class FragmentReassembler {
  private readonly pending = new Map<string, Pending>();
  private heldBytes = 0;
  readonly stats: FragmentStats = {
    fragments: 0,
    reassembled: 0,
    lost: { timeout: 0, evicted: 0, 'incomplete-at-end': 0, invalid: 0 },
    lostFragments: 0,
    lostBytes: 0,
    peakWaiting: 0,
  };

  constructor(private readonly limits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS) {}

  /** Datagrams waiting now. */
  get waiting(): number {
    return this.pending.size;
  }

  /**
   * Adds the fragment at byte `at` of datagram `key` (data is copied); returns the whole payload when
   * this fragment completes it, else null.
   */
  add(key: string, timeMs: number, at: number, more: boolean, data: Uint8Array): Uint8Array | null {
    this.stats.fragments += 1;
    this.expire(timeMs);
    if (at + data.byteLength > MAX_DATAGRAM || (more && data.byteLength % 8 !== 0) || (more && data.byteLength === 0)) {
      // Too long for any datagram, or a middle fragment not a multiple of 8: a damaged or hostile packet.
      const p = this.pending.get(key);
      if (p) this.drop(key, p, 'invalid');
      this.countLoss('invalid', 1, data.byteLength);
      return null;
    }
    let p = this.pending.get(key);
    if (!p) {
      p = { firstMs: timeMs, parts: [], bytes: 0, total: -1 };
      this.pending.set(key, p);
      if (this.pending.size > this.stats.peakWaiting) this.stats.peakWaiting = this.pending.size;
    }
    if (p.parts.length >= MAX_PARTS || (!more && p.total !== -1 && p.total !== at + data.byteLength)) {
      this.drop(key, p, 'invalid');
      this.countLoss('invalid', 1, data.byteLength);
      return null;
    }
    p.parts.push({ at, data: data.slice() });
    p.bytes += data.byteLength;
    this.heldBytes += data.byteLength;
    if (!more) p.total = at + data.byteLength;
    const whole = p.total >= 0 ? assemble(p) : null;
    if (whole) {
      this.pending.delete(key);
      this.heldBytes -= p.bytes;
      this.stats.reassembled += 1;
      return whole;
    }
    this.enforceLimits();
    return null;
  }

  /** Gives up every datagram still waiting (the capture ended). */
  finish(): void {
    for (const [key, p] of this.pending) this.drop(key, p, 'incomplete-at-end');
  }

  private expire(nowMs: number): void {
    // Map order is arrival order, so the oldest come first.
    for (const [key, p] of this.pending) {
      if (nowMs - p.firstMs <= this.limits.timeoutMs) break;
      this.drop(key, p, 'timeout');
    }
  }

  private enforceLimits(): void {
    // Oldest first; the datagram just added goes too if it alone is over the byte cap.
    for (const [key, p] of this.pending) {
      if (this.pending.size <= this.limits.maxDatagrams && this.heldBytes <= this.limits.maxBytes) return;
      this.drop(key, p, 'evicted');
    }
  }

  private drop(key: string, p: Pending, reason: FragmentLoss): void {
    this.pending.delete(key);
    this.heldBytes -= p.bytes;
    this.countLoss(reason, p.parts.length, p.bytes);
  }

  private countLoss(reason: FragmentLoss, fragments: number, bytes: number): void {
    this.stats.lost[reason] += 1;
    this.stats.lostFragments += fragments;
    this.stats.lostBytes += bytes;
  }
}

/** The payload when the parts cover 0..total without a hole, else null. Later parts win overlaps. */
function assemble(p: Pending): Uint8Array | null {
  const parts = p.parts.slice().sort((a, b) => a.at - b.at);
  let covered = 0;
  for (const part of parts) {
    if (part.at > covered) return null;
    covered = Math.max(covered, part.at + part.data.byteLength);
  }
  if (covered < p.total) return null;
  const out = new Uint8Array(p.total);
  for (const part of p.parts) out.set(part.data.subarray(0, Math.max(0, Math.min(part.data.byteLength, p.total - part.at))), part.at);
  return out;
}
