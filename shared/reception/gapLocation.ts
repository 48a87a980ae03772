/**
 * Where the packets went missing, gap by gap: the socket's view and the wire view beside it (the
 * same flow captured on the interface, electron/wire) compared over each stretch that ends with a
 * gap (from the end of the previous gap to the end of this one, the stretch Gap.socketDrops
 * counts), with the kernel's count of the socket's buffer drops. What the socket missed and the
 * wire did not see either never reached this machine; what the wire saw and the kernel counted as
 * buffer drops was dropped in the socket's buffer; the rest reached the network card and was lost
 * on this machine otherwise (a firewall, a checksum, routing).
 *
 * Matched by the payload's sequence numbers where the format has per-datagram ones (exact: the
 * two views' sets of numbers are compared), otherwise by counts between the gaps' ends (about:
 * the wire stamps a datagram when the card hands it over, the socket when Gapscope reads it). The
 * kernel's count, read when a gap closes, may run ahead of the datagrams Gapscope has read, so
 * the drops not matched yet carry over to the next gaps. The
 * wire view reads its engine in blocks (up to 1 s late), so a gap is located once the wire view
 * has passed its end, or when the stream stops. Pure: the receiver worker drives it.
 */
import type { FormatName } from '../decoders/types';
import { PacketFlags } from '../decoders/types';
import type { Gap, GapLocation } from './types';

/** Formats whose sequence number counts datagrams one by one (GDL90's is a clock, MAVLink's is per link). */
const PER_DATAGRAM: ReadonlySet<FormatName> = new Set(['iperf2', 'iperf3', 'rtp', 'seq', 'field']);
/** Verdicts whose number is not a datagram's own. */
const NOT_COUNTED = PacketFlags.malformed | PacketFlags.ignored | PacketFlags.afterEnd | PacketFlags.duplicate;
/** Socket arrivals remembered to find a gap's boundaries (a gap the detector settles late, the wire's first datagram). */
const RING = 1 << 16;
/** Ranges of sequence numbers kept per view (a long stretch with many small holes): past it the older half is forgotten, and the stretch is matched by counts. */
const MAX_RANGES = 100_000;
/** A gap the wire view has not passed after this long is located with what it has (its engine's read timeout is 1 s at most). */
export const WIRE_LAG_MS = 3000;

/** A set of integers kept as sorted inclusive ranges: a flow with few holes costs a few ranges. */
export class SequenceSet {
  private starts: number[] = [];
  private ends: number[] = [];

  /** How many ranges it holds. */
  get ranges(): number {
    return this.starts.length;
  }

