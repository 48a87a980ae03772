import { describe, expect, it } from 'vitest';
import type { ReportGap } from '../reception/report';
import { escapeXml, throughputSvg, type ChartReport } from './chartSvg';

const bins = Array.from({ length: 100 }, (_, i) => ({ startMs: i * 100, packets: i >= 40 && i < 50 ? 0 : 10, bytes: i >= 40 && i < 50 ? 0 : 5120, lost: i === 50 ? 100 : 0 }));
const periodicity = { kind: 'none' as const, everyBytes: null, everyMs: null, bytesSpread: null, timeSpread: null, gapsConsidered: 1, summary: 'Too few gaps to tell whether they recur (1).' };
const base: ChartReport = {
  bins,
  binMs: 100,
  durationMs: 10_000,
  gaps: [{ startMs: 3990, endMs: 5000, durationMs: 1010, packetsBefore: 400, bytesBefore: 204_800, cause: 'packets-lost', causeText: 'packets lost', lostPackets: 100 }],
  gapCount: 1,
  localStalls: [{ startMs: 8000, endMs: 8100, durationMs: 100 }],
  loss: null,
  periodicity,
  trailingSilenceMs: null,
};

/** A long session: `n` gaps of `gapMs` every `everyMs`, 10 ms bins. */
function longSession(n: number, everyMs: number, gapMs: number): ChartReport {
  const durationMs = n * everyMs;
  const gaps: ReportGap[] = Array.from({ length: n }, (_, i) => ({ startMs: i * everyMs + 100, endMs: i * everyMs + 100 + gapMs, durationMs: gapMs, packetsBefore: 256, bytesBefore: 131_072, cause: 'sender-paused', causeText: 'sender paused', lostPackets: 0 }));
  const binsLong = Array.from({ length: durationMs / 10 }, (_, i) => ({ startMs: i * 10, packets: 10, bytes: 5120, lost: 0 }));
  return { ...base, bins: binsLong, binMs: 10, durationMs, gaps, gapCount: n, localStalls: [], periodicity: { ...periodicity, kind: 'bytes', summary: 'Gaps recur after every ~128 KiB received (spread 0%, 1,300 gaps).' } };
}

