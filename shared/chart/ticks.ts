/** Time-axis ticks and labels shared by the live chart and the exported SVG chart. */

/** A span of stream time, ms since the stream started. */
export interface TimeSpan {
  startMs: number;
  endMs: number;
}

/** Round tick positions (1, 2 or 5 × a power of ten ms) for a time axis. */
export function timeTicks(range: TimeSpan, approxCount = 8): number[] {
  const span = range.endMs - range.startMs;
  if (!(span > 0)) return [range.startMs];
  const raw = span / Math.max(1, approxCount);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let t = Math.ceil(range.startMs / step) * step; t <= range.endMs + 1e-9; t += step) ticks.push(Math.round(t * 1000) / 1000);
  return ticks;
}

/** A tick label precise enough for the zoom level: "12 s", "12.25 s", "1:05". */
export function formatTick(ms: number, spanMs: number): string {
  if (spanMs >= 120_000 || ms >= 600_000) {
    const totalSec = Math.round(ms / 1000);
    return `${Math.floor(totalSec / 60)}:${String(totalSec % 60).padStart(2, '0')}`;
  }
  const digits = spanMs < 2_000 ? 2 : spanMs < 20_000 ? 1 : 0;
  return `${(ms / 1000).toFixed(digits)} s`;
}
