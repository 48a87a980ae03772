/** `gapscope export`: turn a capture or a saved JSON report into what QA attaches to a bug. */
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { binsCsv, gapsCsv } from '../../shared/export/csv';
import { throughputSvg } from '../../shared/export/chartSvg';
import { htmlReport } from '../../shared/export/htmlReport';
import { GapscopeError } from '../../shared/errors';
import type { ReceptionReport } from '../../shared/reception/report';
import { placeNewFile } from '../capture/captureRange';
import { appVersion } from '../kernel/version';
import type { WithApi } from './backendApi';
import { captureStreamOptions, numberArg, type CaptureStreamFlags } from './options';

/** Formats `gapscope export` writes. */
const EXPORT_FORMATS = ['html', 'json', 'csv-bins', 'csv-gaps', 'svg', 'pcapng'] as const;

interface ExportCliOptions extends CaptureStreamFlags {
  format: (typeof EXPORT_FORMATS)[number];
  output?: string;
  overwrite?: boolean;
  from?: number;
  to?: number;
}

/** The exported text for a report in one format. */
function renderExport(report: ReceptionReport, format: Exclude<ExportCliOptions['format'], 'pcapng'>, title: string, now: number): string {
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

/** Writes `text` as a new file (beside it first, then put in place), so an existing file is never replaced unless `overwrite`. */
async function writeNewFile(file: string, text: string, overwrite: boolean): Promise<void> {
  const tmp = `${file}.${process.pid}.part`;
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    placeNewFile(tmp, file, overwrite);
  } catch (err) {
    if (!((err as NodeJS.ErrnoException).code === 'EEXIST' && (err as NodeJS.ErrnoException).path === tmp)) rmSync(tmp, { force: true });
    if (err instanceof GapscopeError) throw err;
    throw new GapscopeError('permission-denied', `Cannot write ${file}: ${(err as Error).message}.`);
  }
}

/** Registers `gapscope export`: readReport or saveCaptureRange through the contract, rendered here. */
export function registerExportCommands(program: Command, withApi: WithApi, out: (text: string) => void = (t) => void process.stdout.write(t)): void {
  const command = program
    .command('export')
    .description('Export a capture (pcap/pcapng, gzip too) or a saved JSON report as an HTML report for a bug, JSON, CSV of bins or gaps, or the chart as SVG; or a time range of a capture as pcapng (--format pcapng --from S --to S -o FILE).')
    .argument('<file>', 'a capture file, or a JSON report from listen/analyze --json')
    .addOption(new Option('-f, --format <format>', 'what to write').choices([...EXPORT_FORMATS]).default('html'))
    .option('-o, --output <file>', 'write here instead of standard output (a new file)')
    .option('--overwrite', 'replace the -o file if it exists (without it, an existing file is never replaced)');
  captureStreamOptions(command, 'for a capture: ')
    .option('--from <seconds>', 'pcapng: first instant, seconds after the first packet (default 0)', numberArg)
    .option('--to <seconds>', 'pcapng: last instant, seconds after the first packet (default: the end)', numberArg)
    .action(async (file: string, o: ExportCliOptions) => {
      // The back end reads absolute paths only: files are named from where the command runs.
      const path = resolve(file);
      if (o.format === 'pcapng') {
        if (!o.output) throw new GapscopeError('invalid-argument', 'pcapng is binary: give the file to write with -o FILE.pcapng.');
        const output = o.output;
        const range = o.from === undefined && o.to === undefined ? null : { fromS: o.from, toS: o.to };
        const r = await withApi((api) => api.saveCaptureRange(path, range, resolve(output), { overwrite: o.overwrite === true }));
        out(`Wrote ${r.packets} of ${r.seen} packets to ${output}.\n`);
        return;
      }
      if (o.from !== undefined || o.to !== undefined) throw new GapscopeError('invalid-argument', '--from and --to apply to --format pcapng only.');
      const report = await withApi((api) => api.readReport(path, { port: o.port, flow: o.flow, decode: o.decode, binMs: o.bin, gapMs: o.gapMs }));
      const text = renderExport(report, o.format, `Gapscope: ${basename(file)}`, Date.now());
      if (!o.output) return out(text);
      await writeNewFile(o.output, text, o.overwrite === true);
    });
}
