/**
 * Which part of a stream's timeline the throughput chart shows: following the live edge, or a
 * fixed range the user zoomed or panned to. Pure functions, so that keys, buttons, drag-select
 * and gap clicks all move the view the same way and the rules are tested without a browser.
 */

/** The chart's window: its width, and either the live edge or a fixed right edge. */
export interface ChartView {
  /** True while the window's right edge follows the newest data. */
  follow: boolean;
  /** Width of the window, ms. */
  spanMs: number;
  /** Right edge when not following, ms since the stream started. */
  endMs: number;
}

/** A time range in ms since the stream started. */
export interface TimeRange {
  startMs: number;
  endMs: number;
}

/** The smallest window worth drawing: a handful of bins. */
export function minSpanMs(binMs: number): number {
  return Math.max(binMs * 5, 100);
}

/** The live view a stream starts with, showing the last spanMs. */
export function liveView(spanMs: number): ChartView {
  return { follow: true, spanMs, endMs: 0 };
}

/** The range a view shows at stream time nowMs; before a window's worth of data, it starts at 0. */
export function resolveRange(view: ChartView, nowMs: number): TimeRange {
  if (view.follow) {
    const endMs = Math.max(nowMs, view.spanMs);
    return { startMs: endMs - view.spanMs, endMs };
  }
  const startMs = Math.max(0, view.endMs - view.spanMs);
  return { startMs, endMs: startMs + view.spanMs };
}

/** Zooms by factor (<1 in, >1 out) around centerMs (default: the middle; the live edge stays live). */
export function zoomView(view: ChartView, factor: number, nowMs: number, binMs: number, centerMs?: number): ChartView {
  const maxSpan = Math.max(nowMs, view.spanMs, minSpanMs(binMs));
  const spanMs = Math.min(maxSpan, Math.max(minSpanMs(binMs), view.spanMs * factor));
  if (view.follow && centerMs === undefined) return { ...view, spanMs };
  const range = resolveRange(view, nowMs);
  const center = centerMs ?? (range.startMs + range.endMs) / 2;
  const ratio = range.endMs > range.startMs ? (center - range.startMs) / (range.endMs - range.startMs) : 0.5;
  const startMs = Math.max(0, center - ratio * spanMs);
  return settle({ follow: false, spanMs, endMs: startMs + spanMs }, nowMs);
}

/** Moves the window by a fraction of its width (negative: back in time); reaching now resumes following. */
export function panView(view: ChartView, fraction: number, nowMs: number): ChartView {
  const range = resolveRange(view, nowMs);
  const startMs = Math.max(0, range.startMs + fraction * view.spanMs);
  return settle({ follow: false, spanMs: view.spanMs, endMs: startMs + view.spanMs }, nowMs);
}

/** Shows exactly the range the user dragged across (ignored when narrower than a few bins). */
export function selectRange(view: ChartView, aMs: number, bMs: number, nowMs: number, binMs: number): ChartView {
  const startMs = Math.max(0, Math.min(aMs, bMs));
  const endMs = Math.max(aMs, bMs);
  if (endMs - startMs < minSpanMs(binMs)) return view;
  return { follow: false, spanMs: endMs - startMs, endMs: Math.min(endMs, Math.max(nowMs, endMs)) };
}

/** Centres a gap with as much context on each side as the gap lasts (at least half a second). */
export function focusOn(startMs: number, endMs: number, binMs: number): ChartView {
  const pad = Math.max(endMs - startMs, 500, binMs * 3);
  const from = Math.max(0, startMs - pad);
  return { follow: false, spanMs: endMs + pad - from, endMs: endMs + pad };
}

/** Switches following on or off, keeping the width; turning it off freezes the current range. */
export function setFollow(view: ChartView, follow: boolean, nowMs: number): ChartView {
  if (follow) return { ...view, follow: true };
  return { follow: false, spanMs: view.spanMs, endMs: resolveRange(view, nowMs).endMs };
}

// A fixed window whose right edge is at or past the live edge is the live view.
function settle(view: ChartView, nowMs: number): ChartView {
  return !view.follow && nowMs > 0 && view.endMs >= nowMs ? { ...view, follow: true } : view;
}
