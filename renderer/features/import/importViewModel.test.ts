import { describe, expect, it } from 'vitest';
import type { UdpFlow } from '../../../shared/capture/flows';
import { comparePoints, flowRows, importedChartView, progressText, sessionCapturePath } from './importViewModel';
import { resolveRange } from '../reception/chart/view';

const flow = (id: string, firstMs: number, lastMs: number): UdpFlow => ({ id, family: 4, srcAddress: '', srcPort: 0, dstAddress: '', dstPort: 0, packets: 10, bytes: 1000, firstMs, lastMs, reassembled: 0 });

describe('Import tab view model', () => {
  it('splits flows into source and destination, with times from the first frame', () => {
    const rows = flowRows([flow('10.0.0.1:4000 > 10.0.0.2:5000', 1500, 3250), flow('[fd00::1]:1 > [fd00::2]:2', 1000, 1000)], 1000);
    expect(rows.map((r) => [r.source, r.destination, r.firstSec, r.lastSec])).toEqual([
      ['10.0.0.1:4000', '10.0.0.2:5000', 0.5, 2.25],
      ['[fd00::1]:1', '[fd00::2]:2', 0, 0],
    ]);
  });

  it('progress as a fraction and a sentence', () => {
    const p = progressText({ operation: 'import', phase: 'reading', path: '/a', bytesRead: 512, totalBytes: 2048, packets: 1234 });
    expect(p.fraction).toBe(0.25);
    expect(p.text).toMatch(/of .* · 1,?234 frames/);
    expect(progressText({ operation: 'list', phase: 'reading', path: '/a', bytesRead: 0, totalBytes: 0, packets: 0 }).fraction).toBe(0);
  });

  it('compare bins become rates, merged so that at most maxPoints remain, keeping the byte difference', () => {
    const bins = Array.from({ length: 10 }, (_, i) => ({ startMs: i * 100, aBytes: 1000, bBytes: i === 3 ? 500 : 1000, diffBytes: i === 3 ? 500 : 0, aPackets: 10, bPackets: i === 3 ? 5 : 10, missingInB: i === 3 ? 5 : 0 }));
    const all = comparePoints({ bins, binMs: 100 });
    expect(all).toHaveLength(10);
    expect(all[3]).toEqual({ t: 300, aRate: 10_000, bRate: 5_000, diff: 500, missingInB: 5 });
    const merged = comparePoints({ bins, binMs: 100 }, 4);
    expect(merged.map((p) => p.t)).toEqual([0, 300, 600, 900]);
    expect(merged[1]).toEqual({ t: 300, aRate: 10_000, bRate: 2_500_000 / 300, diff: 500, missingInB: 5 });
    // The last, shorter group is a rate over its own width.
    expect(merged[3]).toMatchObject({ t: 900, aRate: 10_000 });
    expect(merged.reduce((s, p) => s + p.diff, 0)).toBe(500);
  });

  it('the chart of an imported flow shows the flow whole, not the last minute', () => {
    const r = resolveRange(importedChartView(9000, 11000, 100), 11500);
    expect(r.startMs).toBeLessThanOrEqual(9000);
    expect(r.startMs).toBeGreaterThan(8000);
    expect(r.endMs).toBeGreaterThanOrEqual(11000);
    expect(r.endMs).toBeLessThan(12000);
    // A flow of one instant still gets a readable window, from 0 at the earliest.
    const one = resolveRange(importedChartView(50, 50, 100), 50);
    expect(one.startMs).toBe(0);
    expect(one.endMs).toBeGreaterThan(50);
  });

  it('a recorded session\u2019s capture path: in the library, or its own --record file', () => {
    expect(sessionCapturePath('/data/sessions/', '2026-11-24T15-00-00', 'capture.pcapng')).toBe('/data/sessions/2026-11-24T15-00-00/capture.pcapng');
    expect(sessionCapturePath('C:\\Users\\me\\Gapscope', 's1', 'capture.pcapng')).toBe('C:\\Users\\me\\Gapscope\\s1\\capture.pcapng');
    expect(sessionCapturePath('/data/sessions', 'x', '/tmp/run.pcapng')).toBe('/tmp/run.pcapng');
  });
});
