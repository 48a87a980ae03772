/** Paints a ChartModel on a 2D canvas: a few thousand path segments per frame instead of an SVG tree. */
import type { ChartColors } from '../../../app/theme';
import type { TimelineSeverity } from '../../../../shared/timeline';
import type { ChartModel } from './chartModel';

/** Height of the density band at the top of the plot, CSS pixels. */
export const BAND_HEIGHT = 14;

function severityColor(severity: TimelineSeverity, colors: ChartColors): string {
  return severity === 'error' ? colors.openGap : severity === 'warning' ? colors.event : colors.axis;
}

/** Clears the canvas and draws the frame; dpr is the device pixel ratio the canvas was sized for. */
export function paintChart(ctx: CanvasRenderingContext2D, m: ChartModel, colors: ChartColors, dpr: number, binMs: number): void {
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
  if (m.density) {
    ctx.fillStyle = colors.gap;
    for (let c = 0; c < m.density.length; c++) {
      const s = m.density[c]!;
      if (s <= 0) continue;
      ctx.globalAlpha = 0.08 + 0.22 * s;
      ctx.fillRect(plot.left + c, plot.top + BAND_HEIGHT, 1, h - BAND_HEIGHT);
      ctx.globalAlpha = 0.35 + 0.65 * s;
      const bar = Math.max(1, s * BAND_HEIGHT);
      ctx.fillRect(plot.left + c, plot.top + BAND_HEIGHT - bar, 1, bar);
    }
    ctx.globalAlpha = 1;
  }
  for (const a of m.areas) {
    ctx.fillStyle = a.kind === 'stall' ? colors.stall : a.kind === 'open-gap' ? colors.openGap : a.focused ? colors.gapFocus : colors.gap;
    ctx.globalAlpha = a.focused ? 0.45 : 0.22;
    ctx.fillRect(a.x0, plot.top, a.x1 - a.x0, h);
  }
  ctx.globalAlpha = 1;

  // Throughput as steps (each point holds until the next): the band from the slowest to the fastest
  // full-detail bin inside each point, filled, and the mean rate as the line.
  const span = Math.max(1e-9, m.range.endMs - m.range.startMs);
  const xOf = (t: number) => plot.left + ((t - m.range.startMs) / span) * (plot.right - plot.left);
  const yRate = (v: number) => plot.bottom - (v / m.rateMax) * h;
  const pts = m.points;
  const endOf = (i: number): number => pts[i + 1]?.t ?? pts[i]!.t + (i > 0 ? pts[i]!.t - pts[i - 1]!.t : binMs);
  if (pts.length > 0) {
    const line = new Path2D();
    const band = new Path2D();
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i]!;
      const x = xOf(p.t);
      const next = xOf(endOf(i));
      const y = yRate(p.rate);
      if (i === 0) line.moveTo(x, y);
      else line.lineTo(x, y);
      line.lineTo(next, y);
      const top = yRate(Math.max(p.max, p.rate));
      band.rect(x, top, Math.max(0.5, next - x), plot.bottom - top);
    }
    ctx.fillStyle = colors.fill;
    ctx.globalAlpha = 0.6;
    ctx.fill(band);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = colors.line;
    ctx.lineWidth = 1.5;
    ctx.stroke(line);
    if (m.withLoss) {
      const yLoss = (v: number) => plot.bottom - (v / m.lossMax) * h;
      const loss = new Path2D();
      for (let i = 0; i < pts.length; i++) {
        const p = pts[i]!;
        const y = yLoss(p.lost);
        if (i === 0) loss.moveTo(xOf(p.t), y);
        else loss.lineTo(xOf(p.t), y);
        loss.lineTo(xOf(endOf(i)), y);
      }
      ctx.strokeStyle = colors.loss;
      ctx.stroke(loss);
    }
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
