/**
 * One self-contained HTML file to attach to a bug: the verdict, the chart, the statistics, the gaps
 * by cause, a histogram of their durations, the first, the last and the 50 longest gaps with the
 * events around them, loss by sequence number, and the environment. A page long whatever the
 * session's length: the gaps CSV lists every gap. No script, no external resource (its own CSP
 * forbids both), so it opens the same anywhere and years later.
 */
import { formatBytes, formatCount, formatDateTime, formatDuration, formatPercent, formatStreamTime, formatUtcOffset } from '../format';
import { gapCause, gapCauseRowClass } from '../reception/gapCause';
import { gapLocationHint, gapLocationText } from '../reception/gapLocation';
import type { ReceptionReport } from '../reception/report';
import { eventsNear, type TimelineEvent } from '../timeline';
import { escapeXml, throughputSvg } from './chartSvg';
import { causeCounts, gapDurationHistogram, longestGaps, reportVerdict, type NumberedGap } from './gapSummary';

/** What goes into the report. */
export interface HtmlReportInput {
  title: string;
  report: ReceptionReport;
  /** Facts about where it was measured: app version, OS, interface, ... (shown as a table). */
  environment: Record<string, string>;
  /** Timeline events (network, DNS, Bonjour, ...) during the stream. */
  events?: readonly Pick<TimelineEvent, 'at' | 'source' | 'severity' | 'summary'>[];
  /** When the file was made, ms since the epoch. */
  generatedAt: number;
}

/** How close to a gap an event is listed beside it. */
const GAP_EVENT_SLACK_MS = 1500;
/** The longest gaps listed; the gaps CSV has them all. */
export const LONGEST_GAPS_LISTED = 50;
/** Events listed; the JSON report has them all. */
const MAX_EVENT_ROWS = 200;

const num = (n: number | null | undefined): string => (n === null || n === undefined || !Number.isFinite(n) ? '—' : formatCount(n));
const dur = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '—' : formatDuration(ms));
const pct = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : formatPercent(r));

