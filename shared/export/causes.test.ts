/**
 * One capture with a sender pause, a network cut-out and a local stall, through every exporter: the
 * JSON report (as written and as read back by `gapscope export`), the gaps CSV, the HTML report and
 * the SVG/PNG chart give each gap the code and the words that gapCause gives it.
 */
import { describe, expect, it } from 'vitest';
import { GAP_CAUSE_CODES, gapCause, gapCauseRowClass, gapCauseText } from '../reception/gapCause';
import { throughputSvg } from './chartSvg';
import { gapsCsv } from './csv';
import { htmlReport } from './htmlReport';
import { parseReportFile } from './reportSchema';
import { threeCauseCapture } from './testing/threeCauses';


describe('every export gives a gap the same cause', () => {
  const { monitor, report } = threeCauseCapture();
  const expected = monitor.snapshot(5000).gaps.map((g) => gapCause(g));

  it('the capture holds a sender pause, a cut-out and a local stall', () => {
    expect(expected.map((c) => c.code)).toEqual(['sender-paused', 'packets-lost', 'local-stall']);
    expect(report.gaps.map((g) => g.lostPackets)).toEqual([0, 300, 0]);
  });

  it('JSON report, as written and as read back by gapscope export', () => {
    const written = JSON.parse(JSON.stringify(report)) as typeof report;
    expect(written.gaps.map((g) => [g.cause, g.causeText])).toEqual(expected.map((c) => [c.code, c.text]));
    const read = parseReportFile(JSON.stringify(report));
    expect(read.ok && read.report.gaps.map((g) => [g.cause, g.causeText])).toEqual(expected.map((c) => [c.code, c.text]));
  });

  it('gaps CSV, from the report and from the JSON file', () => {
    const rows = gapsCsv(report).trim().split('\r\n');
    expect(rows[0]!.split(',').slice(-2)).toEqual(['cause', 'cause_text']);
    expect(rows.slice(1).map((r) => r.split(',').slice(-2))).toEqual(expected.map((c) => [c.code, c.text]));
    const read = parseReportFile(JSON.stringify(report));
    expect(read.ok && gapsCsv(read.report)).toBe(gapsCsv(report));
  });

  it('HTML report: each gap row, and the counts by cause', () => {
    const html = htmlReport({ title: 't', report, environment: {}, generatedAt: 0 });
    const longest = /<table class="gaps longest">.*?<\/table>/s.exec(html)?.[0] ?? '';
    const rows = [...longest.matchAll(/<tr class="[^"]*" data-cause="([^"]+)" data-start-ms="([^"]+)">.*?<td title="[^"]*">([^<]+)<\/td><td>[^]*?<\/tr>/g)].map((m) => ({ startMs: Number(m[2]), code: m[1], text: m[3] }));
    expect(rows.sort((a, b) => a.startMs - b.startMs).map((r) => [r.startMs, r.code, r.text])).toEqual(report.gaps.map((g, i) => [g.startMs, expected[i]!.code, expected[i]!.text]));
    const causes = /<table class="causes">.*?<\/table>/s.exec(html)?.[0] ?? '';
    expect([...causes.matchAll(/<tr data-cause="([^"]+)"><td>([^<]+)<\/td><td><code>([^<]+)<\/code><\/td><td class="n">(\d+)<\/td>/g)].map((m) => [m[1], m[2], m[3], m[4]])).toEqual([
      ['sender-paused', 'sender paused', 'sender-paused', '1'],
      ['packets-lost', 'packets lost', 'packets-lost', '1'],
      ['local-stall', 'Gapscope stalled', 'local-stall', '1'],
    ]);
    expect(html).toContain('by cause: sender paused 1, packets lost 1, Gapscope stalled 1.');
  });

  it("HTML report: Gapscope's own stall and a device's restart rows stand apart from loss", () => {
    const classes = (r: typeof report): string[] => {
      const html = htmlReport({ title: 't', report: r, environment: {}, generatedAt: 0 });
      const longest = /<table class="gaps longest">.*?<\/table>/s.exec(html)?.[0] ?? '';
      return [...longest.matchAll(/<tr class="([^"]*)" data-cause="[^"]+" data-start-ms="([^"]+)">/g)].sort((a, b) => Number(a[2]) - Number(b[2])).map((m) => m[1]!);
    };
    expect(classes(report)).toEqual(['', '', 'local']);
    const restarted = { ...report, gaps: report.gaps.map((g, i) => (i === 0 ? { ...g, cause: 'device-restarted' as const, causeText: gapCauseText('device-restarted') } : g)) };
    expect(classes(restarted)).toEqual(['restart', '', 'local']);
    expect(GAP_CAUSE_CODES.map(gapCauseRowClass)).toEqual(['', '', 'local', 'restart', '']);
  });

  it('the chart (SVG and PNG)', () => {
    const svg = throughputSvg(report);
    const titles = [...svg.matchAll(/<rect class="gap"[^>]*><title>([^<]+)<\/title>/g)].map((m) => m[1]!);
    expect(titles.map((t) => t.split(', ').at(-1))).toEqual(expected.map((c) => c.text));
  });
});
