/**
 * The throughput history of one stream: packets, bytes and lost packets per time bin, at full
 * detail for the recent past and at coarser levels further back, so that memory stays bounded over
 * any duration and a chart of hours reads a coarse level instead of millions of bins. Each coarse
 * bin keeps its totals and the fewest and most bytes (and most lost) of one full-detail bin inside
 * it, so a dip to zero or a burst stays visible however far out one zooms.
 *
 * Pure, and the only copy: the receiver worker, the offline import and sessions build it from
 * packets; the renderer builds it from the monitor's deltas (full-detail bins only) and snapshots,
 * aggregating the coarse levels with this same code, so the two copies cannot disagree.
 */
import { GapscopeError } from '../errors';
import type { BinSeries, CoarseLevelSnapshot, HistorySnapshot } from './types';

/** How many times wider each level's bins are than the level below's. */
export const HISTORY_FACTOR = 4;
/** Bins each level keeps: 5 min 28 s of full detail at 10 ms bins (54 min at 100 ms), each coarser level 4 times longer. */
export const LEVEL_BINS = 32_768;
/**
 * A coarser level is made once the coarsest holds more than LEVEL_BINS / COARSEST_SHARE bins (4096),
 * long before it would drop any: so the whole history at N points reads at most max(4096, 4 × N) bins.
 */
const COARSEST_SHARE = 8;
/** Levels at most: the coarsest then spans 32,768 × 4^9 full-detail bins (2.7 years at 10 ms, 27 years at 100 ms). */
export const MAX_LEVELS = 10;

/** Sizes for tests that need levels to fill quickly; the defaults serve the app. */
export interface HistoryOptions {
  /** Bins kept per level (rounded up to a power of two, at least 8). */
  levelBins?: number;
  maxLevels?: number;
}

/** One level as a chart's legend or a test describes it. */
export interface HistoryLevel {
  level: number;
  binMs: number;
  /** Start of the oldest bin the level still holds, ms since the stream started. */
  startMs: number;
  /** End of its newest bin. */
  endMs: number;
  bins: number;
}

/**
 * Bins of one level for a stretch of time, as a chart draws them and an export writes them. Each
 * answered bin is `binMs` wide and starts at a multiple of it, except where the history begins or
 * ends inside it (`durationMs` says how much time it covers: rate = bytes / durationMs).
 */
export interface HistoryBins {
  /** The level read: 0 is full detail, each next one HISTORY_FACTOR times coarser. */
  level: number;
  binMs: number;
  /** Width of the full-detail bins that minBytes, maxBytes and maxLost count in, ms. */
  detailMs: number;
  startMs: number[];
  durationMs: number[];
  packets: number[];
  bytes: number[];
  /** Packets lost by sequence number, counted in the bin of the packet that revealed them. */
  lost: number[];
  /** The fewest bytes in one complete full-detail bin inside (the dip a wide bin would hide). */
  minBytes: number[];
  /** The most bytes in one complete full-detail bin inside (the burst). */
  maxBytes: number[];
  /** The most packets lost in one complete full-detail bin inside. */
  maxLost: number[];
}

// A coarse bin with no complete full-detail bin yet has no minimum and no maximum.
const NO_MIN = Number.POSITIVE_INFINITY;
const NO_MAX = -1;
// Below this, bin indices take the fast integer path (at 10 ms bins, the first 248 days).
const SMALL = 2 ** 31;

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * One level: bins [first, end) by absolute index, in typed arrays used as a ring. A coarse bin
 * holds the complete bins of the level below inside it: the newest bin of each level takes in the
 * newest of the level below only when that one is complete (ThroughputHistory.newestOf adds it
 * when read), so that a packet costs one write and a full-detail bin about one step up.
 */
class Level {
  first = 0;
  end = 0;
  packets: Float64Array;
  bytes: Float64Array;
  lost: Float64Array;
  minBytes: Float64Array;
  maxBytes: Float64Array;
  maxLost: Float64Array;
  /** Full-detail bins per bin of this level: HISTORY_FACTOR to the power of the level. */
  readonly span: number;
  readonly coarse: boolean;
  private mask: number;

