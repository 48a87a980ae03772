/**
 * One self-contained HTML file to attach to a bug: the chart, the statistics, every gap with the
 * events around it, loss by sequence number, and the environment. No script, no external resource
 * (its own CSP forbids both), so it opens the same anywhere and years later.
 */
import type { ReceptionReport } from '../reception/report';
import { gapCause } from '../reception/gapCause';
import { eventsNear, type TimelineEvent } from '../timeline';
import { escapeXml, throughputSvg } from './chartSvg';

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
/** Gaps listed in full; a longer list is cut with a note (the CSV has them all). */
const MAX_GAP_ROWS = 2000;

const num = (n: number | null | undefined, digits = 0): string => (n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const sec = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(3)} s`);
const pct = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(r < 0.1 ? 2 : 1)}%`);

function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

function table(rows: readonly (readonly [string, string])[]): string {
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('')}</table>`;
}

/** The report as one HTML document (UTF-8 text). */
export function htmlReport(input: HtmlReportInput): string {
  const r = input.report;
  const started = Date.parse(r.startedAt);
  const events = (input.events ?? []).filter((e) => Number.isFinite(e.at)).slice().sort((a, b) => a.at - b.at);
  const marks = events.map((e) => ({ t: e.at - started, severity: e.severity, text: `${e.source}: ${e.summary}` }));
  const stats: [string, string][] = [
    ['Started', Number.isFinite(started) ? new Date(started).toISOString() : r.startedAt],
    ['Duration', sec(r.durationMs)],
    ['Packets', num(r.packets)],
    ['Bytes', `${num(r.bytes)} (${bytes(r.bytes)})`],
    ['Gaps', `${num(r.gapCount)} (threshold ${num(r.gapThresholdMs, 1)} ms${r.gapThresholdAutomatic ? ', automatic' : ''})`],
    ['Duty cycle', pct(r.dutyCycle)],
    ['Periodicity', r.periodicity.summary],
  ];
  if (r.expected) stats.push(['Received vs expected', `${pct(r.expected.bytesRatio ?? r.expected.packetsRatio)} of the ${r.expected.bytesRatio !== null ? 'bytes' : 'packets'}`]);
  if (r.loss) {
    stats.push([`Loss (${r.decode?.format ?? 'decoded'})`, r.loss.lost === null ? 'no sequence number to count' : `${num(r.loss.lost)} lost of ${num(r.loss.expected)} (${pct(r.loss.expected ? r.loss.lost / r.loss.expected : 0)}), ${num(r.loss.duplicates)} duplicate, ${num(r.loss.reordered)} late`]);
  }
  if (r.jitterMs !== null) stats.push(['Jitter (RFC 3550)', `${r.jitterMs.toFixed(3)} ms`]);
  if (r.decode?.crcErrors) stats.push(['CRC / checksum errors', num(r.decode.crcErrors)]);
  if (r.trailingSilenceMs !== null) stats.push(['Silence at the end', sec(r.trailingSilenceMs)]);

  const gapRows = r.gaps.slice(0, MAX_GAP_ROWS).map((g, i) => {
    const near = Number.isFinite(started) ? eventsNear(events, started + g.startMs, started + g.endMs, GAP_EVENT_SLACK_MS) : [];
    const cause = gapCause(g);
    return `<tr class="${cause.code === 'local-stall' ? 'local' : ''}" data-cause="${cause.code}"><td>${i + 1}</td><td>${sec(g.startMs)}</td><td>${sec(g.endMs)}</td><td><b>${sec(g.durationMs)}</b></td><td>${num(g.packetsBefore)}</td><td>${bytes(g.bytesBefore)}</td><td>${g.lostPackets === null ? '—' : num(g.lostPackets)}</td><td title="${escapeXml(cause.hint)}">${escapeXml(cause.text)}</td><td>${near.map((e) => `<span class="ev ${escapeXml(e.severity)}">${escapeXml(e.summary)}</span>`).join(' ')}</td></tr>`;
  });

  const css = `body{font:14px/1.45 system-ui,sans-serif;color:#0f172a;margin:24px auto;max-width:1280px;padding:0 16px}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.muted{color:#64748b}table{border-collapse:collapse}th,td{padding:4px 10px;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}table.gaps td:nth-child(-n+7){text-align:right;font-variant-numeric:tabular-nums}.facts th{color:#64748b;font-weight:500}tr.local{color:#7e22ce}.ev{display:inline-block;padding:0 6px;border-radius:4px;background:#eff6ff;font-size:12px}.ev.warning{background:#fff7e6;color:#b45309}.ev.error{background:#fef2f2;color:#b91c1c}svg{max-width:100%;height:auto;border:1px solid #e2e8f0;border-radius:8px}`;
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
<p class="muted">Gapscope report, made ${escapeXml(new Date(input.generatedAt).toISOString())}. Times are seconds since the stream started.</p>
${throughputSvg(r, { events: marks, width: 1240, height: 340 })}
<h2>Statistics</h2>
${table(stats)}
${r.decode?.notes.length ? `<ul class="muted">${r.decode.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>` : ''}
<h2>Gaps (${num(r.gapCount)})</h2>
${r.gaps.length === 0 ? '<p>No gaps.</p>' : `<table class="gaps"><thead><tr><th>#</th><th>Start</th><th>End</th><th>Duration</th><th>Packets before</th><th>Bytes before</th><th>Lost inside</th><th>Cause</th><th>Events within 1.5 s</th></tr></thead><tbody>${gapRows.join('')}</tbody></table>`}
${r.gaps.length > MAX_GAP_ROWS ? `<p class="muted">The first ${MAX_GAP_ROWS} of ${num(r.gaps.length)} gaps; the CSV export lists them all.</p>` : ''}
<h2>Events (${events.length})</h2>
${events.length === 0 ? '<p class="muted">No network, DNS or Bonjour events were recorded during the stream.</p>' : `<table><tbody>${events.map((e) => `<tr><td>${escapeXml(new Date(e.at).toISOString())}</td><td>${Number.isFinite(started) ? sec(e.at - started) : ''}</td><td>${escapeXml(e.source)}</td><td><span class="ev ${escapeXml(e.severity)}">${escapeXml(e.summary)}</span></td></tr>`).join('')}</tbody></table>`}
<h2>Stream and environment</h2>
${table([...Object.entries(r.stream).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v))] as [string, string]), ...Object.entries(input.environment)])}
</body>
</html>
`;
}
