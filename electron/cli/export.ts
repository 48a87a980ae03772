/** `gapscope export`: turn a capture or a saved JSON report into what QA attaches to a bug. */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { binsCsv, gapsCsv } from '../../shared/export/csv';
import { throughputSvg } from '../../shared/export/chartSvg';
import { htmlReport } from '../../shared/export/htmlReport';
import { parseReportFile } from '../../shared/export/reportSchema';
import { GapscopeError } from '../../shared/errors';
import type { ReceptionReport } from '../../shared/reception/report';
import { analyzeCapture } from '../capture/analyzeCapture';
import { saveCaptureRange } from '../capture/captureRange';
import { appVersion } from '../kernel/version';
import { decodeOption, intOption, numberOption, secondsOption } from './options';

/** Formats `gapscope export` writes. */
export const EXPORT_FORMATS = ['html', 'json', 'csv-bins', 'csv-gaps', 'svg', 'pcapng'] as const;

interface ExportCliOptions {
  format: (typeof EXPORT_FORMATS)[number];
  output?: string;
  port?: number;
  flow?: string;
  decode: string;
  bin: number;
  gapMs?: number;
  from?: number;
  to?: number;
}

/** Reads the input: a JSON report (listen/analyze --json, a UI export) or a pcap/pcapng capture to analyze. */
export async function loadReport(file: string, o: Pick<ExportCliOptions, 'port' | 'flow' | 'decode' | 'bin' | 'gapMs'>): Promise<ReceptionReport> {
  let head: Buffer;
  try {
    head = (await readFile(file)).subarray(0, 1);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GapscopeError(code === 'EACCES' ? 'permission-denied' : 'not-found', code === 'ENOENT' ? `No such file: ${file}.` : `Cannot read ${file}: ${(err as Error).message}.`);
  }
  if (file.endsWith('.json') || head.toString() === '{') {
    const parsed = parseReportFile(await readFile(file, 'utf8'));
    if (!parsed.ok) throw new GapscopeError('invalid-argument', `${file} ${parsed.message}.`);
    return parsed.report;
  }
  return analyzeCapture(file, { port: o.port, flow: o.flow, decode: o.decode, binMs: o.bin, gapMs: o.gapMs });
}

/** The exported text for a report in one format. */
export function renderExport(report: ReceptionReport, format: Exclude<ExportCliOptions['format'], 'pcapng'>, title: string, now: number): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv-bins':
      return binsCsv(report);
    case 'csv-gaps':
      return gapsCsv(report);
    case 'svg':
      return throughputSvg(report, { title });
    case 'html':
      return htmlReport({ title, report, generatedAt: now, environment: { Gapscope: appVersion(), 'Exported on': `${process.platform}-${process.arch}` } });
  }
}

/** Registers `gapscope export`. */
export function registerExportCommands(program: Command, out: (text: string) => void = (t) => void process.stdout.write(t)): void {
  program
    .command('export')
    .description('Export a capture (pcap/pcapng, gzip too) or a saved JSON report as an HTML report for a bug, JSON, CSV of bins or gaps, or the chart as SVG; or a time range of a capture as pcapng (--format pcapng --from S --to S -o FILE).')
    .argument('<file>', 'a capture file, or a JSON report from listen/analyze --json')
    .addOption(new Option('-f, --format <format>', 'what to write').choices([...EXPORT_FORMATS]).default('html'))
    .option('-o, --output <file>', 'write here instead of standard output')
    .option('-p, --port <port>', 'for a capture: the stream\u2019s UDP destination port', intOption('--port', 1, 65535))
    .option('--flow <flow>', 'for a capture: the flow, e.g. 10.0.0.1:5000>10.0.0.2:4000')
    .option('--decode <format>', 'for a capture: payload format for loss by sequence number', decodeOption, 'auto')
    .option('--bin <ms>', 'for a capture: throughput bin width', intOption('--bin', 10, 10_000), 100)
    .option('--gap-ms <ms>', 'for a capture: gap threshold in ms (default automatic)', numberOption('--gap-ms', 3_600_000))
    .option('--from <seconds>', 'pcapng: first instant, seconds after the first packet (default 0)', secondsOption('--from'))
    .option('--to <seconds>', 'pcapng: last instant, seconds after the first packet (default: the end)', secondsOption('--to'))
    .action(async (file: string, o: ExportCliOptions) => {
      if (o.format === 'pcapng') {
        if (!o.output) throw new GapscopeError('invalid-argument', 'pcapng is binary: give the file to write with -o FILE.pcapng.');
        const fromMs = (o.from ?? 0) * 1000;
        const toMs = o.to === undefined ? Infinity : o.to * 1000;
        if (toMs < fromMs) throw new GapscopeError('invalid-argument', `--to (${o.to} s) is before --from (${o.from ?? 0} s).`);
        const r = await saveCaptureRange(file, o.output, { fromMs, toMs }, `Gapscope ${appVersion()}`, `Packets from ${fromMs / 1000} s to ${o.to === undefined ? 'the end' : `${o.to} s`} after the first frame of ${basename(file)}`);
        out(`Wrote ${r.packets} of ${r.seen} packets to ${o.output}.\n`);
        return;
      }
      if (o.from !== undefined || o.to !== undefined) throw new GapscopeError('invalid-argument', '--from and --to apply to --format pcapng only.');
      const report = await loadReport(file, o);
      const text = renderExport(report, o.format, `Gapscope: ${basename(file)}`, Date.now());
      if (!o.output) return out(text);
      try {
        await writeFile(o.output, text);
      } catch (err) {
        throw new GapscopeError('permission-denied', `Cannot write ${o.output}: ${(err as Error).message}.`);
      }
    });
}