  /** Adds one number. */
  add(x: number): void {
    const n = this.ends.length;
    if (n > 0 && x === this.ends[n - 1]! + 1) {
      this.ends[n - 1] = x;
      return;
    }
    if (n === 0 || x > this.ends[n - 1]! + 1) {
      this.starts.push(x);
      this.ends.push(x);
      return;
    }
    // First range whose end is >= x - 1.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! < x - 1) lo = mid + 1;
      else hi = mid;
    }
    if (this.starts[lo]! <= x && x <= this.ends[lo]!) return;
    if (x === this.ends[lo]! + 1) {
      this.ends[lo] = x;
      if (lo + 1 < n && this.starts[lo + 1] === x + 1) {
        this.ends[lo] = this.ends[lo + 1]!;
        this.starts.splice(lo + 1, 1);
        this.ends.splice(lo + 1, 1);
      }
    } else if (x === this.starts[lo]! - 1) this.starts[lo] = x;
    else {
      this.starts.splice(lo, 0, x);
      this.ends.splice(lo, 0, x);
    }
  }

  /** Whether it holds x (binary search over the ranges). */
  has(x: number): boolean {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.ends.length && this.starts[lo]! <= x;
  }

  /** How many numbers in (lo, hi] it holds. */
  countIn(lo: number, hi: number): number {
    let n = 0;
    for (let i = 0; i < this.starts.length; i++) {
      const a = Math.max(this.starts[i]!, lo + 1);
      const b = Math.min(this.ends[i]!, hi);
      if (b >= a) n += b - a + 1;
    }
    return n;
  }

  /** How many numbers in (lo, hi] it holds that `other` does not. */
  countNotIn(other: SequenceSet, lo: number, hi: number): number {
    return this.countIn(lo, hi) - intersection(this, other, lo, hi);
  }

  /** The first number of the k-th range (0-based), or null. */
  startOf(k: number): number | null {
    return k < this.starts.length ? this.starts[k]! : null;
  }

  /** The smallest number held, or null. */
  get first(): number | null {
    return this.starts.length ? this.starts[0]! : null;
  }

  /** Forgets every number <= x. */
  forgetUpTo(x: number): void {
    let k = 0;
    while (k < this.ends.length && this.ends[k]! <= x) k++;
    this.starts.splice(0, k);
    this.ends.splice(0, k);
    if (this.starts.length && this.starts[0]! <= x) this.starts[0] = x + 1;
  }

  /** Forgets everything. */
  clear(): void {
    this.starts = [];
    this.ends = [];
  }

  /** The ranges, for intersection. */
  rangesIn(): { starts: readonly number[]; ends: readonly number[] } {
    return { starts: this.starts, ends: this.ends };
  }
}

function intersection(a: SequenceSet, b: SequenceSet, lo: number, hi: number): number {
  const x = a.rangesIn();
  const y = b.rangesIn();
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < x.starts.length && j < y.starts.length) {
    const s = Math.max(x.starts[i]!, y.starts[j]!, lo + 1);
    const e = Math.min(x.ends[i]!, y.ends[j]!, hi);
    if (e >= s) n += e - s + 1;
    if (x.ends[i]! < y.ends[j]!) i++;
    else j++;
  }
  return n;
}

interface Pending {
  gap: Gap;
  /** Sequence range of the stretch, (lo, hi]; null: match by counts. */
  lo: number | null;
  hi: number | null;
  /** Socket ordinals of the stretch's first datagram (null: the first stretch, counted from the wire's first datagram) and of the gap's first datagram after it. */
  startOrdinal: number | null;
  endOrdinal: number;
  /** The gap ends with the datagram at which the sender's count started again: its stretch is the old run, counted up to the wire's own restart. */
  restart?: boolean;
}

/** Compares the socket with the wire view beside it and fills each gap's `location`. */
export class GapLocator {
  private readonly socketSeqs = new SequenceSet();
  private readonly wireSeqs = new SequenceSet();
  private readonly pending: Pending[] = [];
  // Recent socket arrivals: time, sequence (NaN without), highest sequence before it (NaN without).
  private readonly ringAt = new Float64Array(RING);
  private readonly ringSeq = new Float64Array(RING);
  private readonly ringMaxBefore = new Float64Array(RING);
  private readonly ringRestart = new Uint8Array(RING);
  /** Restarts the wire's decoder has seen, the wire's count with the datagram of the latest, and restarts whose gap was located. */
  private wireRestarts = 0;
  private wireAtRestart = 0;
  private restartsLocated = 0;
  private socketOrdinal = 0;
  private socketMax = Number.NaN;
  /** Where the next stretch's sequence range starts ((lo, …]); null until known or after a restart. */
  private nextLo: number | null = null;
  /** Numbers below this were forgotten to bound memory: a stretch reaching below it is matched by counts. */
  private forgotBelow = Number.NEGATIVE_INFINITY;

  constructor(private readonly maxRanges = MAX_RANGES) {}
  private prevEndOrdinal: number | null = null;
  private wireCount = 0;
  private wireFirstAt: number | null = null;
  /** The wire's count when it passed the previous located gap's end. */
  private wireAtPrevEnd = 0;
  private wireRunning = true;
  /** Buffer drops the kernel counted that no datagram seen on the wire has been matched with yet. */
  private dropsUnmatched = 0;
  private located: { startMs: number; location: GapLocation }[] = [];