describe('throughputSvg', () => {
  it('draws the rate, each gap and stall, and no loss series without decoding', () => {
    const svg = throughputSvg(base);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/class="gap"/g)).toHaveLength(1);
    expect(svg.match(/class="stall"/g)).toHaveLength(1);
    expect(svg).toContain('class="rate"');
    expect(svg).not.toContain('class="loss"');
    expect(svg).toContain('Gap 1: 1.01 s from 0:03.990, 100 packets lost, packets lost');
    expect(svg).not.toContain('gap-density');
  });

  it('says in each gap\'s tooltip where the wire view says it lost its datagrams, with the numbers, in the gap table\'s words', () => {
    const located = { ...base.gaps[0]!, location: { where: 'after-wire' as const, matchedBy: 'sequence' as const, missed: 100, beforeWire: 0, socketBuffer: 0, afterWire: 100 } };
    const svg = throughputSvg({ ...base, gaps: [located] });
    expect(svg).toContain(
      '<title>Gap 1: 1.01 s from 0:03.990, 100 packets lost, packets lost \u00b7 reached the network card, lost on this machine. The wire view saw 100 datagrams since the previous gap that the socket never got, and the kernel counted no buffer drops for them: lost on this machine between the network card and the socket (a firewall, a checksum, routing).</title>',
    );
    // Without a wire view the tooltip ends with the cause, as before.
    expect(throughputSvg(base)).toMatch(/, packets lost<\/title>/);
  });

  it('carries the verdict, the time range and a legend, since a PNG travels alone', () => {
    const svg = throughputSvg(base, { title: 'Stream' });
    expect(svg).toContain('<text class="chart-verdict" x="64" y="40" fill="#0f172a">1 gap, 1.01 s without data (10% of 10.0 s); by cause: packets lost 1. Too few gaps to tell whether they recur (1).</text>');
    expect(svg).toContain('0:00.000 – 0:10.000 (10.0 s) · 100 ms bins');
    const legend = /<g class="legend">.*?<\/g>/s.exec(svg)?.[0] ?? '';
    expect(legend).toContain('throughput (KiB/s)');
    expect(legend).toContain('gap (1)');
    expect(legend).toContain('Gapscope stalled (1)');
    expect(throughputSvg(base, { verdict: null })).not.toContain('class="chart-verdict"');
  });

  it('outlines the rate with one edge per run of pixels at the same height, several bins per pixel', () => {
    // 300 px wide: 180 px of plot from x = 64, 4 bins per pixel; full rate for the first half, nothing after.
    const half = Array.from({ length: 720 }, (_, i) => ({ startMs: i * 10, packets: i < 360 ? 1 : 0, bytes: i < 360 ? 100 : 0, lost: 0 }));
    const svg = throughputSvg({ ...base, bins: half, binMs: 10, durationMs: 7200, gaps: [], gapCount: 0, localStalls: [] }, { width: 300, verdict: null });
    for (const cls of ['rate', 'rate-peak']) {
      const d = new RegExp(`class="${cls}" d="([^"]+)"`).exec(svg)![1]!;
      const points = d.replace(/^M/, '').replace(/ Z$/, '').split(' L').map((p) => p.split(',').map(Number) as [number, number]);
      const floor = points[0]![1];
      const full = points[1]![1];
      expect(full).toBeLessThan(floor);
      expect(points).toEqual([
        [64, floor],
        [64, full],
        [154, full],
        [154, floor],
        [244, floor],
        [244, floor],
      ]);
    }
  });

  it('writes the rate axis in one IEC unit with round steps, and the time axis on the stream clock', () => {
    const svg = throughputSvg(base);
    // 5120 B per 100 ms = 50 KiB/s: steps of 20 up to 60.
    expect(svg).toMatch(/>KiB\/s<\/text>/);
    for (const v of ['0', '20', '40', '60']) expect(svg).toContain(`text-anchor="end" fill="#64748b">${v}</text>`);
    expect(svg).toContain('>0:04</text>');
    expect(svg).not.toMatch(/>-/);
  });

  it('draws 1,300 gaps over 21 minutes as a density band with their count, not 1,300 rectangles', () => {
    const svg = throughputSvg(longSession(1300, 970, 420), { width: 1200 });
    expect(svg).not.toContain('class="gap"');
    const bandRects = /<g class="gap-density"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1]?.match(/<rect /g) ?? [];
    // 1,300 gaps of 43% of their cycle on 1,080 px: every pixel column is partly in a gap.
    expect(bandRects.length).toBeGreaterThan(0);
    expect(bandRects.length).toBeLessThanOrEqual(1080);
    expect(svg).toContain('gaps: share of time per pixel (1,300 gaps, 43%)');
    expect(svg).toContain('1,300 gaps, 9 min 06 s without data (43% of 21 min 01 s); by cause: sender paused 1,300.');
    expect(svg.length).toBeLessThan(200_000);
  });

  it('adds the loss series and event markers, escaping their text', () => {
    const svg = throughputSvg({ ...base, loss: { received: 900, expected: 1000, lost: 100, duplicates: 0, reordered: 0 } }, { events: [{ t: 4000, severity: 'warning', text: 'eth0 went <down> & "up"' }], title: 'GDL90 <script>' });
    expect(svg).toContain('class="loss"');
    expect(svg.match(/class="event"/g)).toHaveLength(1);
    expect(svg).toContain('eth0 went &lt;down&gt; &amp; &quot;up&quot;');
    expect(svg).toContain('GDL90 &lt;script&gt;');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('lost packets/s (by sequence number)');
    expect(svg).toContain('event (1)');
  });

  it('draws only the range asked for', () => {
    const svg = throughputSvg(base, { startMs: 6000, endMs: 9000 });
    expect(svg).not.toContain('class="gap"');
    expect(svg).toContain('class="stall"');
    expect(svg).toContain('0:06.000 – 0:09.000 (3.00 s)');
  });

  it('escapes all five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
