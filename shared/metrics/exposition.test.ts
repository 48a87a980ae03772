import { describe, expect, it } from 'vitest';
import { BucketCounts, encodeExposition, escapeHelp, escapeLabelValue, formatValue } from './exposition';

describe('the text exposition', () => {
  it('escapes what the format says and nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd é ✓')).toBe('a\\\\b\\"c\\nd é ✓');
    expect(escapeHelp('back\\slash\nline "quoted"')).toBe('back\\\\slash\\nline "quoted"');
    expect([formatValue(Infinity), formatValue(-Infinity), formatValue(NaN), formatValue(0.25), formatValue(1e21), formatValue(-3)]).toEqual(['+Inf', '-Inf', 'NaN', '0.25', '1e+21', '-3']);
  });

  it('writes histograms as cumulative buckets ending with +Inf equal to _count', () => {
    const h = new BucketCounts([0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3, 7]) h.observe(v);
    const text = encodeExposition([{ name: 'x_seconds', help: 'h', type: 'histogram', samples: [h.sample({ stream: 's' })] }]);
    expect(text).toBe(
      [
        '# HELP x_seconds h',
        '# TYPE x_seconds histogram',
        'x_seconds_bucket{stream="s",le="0.1"} 2',
        'x_seconds_bucket{stream="s",le="1"} 3',
        'x_seconds_bucket{stream="s",le="+Inf"} 5',
        'x_seconds_sum{stream="s"} 10.65',
        'x_seconds_count{stream="s"} 5',
        '',
      ].join('\n'),
    );
  });

  it('refuses programming slips instead of writing text a scraper rejects', () => {
    expect(() => encodeExposition([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(/metric name/);
    expect(() => encodeExposition([{ name: 'x', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': '1' }, value: 1 }] }])).toThrow(/label name/);
    expect(() => encodeExposition([{ name: 'x', help: '', type: 'gauge', samples: [{ labels: { __name: '1' }, value: 1 }] }])).toThrow(/label name/);
    expect(() => encodeExposition([{ name: 'x', help: '', type: 'gauge', samples: [{ labels: { a: '1', b: '2' }, value: 1 }, { labels: { b: '2', a: '1' }, value: 2 }] }])).toThrow(/twice/);
    const two = { name: 'x', help: '', type: 'gauge' as const, samples: [] };
    expect(() => encodeExposition([two, two])).toThrow(/twice/);
    expect(() => encodeExposition([{ name: 'h', help: '', type: 'histogram', samples: [{ labels: {}, bounds: [1, 2], counts: [1, 2], sum: 0 }] }])).toThrow(/counts/);
    expect(() => encodeExposition([{ name: 'h', help: '', type: 'histogram', samples: [{ labels: {}, bounds: [2, 1], counts: [0, 0, 0], sum: 0 }] }])).toThrow(/increase/);
    expect(() => encodeExposition([{ name: 'h', help: '', type: 'histogram', samples: [{ labels: { le: '1' }, bounds: [1], counts: [0, 0], sum: 0 }] }])).toThrow(/le/);
  });

  it('counts a value equal to a bound in that bound\'s bucket (le means at most)', () => {
    const h = new BucketCounts([1, 2]);
    h.observe(1);
    h.observe(2);
    h.observe(2.0001);
    expect(h.counts).toEqual([1, 1, 1]);
    expect(h.count).toBe(3);
  });
});