  /** The gaps located since the previous call, for the next delta. */
  takeLocated(): { startMs: number; location: GapLocation }[] {
    const out = this.located;
    this.located = [];
    return out;
  }

  /** One datagram the socket read (from the socket monitor's onDecoded). */
  onSocketPacket(atMs: number, sequence: number | null, flags: number, format: FormatName): void {
    const i = this.socketOrdinal % RING;
    this.ringAt[i] = atMs;
    this.ringMaxBefore[i] = this.socketMax;
    this.ringSeq[i] = Number.NaN;
    this.ringRestart[i] = flags & PacketFlags.restart ? 1 : 0;
    this.socketOrdinal += 1;
    if (flags & PacketFlags.restart) this.restart();
    if (sequence === null || !PER_DATAGRAM.has(format) || flags & NOT_COUNTED) return;
    this.ringSeq[i] = sequence;
    if (this.nextLo === null) this.nextLo = sequence - 1;
    if (!(sequence <= this.socketMax)) this.socketMax = sequence;
    this.socketSeqs.add(sequence);
    if (this.socketSeqs.ranges > this.maxRanges) this.forgetOlder(this.socketSeqs);
  }

  /** One datagram the wire view saw (from the wire monitor's onDecoded); locates the gaps it has passed. */
  onWirePacket(atMs: number, sequence: number | null, flags: number, format: FormatName): void {
    const seq = sequence === null || !PER_DATAGRAM.has(format) || flags & NOT_COUNTED ? null : sequence;
    // By number, a gap is passed once the wire sees a number after its stretch (the wire's clock and
    // the socket's may differ by a few ms); by counts, once the wire's clock passes its end.
    // The wire's own restart ends the old run's stretch: its count so far, this datagram included.
    if (flags & PacketFlags.restart) {
      this.wireRestarts += 1;
      this.wireAtRestart = this.wireCount + 1;
    }
    for (let p = this.pending[0]; p; p = this.pending[0]) {
      if (!(p.restart ? this.wireRestarts > this.restartsLocated : p.hi !== null ? seq !== null && seq > p.hi : p.gap.endMs <= atMs)) break;
      this.locate(this.pending.shift()!);
    }
    if (this.wireFirstAt === null) this.wireFirstAt = atMs;
    this.wireCount += 1;
    if (flags & PacketFlags.restart) this.wireSeqs.clear();
    if (seq === null) return;
    this.wireSeqs.add(seq);
    if (this.wireSeqs.ranges > this.maxRanges) this.forgetOlder(this.wireSeqs);
  }

  /** A gap the socket's monitor just closed (after the kernel's drops are on it). */
  onSocketGap(gap: Gap): void {
    if (!this.wireRunning) return;
    const end = this.findArrival(gap.endMs);
    if (end === null) return this.skipStretch();
    const k = end % RING;
    const seq = this.ringSeq[k]!;
    const maxBefore = this.ringMaxBefore[k]!;
    const p: Pending = { gap, lo: null, hi: null, startOrdinal: this.prevEndOrdinal, endOrdinal: end };
    if (this.ringRestart[k]) {
      // Matched by counts up to the wire's restart (the numbers began again); when the wire is there already, now.
      p.restart = true;
      this.prevEndOrdinal = end;
      this.pending.push(p);
      if (this.wireRestarts > this.restartsLocated) while (this.pending.length) this.locate(this.pending.shift()!);
      return;
    }
    if (this.nextLo !== null && !Number.isNaN(seq)) {
      const hi = Math.max(Number.isNaN(maxBefore) ? seq - 1 : maxBefore, seq - 1);
      if (hi >= this.nextLo) {
        p.lo = this.nextLo;
        p.hi = hi;
      }
    }
    if (p.hi !== null) this.nextLo = p.hi;
    this.prevEndOrdinal = end;
    this.pending.push(p);
  }