  constructor(
    /** log2 of span. */
    readonly shift: number,
    readonly binMs: number,
    readonly capacity: number,
    size = Math.min(capacity, 64),
  ) {
    this.span = 2 ** shift;
    this.coarse = shift > 0;
    const n = powerOfTwoAtLeast(size);
    this.mask = n - 1;
    this.packets = new Float64Array(n);
    this.bytes = new Float64Array(n);
    this.lost = new Float64Array(n);
    this.minBytes = new Float64Array(this.coarse ? n : 0);
    this.maxBytes = new Float64Array(this.coarse ? n : 0);
    this.maxLost = new Float64Array(this.coarse ? n : 0);
  }

  /** The bin of this level that holds full-detail bin i. */
  up(i: number): number {
    return i < SMALL ? i >> this.shift : Math.floor(i / this.span);
  }

  /** How many bins of this level full-detail bins [0, end) reach into. */
  upEnd(end: number): number {
    return end + this.span < SMALL ? (end + this.span - 1) >> this.shift : Math.ceil(end / this.span);
  }

  slot(i: number): number {
    return i < SMALL ? i & this.mask : i % this.packets.length;
  }

  has(i: number): boolean {
    return i >= this.first && i < this.end;
  }

  /** Makes room for `count` bins from `first` on, keeping the bins already held. */
  reserve(count: number): void {
    if (count <= this.packets.length) return;
    const size = powerOfTwoAtLeast(count);
    const grow = (a: Float64Array): Float64Array => {
      if (a.length === 0) return a;
      const b = new Float64Array(size);
      for (let i = this.first; i < this.end; i++) b[i % size] = a[this.slot(i)]!;
      return b;
    };
    this.packets = grow(this.packets);
    this.bytes = grow(this.bytes);
    this.lost = grow(this.lost);
    this.minBytes = grow(this.minBytes);
    this.maxBytes = grow(this.maxBytes);
    this.maxLost = grow(this.maxLost);
    this.mask = size - 1;
  }

  /** Calls fn for the ring's contiguous pieces that hold bins [from, to). */
  segments(from: number, to: number, fn: (start: number, end: number, offset: number) => void): void {
    let i = from;
    while (i < to) {
      const start = this.slot(i);
      const n = Math.min(to - i, this.packets.length - start);
      fn(start, start + n, i - from);
      i += n;
    }
  }

  /** Bins [from, to) of one of this level's arrays, as a plain array. */
  read(a: Float64Array, from: number, to: number): number[] {
    const n = Math.max(0, to - from);
    const out = new Array<number>(n);
    let s = this.slot(from);
    const size = a.length;
    for (let k = 0; k < n; k++) {
      out[k] = a[s]!;
      if (++s === size) s = 0;
    }
    return out;
  }

  /** Writes values into bins [from, from + values.length) of one of this level's arrays. */
  write(a: Float64Array, from: number, values: readonly number[]): void {
    this.segments(from, from + values.length, (start, end, offset) => a.set(offset === 0 && end - start === values.length ? values : values.slice(offset, offset + end - start), start));
  }

  /** Makes bins [from, to) empty and complete: zero counts, and zero as their min and max. */
  clear(from: number, to: number): void {
    this.segments(from, to, (start, end) => {
      this.packets.fill(0, start, end);
      this.bytes.fill(0, start, end);
      this.lost.fill(0, start, end);
      this.minBytes.fill(0, start, end);
      this.maxBytes.fill(0, start, end);
      this.maxLost.fill(0, start, end);
    });
  }

  /** How many bins from `first` on are complete and empty (never the newest). */
  leadingEmpty(): number {
    let i = this.first;
    while (i < this.end - 1) {
      const t = this.slot(i);
      if (this.packets[t] !== 0 || this.bytes[t] !== 0 || this.lost[t] !== 0 || this.minBytes[t] !== 0 || this.maxBytes[t] !== 0 || this.maxLost[t] !== 0) break;
      i++;
    }
    return i - this.first;
  }

  byteLength(): number {
    return this.packets.byteLength + this.bytes.byteLength + this.lost.byteLength + this.minBytes.byteLength + this.maxBytes.byteLength + this.maxLost.byteLength;
  }
}

