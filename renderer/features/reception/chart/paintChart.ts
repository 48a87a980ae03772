/** Paints a ChartModel on a 2D canvas: a few thousand path segments per frame instead of an SVG tree. */
import type { ChartColors } from '../../../app/theme';
import type { TimelineSeverity } from '../../../../shared/timeline';
import type { ChartModel } from './chartModel';

/** Height of the density band at the top of the plot, CSS pixels. */
export const BAND_HEIGHT = 14;

function severityColor(severity: TimelineSeverity, colors: ChartColors): string {
  return severity === 'error' ? colors.openGap : severity === 'warning' ? colors.event : colors.axis;
}

/** A 2D context on the page's canvas or on an OffscreenCanvas in the chart's paint worker. */
export type Canvas2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** A small canvas of its own: an OffscreenCanvas where there is one (always in a worker), else a detached element. */
function smallCanvas(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

// The density band is painted as pixels into a small scratch canvas, then drawn once: a
// rectangle per column with its own globalAlpha took ~50 ms per frame on the software canvas.
let scratch: OffscreenCanvas | HTMLCanvasElement | null = null;
const rgbCache = new Map<string, [number, number, number]>();

/** A CSS color's red, green and blue, as the canvas itself reads it. */
function rgbOf(color: string): [number, number, number] {
  const known = rgbCache.get(color);
  if (known) return known;
  const cx = smallCanvas(1, 1).getContext('2d', { willReadFrequently: true }) as Canvas2D | null;
  let rgb: [number, number, number] = [128, 128, 128];
  if (cx) {
    cx.fillStyle = color;
    cx.fillRect(0, 0, 1, 1);
    const d = cx.getImageData(0, 0, 1, 1).data;
    rgb = [d[0]!, d[1]!, d[2]!];
  }
  rgbCache.set(color, rgb);
  return rgb;
}

/** The share of time in gaps per column: a bar in the band at the top and a faint tint below it. */
function paintDensity(ctx: Canvas2D, density: Float64Array, left: number, top: number, h: number, color: string): void {
  const cols = density.length;
  if (cols === 0) return;
  scratch ??= smallCanvas(cols, BAND_HEIGHT + 1);
  if (scratch.width !== cols || scratch.height !== BAND_HEIGHT + 1) {
    scratch.width = cols;
    scratch.height = BAND_HEIGHT + 1;
  }
  const sx = scratch.getContext('2d') as Canvas2D | null;
  if (!sx) return;
  const [r, g, b] = rgbOf(color);
  const img = sx.createImageData(cols, BAND_HEIGHT + 1);
  const px = img.data;
  const set = (c: number, row: number, alpha: number): void => {
    const o = (row * cols + c) * 4;
    px[o] = r;
    px[o + 1] = g;
    px[o + 2] = b;
    px[o + 3] = Math.round(alpha * 255);
  };
  for (let c = 0; c < cols; c++) {
    const s = density[c]!;
    if (s <= 0) continue;
    const bar = Math.max(1, Math.round(s * BAND_HEIGHT));
    for (let row = BAND_HEIGHT - bar; row < BAND_HEIGHT; row++) set(c, row, 0.35 + 0.65 * s);
    set(c, BAND_HEIGHT, 0.08 + 0.22 * s);
  }
  sx.putImageData(img, 0, 0);
  const smoothing = ctx.imageSmoothingEnabled;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, cols, BAND_HEIGHT, left, top, cols, BAND_HEIGHT);
  ctx.drawImage(scratch, 0, BAND_HEIGHT, cols, 1, left, top + BAND_HEIGHT, cols, h - BAND_HEIGHT);
  ctx.imageSmoothingEnabled = smoothing;
}

/** Line width of the rate and loss steps, CSS pixels. */
const LINE = 1.5;

/** A step line as rectangles: a horizontal bar per point and a vertical bar where the value changes. */
function stepLine(
  ctx: Canvas2D,
  pts: ChartModel['points'],
  xOf: (t: number) => number,
  yOf: (v: number) => number,
  endOf: (i: number) => number,
  color: string,
  value: 'rate' | 'lost' = 'rate',
): void {
  ctx.fillStyle = color;
  let prevY: number | null = null;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    const x0 = xOf(p.t);
    const x1 = Math.max(xOf(endOf(i)), x0 + 1);
    const y = yOf(p[value]);
    if (prevY !== null && prevY !== y) ctx.fillRect(x0 - LINE / 2, Math.min(prevY, y) - LINE / 2, LINE, Math.abs(y - prevY) + LINE);
    ctx.fillRect(x0, y - LINE / 2, x1 - x0, LINE);
    prevY = y;
  }
}

/** Height of the strip that marks where a gap's packets went missing, CSS pixels. */
export const LOCATION_STRIP_PX = 4;