  /** Locates the gaps the wire view is too far behind on (call now and then with the stream's time). */
  tick(nowMs: number): void {
    while (this.pending.length && this.pending[0]!.gap.endMs < nowMs - WIRE_LAG_MS) this.locate(this.pending.shift()!);
  }

  /** The wire view has ended (stopped or failed): locates what is pending with what it saw, and no more. */
  finish(): void {
    while (this.pending.length) this.locate(this.pending.shift()!);
    this.wireRunning = false;
  }

  private locate(p: Pending): void {
    let missed: number;
    let onWire: number;
    let matchedBy: GapLocation['matchedBy'];
    if (p.lo !== null && p.hi !== null && p.lo + 1 >= this.forgotBelow) {
      // Counted from the wire's first datagram: before it, the wire was not watching yet.
      const wireFirst = this.wireSeqs.first;
      const lo = wireFirst === null ? p.hi : Math.max(p.lo, wireFirst - 1);
      missed = Math.max(0, p.hi - lo - this.socketSeqs.countIn(lo, p.hi));
      onWire = Math.min(missed, this.wireSeqs.countNotIn(this.socketSeqs, lo, p.hi));
      matchedBy = 'sequence';
      this.socketSeqs.forgetUpTo(p.hi);
      this.wireSeqs.forgetUpTo(p.hi);
    } else {
      const atRestart = p.restart && this.wireRestarts > this.restartsLocated;
      const wireInStretch = (atRestart ? this.wireAtRestart : this.wireCount) - this.wireAtPrevEnd;
      const start = p.startOrdinal ?? (this.wireFirstAt !== null ? this.firstArrivalFrom(this.wireFirstAt) : null) ?? 0;
      // The wire's stretch ends with the gap's first datagram (stamped before the gap's end) and the
      // previous one's is in the previous stretch; the socket's starts with it: the first has one more.
      const socketInStretch = p.endOrdinal - Math.min(start, p.endOrdinal) + (p.startOrdinal === null ? 1 : 0);
      missed = Math.max(0, wireInStretch - socketInStretch);
      onWire = missed;
      matchedBy = 'time';
    }
    this.wireAtPrevEnd = p.restart && this.wireRestarts > this.restartsLocated ? this.wireAtRestart : this.wireCount;
    if (p.restart) this.restartsLocated = Math.min(this.wireRestarts, this.restartsLocated + 1);
    // The kernel's counter is read at a time, the stretch ends at a datagram: when Gapscope reads
    // behind (a burst, a stall), drops counted at this gap belong to datagrams of the next stretches.
    // So the drops not yet matched carry over.
    this.dropsUnmatched += Math.max(0, p.gap.socketDrops ?? 0);
    const socketBuffer = Math.min(onWire, this.dropsUnmatched);
    this.dropsUnmatched -= socketBuffer;
    const afterWire = onWire - socketBuffer;
    const beforeWire = missed - onWire;
    // A restart's stretch was counted up to the wire's own restart: nothing missed means nothing missed, not a silence on the wire.
    const where = p.restart && missed === 0 ? 'none' : whereLost(matchedBy, missed, beforeWire, socketBuffer, afterWire);
    p.gap.location = { where, matchedBy, missed, beforeWire, socketBuffer, afterWire };
    this.located.push({ startMs: p.gap.startMs, location: p.gap.location });
  }

  /** Forgets the older half of a set's ranges, in both views. */
  private forgetOlder(set: SequenceSet): void {
    const cut = set.startOf(set.ranges >> 1)!;
    this.socketSeqs.forgetUpTo(cut - 1);
    this.wireSeqs.forgetUpTo(cut - 1);
    this.forgotBelow = Math.max(this.forgotBelow, cut);
  }

