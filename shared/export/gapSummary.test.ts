import { describe, expect, it } from 'vitest';
import type { ReportGap } from '../reception/report';
import { causeCounts, gapDurationHistogram, longestGaps, reportVerdict } from './gapSummary';

const gap = (startMs: number, durationMs: number, cause: ReportGap['cause'], lostPackets: number | null = null): ReportGap => ({ startMs, endMs: startMs + durationMs, durationMs, packetsBefore: 10, bytesBefore: 5120, lostPackets, cause, causeText: '' });
const periodicity = { kind: 'none' as const, everyBytes: null, everyMs: null, bytesSpread: null, timeSpread: null, gapsConsidered: 3, summary: 'No regular pattern in 3 gaps.' };

describe('gap summary', () => {
  const gaps = [gap(1000, 300, 'sender-paused', 0), gap(5000, 1200, 'packets-lost', 40), gap(9000, 250, 'local-stall'), gap(12_000, 300, 'sender-paused', 0)];

  it('counts gaps and their time by cause, in the legend order', () => {
    expect(causeCounts(gaps)).toEqual([
      { code: 'sender-paused', text: 'sender paused', count: 2, totalMs: 600 },
      { code: 'packets-lost', text: 'packets lost', count: 1, totalMs: 1200 },
      { code: 'local-stall', text: 'Gapscope stalled', count: 1, totalMs: 250 },
    ]);
  });

  it('says the verdict in one breath', () => {
    expect(reportVerdict({ gaps, gapCount: 4, durationMs: 20_000, periodicity, trailingSilenceMs: null })).toBe(
      '4 gaps, 2.05 s without data (10% of 20.0 s); by cause: sender paused 2, packets lost 1, Gapscope stalled 1. No regular pattern in 3 gaps.',
    );
    expect(reportVerdict({ gaps: gaps.slice(1), gapCount: 4, durationMs: 20_000, periodicity, trailingSilenceMs: 2500 })).toBe(
      '4 gaps; the latest 3: 1.75 s without data (8.8% of 20.0 s); by cause: sender paused 1, packets lost 1, Gapscope stalled 1. No regular pattern in 3 gaps. No data for the last 2.50 s.',
    );
    expect(reportVerdict({ gaps: [], gapCount: 0, durationMs: 65_000, periodicity: { ...periodicity, summary: 'No gaps.' }, trailingSilenceMs: null })).toBe('No gaps in 1 min 05 s.');
  });

  it('buckets durations from the first bucket with a gap to the last', () => {
    expect(gapDurationHistogram(gaps).map((b) => [b.label, b.count])).toEqual([
      ['200 ms to 500 ms', 3],
      ['500 ms to 1.00 s', 0],
      ['1.00 s to 2.00 s', 1],
    ]);
    expect(gapDurationHistogram([{ durationMs: 60 }, { durationMs: 400_000 }]).map((b) => b.label)).toEqual(['under 100 ms', '100 ms to 200 ms', '200 ms to 500 ms', '500 ms to 1.00 s', '1.00 s to 2.00 s', '2.00 s to 5.00 s', '5.00 s to 10.0 s', '10.0 s to 30.0 s', '30.0 s to 1 min 00 s', '1 min 00 s to 5 min 00 s', '5 min 00 s or more']);
    expect(gapDurationHistogram([])).toEqual([]);
  });

  it('lists the longest gaps first, the earlier of equals first, numbered in time order', () => {
    expect(longestGaps(gaps, 3).map((n) => n.number)).toEqual([2, 1, 4]);
    expect(longestGaps(gaps, 2, 101).map((n) => [n.number, n.gap.durationMs])).toEqual([
      [102, 1200],
      [101, 300],
    ]);
  });
});