/** Clears the canvas and draws the frame; dpr is the device pixel ratio the canvas was sized for. */
export function paintChart(ctx: Canvas2D, m: ChartModel, colors: ChartColors, dpr: number, binMs: number): void {
  const { plot } = m;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, m.width, m.height);
  ctx.font = '12px system-ui, sans-serif';
  ctx.lineWidth = 1;

  // Horizontal grid and the rate axis.
  ctx.strokeStyle = colors.grid;
  ctx.fillStyle = colors.axis;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  for (const t of m.rateTicks) {
    const y = Math.round(t.px) + 0.5;
    ctx.moveTo(plot.left, y);
    ctx.lineTo(plot.right, y);
  }
  ctx.stroke();
  for (const t of m.rateTicks) ctx.fillText(t.label, plot.left - 6, t.px);
  ctx.save();
  ctx.translate(12, (plot.top + plot.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('B/s', 0, 0);
  ctx.restore();
  if (m.withLoss) {
    ctx.fillStyle = colors.loss;
    ctx.textAlign = 'left';
    for (const t of m.lossTicks) ctx.fillText(t.label, plot.right + 6, t.px);
    ctx.save();
    ctx.translate(m.width - 8, (plot.top + plot.bottom) / 2);
    ctx.rotate(Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText('lost/s', 0, 0);
    ctx.restore();
  }

  // Time axis.
  ctx.strokeStyle = colors.axis;
  ctx.beginPath();
  ctx.moveTo(plot.left, plot.bottom + 0.5);
  ctx.lineTo(plot.right, plot.bottom + 0.5);
  for (const t of m.xTicks) {
    const x = Math.round(t.px) + 0.5;
    ctx.moveTo(x, plot.bottom);
    ctx.lineTo(x, plot.bottom + 5);
  }
  ctx.stroke();
  ctx.fillStyle = colors.axis;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of m.xTicks) ctx.fillText(t.label, t.px, plot.bottom + 7);

  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
  ctx.clip();
  const h = plot.bottom - plot.top;

  // Gaps: rectangles, or the share of time in gaps per column as a band with a faint tint below.
  if (m.density) paintDensity(ctx, m.density, plot.left, plot.top, h, colors.gap);
  for (const a of m.areas) {
    ctx.fillStyle = a.kind === 'stall' ? colors.stall : a.kind === 'open-gap' ? colors.openGap : a.focused ? colors.gapFocus : colors.gap;
    ctx.globalAlpha = a.focused ? 0.45 : 0.22;
    ctx.fillRect(a.x0, plot.top, a.x1 - a.x0, h);
  }
  ctx.globalAlpha = 1;
  // Where each located gap's packets went missing: a strip along the top (both colours, halved, when mixed).
  for (const a of m.areas) {
    if (!a.where) continue;
    const half = a.where === 'mixed' ? Math.max(1, Math.round((a.x1 - a.x0) / 2)) : a.x1 - a.x0;
    ctx.fillStyle = a.where === 'this-machine' ? colors.lostHere : colors.lostBefore;
    ctx.fillRect(a.x0, plot.top, half, LOCATION_STRIP_PX);
    if (a.where === 'mixed') {
      ctx.fillStyle = colors.lostHere;
      ctx.fillRect(a.x0 + half, plot.top, a.x1 - a.x0 - half, LOCATION_STRIP_PX);
    }
  }

  // Throughput as steps (each point holds until the next): the band from the slowest to the fastest
  // full-detail bin inside each point, filled, and the mean rate as the line. Everything here is an
  // axis-aligned rectangle on whole pixel columns: without a GPU (Chromium's software canvas, the
  // bench's case and many a VM's), Skia fills rectangles on a fast path, while one Path2D of ~1,200
  // rectangles plus a stroked path of ~2,400 segments took 80-300 ms per frame to rasterize at two
  // minutes of 100 ms bins (scripts/bench-ui.mjs; docs/benchmarks.md), all of it on the main thread.
  const span = Math.max(1e-9, m.range.endMs - m.range.startMs);
  const xOf = (t: number) => Math.round(plot.left + ((t - m.range.startMs) / span) * (plot.right - plot.left));
  const yRate = (v: number) => plot.bottom - (v / m.rateMax) * h;
  const pts = m.points;
  const endOf = (i: number): number => pts[i + 1]?.t ?? pts[i]!.t + (i > 0 ? pts[i]!.t - pts[i - 1]!.t : binMs);
  if (pts.length > 0) {
    // The band: one rectangle per column, never two on one column (overlaps would darken it).
    ctx.fillStyle = colors.fill;
    ctx.globalAlpha = 0.6;
    let covered = -Infinity;
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i]!;
      const x0 = Math.max(xOf(p.t), covered);
      const x1 = Math.max(xOf(endOf(i)), x0 + (x0 === covered ? 0 : 1));
      if (x1 <= x0) continue;
      const top = yRate(Math.max(p.max, p.rate));
      ctx.fillRect(x0, top, x1 - x0, plot.bottom - top);
      covered = x1;
    }
    ctx.globalAlpha = 1;
    stepLine(ctx, pts, xOf, yRate, endOf, colors.line);
    if (m.withLoss) stepLine(ctx, pts, xOf, (v) => plot.bottom - (v / m.lossMax) * h, endOf, colors.loss, 'lost');
  }

  // Timeline events: dashed lines with a diamond at the top.
  ctx.lineWidth = 1.5;
  ctx.setLineDash([4, 3]);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.font = '11px system-ui, sans-serif';
  for (const mk of m.markers) {
    const color = severityColor(mk.event.severity, colors);
    ctx.strokeStyle = color;
    ctx.beginPath();
    ctx.moveTo(mk.px, plot.top);
    ctx.lineTo(mk.px, plot.bottom);
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.fillText('◆', mk.px, plot.top + 2);
  }
  ctx.setLineDash([]);
  ctx.restore();
}
