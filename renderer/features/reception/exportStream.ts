/**
 * What the Export menu makes of a stream: the same report, CSVs, chart and HTML as the CLI, from the
 * UI's state. Taking the state (exportInput) is quick and happens on the page; building the file
 * (buildExport) is the long part, plain data in and text out, so it can run in a worker.
 */
import type { AppInfo, StreamInfo } from '../../../shared/contract';
import { binsCsv, gapsCsv, packetsCsv } from '../../../shared/export/csv';
import { throughputSvg } from '../../../shared/export/chartSvg';
import { htmlReport } from '../../../shared/export/htmlReport';
import { buildReportWithBins, gapColumns, gapsFromColumns, reportBins, type GapColumns, type ReceptionReport, type ReportBins } from '../../../shared/reception/report';
import type { ReceptionSnapshot } from '../../../shared/reception/types';
import type { TimelineEvent } from '../../../shared/timeline';
import type { ReceptionState } from './streamState';
import { streamTitle } from './stats';

/** The formats the Export menu offers. */
export type ExportKind = 'html' | 'json' | 'csv-bins' | 'csv-gaps' | 'csv-packets' | 'svg' | 'png';

/** Menu entries in the user's words. */
export const EXPORT_CHOICES: readonly { kind: ExportKind; label: string }[] = [
  { kind: 'html', label: 'HTML report (for a bug)' },
  { kind: 'json', label: 'JSON report' },
  { kind: 'csv-bins', label: 'CSV: throughput bins' },
  { kind: 'csv-gaps', label: 'CSV: gaps' },
  { kind: 'csv-packets', label: 'CSV: latest packets' },
  { kind: 'svg', label: 'Chart as SVG' },
  { kind: 'png', label: 'Chart as PNG' },
];

/** A file to hand to the browser; PNG comes back as SVG text that the caller rasterizes. */
export interface ExportFile {
  name: string;
  mime: string;
  text: string;
}

/** Everything an export needs, as plain data a worker can receive: the report's bins and the gaps as typed arrays, not the whole history. */
export interface ExportInput {
  info: StreamInfo;
  snapshot: Omit<ReceptionSnapshot, 'bins' | 'gaps'>;
  /** The bins the report lists; empty for the exports that list none (gaps, packets). */
  bins: ReportBins;
  /** The gaps; none for the exports that list none (bins, packets). */
  gaps: GapColumns;
  /** Timeline events during the stream. */
  events: TimelineEvent[];
  app: AppInfo | null;
  /** When the export was asked for, ms since the epoch. */
  now: number;
  userAgent: string;
}

/** The steps of building an export, for its progress line. */
export type ExportStage = 'report' | 'chart' | 'document' | 'image';

/** The step names in the user's words. */
export const EXPORT_STAGE_TEXT: Record<ExportStage, string> = {
  report: 'reading the history',
  chart: 'drawing the chart',
  document: 'writing the file',
  image: 'making the image',
};

const NO_BINS = (binMs: number): ReportBins => ({ binMs, startMs: new Float64Array(0), packets: new Float64Array(0), bytes: new Float64Array(0), lost: new Float64Array(0) });

/** Takes what an export of a stream needs from the UI's state, at the moment it is asked for (all of it when `kind` is not given). */
export function exportInput(info: StreamInfo, r: ReceptionState, events: readonly TimelineEvent[], app: AppInfo | null, now: number, kind?: ExportKind): ExportInput {
  const end = info.startedAt + r.nowMs;
  const snapshot: Omit<ReceptionSnapshot, 'bins' | 'gaps'> = {
    nowMs: r.nowMs,
    totals: r.totals,
    openGap: r.openGap,
    gapThresholdMs: r.gapThresholdMs,
    gapThresholdAutomatic: r.gapThresholdAutomatic,
    periodicity: r.periodicity,
    interArrival: r.interArrival,
    stalls: r.stalls,
    recentPackets: r.packets,
    loss: r.loss,
    pairing: r.pairing,
  };
  const bins = kind === 'csv-gaps' || kind === 'csv-packets' ? NO_BINS(r.bins.binMs) : reportBins(r.bins);
  return { info, snapshot, bins, gaps: gapColumns(kind === 'csv-bins' || kind === 'csv-packets' ? [] : r.gaps), events: events.filter((e) => e.at >= info.startedAt && e.at <= end), app, now, userAgent: typeof navigator === 'undefined' ? 'unknown' : navigator.userAgent };
}

/** The report of a stream as `gapscope listen --json` prints it. */
export function streamReport(info: StreamInfo, r: ReceptionState): ReceptionReport {
  return reportOf(exportInput(info, r, [], null, 0));
}

function reportOf({ info, snapshot, bins, gaps }: Pick<ExportInput, 'info' | 'snapshot' | 'bins' | 'gaps'>): ReceptionReport {
  return buildReportWithBins({ ...snapshot, gaps: gapsFromColumns(gaps) }, bins, { ...info.config, kind: info.kind, family: info.family, bound: info.bound, recvBufferGranted: info.recvBufferGranted }, info.startedAt);
}

/** A file name people can keep: gapscope-<stream>-<start time>.<ext>, safe on every OS. */
export function exportName(info: StreamInfo, suffix: string, ext: string): string {
  const title = streamTitle(info).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'stream';
  const when = new Date(info.startedAt).toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return `gapscope-${title}-${when}${suffix ? `-${suffix}` : ''}.${ext}`;
}

/** Builds one export from its input, saying which step it is at; pure, so it runs in a worker as on the page. */
export function buildExport(kind: ExportKind, input: ExportInput, onStage: (stage: ExportStage) => void = () => {}): ExportFile {
  const { info, events: during, app, now } = input;
  if (kind === 'csv-packets') return { name: exportName(info, 'packets', 'csv'), mime: 'text/csv', text: packetsCsv(input.snapshot.recentPackets) };
  onStage('report');
  const report = reportOf(input);
  const marks = during.map((e) => ({ t: e.at - info.startedAt, severity: e.severity, text: `${e.source}: ${e.summary}` }));
  switch (kind) {
    case 'json':
      onStage('document');
      return { name: exportName(info, '', 'json'), mime: 'application/json', text: `${JSON.stringify({ ...report, events: during }, null, 2)}\n` };
    case 'csv-bins':
      onStage('document');
      return { name: exportName(info, 'bins', 'csv'), mime: 'text/csv', text: binsCsv(report) };
    case 'csv-gaps':
      onStage('document');
      return { name: exportName(info, 'gaps', 'csv'), mime: 'text/csv', text: gapsCsv(report) };
    case 'svg':
    case 'png':
      onStage('chart');
      return { name: exportName(info, 'chart', kind), mime: 'image/svg+xml', text: throughputSvg(report, { events: marks, title: streamTitle(info) }) };
    case 'html':
      onStage('document');
      return {
        name: exportName(info, 'report', 'html'),
        mime: 'text/html',
        text: htmlReport({
          title: `Gapscope: ${streamTitle(info)}`,
          report,
          events: during,
          generatedAt: now,
          environment: { Gapscope: app ? `${app.version} (${app.mode})` : 'unknown', Platform: app?.platform ?? 'unknown', 'Browser / window': input.userAgent },
        }),
      };
  }
}

/** Builds one export of a stream, with the timeline events that fall within it, here and now. */
export function exportStream(kind: ExportKind, info: StreamInfo, r: ReceptionState, events: readonly TimelineEvent[], app: AppInfo | null, now: number): ExportFile {
  return buildExport(kind, exportInput(info, r, events, app, now, kind));
}
