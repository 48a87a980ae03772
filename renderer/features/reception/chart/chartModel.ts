/**
 * Everything the throughput chart paints for one frame, as plain data in pixels: axes, the rate and
 * loss steps, gaps as rectangles or, when they are denser than the pixels, as a density band, and
 * event markers. Pure, so what the canvas shows is tested without a browser.
 */
import type { Gap, LocalStall, OpenGap } from '../../../../shared/reception/types';
import { formatTick, timeTicks } from '../../../../shared/chart/ticks';
import { gapDensity, gapsTooDenseToDraw } from '../../../../shared/chart/gapDensity';
import type { TimelineEvent, TimelineSource } from '../../../../shared/timeline';
import { ratePoints, shadedAreas, type RatePoint, type ShadedArea } from './series';
import { eventMarkers, type EventMarker } from './events';
import type { ThroughputHistory } from '../../../../shared/reception/throughputHistory';
import type { TimeRange } from './view';

/** The plot's margins inside the canvas, CSS pixels. */
export const MARGIN = { top: 8, right: 16, bottom: 22, left: 56 } as const;
/** Extra right margin for the loss axis. */
export const LOSS_AXIS_WIDTH = 44;

/** One labelled tick. */
export interface Tick {
  px: number;
  value: number;
  label: string;
}

/** A gap, open gap or stall as a rectangle, in plot pixels. */
export interface PixelArea {
  x0: number;
  x1: number;
  kind: ShadedArea['kind'];
  focused: boolean;
  key: number;
  /** Where the gap's packets went missing (a strip along the top of the area). */
  where?: ShadedArea['where'];
}

/** What the chart draws this frame. */
export interface ChartModel {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  range: TimeRange;
  points: RatePoint[];
  /** Top of the rate axis, bytes/s, and of the loss axis, packets/s. */
  rateMax: number;
  lossMax: number;
  withLoss: boolean;
  xTicks: Tick[];
  rateTicks: Tick[];
  lossTicks: Tick[];
  /** Gaps as rectangles ("areas") or as the share of time in gaps per pixel column ("density"). */
  gapMode: 'areas' | 'density';
  areas: PixelArea[];
  /** Per plot column, the share of its time in gaps (density mode only). */
  density: Float64Array | null;
  gapsInView: number;
  markers: (EventMarker & { px: number })[];
}

/** The stream data a frame needs. */
export interface ChartInput {
  bins: ThroughputHistory;
  gaps: readonly Gap[];
  openGap: OpenGap | null;
  stalls: readonly LocalStall[];
  nowMs: number;
  withLoss: boolean;
  focusedGap: number | null;
  timeline: readonly TimelineEvent[];
  startedAt: number;
  hidden: Partial<Record<TimelineSource, boolean>>;
}

/** 1, 2 or 5 × a power of ten at or above v / count, and the axis top that many steps reach. */
export function niceAxis(max: number, count = 4): { top: number; step: number } {
  const raw = Math.max(max, 1e-9) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  return { top: Math.ceil(max / step - 1e-9) * step, step };
}

// Rates on the axis stay short: "256 kB/s" → "256k".
export function axisRate(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${Math.round(v / 1e3)}k`;
  return String(Math.round(v));
}

function valueTicks(top: number, step: number, toPx: (v: number) => number): Tick[] {
  const out: Tick[] = [];
  for (let v = 0; v <= top + step / 1e6; v += step) out.push({ px: toPx(v), value: v, label: axisRate(v) });
  return out;
}

/** Lays out one frame of the chart for a canvas of width × height CSS pixels. */
export function chartModel(input: ChartInput, range: TimeRange, width: number, height: number): ChartModel {
  const right = width - MARGIN.right - (input.withLoss ? LOSS_AXIS_WIDTH : 0);
  const plot = { left: MARGIN.left, top: MARGIN.top, right: Math.max(MARGIN.left + 1, right), bottom: Math.max(MARGIN.top + 1, height - MARGIN.bottom) };
  const plotWidth = plot.right - plot.left;
  const span = Math.max(1e-9, range.endMs - range.startMs);
  const xOf = (t: number) => plot.left + ((t - range.startMs) / span) * plotWidth;
  // One point per pixel column: the history answers from the level that has about that many bins.
  const points = ratePoints(input.bins, range, Math.max(50, Math.round(plotWidth)));
  let peakRate = 0;
  let peakLoss = 0;
  for (const p of points) {
    if (p.max > peakRate) peakRate = p.max;
    if (p.rate > peakRate) peakRate = p.rate;
    if (p.lost > peakLoss) peakLoss = p.lost;
  }
  const rate = niceAxis(Math.max(peakRate, 1000));
  const loss = niceAxis(Math.max(peakLoss, 10));
  const yRate = (v: number) => plot.bottom - (v / rate.top) * (plot.bottom - plot.top);
  const yLoss = (v: number) => plot.bottom - (v / loss.top) * (plot.bottom - plot.top);

  const density = gapDensity(input.gaps, range, Math.max(1, Math.round(plotWidth)));
  const dense = gapsTooDenseToDraw(density.spans, plotWidth);
  const pxPerMs = plotWidth / span;
  const areas: PixelArea[] = [];
  // In density mode only the open gap and stalls stay rectangles.
  const shaded = shadedAreas(dense ? [] : input.gaps, input.openGap, input.stalls, range, input.nowMs, 1 / pxPerMs);
  for (const a of shaded) {
    const x0 = Math.max(plot.left, xOf(a.startMs));
    const x1 = Math.min(plot.right, Math.max(xOf(a.endMs), x0 + 1));
    if (x1 > x0) areas.push({ x0, x1, kind: a.kind, focused: a.kind === 'gap' && input.focusedGap === a.key, key: a.key, ...(a.where ? { where: a.where } : {}) });
  }
  const markers = eventMarkers(input.timeline, input.startedAt, range, input.hidden).map((m) => ({ ...m, px: xOf(m.t) }));
  return {
    width,
    height,
    plot,
    range,
    points,
    rateMax: rate.top,
    lossMax: loss.top,
    withLoss: input.withLoss,
    xTicks: timeTicks(range, Math.max(2, Math.min(8, Math.floor(plotWidth / 90)))).map((t) => ({ px: xOf(t), value: t, label: formatTick(t, span) })),
    rateTicks: valueTicks(rate.top, rate.step, yRate),
    lossTicks: input.withLoss ? valueTicks(loss.top, loss.step, yLoss) : [],
    gapMode: dense ? 'density' : 'areas',
    areas,
    density: dense ? density.share : null,
    gapsInView: density.spans,
    markers,
  };
}

/** The point drawn at or just before time t (points ascending by t), or null before the first. */
export function pointAt(points: readonly RatePoint[], t: number): RatePoint | null {
  let lo = 0;
  let hi = points.length - 1;
  let found: RatePoint | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t <= t) {
      found = points[mid]!;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