function table(rows: readonly (readonly [string, string])[]): string {
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('')}</table>`;
}

/** The report as one HTML document (UTF-8 text). */
export function htmlReport(input: HtmlReportInput): string {
  const r = input.report;
  const started = Date.parse(r.startedAt);
  const events = (input.events ?? []).filter((e) => Number.isFinite(e.at)).slice().sort((a, b) => a.at - b.at);
  const marks = events.map((e) => ({ t: e.at - started, severity: e.severity, text: `${e.source}: ${e.summary}` }));
  const verdict = reportVerdict(r);
  const stats: [string, string][] = [
    ['Started', Number.isFinite(started) ? `${formatDateTime(started)} (${formatUtcOffset(started)})` : r.startedAt],
    ['Duration', dur(r.durationMs)],
    ['Packets', num(r.packets)],
    ['Bytes', `${num(r.bytes)} (${formatBytes(r.bytes)})`],
    ['Gaps', `${num(r.gapCount)} (threshold ${dur(r.gapThresholdMs)}${r.gapThresholdAutomatic ? ', automatic' : ''})`],
    ['Duty cycle', pct(r.dutyCycle)],
    ['Periodicity', r.periodicity.summary],
  ];
  if (r.expected) stats.push(['Received vs expected', `${pct(r.expected.bytesRatio ?? r.expected.packetsRatio)} of the ${r.expected.bytesRatio !== null ? 'bytes' : 'packets'}`]);
  if (r.loss) {
    stats.push([`Loss (${r.decode?.format ?? 'decoded'})`, r.loss.lost === null ? 'no sequence number to count' : `${num(r.loss.lost)} lost of ${num(r.loss.expected)} (${pct(r.loss.expected ? r.loss.lost / r.loss.expected : 0)}), ${num(r.loss.duplicates)} duplicate, ${num(r.loss.reordered)} late`]);
  }
  if (r.jitterMs !== null) stats.push(['Jitter (RFC 3550)', dur(r.jitterMs)]);
  if (r.decode?.crcErrors) stats.push(['CRC / checksum errors', num(r.decode.crcErrors)]);
  if (r.trailingSilenceMs !== null) stats.push(['Silence at the end', dur(r.trailingSilenceMs)]);
  // Paired with `gapscope send` (shared/reception/pairing.ts): the sender's count against what arrived.
  const paired = r.pairing as { text?: unknown } | undefined;
  if (paired && typeof paired.text === 'string') stats.push(['Paired sender', paired.text]);

  const gapRow = ({ number, gap: g }: NumberedGap): string => {
    const near = Number.isFinite(started) ? eventsNear(events, started + g.startMs, started + g.endMs, GAP_EVENT_SLACK_MS) : [];
    const cause = gapCause(g);
    return `<tr class="${gapCauseRowClass(cause.code)}" data-cause="${cause.code}" data-start-ms="${g.startMs}"><td>${number}</td><td>${formatStreamTime(g.startMs)}</td><td>${formatStreamTime(g.endMs)}</td><td><b>${dur(g.durationMs)}</b></td><td>${num(g.packetsBefore)}</td><td>${formatBytes(g.bytesBefore)}</td><td>${g.lostPackets === null ? '—' : num(g.lostPackets)}</td><td title="${escapeXml(cause.hint)}">${escapeXml(cause.text)}${g.location ? ` · <span class="where" data-where="${g.location.where}" title="${escapeXml(gapLocationHint(g.location))}">${escapeXml(gapLocationText(g.location))}</span>` : ''}</td><td>${near.map((e) => `<span class="ev ${escapeXml(e.severity)}">${escapeXml(e.summary)}</span>`).join(' ')}</td></tr>`;
  };
  const gapTable = (rows: readonly NumberedGap[], cls: string): string =>
    `<table class="gaps ${cls}"><thead><tr><th>#</th><th>Start</th><th>End</th><th>Duration</th><th>Packets before</th><th>Bytes before</th><th>Lost inside</th><th>Cause</th><th>Events within 1.5 s</th></tr></thead><tbody>${rows.map(gapRow).join('')}</tbody></table>`;

  const firstNumber = r.gapCount - r.gaps.length + 1;
  const ends: NumberedGap[] = [];
  if (r.gaps.length > 0) ends.push({ number: firstNumber, gap: r.gaps[0]! });
  if (r.gaps.length > 1) ends.push({ number: firstNumber + r.gaps.length - 1, gap: r.gaps.at(-1)! });
  const longest = longestGaps(r.gaps, LONGEST_GAPS_LISTED, firstNumber);
  const histogram = gapDurationHistogram(r.gaps);
  const most = Math.max(1, ...histogram.map((b) => b.count));
  const causes = causeCounts(r.gaps);
  const partial = r.gaps.length < r.gapCount ? `<p class="muted">The ${num(r.gaps.length)} latest of ${num(r.gapCount)} gaps are kept; the figures below are theirs.</p>` : '';

  const gapsSection =
    r.gaps.length === 0
      ? '<p>No gaps.</p>'
      : `${partial}
<h3>By cause</h3>
<table class="causes"><thead><tr><th>Cause</th><th>Code</th><th>Gaps</th><th>Time without data</th><th>What it means</th></tr></thead><tbody>${causes.map((c) => `<tr data-cause="${c.code}"><td>${escapeXml(c.text)}</td><td><code>${c.code}</code></td><td class="n">${num(c.count)}</td><td class="n">${dur(c.totalMs)}</td><td class="muted">${escapeXml(gapCause({ cause: c.code, lostPackets: null }).hint)}</td></tr>`).join('')}</tbody></table>
<h3>How long they last</h3>
<table class="histogram"><thead><tr><th>Duration</th><th>Gaps</th><th></th></tr></thead><tbody>${histogram.map((b) => `<tr><td>${escapeXml(b.label)}</td><td class="n">${num(b.count)}</td><td class="bar"><span style="width:${((b.count / most) * 100).toFixed(1)}%"></span></td></tr>`).join('')}</tbody></table>
<h3>First and last gap</h3>
${gapTable(ends, 'ends')}
<h3>The ${longest.length === r.gaps.length ? `${num(longest.length)} gaps, longest first` : `${num(longest.length)} longest gaps`}</h3>
${gapTable(longest, 'longest')}
<p class="muted" data-testid="full-list">The full list of ${num(r.gaps.length)} gaps, with their causes, is in the gaps CSV (Export → CSV: gaps; or <code>gapscope export FILE --format csv-gaps</code>).</p>`;

  const css = `body{font:14px/1.45 system-ui,sans-serif;color:#0f172a;margin:24px auto;max-width:1280px;padding:0 16px}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}h3{font-size:14px;margin:16px 0 6px}.muted{color:#64748b}.verdict{font-size:15px;font-weight:600;margin:8px 0 12px}table{border-collapse:collapse}th,td{padding:4px 10px;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}table.gaps td:nth-child(-n+7),td.n{text-align:right;font-variant-numeric:tabular-nums}.facts th{color:#64748b;font-weight:500}tr.local{color:#7e22ce}tr.restart{color:#0f766e}td.bar{width:320px}td.bar span{display:block;height:12px;background:#ef4444;opacity:.7;border-radius:2px}.ev{display:inline-block;padding:0 6px;border-radius:4px;background:#eff6ff;font-size:12px}.ev.warning{background:#fff7e6;color:#b45309}.ev.error{background:#fef2f2;color:#b91c1c}svg{max-width:100%;height:auto;border:1px solid #e2e8f0;border-radius:8px}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Gapscope">
<title>${escapeXml(input.title)}</title>
<style>${css}</style>
</head>
<body>
<h1>${escapeXml(input.title)}</h1>
<p class="muted">Gapscope report, made ${escapeXml(`${formatDateTime(input.generatedAt)} (${formatUtcOffset(input.generatedAt)})`)}. Times in the tables are minutes:seconds since the stream started.</p>
<p class="verdict">${escapeXml(verdict)}</p>
${throughputSvg(r, { events: marks, width: 1240, height: 380, verdict })}
<h2>Statistics</h2>
${table(stats)}
${r.decode?.notes.length ? `<ul class="muted">${r.decode.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>` : ''}
<h2>Gaps (${num(r.gapCount)})</h2>
${gapsSection}
<h2>Events (${num(events.length)})</h2>
${events.length === 0 ? '<p class="muted">No network, DNS or Bonjour events were recorded during the stream.</p>' : `<table><tbody>${events
    .slice(0, MAX_EVENT_ROWS)
    .map((e) => `<tr><td>${escapeXml(formatDateTime(e.at))}</td><td>${Number.isFinite(started) ? formatStreamTime(e.at - started) : ''}</td><td>${escapeXml(e.source)}</td><td><span class="ev ${escapeXml(e.severity)}">${escapeXml(e.summary)}</span></td></tr>`)
    .join('')}</tbody></table>${events.length > MAX_EVENT_ROWS ? `<p class="muted">The first ${MAX_EVENT_ROWS} of ${num(events.length)} events; the JSON report lists them all.</p>` : ''}`}
<h2>Stream and environment</h2>
${table([...Object.entries(r.stream).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v))] as [string, string]), ...Object.entries(input.environment)])}
</body>
</html>
`;
}

