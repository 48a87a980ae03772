/**
 * What the throughput chart draws for a time range: decimated rate points, shaded gap areas and
 * round tick positions. Pure, so the chart component only lays it out.
 */
import type { Gap, LocalStall, OpenGap } from '../../../../shared/reception/types';
import type { BinHistory } from '../streamState';
import { decimateMinMax } from '../../../../shared/chart/decimate';
import type { TimeRange } from './view';

/** One drawn point: the start of a bin, its rate in bytes/s and the packets/s lost by sequence number. */
export interface RatePoint {
  t: number;
  rate: number;
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
}

/** Points of the chart most screens can show without loss; more only slows drawing down. */
export const MAX_CHART_POINTS = 1600;

/**
 * The rate points of the bins that overlap a range, decimated to at most maxPoints. With loss, the
 * bins that keep the loss series' peaks are kept too (up to twice the points), so that a burst of
 * loss is never averaged away by the throughput's decimation.
 */
export function ratePoints(bins: BinHistory, range: TimeRange, maxPoints = MAX_CHART_POINTS, withLoss = false): RatePoint[] {
  const { binMs, firstIndex, bytes, lost } = bins;
  const from = Math.floor(range.startMs / binMs) - firstIndex;
  const to = Math.ceil(range.endMs / binMs) - firstIndex;
  const perSec = 1000 / binMs;
  let indices = decimateMinMax(bytes, from, to, maxPoints);
  if (withLoss) indices = mergeSorted(indices, decimateMinMax(lost, from, to, maxPoints));
  return indices.map((i) => ({ t: (i + firstIndex) * binMs, rate: (bytes[i] ?? 0) * perSec, lost: (lost[i] ?? 0) * perSec }));
}

// Union of two increasing index lists, increasing, without repeats.
function mergeSorted(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (out[out.length - 1] !== next) out.push(next);
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
    if (last && g.startMs - last.endMs < minSeparationMs) {
      last.endMs = Math.max(last.endMs, g.endMs);
      last.merged += 1;
    } else {
      out.push({ startMs: g.startMs, endMs: g.endMs, kind: 'gap', key: g.startMs, merged: 1 });
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
