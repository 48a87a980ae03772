import { describe, expect, it } from 'vitest';
import { gapCause } from '../../shared/reception/gapCause';
import { threeCauseCapture } from '../../shared/export/testing/threeCauses';
import { humanReport, liveLine } from './listen';

describe('gapscope listen prints', () => {
  it("every gap with gapCause's words, as the exports do", () => {
    const { monitor, report } = threeCauseCapture();
    const gapLines = humanReport(report).filter((l) => l.startsWith('  gap at'));
    expect(gapLines).toEqual([
      '  gap at   0:00.999  lasting     401 ms  after 1000 pkts / 15.6 KiB  0 lost in it  cause: sender paused',
      '  gap at   0:02.399  lasting     301 ms  after 1000 pkts / 15.6 KiB  300 lost in it  cause: packets lost',
      '  gap at   0:03.699  lasting     401 ms  after 1000 pkts / 15.6 KiB  0 lost in it  cause: Gapscope stalled',
    ]);
    expect(gapLines.map((l) => l.split('cause: ')[1])).toEqual(monitor.snapshot(5000).gaps.map((g) => gapCause(g).text));
  });

  it('a live line with the shared formats', () => {
    const totals = { packets: 123_456, bytes: 63_209_472, durationMs: 125_400, firstPacketMs: 0, lastPacketMs: 125_000, dutyCycle: 0.55, gapCount: 42, gapMs: 1000, expected: null };
    expect(liveLine(125_400, totals, { packets: 1000, bytes: 512_000 }, 850)).toBe('   2:05    1,000 pkt/s     500 KiB/s  total 123,456 pkts 60.3 MiB  gaps 42  duty 55%  (no data for 850 ms)');
  });
});
