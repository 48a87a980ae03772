/**
 * Gaps at any zoom level: when there are more gaps than a chart has pixels to separate them, one
 * shaded rectangle per gap paints a solid wall; the share of each pixel column's time spent in gaps
 * shows what is there. Pure, shared by the live chart, the SVG/PNG export and the HTML report.
 */
import type { TimeSpan } from './ticks';

/** A stretch of stream time (a gap, a local stall), ms since the stream started. */
export interface Span {
  startMs: number;
  endMs: number;
}

/** Per pixel column: the share of its time inside spans (0–1) and how many spans touch it. */
export interface GapDensity {
  /** Share of each column's time inside a span, 0 to 1. */
  share: Float64Array;
  /** Spans that overlap each column. */
  count: Uint32Array;
  /** Spans that overlap the range at all. */
  spans: number;
  /** Time inside spans within the range, ms. */
  insideMs: number;
}

/** Below this many pixels per gap on average, a chart draws the density band instead of one shape per gap. */
export const DENSE_GAP_PX = 4;

/** Whether `spans` spans in `columns` pixels are too dense to draw one by one. */
export function gapsTooDenseToDraw(spans: number, columns: number): boolean {
  return spans * DENSE_GAP_PX > columns;
}

/** Share of time in gaps per pixel column over `range`, from spans sorted by start that do not overlap (as gaps and stalls are); O(spans in range + columns). */
export function gapDensity(spans: readonly Span[], range: TimeSpan, columns: number): GapDensity {
  const n = Math.max(0, Math.floor(columns));
  const share = new Float64Array(n);
  const count = new Uint32Array(n);
  const span = range.endMs - range.startMs;
  if (n === 0 || !(span > 0)) return { share, count, spans: 0, insideMs: 0 };
  const colMs = span / n;
  let inRange = 0;
  let insideMs = 0;
  for (let i = firstEndingAfter(spans, range.startMs); i < spans.length; i++) {
    const s = spans[i]!;
    if (s.startMs >= range.endMs) break;
    const a = Math.max(s.startMs, range.startMs);
    const b = Math.min(s.endMs, range.endMs);
    if (b <= a) continue;
    inRange++;
    insideMs += Math.max(0, b - a);
    const c0 = Math.min(n - 1, Math.floor((a - range.startMs) / colMs));
    const c1 = Math.min(n - 1, Math.max(c0, Math.ceil((b - range.startMs) / colMs) - 1));
    for (let c = c0; c <= c1; c++) {
      const lo = range.startMs + c * colMs;
      const overlap = Math.min(b, lo + colMs) - Math.max(a, lo);
      if (overlap > 0) share[c] = Math.min(1, share[c]! + overlap / colMs);
      count[c] = count[c]! + 1;
    }
  }
  return { share, count, spans: inRange, insideMs };
}

/** Index of the first span that ends after t (binary search: spans sorted by start, not overlapping, so by end too). */
function firstEndingAfter(spans: readonly Span[], t: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.endMs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
