/**
 * The throughput chart as a standalone SVG, for exports and the HTML report: the same picture as
 * the live chart (rate per bin, gaps shaded, loss by sequence number, timeline events), drawn from
 * a report with no browser and no chart library, so the CLI makes the same file as the UI.
 */
import { decimateMinMax } from '../chart/decimate';
import { formatTick, timeTicks } from '../chart/ticks';
import type { ReceptionReport } from '../reception/report';

/** A timeline event placed on the stream's time axis. */
export interface ChartEventMark {
  /** ms since the stream started. */
  t: number;
  severity: 'info' | 'warning' | 'error';
  text: string;
}

/** Size and content of the drawing. */
export interface ChartSvgOptions {
  width?: number;
  height?: number;
  /** Stream time to draw; default the whole report. */
  startMs?: number;
  endMs?: number;
  events?: readonly ChartEventMark[];
  title?: string;
}

/** Escapes text for SVG/HTML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function axisRate(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${Math.round(v / 1e3)}k`;
  return String(Math.round(v));
}

const COLORS = { line: '#2563eb', fill: '#bfdbfe', gap: '#ef4444', stall: '#a855f7', loss: '#c2410c', grid: '#e2e8f0', axis: '#64748b', warning: '#b45309', error: '#dc2626', info: '#64748b' };

/** The chart as an SVG document (UTF-8 text). */
export function throughputSvg(report: Pick<ReceptionReport, 'bins' | 'binMs' | 'gaps' | 'localStalls' | 'durationMs' | 'loss'>, options: ChartSvgOptions = {}): string {
  const W = Math.max(300, Math.min(4000, Math.round(options.width ?? 1200)));
  const H = Math.max(150, Math.min(2000, Math.round(options.height ?? 360)));
  const m = { top: options.title ? 30 : 12, right: 56, bottom: 28, left: 60 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const start = options.startMs ?? 0;
  const end = Math.max(start + report.binMs, options.endMs ?? Math.max(report.durationMs, report.bins.length * report.binMs));
  const x = (t: number) => m.left + ((t - start) / (end - start)) * pw;
  const perSec = 1000 / report.binMs;
  const bytes = report.bins.map((b) => b.bytes);
  const lost = report.bins.map((b) => b.lost ?? 0);
  const first = Math.max(0, Math.floor(start / report.binMs));
  const last = Math.min(report.bins.length, Math.ceil(end / report.binMs));
  const idx = decimateMinMax(bytes, first, last, pw * 2);
  const maxRate = Math.max(1000, ...idx.map((i) => bytes[i]! * perSec));
  const y = (r: number) => m.top + ph - (r / maxRate) * ph;
  const withLoss = report.loss !== null && report.loss.lost !== null;
  const lossIdx = withLoss ? decimateMinMax(lost, first, last, pw * 2) : [];
  const maxLost = Math.max(10, ...lossIdx.map((i) => lost[i]! * perSec));
  const yl = (r: number) => m.top + ph - (r / maxLost) * ph;
  const f = (n: number) => n.toFixed(1);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  if (options.title) out.push(`<text x="${m.left}" y="18" font-size="14" font-weight="600" fill="#0f172a">${escapeXml(options.title)}</text>`);
  // Grid and axes.
  for (let k = 0; k <= 4; k++) {
    const r = (maxRate * k) / 4;
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${f(y(r))}" y2="${f(y(r))}" stroke="${COLORS.grid}"/>`);
    out.push(`<text x="${m.left - 6}" y="${f(y(r) + 4)}" text-anchor="end" fill="${COLORS.axis}">${axisRate(r)}</text>`);
    if (withLoss) out.push(`<text x="${m.left + pw + 6}" y="${f(yl((maxLost * k) / 4) + 4)}" fill="${COLORS.loss}">${axisRate((maxLost * k) / 4)}</text>`);
  }
  out.push(`<text x="14" y="${f(m.top + ph / 2)}" transform="rotate(-90 14 ${f(m.top + ph / 2)})" text-anchor="middle" fill="${COLORS.axis}">B/s</text>`);
  if (withLoss) out.push(`<text x="${W - 8}" y="${f(m.top + ph / 2)}" transform="rotate(90 ${W - 8} ${f(m.top + ph / 2)})" text-anchor="middle" fill="${COLORS.loss}">lost/s</text>`);
  const span = end - start;
  for (const t of timeTicks({ startMs: start, endMs: end }, Math.max(2, Math.floor(pw / 110)))) {
    out.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="${COLORS.axis}"/>`);
    out.push(`<text x="${f(x(t))}" y="${m.top + ph + 17}" text-anchor="middle" fill="${COLORS.axis}">${escapeXml(formatTick(t, span))}</text>`);
  }
  // Gaps and stalls, shaded (at least a pixel wide so a short one still shows).
  const shade = (a: number, b: number, color: string, cls: string, label: string) => {
    if (b < start || a > end) return;
    const x1 = x(Math.max(a, start));
    const x2 = Math.max(x1 + 1, x(Math.min(b, end)));
    out.push(`<rect class="${cls}" x="${f(x1)}" y="${m.top}" width="${f(x2 - x1)}" height="${ph}" fill="${color}" fill-opacity="0.22"><title>${escapeXml(label)}</title></rect>`);
  };
  report.gaps.forEach((g, i) => shade(g.startMs, g.endMs, COLORS.gap, 'gap', `Gap ${i + 1}: ${(g.durationMs / 1000).toFixed(3)} s from ${(g.startMs / 1000).toFixed(3)} s${g.lostPackets !== null ? `, ${g.lostPackets} packets lost` : ''}`));
  for (const s of report.localStalls) shade(s.startMs, s.endMs, COLORS.stall, 'stall', `Gapscope stalled ${(s.durationMs / 1000).toFixed(3)} s`);
  // Throughput as a step area.
  if (idx.length > 0) {
    let d = `M${f(x(idx[0]! * report.binMs))},${f(y(0))}`;
    for (const i of idx) {
      const r = bytes[i]! * perSec;
      d += ` L${f(x(i * report.binMs))},${f(y(r))} L${f(x(Math.min(end, (i + 1) * report.binMs)))},${f(y(r))}`;
    }
    d += ` L${f(x(Math.min(end, (idx[idx.length - 1]! + 1) * report.binMs)))},${f(y(0))} Z`;
    out.push(`<path class="rate" d="${d}" fill="${COLORS.fill}" fill-opacity="0.6" stroke="${COLORS.line}" stroke-width="1.2"/>`);
  }
  if (withLoss && lossIdx.length > 0) {
    let d = '';
    for (const i of lossIdx) d += `${d ? ' L' : 'M'}${f(x(i * report.binMs))},${f(yl(lost[i]! * perSec))} L${f(x(Math.min(end, (i + 1) * report.binMs)))},${f(yl(lost[i]! * perSec))}`;
    out.push(`<path class="loss" d="${d}" fill="none" stroke="${COLORS.loss}" stroke-width="1.5"/>`);
  }
  for (const e of options.events ?? []) {
    if (e.t < start || e.t > end) continue;
    out.push(`<line class="event" x1="${f(x(e.t))}" x2="${f(x(e.t))}" y1="${m.top}" y2="${m.top + ph}" stroke="${COLORS[e.severity]}" stroke-dasharray="4 3" stroke-width="1.5"><title>${escapeXml(e.text)}</title></line>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="${COLORS.grid}"/>`);
  out.push('</svg>');
  return out.join('\n');
}
