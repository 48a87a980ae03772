/** Time-axis ticks and labels shared by the live chart and the exported SVG chart. */
import { formatStreamTick } from '../format';

/** A span of stream time, ms since the stream started. */
export interface TimeSpan {
  startMs: number;
  endMs: number;
}

/** Round tick positions (1, 2 or 5 × a power of ten ms) for a time axis; never before the stream started (no negative ticks). */
export function timeTicks(range: TimeSpan, approxCount = 8): number[] {
  const span = range.endMs - range.startMs;
  if (!(span > 0)) return [range.startMs];
  const step = tickStep(span, approxCount);
  const ticks: number[] = [];
  for (let t = Math.max(0, Math.ceil(range.startMs / step) * step); t <= range.endMs + 1e-9; t += step) ticks.push(Math.round(t * 1000) / 1000);
  return ticks;
}

/** A tick label on the stream clock (shared/format.ts) with the decimals of timeTicks' step for the same span and count: "0:12", "0:12.2", "1:05". */
export function formatTick(ms: number, spanMs: number, approxCount = 8): string {
  return formatStreamTick(ms, spanMs > 0 ? tickStep(spanMs, approxCount) : 1000);
}

function tickStep(span: number, approxCount: number): number {
  const raw = span / Math.max(1, approxCount);
  const pow = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
}