  private restart(): void {
    this.socketSeqs.clear();
    this.wireSeqs.clear();
    this.socketMax = Number.NaN;
    this.nextLo = null;
  }

  /** A gap whose end is no longer remembered: the next stretch starts afresh. */
  private skipStretch(): void {
    this.prevEndOrdinal = null;
    this.nextLo = null;
  }

  /** The socket ordinal of the arrival at exactly atMs, if still remembered. */
  private findArrival(atMs: number): number | null {
    const oldest = Math.max(0, this.socketOrdinal - RING);
    for (let o = this.socketOrdinal - 1; o >= oldest; o--) {
      const t = this.ringAt[o % RING]!;
      if (t === atMs) return o;
      if (t < atMs) return null;
    }
    return null;
  }

  /** The ordinal of the first remembered arrival at or after atMs. */
  private firstArrivalFrom(atMs: number): number | null {
    const oldest = Math.max(0, this.socketOrdinal - RING);
    if (this.socketOrdinal === 0 || this.ringAt[oldest % RING]! > atMs) return oldest === 0 ? 0 : null;
    for (let o = this.socketOrdinal - 1; o >= oldest; o--) if (this.ringAt[o % RING]! < atMs) return o + 1;
    return oldest;
  }
}

function whereLost(matchedBy: GapLocation['matchedBy'], missed: number, beforeWire: number, socketBuffer: number, afterWire: number): GapLocation['where'] {
  // By counts, a wire that saw no more than the socket says nothing reached this machine unseen.
  if (missed === 0) return matchedBy === 'sequence' ? 'none' : 'before-wire';
  const parts = [beforeWire > 0, socketBuffer > 0, afterWire > 0].filter(Boolean).length;
  if (parts > 1) return 'mixed';
  if (beforeWire > 0) return 'before-wire';
  return socketBuffer > 0 ? 'socket-buffer' : 'after-wire';
}

/** A location's short label, as the gap table, the exports and the CLI print it. */
export function gapLocationText(l: GapLocation): string {
  switch (l.where) {
    case 'none':
      return 'nothing lost';
    case 'before-wire':
      return 'never reached this machine';
    case 'socket-buffer':
      return 'dropped in this machine\u2019s receive buffer';
    case 'after-wire':
      return 'reached the network card, lost on this machine';
    case 'mixed':
      return 'partly before this machine, partly on it';
  }
}

/** The sentence behind the label, with the numbers. */
export function gapLocationHint(l: GapLocation): string {
  const n = (k: number): string => `${l.matchedBy === 'time' ? 'about ' : ''}${k.toLocaleString('en-US')}`;
  const since = 'since the previous gap';
  switch (l.where) {
    case 'none':
      return 'The sequence numbers show nothing missing: the wire view and the socket saw the same datagrams.';
    case 'before-wire':
      return l.missed === 0
        ? 'The wire view saw nothing that the socket missed: what did not arrive never reached this machine\u2019s network card (the network, the Wi-Fi or the sender).'
        : `The socket missed ${n(l.missed)} datagrams ${since} and the wire view saw none of them: they never reached this machine (lost on the network, the Wi-Fi or in the sender).`;
    case 'socket-buffer':
      return `${n(l.socketBuffer)} datagrams ${since} reached the network card (the wire view saw them) and the kernel counted them dropped in the socket\u2019s full receive buffer: a larger buffer, or reading faster, keeps them.`;
    case 'after-wire':
      return `The wire view saw ${n(l.afterWire)} datagrams ${since} that the socket never got, and the kernel counted no buffer drops for them: lost on this machine between the network card and the socket (a firewall, a checksum, routing).`;
    case 'mixed':
      return `The socket missed ${n(l.missed)} datagrams ${since}: ${n(l.beforeWire)} never reached this machine, ${n(l.socketBuffer)} were dropped in its receive buffer (counted by the kernel), ${n(l.afterWire)} reached the network card and were lost on this machine otherwise.`;
  }
}
