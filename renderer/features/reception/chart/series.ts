/**
 * What the throughput chart draws for a time range: rate points read from the throughput history at
 * about one per pixel column, shaded gap areas and round tick positions. Pure, so the chart
 * component only lays it out.
 */
import type { Gap, LocalStall, OpenGap } from '../../../../shared/reception/types';
import type { ThroughputHistory } from '../../../../shared/reception/throughputHistory';
import type { TimeRange } from './view';

/**
 * One drawn point, at the start of a bin of the level the history answered from: the mean rate in
 * bytes/s, the slowest and fastest full-detail bin inside it (equal to the mean at full detail; a
 * band from min to max keeps a dip to zero or a burst visible when zoomed out), and the packets/s
 * lost by sequence number in the worst full-detail bin inside.
 */
export interface RatePoint {
  t: number;
  rate: number;
  min: number;
  max: number;
  lost: number;
}
/** A shaded stretch of the chart. */
export interface ShadedArea {
  startMs: number;
  endMs: number;
  kind: 'gap' | 'open-gap' | 'stall';
  /** Start time of the (first) gap it shows, to match the gap the user clicked. */
  key: number;
  /** How many gaps were merged into this area because they were closer than a pixel. */
  merged: number;
  /** Where the gap's packets went missing, by the wire view (GapLocation), in the legend's words; absent when not located or nothing was missed. */
  where?: LostWhere;
}

/** The chart's marks for a gap's location: never reached this machine, lost on it (buffer or after the card), or both. */
export type LostWhere = 'before-wire' | 'this-machine' | 'mixed';

/** A gap's location as the chart marks it. */
export function lostWhere(g: Pick<Gap, 'location'>): LostWhere | undefined {
  const w = g.location?.where;
  if (!w || w === 'none') return undefined;
  return w === 'before-wire' ? 'before-wire' : w === 'mixed' ? 'mixed' : 'this-machine';
}

/** Points of the chart when the caller does not say how many pixel columns it has. */
export const MAX_CHART_POINTS = 1600;

/**
 * The rate points of a range, about `points` of them (one per pixel column): the history picks the
 * level and merges its bins, so the work is the same for a minute as for a day.
 */
export function ratePoints(history: ThroughputHistory, range: TimeRange, points = MAX_CHART_POINTS): RatePoint[] {
  const q = history.query(range.startMs, range.endMs, points);
  const perDetail = 1000 / q.detailMs;
  const out = new Array<RatePoint>(q.startMs.length);
  for (let i = 0; i < out.length; i++) {
    const ms = q.durationMs[i]!;
    out[i] = {
      t: q.startMs[i]!,
      rate: ms > 0 ? (q.bytes[i]! * 1000) / ms : 0,
      min: q.minBytes[i]! * perDetail,
      max: q.maxBytes[i]! * perDetail,
      lost: q.maxLost[i]! * perDetail,
    };
  }
  return out;
}

function overlaps(a: { startMs: number; endMs: number }, r: TimeRange): boolean {
  return a.endMs >= r.startMs && a.startMs <= r.endMs;
}

/**
 * The gaps, the open gap and local stalls inside a range as shaded areas. Gaps closer together than
 * minSeparationMs (about a pixel) merge into one area, so a long zoomed-out history stays drawable.
 */
export function shadedAreas(gaps: readonly Gap[], openGap: OpenGap | null, stalls: readonly LocalStall[], range: TimeRange, nowMs: number, minSeparationMs: number): ShadedArea[] {
  const out: ShadedArea[] = [];
  let lo = 0;
  let hi = gaps.length;
  while (lo < hi) {
    // gaps are chronological: find the first that ends inside the range
    const mid = (lo + hi) >> 1;
    if (gaps[mid]!.endMs < range.startMs) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < gaps.length; i++) {
    const g = gaps[i]!;
    if (g.startMs > range.endMs) break;
    const last = out[out.length - 1];
    const where = lostWhere(g);
    if (last && g.startMs - last.endMs < minSeparationMs) {
      last.endMs = Math.max(last.endMs, g.endMs);
      last.merged += 1;
      // Merged gaps lost in different places show as both.
      if (where && last.where !== where) last.where = last.where ? 'mixed' : where;
    } else {
      out.push({ startMs: g.startMs, endMs: g.endMs, kind: 'gap', key: g.startMs, merged: 1, ...(where ? { where } : {}) });
    }
  }
  if (openGap) {
    const a = { startMs: openGap.startMs, endMs: Math.max(nowMs, openGap.startMs + openGap.durationMs) };
    if (overlaps(a, range)) out.push({ ...a, kind: 'open-gap', key: openGap.startMs, merged: 1 });
  }
  for (const s of stalls) {
    if (overlaps(s, range)) out.push({ startMs: s.startMs, endMs: s.endMs, kind: 'stall', key: s.startMs, merged: 1 });
  }
  return out;
}
