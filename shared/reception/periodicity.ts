/** Tells whether gaps recur after a regular byte count (a quota, a buffer) or a regular time (a timer). */
import { median, robustSpread } from './statistics';
import type { Gap, Periodicity } from './types';

/** A spread below this (10%) counts as regular. */
export const REGULAR_SPREAD = 0.1;
/** Intervals needed before a verdict. */
export const MIN_INTERVALS = 3;

/** Formats a byte count the way the field reports it: "128 KiB", "1.5 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Formats a duration: "850 ms", "2.4 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/**
 * Looks for regularity in the gaps. Gaps caused by Gapscope's own stalls are ignored; the data
 * before the first gap is ignored for the byte count, since listening may have started mid-cycle.
 */
export function findPeriodicity(allGaps: readonly Gap[]): Periodicity {
  const gaps = allGaps.filter((g) => g.cause !== 'local-stall');
  const byteCounts = gaps.slice(1).map((g) => g.bytesBefore);
  const intervals: number[] = [];
  for (let i = 1; i < gaps.length; i++) intervals.push(gaps[i]!.startMs - gaps[i - 1]!.startMs);

  const enough = byteCounts.length >= MIN_INTERVALS;
  const everyBytes = enough ? median(byteCounts) : null;
  const everyMs = enough ? median(intervals) : null;
  const bytesSpread = enough ? robustSpread(byteCounts) : null;
  const timeSpread = enough ? robustSpread(intervals) : null;

  let kind: Periodicity['kind'] = 'none';
  const b = bytesSpread ?? Number.POSITIVE_INFINITY;
  const t = timeSpread ?? Number.POSITIVE_INFINITY;
  if (Math.min(b, t) < REGULAR_SPREAD) kind = b <= t ? 'bytes' : 'time';

  let summary: string;
  if (!enough) {
    summary = gaps.length === 0 ? 'No gaps.' : `Too few gaps to tell whether they recur (${gaps.length}).`;
  } else if (kind === 'bytes') {
    summary = `Gaps recur after every ~${formatBytes(everyBytes!)} received (spread ${pct(b)}, ${gaps.length} gaps).`;
  } else if (kind === 'time') {
    summary = `Gaps recur every ~${formatDuration(everyMs!)} (spread ${pct(t)}, ${gaps.length} gaps).`;
  } else {
    summary = `No regular pattern in ${gaps.length} gaps.`;
  }
  return { kind, everyBytes, everyMs, bytesSpread, timeSpread, gapsConsidered: gaps.length, summary };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.01 ? 1 : 0)}%`;
}
