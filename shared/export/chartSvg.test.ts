import { describe, expect, it } from 'vitest';
import { escapeXml, throughputSvg } from './chartSvg';

const bins = Array.from({ length: 100 }, (_, i) => ({ startMs: i * 100, packets: i >= 40 && i < 50 ? 0 : 10, bytes: i >= 40 && i < 50 ? 0 : 5120, lost: i === 50 ? 100 : 0 }));
const base = {
  bins,
  binMs: 100,
  durationMs: 10_000,
  gaps: [{ startMs: 3990, endMs: 5000, durationMs: 1010, packetsBefore: 400, bytesBefore: 204_800, cause: 'packets-lost' as const, causeText: 'packets lost', lostPackets: 100 }],
  localStalls: [{ startMs: 8000, endMs: 8100, durationMs: 100 }],
  loss: null,
};

describe('throughputSvg', () => {
  it('draws the rate, each gap and stall, and no loss series without decoding', () => {
    const svg = throughputSvg(base);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/class="gap"/g)).toHaveLength(1);
    expect(svg.match(/class="stall"/g)).toHaveLength(1);
    expect(svg).toContain('class="rate"');
    expect(svg).not.toContain('class="loss"');
    expect(svg).toContain('Gap 1: 1.010 s from 3.990 s, 100 packets lost');
  });

  it('adds the loss series and event markers, escaping their text', () => {
    const svg = throughputSvg({ ...base, loss: { received: 900, expected: 1000, lost: 100, duplicates: 0, reordered: 0 } }, { events: [{ t: 4000, severity: 'warning', text: 'eth0 went <down> & "up"' }], title: 'GDL90 <script>' });
    expect(svg).toContain('class="loss"');
    expect(svg.match(/class="event"/g)).toHaveLength(1);
    expect(svg).toContain('eth0 went &lt;down&gt; &amp; &quot;up&quot;');
    expect(svg).toContain('GDL90 &lt;script&gt;');
    expect(svg).not.toContain('<script>');
  });

  it('draws only the range asked for', () => {
    const svg = throughputSvg(base, { startMs: 6000, endMs: 9000 });
    expect(svg).not.toContain('class="gap"');
    expect(svg).toContain('class="stall"');
  });

  it('escapes all five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
