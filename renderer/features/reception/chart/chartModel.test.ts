import { describe, expect, it } from 'vitest';
import { chartModel, niceAxis, pointAt, type ChartInput } from './chartModel';
import { LOCATION_STRIP_PX, paintChart } from './paintChart';
import type { ChartColors } from '../../../app/theme';
import type { Gap } from '../../../../shared/reception/types';
import { ThroughputHistory } from '../../../../shared/reception/throughputHistory';

function gap(startMs: number, endMs: number): Gap {
  return { startMs, endMs, durationMs: endMs - startMs, packetsBefore: 0, bytesBefore: 0, lostPackets: null, cause: 'unexplained' } as unknown as Gap;
}

function input(gaps: Gap[], over: Partial<ChartInput> = {}): ChartInput {
  // One minute of 10 ms bins, 5120 B in each.
  const n = 6000;
  const bins = new ThroughputHistory(10);
  for (let i = 0; i < n; i++) bins.add(i * 10 + 5, 5120);
  bins.advanceTo(n * 10);
  return {
    bins,
    gaps,
    openGap: null,
    stalls: [],
    nowMs: n * 10,
    withLoss: false,
    focusedGap: null,
    timeline: [],
    startedAt: 0,
    hidden: {},
    ...over,
  };
}

describe('chartModel', () => {
  it('draws sparse gaps as one rectangle each, the focused one marked', () => {
    const m = chartModel(input([gap(10_000, 11_000), gap(30_000, 30_500)], { focusedGap: 30_000 }), { startMs: 0, endMs: 60_000 }, 1000, 300);
    expect(m.gapMode).toBe('areas');
    expect(m.areas).toHaveLength(2);
    expect(m.areas[1]!.focused).toBe(true);
    expect(m.density).toBeNull();
    expect(m.gapsInView).toBe(2);
  });

  it("marks a located gap with where its packets went missing: a strip along the top of its area, in the location's colour", () => {
    const loc = (where: 'before-wire' | 'socket-buffer') => ({ where, matchedBy: 'sequence' as const, missed: 7, beforeWire: where === 'before-wire' ? 7 : 0, socketBuffer: where === 'socket-buffer' ? 7 : 0, afterWire: 0 });
    const m = chartModel(input([{ ...gap(10_000, 11_000), location: loc('before-wire') }, { ...gap(30_000, 30_500), location: loc('socket-buffer') }, gap(50_000, 50_500)]), { startMs: 0, endMs: 60_000 }, 1000, 300);
    expect(m.areas.map((a) => a.where)).toEqual(['before-wire', 'this-machine', undefined]);
    // What the painter draws: each strip is a rectangle LOCATION_STRIP_PX high at the plot's top, in its colour.
    const rects: { fill: string; x: number; y: number; w: number; h: number }[] = [];
    let fill = '';
    const ctx = new Proxy({} as Record<string, unknown>, {
      get: (_t, name) => (name === 'fillRect' ? (x: number, y: number, w: number, h: number) => rects.push({ fill, x, y, w, h }) : name === 'measureText' ? () => ({ width: 10 }) : () => {}),
      set: (_t, name, v) => {
        if (name === 'fillStyle') fill = String(v);
        return true;
      },
    });
    const colors = { line: '#000', fill: '#001', gap: '#f00', gapFocus: '#f01', openGap: '#f02', stall: '#f0f', grid: '#ccc', axis: '#666', selection: '#00f', bar: '#00e', loss: '#f80', event: '#888', lostBefore: '#08f', lostHere: '#f08' } as ChartColors;
    paintChart(ctx as unknown as CanvasRenderingContext2D, m, colors, 1, 10);
    const strips = rects.filter((r) => r.h === LOCATION_STRIP_PX && r.y === m.plot.top);
    expect(strips.map((r) => [r.fill, r.x, r.w])).toEqual([
      ['#08f', m.areas[0]!.x0, m.areas[0]!.x1 - m.areas[0]!.x0],
      ['#f08', m.areas[1]!.x0, m.areas[1]!.x1 - m.areas[1]!.x0],
    ]);
  });

  it('draws gaps denser than the pixels as a density band with their count, not rectangles', () => {
    // 1200 gaps of 20 ms in one minute on a plot ~930 px wide: more gaps than a quarter of the pixels.
    const gaps = Array.from({ length: 1200 }, (_, i) => gap(i * 50, i * 50 + 20));
    const m = chartModel(input(gaps), { startMs: 0, endMs: 60_000 }, 1000, 300);
    expect(m.gapMode).toBe('density');
    expect(m.areas).toHaveLength(0);
    expect(m.gapsInView).toBe(1200);
    expect(m.density).not.toBeNull();
    const mean = Array.from(m.density!).reduce((a, b) => a + b, 0) / m.density!.length;
    expect(mean).toBeCloseTo(0.4, 1);
  });

  it('asks the history for about one point per plot pixel and keeps the x axis inside the plot', () => {
    const m = chartModel(input([]), { startMs: 0, endMs: 60_000 }, 600, 300);
    expect(m.points.length).toBeGreaterThan(0);
    expect(m.points.length).toBeLessThanOrEqual(2 * (m.plot.right - m.plot.left) + 2);
    for (const t of m.xTicks) {
      expect(t.px).toBeGreaterThanOrEqual(m.plot.left - 0.5);
      expect(t.px).toBeLessThanOrEqual(m.plot.right + 0.5);
    }
    // 5120 B per 10 ms bin = 512 kB/s: the rate axis reaches it.
    expect(m.rateMax).toBeGreaterThanOrEqual(512_000);
  });

  it('finds the point under the mouse', () => {
    const pts = [
      { t: 0, rate: 1, min: 1, max: 1, lost: 0 },
      { t: 10, rate: 2, min: 2, max: 2, lost: 0 },
      { t: 20, rate: 3, min: 3, max: 3, lost: 0 },
    ];
    expect(pointAt(pts, -1)).toBeNull();
    expect(pointAt(pts, 15)?.rate).toBe(2);
    expect(pointAt(pts, 99)?.rate).toBe(3);
  });

  it('rounds axis tops to 1, 2, 2.5 or 5 steps', () => {
    expect(niceAxis(512_000)).toEqual({ top: 600_000, step: 200_000 });
    expect(niceAxis(1000)).toEqual({ top: 1000, step: 250 });
  });
});
