/**
 * What a long session's gaps come to, for the chart's header and the HTML report: a verdict in one
 * or two sentences, the gaps by cause, a histogram of their durations and the longest ones, so a
 * report over 1,300 gaps stays a page long (the gaps CSV lists every one).
 */
import { formatCount, formatDuration, formatPercent } from '../format';
import { GAP_CAUSE_CODES, gapCause, gapCauseText, type GapCauseCode } from '../reception/gapCause';
import type { ReceptionReport, ReportGap } from '../reception/report';

/** The report fields a summary reads. */
export type SummaryInput = Pick<ReceptionReport, 'gaps' | 'gapCount' | 'durationMs' | 'periodicity' | 'trailingSilenceMs'>;

/** How many gaps had one cause and how long they lasted together. */
export interface CauseCount {
  code: GapCauseCode;
  text: string;
  count: number;
  totalMs: number;
}

/** The gaps by cause, in the legend's order, causes with no gap left out. */
export function causeCounts(gaps: readonly ReportGap[]): CauseCount[] {
  const by = new Map<GapCauseCode, CauseCount>(GAP_CAUSE_CODES.map((code) => [code, { code, text: gapCauseText(code), count: 0, totalMs: 0 }]));
  for (const g of gaps) {
    const c = by.get(gapCause(g).code)!;
    c.count++;
    c.totalMs += g.durationMs;
  }
  return [...by.values()].filter((c) => c.count > 0);
}

/** The verdict on a stream in words: how many gaps, how much time without data, why, and whether they recur. */
export function reportVerdict(r: SummaryInput): string {
  const silence = r.trailingSilenceMs !== null ? ` No data for the last ${formatDuration(r.trailingSilenceMs)}.` : '';
  if (r.gapCount === 0) return `No gaps in ${formatDuration(r.durationMs)}.${silence}`;
  const totalMs = r.gaps.reduce((sum, g) => sum + g.durationMs, 0);
  const listed = r.gaps.length < r.gapCount ? `; the latest ${formatCount(r.gaps.length)}:` : ',';
  const causes = causeCounts(r.gaps)
    .map((c) => `${c.text} ${formatCount(c.count)}`)
    .join(', ');
  const share = r.durationMs > 0 ? ` (${formatPercent(totalMs / r.durationMs)} of ${formatDuration(r.durationMs)})` : '';
  const periodic = r.periodicity.summary && r.periodicity.summary !== 'No gaps.' ? ` ${r.periodicity.summary}` : '';
  return `${formatCount(r.gapCount)} ${r.gapCount === 1 ? 'gap' : 'gaps'}${listed} ${formatDuration(totalMs)} without data${share}; by cause: ${causes}.${periodic}${silence}`;
}

/** One bar of the gap-duration histogram: gaps lasting fromMs to toMs (toMs null: and longer). */
export interface DurationBucket {
  label: string;
  fromMs: number;
  toMs: number | null;
  count: number;
}

const EDGES_MS = [0, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 300_000];

/** Gap durations in fixed 1-2-5 buckets, from the first bucket with a gap to the last one with a gap. */
export function gapDurationHistogram(gaps: readonly Pick<ReportGap, 'durationMs'>[]): DurationBucket[] {
  const buckets: DurationBucket[] = EDGES_MS.map((fromMs, i) => {
    const toMs = EDGES_MS[i + 1] ?? null;
    const label = i === 0 ? `under ${formatDuration(toMs!)}` : toMs === null ? `${formatDuration(fromMs)} or more` : `${formatDuration(fromMs)} to ${formatDuration(toMs)}`;
    return { label, fromMs, toMs, count: 0 };
  });
  for (const g of gaps) {
    let i = EDGES_MS.length - 1;
    while (i > 0 && g.durationMs < EDGES_MS[i]!) i--;
    buckets[i]!.count++;
  }
  const first = buckets.findIndex((b) => b.count > 0);
  if (first < 0) return [];
  const last = buckets.length - 1 - [...buckets].reverse().findIndex((b) => b.count > 0);
  return buckets.slice(first, last + 1);
}

/** A gap with its number in time order (1 = the first). */
export interface NumberedGap {
  number: number;
  gap: ReportGap;
}

/** The `n` longest gaps, longest first (ties: the earlier first), numbered in time order from `firstNumber` (a list kept only from a later gap on). */
export function longestGaps(gaps: readonly ReportGap[], n: number, firstNumber = 1): NumberedGap[] {
  return gaps
    .map((gap, i) => ({ number: firstNumber + i, gap }))
    .sort((a, b) => b.gap.durationMs - a.gap.durationMs || a.number - b.number)
    .slice(0, Math.max(0, n));
}