/** Feeds packets or the monitor's deltas in; answers charts and exports at any zoom level. */
export class ThroughputHistory {
  private levels: Level[];
  /** Index of the full-detail bin still filling (the newest); every one before it is complete. */
  private open = -1;
  /** The first full-detail bin the history knows (above 0 only after a change of bin width). */
  private startIndex = 0;
  /** Lowest full-detail bin changed since the last takeChanges(). */
  private dirtyFrom = Number.POSITIVE_INFINITY;
  /** Changed bins left the full-detail window before takeChanges() sent them. */
  private changesLost = false;
  private now = 0;
  private readonly levelBins: number;
  /** Bins the coarsest level holds before a coarser one is made (so a whole-history query reads few). */
  private readonly coarsestBins: number;
  private readonly maxLevels: number;

  constructor(
    private width: number,
    options: HistoryOptions = {},
  ) {
    checkWidth(width);
    this.levelBins = powerOfTwoAtLeast(Math.max(HISTORY_FACTOR * 2, options.levelBins ?? LEVEL_BINS));
    this.coarsestBins = Math.max(HISTORY_FACTOR * 2, this.levelBins / COARSEST_SHARE);
    this.maxLevels = Math.max(1, Math.floor(options.maxLevels ?? MAX_LEVELS));
    this.levels = [new Level(0, width, this.levelBins)];
  }

  /** Width of the full-detail bins, ms. */
  get binMs(): number {
    return this.width;
  }

  /** Stream time the history has been advanced to, ms. */
  get nowMs(): number {
    return this.now;
  }

  /** End of the newest bin (the one holding nowMs), ms since the stream started. */
  get endMs(): number {
    return this.levels[0]!.end * this.width;
  }

  /** Start of the oldest time the history knows, ms (0 unless it began at a change of bin width). */
  get startMs(): number {
    return this.startIndex * this.width;
  }

  /** Counts one packet of `size` bytes that arrived at atMs, and `lost` packets its sequence number says were skipped. */
  add(atMs: number, size: number, lost = 0): void {
    if (!Number.isFinite(atMs)) return;
    let i = Math.floor(atMs / this.width);
    if (i < this.startIndex) i = this.startIndex;
    if (i > this.open) this.extendTo(i + 1);
    const d = this.levels[0]!;
    // A packet older than the full-detail window (a capture's clock stepping back) is in the totals only.
    if (i < d.first) return;
    const s = d.slot(i);
    if (i === this.open) {
      d.packets[s]! += 1;
      d.bytes[s]! += size;
      d.lost[s]! += lost;
      if (i < this.dirtyFrom) this.dirtyFrom = i;
    } else {
      this.setDetail(i, d.packets[s]! + 1, d.bytes[s]! + size, d.lost[s]! + lost);
    }
  }

  /** Makes sure bins exist up to the one holding nowMs, so that silence shows as zeros. */
  advanceTo(nowMs: number): void {
    if (!Number.isFinite(nowMs)) return;
    if (nowMs > this.now) this.now = nowMs;
    this.extendTo(Math.floor(nowMs / this.width) + 1);
  }

  /**
   * A live delta's bins: the full-detail bins changed since the last call, always with the one
   * still filling. When some changed bins already left the full-detail window (a silence longer
   * than it came before the call), the whole history instead, with its levels: rare, and exact.
   */
  takeChanges(): BinSeries | HistorySnapshot {
    if (this.changesLost) {
      this.changesLost = false;
      this.dirtyFrom = Number.POSITIVE_INFINITY;
      return this.snapshot();
    }
    const d = this.levels[0]!;
    const from = d.end === d.first ? d.first : Math.max(d.first, Math.min(this.dirtyFrom, d.end - 1));
    this.dirtyFrom = Number.POSITIVE_INFINITY;
    return { binMs: this.width, firstIndex: from, ...this.detailArrays(from) };
  }

  /**
   * Applies a live delta's bins as of nowMs; returns false, changing nothing, for a delta older
   * than the history (sent before a snapshot that already counts it). Bins that carry levels are a
   * whole history and replace this one. A delta of another bin width starts the history anew at
   * that width from the delta's first bin (the older time is unknown, not empty).
   */
  applyChanges(changes: BinSeries | HistorySnapshot, nowMs: number): boolean {
    if (nowMs < this.now) return false;
    if ('levels' in changes && Array.isArray(changes.levels)) {
      this.replaceWith(ThroughputHistory.fromSnapshot(changes, nowMs, { levelBins: this.levelBins, maxLevels: this.maxLevels }));
      return true;
    }
    if (changes.binMs !== this.width) this.restart(changes.binMs, changes.firstIndex);
    const { firstIndex, packets, bytes } = changes;
    const lost = changes.lost && changes.lost.length === packets.length ? changes.lost : null;
    for (let k = 0; k < packets.length; k++) this.setDetail(firstIndex + k, packets[k] ?? 0, bytes[k] ?? 0, lost ? (lost[k] ?? 0) : 0);
    this.now = nowMs;
    return true;
  }

