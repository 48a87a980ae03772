/** How Gapscope writes numbers, sizes, rates and durations for people, in one place. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Counts with thousands separators: "12,345". */
export function formatCount(n: number): string {
  return integer.format(n);
}

function scaled(n: number, base: number, units: readonly string[]): string {
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** Payload sizes in decimal units, as network rates are counted: "1.50 kB". */
export function formatBytes(n: number): string {
  return scaled(n, 1000, ['B', 'kB', 'MB', 'GB', 'TB']);
}

/** Buffer sizes in binary units, as the OS grants them: "8.00 MiB". */
export function formatBufferSize(n: number): string {
  return scaled(n, 1024, ['B', 'KiB', 'MiB', 'GiB']);
}

/** A byte rate: "256 kB/s". */
export function formatByteRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec)}/s`;
}

/** A packet rate: "500 pkt/s", with one decimal below 10. */
export function formatPacketRate(packetsPerSec: number): string {
  const digits = packetsPerSec !== 0 && Math.abs(packetsPerSec) < 10 ? 1 : 0;
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(packetsPerSec)} pkt/s`;
}

/** A length of time people read at a glance: "850 ms", "1.2 s", "2 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) {
    const min = Math.floor(ms / 60_000);
    const sec = Math.floor((ms % 60_000) / 1000);
    return `${min} min ${String(sec).padStart(2, '0')} s`;
  }
  const h = Math.floor(ms / 3_600_000);
  const min = Math.floor((ms % 3_600_000) / 60_000);
  return `${h} h ${String(min).padStart(2, '0')} min`;
}

/** A time since the stream started, precise to the millisecond: "12.345 s", "1:02.345". */
export function formatStreamTime(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(3)} s`;
  const min = Math.floor(ms / 60_000);
  const rest = ((ms % 60_000) / 1000).toFixed(3).padStart(6, '0');
  return `${min}:${rest}`;
}

/** A wall-clock time of day with milliseconds, for tooltips: "14:03:07.250". */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A ratio as a percentage: "55%", "5.5%", "0.04%". */
export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  if (pct !== 0 && Math.abs(pct) < 1) return `${pct.toFixed(2)}%`;
  if (Math.abs(pct) < 10) return `${pct.toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

/** Payload hex as byte pairs separated by spaces, the way packet tools show it: "de ad be ef". */
export function formatHex(hex: string): string {
  return (hex.match(/[0-9a-fA-F]{1,2}/g) ?? []).join(' ');
}
