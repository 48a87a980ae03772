/** Tells whether gaps recur after a regular byte count (a quota, a buffer) or a regular time (a timer). */
import { formatBytes, formatCount, formatDuration, formatPercent } from '../format';
import { median, robustSpread } from './statistics';
import type { Gap, Periodicity } from './types';

/** A spread below this (10%) counts as regular. */
export const REGULAR_SPREAD = 0.1;
/** Intervals needed before a verdict. */
export const MIN_INTERVALS = 3;

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
    summary = gaps.length === 0 ? 'No gaps.' : `Too few gaps to tell whether they recur (${formatCount(gaps.length)}).`;
  } else if (kind === 'bytes') {
    summary = `Gaps recur after every ~${formatBytes(everyBytes!)} received (spread ${formatPercent(b)}, ${formatCount(gaps.length)} gaps).`;
  } else if (kind === 'time') {
    summary = `Gaps recur every ~${formatDuration(everyMs!)} (spread ${formatPercent(t)}, ${formatCount(gaps.length)} gaps).`;
  } else {
    summary = `No regular pattern in ${formatCount(gaps.length)} gaps.`;
  }
  return { kind, everyBytes, everyMs, bytesSpread, timeSpread, gapsConsidered: gaps.length, summary };
}