  /** Everything the history holds, every level, for a window that opens late and for saved sessions. */
  snapshot(): HistorySnapshot {
    const d = this.levels[0]!;
    const levels = this.levels.slice(1).map((lv): CoarseLevelSnapshot => {
      // A long silence leaves runs of empty bins; the leading run is saved as a count.
      const empty = lv.leadingEmpty();
      const from = lv.first + empty;
      return {
        binMs: lv.binMs,
        firstIndex: lv.first,
        ...(empty > 0 ? { emptyBins: empty } : {}),
        packets: lv.read(lv.packets, from, lv.end),
        bytes: lv.read(lv.bytes, from, lv.end),
        lost: lv.read(lv.lost, from, lv.end),
        minBytes: lv.read(lv.minBytes, from, lv.end).map((v) => (v === NO_MIN ? NO_MAX : v)),
        maxBytes: lv.read(lv.maxBytes, from, lv.end),
        maxLost: lv.read(lv.maxLost, from, lv.end),
      };
    });
    return { binMs: this.width, firstIndex: d.first, ...this.detailArrays(d.first), startIndex: this.startIndex, levels };
  }

  /**
   * The history a snapshot describes, as of nowMs. Also reads the flat series that snapshots and
   * saved sessions held before levels existed (it is binned anew, within the bounds). Throws a
   * GapscopeError naming the problem when the snapshot is malformed.
   */
  static fromSnapshot(s: HistorySnapshot, nowMs: number, options: HistoryOptions = {}): ThroughputHistory {
    const bad = (why: string): never => {
      throw new GapscopeError('invalid-argument', `The throughput history is malformed: ${why}.`);
    };
    if (!s || typeof s !== 'object') return bad('it is missing');
    if (typeof s.binMs !== 'number' || !(s.binMs > 0) || !Number.isFinite(s.binMs)) return bad(`a bin width of ${String(s.binMs)} ms`);
    checkSeries(s, 'the full-detail bins', bad);
    const h = new ThroughputHistory(s.binMs, options);
    const startIndex = s.startIndex ?? s.firstIndex;
    if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex > s.firstIndex) return bad(`it starts at bin ${String(startIndex)}`);
    if (startIndex > 0) h.restart(s.binMs, startIndex);
    const levels = s.levels ?? [];
    if (!Array.isArray(levels)) return bad('its levels are not a list');
    const lost = s.lost && s.lost.length === s.packets.length ? s.lost : null;
    if (levels.length === 0 && s.packets.length > h.levelBins) {
      // A flat series (or a short history): binned anew through the same code as live packets.
      for (let k = 0; k < s.packets.length; k++) h.setDetail(s.firstIndex + k, s.packets[k]!, s.bytes[k]!, lost ? lost[k]! : 0);
      return h.settled(nowMs);
    }
    if (levels.length + 1 > h.maxLevels) return bad(`${levels.length + 1} levels, more than ${h.maxLevels}`);
    if (s.packets.length === 0) return levels.length === 0 ? h.settled(nowMs) : bad('levels without full-detail bins');
    if (s.packets.length > h.levelBins) return bad(`${s.packets.length} full-detail bins, more than ${h.levelBins}`);
    const d = h.levels[0]!;
    const end0 = s.firstIndex + s.packets.length;
    d.reserve(s.packets.length);
    d.first = s.firstIndex;
    d.end = end0;
    d.write(d.packets, d.first, s.packets);
    d.write(d.bytes, d.first, s.bytes);
    if (lost) d.write(d.lost, d.first, lost);
    h.open = end0 - 1;
    for (const [n, l] of levels.entries()) {
      const shift = 2 * (n + 1);
      const span = 2 ** shift;
      const what = `level ${n + 1}`;
      if (!l || typeof l !== 'object' || l.binMs !== s.binMs * span) return bad(`${what} is not ${s.binMs * span} ms wide`);
      checkSeries(l, what, bad);
      for (const key of ['minBytes', 'maxBytes', 'maxLost'] as const) {
        if (!areCounts(l[key], NO_MAX) || l[key].length !== l.packets.length) return bad(`${what}'s ${key} are not counts`);
      }
      const empty = l.emptyBins ?? 0;
      if (!Number.isInteger(empty) || empty < 0) return bad(`${what} starts with ${String(empty)} empty bins`);
      const held = empty + l.packets.length;
      if (held > h.levelBins) return bad(`${what} holds ${held} bins, more than ${h.levelBins}`);
      const lv = new Level(shift, s.binMs * span, h.levelBins, Math.max(1, held));
      if (l.packets.length === 0 || l.firstIndex + held !== lv.upEnd(end0)) return bad(`${what} does not end where the full-detail bins end`);
      lv.first = l.firstIndex;
      lv.end = l.firstIndex + held;
      lv.clear(lv.first, lv.first + empty);
      const from = lv.first + empty;
      lv.write(lv.packets, from, l.packets);
      lv.write(lv.bytes, from, l.bytes);
      lv.write(lv.lost, from, l.lost);
      lv.write(lv.minBytes, from, l.minBytes.map((v) => (v === NO_MAX ? NO_MIN : v)));
      lv.write(lv.maxBytes, from, l.maxBytes);
      lv.write(lv.maxLost, from, l.maxLost);
      h.levels.push(lv);
    }
    return h.settled(nowMs);
  }

  /** The levels held now, finest first. */
  levelInfo(): HistoryLevel[] {
    return this.levels.map((lv, level) => ({ level, binMs: lv.binMs, startMs: Math.max(lv.first * lv.binMs, this.startMs), endMs: Math.min(lv.end * lv.binMs, this.endMs), bins: lv.end - lv.first }));
  }

  /** The finest level that still holds startMs (the coarsest when none does): where an export of a range starting there reads. */
  levelCovering(startMs: number): number {
    const t = Math.max(startMs, this.startMs);
    for (let k = 0; k < this.levels.length; k++) {
      const lv = this.levels[k]!;
      if (lv.first * lv.binMs <= t) return k;
    }
    return this.levels.length - 1;
  }

  /**
   * The bins between startMs and endMs at about `points` bins (never more than points + 1): the
   * coarsest level at least as fine as the range needs, its bins merged in fixed groups, each bin
   * with its totals and the min and max of the full-detail bins inside. Reads only the bins of the
   * range (at most HISTORY_FACTOR per answered bin), whatever the length of the history.
   */
  query(startMs: number, endMs: number, points: number): HistoryBins {
    const n = Math.max(1, Math.floor(points));
    const target = (endMs - startMs) / n;
    let k = this.levelCovering(startMs);
    if (!(target > 0)) return this.read(k, 1, startMs, endMs);
    while (k + 1 < this.levels.length && this.levels[k + 1]!.binMs <= target) k++;
    const group = Math.max(1, Math.ceil(target / this.levels[k]!.binMs - 1e-9));
    return this.read(k, group, startMs, endMs);
  }

  /** The exact bins of one level that overlap startMs..endMs (a CSV of bins, a report). */
  binsAt(level: number, startMs: number, endMs: number): HistoryBins {
    const k = Math.max(0, Math.min(this.levels.length - 1, Math.floor(level)));
    return this.read(k, 1, startMs, endMs);
  }

  /** Memory the bins take, bytes: bounded by the levels' size whatever the duration. */
  memoryBytes(): number {
    return this.levels.reduce((sum, lv) => sum + lv.byteLength(), 0);
  }

  private settled(nowMs: number): this {
    if (nowMs > this.now) this.now = nowMs;
    this.dirtyFrom = Number.POSITIVE_INFINITY;
    this.changesLost = false;
    return this;
  }

  private read(k: number, group: number, startMs: number, endMs: number): HistoryBins {
    const lv = this.levels[k]!;
    const d = this.levels[0]!;
    const known = Math.max(lv.first, lv.up(this.startIndex));
    const lo = Math.max(known, Math.floor(startMs / lv.binMs));
    const hi = Math.min(lv.end, Math.ceil(endMs / lv.binMs));
    const a0 = Math.floor(lo / group) * group;
    const n = hi > lo && endMs > startMs ? Math.ceil((hi - a0) / group) : 0;
    const out: HistoryBins = { level: k, binMs: lv.binMs * group, detailMs: this.width, startMs: new Array<number>(n), durationMs: new Array<number>(n), packets: new Array<number>(n), bytes: new Array<number>(n), lost: new Array<number>(n), minBytes: new Array<number>(n), maxBytes: new Array<number>(n), maxLost: new Array<number>(n) };
    const dataStart = this.startMs;
    const dataEnd = d.end * this.width;
    const newest = lv.end - 1;
    const mins = lv.coarse ? lv.minBytes : lv.bytes;
    const maxs = lv.coarse ? lv.maxBytes : lv.bytes;
    const maxLosts = lv.coarse ? lv.maxLost : lv.lost;
    for (let g = 0; g < n; g++) {
      const a = a0 + g * group;
      const from = Math.max(a, lo);
      const to = Math.min(a + group, hi);
      let packets = 0;
      let bytes = 0;
      let lost = 0;
      let min = NO_MIN;
      let max = NO_MAX;
      let maxLost = NO_MAX;
      const upTo = Math.min(to, newest);
      for (let i = from; i < upTo; i++) {
        const t = lv.slot(i);
        packets += lv.packets[t]!;
        bytes += lv.bytes[t]!;
        lost += lv.lost[t]!;
        if (mins[t]! < min) min = mins[t]!;
        if (maxs[t]! > max) max = maxs[t]!;
        if (maxLosts[t]! > maxLost) maxLost = maxLosts[t]!;
      }
      if (to > newest) {
        const v = this.newestOf(k);
        packets += v.packets;
        bytes += v.bytes;
        lost += v.lost;
        if (v.minBytes < min) min = v.minBytes;
        if (v.maxBytes > max) max = v.maxBytes;
        if (v.maxLost > maxLost) maxLost = v.maxLost;
      }
      if (max === NO_MAX) {
        // Only the bin still filling is inside: it is its own minimum and maximum.
        min = bytes;
        max = bytes;
        maxLost = lost;
      }
      const t0 = Math.max(from * lv.binMs, dataStart);
      out.startMs[g] = t0;
      out.durationMs[g] = Math.max(0, Math.min(to * lv.binMs, dataEnd) - t0);
      out.packets[g] = packets;
      out.bytes[g] = bytes;
      out.lost[g] = lost;
      out.minBytes[g] = min;
      out.maxBytes[g] = max;
      out.maxLost[g] = maxLost;
    }
    return out;
  }

  // The newest bin of level k as a whole: what it holds plus the newest bin of each level below,
  // which it takes in only when they are complete. The bin still filling has no min or max yet.
  private newestOf(k: number): Aggregate {
    const d = this.levels[0]!;
    const s = d.slot(d.end - 1);
    const total: Aggregate = { packets: d.packets[s]!, bytes: d.bytes[s]!, lost: d.lost[s]!, minBytes: NO_MIN, maxBytes: NO_MAX, maxLost: NO_MAX };
    for (let level = 1; level <= k; level++) {
      const lv = this.levels[level]!;
      if (lv.end > lv.first) addTo(total, valueOf(lv, lv.end - 1));
    }
    return total;
  }

  private detailArrays(from: number): { packets: number[]; bytes: number[]; lost: number[] } {
    const d = this.levels[0]!;
    return { packets: d.read(d.packets, from, d.end), bytes: d.read(d.bytes, from, d.end), lost: d.read(d.lost, from, d.end) };
  }

  private replaceWith(h: ThroughputHistory): void {
    this.width = h.width;
    this.levels = h.levels;
    this.open = h.open;
    this.startIndex = h.startIndex;
    this.dirtyFrom = h.dirtyFrom;
    this.now = h.now;
    this.changesLost = false;
  }

  // Starts over at another width from bin `from` on: the old bins cannot be split or merged into the new ones exactly.
  private restart(width: number, from: number): void {
    checkWidth(width);
    this.width = width;
    const d = new Level(0, width, this.levelBins);
    d.first = d.end = Math.max(0, Math.floor(from));
    this.levels = [d];
    this.startIndex = d.first;
    this.open = -1;
    this.dirtyFrom = Number.POSITIVE_INFINITY;
  }

  // Sets full-detail bin i; a complete one carries the change up at once.
  private setDetail(i: number, packets: number, bytes: number, lost: number): void {
    if (i < this.startIndex) return;
    if (i > this.open) this.extendTo(i + 1);
    const d = this.levels[0]!;
    if (i < d.first) return;
    const s = d.slot(i);
    const dp = packets - d.packets[s]!;
    const db = bytes - d.bytes[s]!;
    const dl = lost - d.lost[s]!;
    if (dp === 0 && db === 0 && dl === 0) return;
    d.packets[s] = packets;
    d.bytes[s] = bytes;
    d.lost[s] = lost;
    if (i < this.dirtyFrom) this.dirtyFrom = i;
    if (i < this.open) this.carryChange(i, dp, db, dl);
  }

  // A complete full-detail bin changed (a packet out of order): every complete bin above it that
  // has taken it in takes the change, and its min and max are taken anew from the level below.
  private carryChange(i: number, dp: number, db: number, dl: number): void {
    let child = i;
    for (let k = 1; k < this.levels.length; k++) {
      const below = this.levels[k - 1]!;
      const lv = this.levels[k]!;
      // The newest bin of a level is not in the level above yet.
      if (child >= below.end - 1) return;
      const j = Math.floor(child / HISTORY_FACTOR);
      if (!lv.has(j)) return;
      const t = lv.slot(j);
      lv.packets[t]! += dp;
      lv.bytes[t]! += db;
      lv.lost[t]! += dl;
      const bin: Aggregate = { packets: 0, bytes: 0, lost: 0, minBytes: NO_MIN, maxBytes: NO_MAX, maxLost: NO_MAX };
      const to = Math.min(below.end - 1, (j + 1) * HISTORY_FACTOR);
      for (let c = Math.max(below.first, j * HISTORY_FACTOR); c < to; c++) addTo(bin, valueOf(below, c));
      lv.minBytes[t] = bin.minBytes;
      lv.maxBytes[t] = bin.maxBytes;
      lv.maxLost[t] = bin.maxLost;
      child = j;
    }
  }

  /**
   * Adds empty full-detail bins up to index end (exclusive). The bin that was filling is complete
   * now and goes into its level-1 bin; a level's bin goes into the level above only when it is
   * complete too, so each full-detail bin costs about one step up, not one per level. A coarser
   * level is made whenever the coarsest one would have to drop bins.
   */
  private extendTo(end: number): void {
    const d = this.levels[0]!;
    if (end <= d.end) return;
    let closing: Aggregate | null = null;
    let belowOld = 0;
    let belowNew = 0;
    for (let k = 0; k < this.levels.length; k++) {
      const lv = this.levels[k]!;
      const oldEnd = lv.end;
      const newEnd = k === 0 ? end : Math.ceil(belowNew / HISTORY_FACTOR);
      if (k > 0) {
        // The newest bin of the level below is complete: it goes into its bin here.
        const j = Math.floor((belowOld - 1) / HISTORY_FACTOR);
        if (closing && lv.has(j)) addTo(lv, closing, lv.slot(j));
        // So are the empty bins added below, but the newest: the bin here that gets some holds a zero now.
        const last = oldEnd - 1;
        if (lv.has(last) && belowOld < Math.min((last + 1) * HISTORY_FACTOR, belowNew - 1)) addTo(lv, ZERO, lv.slot(last));
      }
      if (newEnd <= oldEnd) break;
      closing = lv.has(oldEnd - 1) ? valueOf(lv, oldEnd - 1) : null;
      if (k === this.levels.length - 1 && this.levels.length < this.maxLevels && newEnd - lv.first > this.coarsestBins) this.levels.push(this.coarserThan(lv));
      this.extendLevel(lv, newEnd, belowNew);
      belowOld = oldEnd;
      belowNew = newEnd;
    }
    this.open = end - 1;
  }

  // A new coarsest level, from the complete bins of the current coarsest one (which never dropped a bin).
  private coarserThan(lv: Level): Level {
    const F = HISTORY_FACTOR;
    const shift = lv.shift + 2;
    const up = new Level(shift, this.width * 2 ** shift, this.levelBins);
    up.first = Math.floor(lv.first / F);
    up.end = Math.ceil(lv.end / F);
    up.reserve(up.end - up.first);
    for (let j = up.first; j < up.end; j++) setEmpty(up, up.slot(j));
    for (let i = lv.first; i < lv.end - 1; i++) addTo(up, valueOf(lv, i), up.slot(Math.floor(i / F)));
    return up;
  }

  // Appends empty bins up to newEnd; belowEnd is the level below's new end (a new bin with a complete empty bin below holds a zero).
  private extendLevel(lv: Level, newEnd: number, belowEnd: number): void {
    let from = lv.end;
    if (newEnd - lv.first > lv.capacity) {
      // Older bins go in whole groups, so that a coarser bin has all its finer bins or none.
      const first = Math.ceil((newEnd - lv.capacity) / HISTORY_FACTOR) * HISTORY_FACTOR;
      if (!lv.coarse && this.dirtyFrom < first) this.changesLost = true;
      if (first >= lv.end) {
        lv.end = first;
        from = first;
      }
      lv.first = first;
    }
    lv.reserve(newEnd - lv.first);
    lv.clear(from, newEnd);
    // The newest bin has no complete bin below yet when the one below's newest is its first.
    if (lv.coarse && from < newEnd && (newEnd - 1) * HISTORY_FACTOR >= belowEnd - 1) setEmpty(lv, lv.slot(newEnd - 1));
    lv.end = newEnd;
  }
}

