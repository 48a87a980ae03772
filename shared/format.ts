/**
 * How Gapscope writes numbers for people, in the app, the exports and the CLI alike:
 * - byte sizes and byte rates in IEC binary units (B, KiB, MiB, GiB, TiB), one system everywhere;
 * - bit rates in SI decimal units (kbit/s, Mbit/s), only where people type them (a sender's rate, a Wi-Fi link);
 * - durations ("4.25 ms", "850 ms", "1.25 s", "12.4 s", "2 min 05 s", "1 h 02 min");
 * - times since a stream started on a clock ("0:57.972", "1:02.270", "1:02:03.456"), ticks included;
 * - wall-clock dates and times of day in local time, 24-hour ("2025-03-14 14:03:07", "14:03:07.250").
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Counts with thousands separators: "12,345". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? integer.format(n) : '—';
}

/** Three significant digits of a scaled value, in the largest unit it reaches. */
function scaled(n: number, base: number, units: readonly string[]): string {
  if (!Number.isFinite(n)) return '—';
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  // 1023.7 KiB would print as "1024 KiB": go up a unit when rounding reaches the base.
  if (unit > 0 && unit < units.length - 1 && Math.abs(Number(value.toFixed(0))) >= base) {
    value /= base;
    unit++;
  }
  const a = Math.abs(value);
  const digits = unit === 0 ? 0 : a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** A byte size in IEC binary units: "512 B", "1.50 KiB", "128 KiB", "8.00 MiB". */
export function formatBytes(n: number): string {
  return scaled(n, 1024, BYTE_UNITS);
}

/** A byte rate in the same units: "250 KiB/s". */
export function formatByteRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec)}/s`;
}

/** A byte rate for a chart axis, where the unit is written once beside it: value in `unit`, trimmed ("1.5", "250"). */
export function byteRateAxis(maxBytesPerSec: number): { unit: string; divisor: number } {
  let unit = 0;
  while (maxBytesPerSec >= 1024 ** (unit + 1) && unit < BYTE_UNITS.length - 1) unit++;
  return { unit: `${BYTE_UNITS[unit]}/s`, divisor: 1024 ** unit };
}

/** A bit rate in SI decimal units, as links and senders are specified: "2.00 Mbit/s", "500 kbit/s". */
export function formatBitRate(bitsPerSec: number): string {
  return scaled(bitsPerSec, 1000, ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s']);
}

/** A packet rate: "500 pkt/s", with one decimal below 10. */
export function formatPacketRate(packetsPerSec: number): string {
  if (!Number.isFinite(packetsPerSec)) return '—';
  const digits = packetsPerSec !== 0 && Math.abs(packetsPerSec) < 10 ? 1 : 0;
  return `${packetsPerSec.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} pkt/s`;
}

/** A length of time read at a glance, three significant digits (whole ms from 10 ms to 1 s): "0.123 ms", "4.25 ms", "850 ms", "1.25 s", "12.4 s", "2 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 0) return `−${formatDuration(-ms)}`;
  if (ms === 0) return '0 ms';
  if (ms < 0.9995) return `${ms.toFixed(3)} ms`;
  if (ms < 9.995) return `${ms.toFixed(2)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 9_995) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const totalSec = Math.round(ms / 1000);
  if (totalSec < 3600) return `${Math.floor(totalSec / 60)} min ${String(totalSec % 60).padStart(2, '0')} s`;
  const totalMin = Math.round(ms / 60_000);
  return `${Math.floor(totalMin / 60)} h ${String(totalMin % 60).padStart(2, '0')} min`;
}

/** A time since the stream started on a clock, to the millisecond by default: "0:57.972", "1:02.270", "1:02:03.456". */
export function formatStreamTime(ms: number, fractionDigits = 3): string {
  if (!Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '−' : '';
  const unit = 10 ** fractionDigits;
  const total = Math.round(Math.abs(ms) / (1000 / unit));
  const fraction = total % unit;
  const totalSec = Math.floor(total / unit);
  const s = totalSec % 60;
  const totalMin = Math.floor(totalSec / 60);
  const head = totalMin >= 60 ? `${Math.floor(totalMin / 60)}:${String(totalMin % 60).padStart(2, '0')}` : String(totalMin);
  return `${sign}${head}:${String(s).padStart(2, '0')}${fractionDigits > 0 ? `.${String(fraction).padStart(fractionDigits, '0')}` : ''}`;
}

/** A time-axis tick on the same clock, with as many decimals as the tick step needs: "3:40", "3:39.5", "0:01.25". */
export function formatStreamTick(ms: number, stepMs: number): string {
  const digits = stepMs >= 1000 ? 0 : stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3;
  return formatStreamTime(ms, digits);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A wall-clock time of day with milliseconds, local, 24-hour, for tooltips: "14:03:07.250". */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '—';
  return `${formatTimeOfDay(epochMs)}.${pad(d.getMilliseconds(), 3)}`;
}

/** A wall-clock time of day, local, 24-hour: "14:03:07". */
export function formatTimeOfDay(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '—';
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A wall-clock date and time, local, 24-hour, sorting as text sorts: "2025-03-14 14:03:07". */
export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatTimeOfDay(epochMs)}`;
}

/** The local time zone's offset at a moment, for a report read elsewhere: "UTC+01:00". */
export function formatUtcOffset(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return 'UTC';
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  return `UTC${off < 0 ? '−' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** A ratio as a percentage: "55%", "5.5%", "0.04%". */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  const pct = ratio * 100;
  if (pct !== 0 && Math.abs(pct) < 1) return `${pct.toFixed(2)}%`;
  if (Math.abs(pct) < 10) return `${pct.toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}