/** Totals of a stretch, with the extremes of the complete full-detail bins inside. */
interface Aggregate {
  packets: number;
  bytes: number;
  lost: number;
  minBytes: number;
  maxBytes: number;
  maxLost: number;
}

const ZERO: Aggregate = { packets: 0, bytes: 0, lost: 0, minBytes: 0, maxBytes: 0, maxLost: 0 };

// A bin as the level above takes it in: a full-detail bin is its own min and max.
function valueOf(lv: Level, i: number): Aggregate {
  const s = lv.slot(i);
  const bytes = lv.bytes[s]!;
  const lost = lv.lost[s]!;
  if (!lv.coarse) return { packets: lv.packets[s]!, bytes, lost, minBytes: bytes, maxBytes: bytes, maxLost: lost };
  return { packets: lv.packets[s]!, bytes, lost, minBytes: lv.minBytes[s]!, maxBytes: lv.maxBytes[s]!, maxLost: lv.maxLost[s]! };
}

function setEmpty(lv: Level, t: number): void {
  lv.minBytes[t] = NO_MIN;
  lv.maxBytes[t] = NO_MAX;
  lv.maxLost[t] = NO_MAX;
}

// Adds v into an aggregate, or into slot t of a coarse level.
function addTo(into: Aggregate | Level, v: Aggregate, t?: number): void {
  if (into instanceof Level) {
    const s = t!;
    into.packets[s]! += v.packets;
    into.bytes[s]! += v.bytes;
    into.lost[s]! += v.lost;
    if (v.minBytes < into.minBytes[s]!) into.minBytes[s] = v.minBytes;
    if (v.maxBytes > into.maxBytes[s]!) into.maxBytes[s] = v.maxBytes;
    if (v.maxLost > into.maxLost[s]!) into.maxLost[s] = v.maxLost;
    return;
  }
  into.packets += v.packets;
  into.bytes += v.bytes;
  into.lost += v.lost;
  if (v.minBytes < into.minBytes) into.minBytes = v.minBytes;
  if (v.maxBytes > into.maxBytes) into.maxBytes = v.maxBytes;
  if (v.maxLost > into.maxLost) into.maxLost = v.maxLost;
}

function checkWidth(width: number): void {
  if (!(width > 0) || !Number.isFinite(width)) throw new GapscopeError('invalid-argument', `A bin width of ${width} ms is not a duration.`);
}

function checkSeries(s: { firstIndex: unknown; packets: unknown; bytes: unknown; lost?: unknown }, what: string, bad: (why: string) => never): void {
  if (!Number.isInteger(s.firstIndex) || (s.firstIndex as number) < 0) bad(`${what} start at ${String(s.firstIndex)}`);
  const counts = (a: unknown): a is number[] => areCounts(a, 0);
  if (!counts(s.packets) || !counts(s.bytes)) bad(`${what} are not counts`);
  const n = (s.packets as number[]).length;
  if ((s.bytes as number[]).length !== n) bad(`${what} have ${n} packet counts and ${(s.bytes as number[]).length} byte counts`);
  if (s.lost !== undefined && (!counts(s.lost) || (s.lost as number[]).length !== n)) bad(`${what} have lost counts that do not match`);
}

function areCounts(a: unknown, least: number): a is number[] {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) {
    const v: unknown = a[i];
    if (typeof v !== 'number' || !(v >= least) || v === Number.POSITIVE_INFINITY) return false;
  }
  return true;
}
