/**
 * `gapscope analyze FILE`: the same report as `listen`, from a pcap or pcapng capture (Wireshark,
 * tcpdump, gzip-compressed or not); `--flows` lists the UDP flows in it; `--compare B` puts two
 * captures of one stream on one time axis.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { GapscopeApi } from '../../shared/contract';
import type { CaptureReport, ImportProgress } from '../../shared/contract/capture';
import { flowMatches, parseFlowSelector, type UdpFlow } from '../../shared/capture/flows';
import type { CompareReport } from '../../shared/capture/compare';
import { GapscopeError } from '../../shared/errors';
import { formatBytes, formatDuration, formatStreamTime } from '../../shared/format';
import type { WithApi } from './backendApi';
import { humanReport } from './listen';
import { captureStreamOptions, type CaptureStreamFlags } from './options';
import { EXIT_FAILED, EXIT_USAGE, raiseExitCode } from './exitCodes';
import { announceVerdict, failOnOption } from './verdict';
import { judge, type Condition, type Verdict } from '../../shared/verdict/conditions';
import { finalStreamFacts } from '../../shared/verdict/streamFacts';

/** Where the command writes: injectable for tests. */
export interface AnalyzeIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Draws a progress line (a terminal's stderr); absent = no progress shown. */
  progress?: (text: string | null) => void;
}

/** What `analyze` was asked on the command line. */
export interface AnalyzeCliOptions extends CaptureStreamFlags {
  json?: boolean;
  flows?: boolean;
  compare?: string;
  /** Conditions that fail the analysis (exit 3). */
  failOn?: Condition[];
}

function defaultIo(): AnalyzeIo {
  const tty = process.stderr.isTTY === true;
  return {
    out: (l) => void process.stdout.write(`${l}\n`),
    err: (l) => void process.stderr.write(`${l}\n`),
    progress: tty ? (t) => void process.stderr.write(t === null ? '\r\x1b[K' : `\r\x1b[K${t}`) : undefined,
  };
}

function progressText(p: ImportProgress): string {
  const pct = p.totalBytes > 0 ? Math.floor((p.bytesRead / p.totalBytes) * 100) : 0;
  return `Reading ${pct}% (${formatBytes(p.bytesRead)} of ${formatBytes(p.totalBytes)}, ${p.packets} packets)`;
}

/** One line per flow for `--flows` and for an ambiguous choice. */
function flowTable(flows: UdpFlow[]): string[] {
  return flows.map((f) => `  ${f.id.padEnd(52)} ${String(f.packets).padStart(9)} datagrams ${formatBytes(f.bytes).padStart(10)}  ${formatDuration(Math.max(0, f.lastMs - f.firstMs)).padStart(8)}${f.reassembled ? `  (${f.reassembled} reassembled)` : ''}`);
}

/** Lines about the file that the `listen` summary does not have. */
function humanCaptureLines(r: CaptureReport): string[] {
  const c = r.capture;
  const lines = [
    `${r.stream.flow as string} in ${c.file}${c.compressed ? ' (gzip)' : ''}: ${c.format}, ${c.interfaces.map((i) => i.linkType).filter((v, i, a) => a.indexOf(v) === i).join(', ')}; ${c.frames} frames, ${c.extract.udpDatagrams} UDP datagrams in ${c.flows} flows.`,
  ];
  if (c.fragments.reassembled > 0) lines.push(`${c.fragments.reassembled} datagrams reassembled from ${c.fragments.fragments} fragments.`);
  for (const w of c.warnings) lines.push(`Warning: ${w.message}${w.count > 1 ? ` (${w.count} times)` : ''}`);
  return lines;
}

/** A short human summary of a compare. */
function humanCompare(r: CompareReport & { flows: { a: string; b: string } }): string[] {
  const side = (s: CompareReport['a'], flow: string): string => `${s.label}: ${s.packets} datagrams, ${formatBytes(s.bytes)} (${flow})`;
  const lines = [
    `A = ${side(r.a, r.flows.a)}`,
    `B = ${side(r.b, r.flows.b)}`,
    `Matched ${r.matched} by ${r.matchedBy === 'sequence' ? `sequence number (${r.a.decodedAs})` : 'payload'}; B after A by ${r.delayMs.median ?? '?'} ms (median), ${r.delayMs.max ?? '?'} ms at most.`,
    `Missing in B: ${r.missingInB.count} datagrams, ${formatBytes(r.missingInB.bytes)}. Missing in A: ${r.missingInA.count} datagrams, ${formatBytes(r.missingInA.bytes)}.`,
  ];
  // Runs of missing packets, the way a person looks for them.
  const runs: { start: number; end: number; n: number }[] = [];
  for (const p of r.missingInB.packets) {
    const last = runs.at(-1);
    if (last && p.atMs - last.end <= r.binMs) {
      last.end = p.atMs;
      last.n += 1;
    } else runs.push({ start: p.atMs, end: p.atMs, n: 1 });
  }
  for (const run of runs.slice(0, 20)) lines.push(`  B lacks ${run.n} datagrams from ${formatStreamTime(run.start)} to ${formatStreamTime(run.end)}`);
  if (runs.length > 20) lines.push(`  … and ${runs.length - 20} more stretches (use --json for all)`);
  return lines;
}

/**
 * The flows a choice left open, for an error about the flow: listed again (a second reading, only
 * when the choice failed) and narrowed to the --port/--flow given; null when --flow itself is malformed.
 */
async function openChoices(api: GapscopeApi, path: string, opts: AnalyzeCliOptions): Promise<UdpFlow[] | null> {
  let selector = null;
  try {
    selector = opts.flow ? parseFlowSelector(opts.flow) : null;
  } catch {
    return null;
  }
  const { flows } = await api.listCaptureFlows(path);
  return flows.filter((f) => flowMatches(f, selector, opts.port ?? null));
}

/** Registers `gapscope analyze`: listCaptureFlows, analyzeCapture or compareCaptures, with importProgress on a terminal. */
export function registerAnalyzeCommands(program: Command, withApi: WithApi, io: AnalyzeIo = defaultIo()): void {
  captureStreamOptions(
    program
      .command('analyze')
      .description('Analyze a UDP stream in a pcap/pcapng capture (Wireshark, tcpdump; gzip too): the same report as listen. --flows lists the UDP flows; --compare puts two captures on one time axis.')
      .argument('<file>', 'capture file (.pcap, .pcapng, optionally .gz)'),
  )
    .option('--flows', 'list the UDP flows in the file instead of analyzing one')
    .option('--compare <file>', 'compare the flow with the same flow in another capture (e.g. sender side against receiver side)')
    .option('--json', 'print JSON instead of text')
    .addOption(failOnOption('stream'))
    .action(async (file: string, opts: AnalyzeCliOptions) => {
      if (opts.failOn && (opts.flows || opts.compare)) throw new GapscopeError('invalid-argument', '--fail-on judges the analysis of one flow; it does not go with --flows or --compare.');
      // The back end reads absolute paths only: the file is named from where the command runs.
      const path = resolve(file);
      await withApi(async (api) => {
        const offProgress = io.progress ? api.on('importProgress', (p) => io.progress!(p.phase === 'reading' ? progressText(p) : null)) : () => undefined;
        try {
          if (opts.flows) {
            const listed = await api.listCaptureFlows(path);
            const { flows } = listed;
            const capture = { ...listed.capture, file };
            io.progress?.(null);
            if (opts.json) io.out(JSON.stringify({ file, flows, capture }));
            else {
              io.out(`${flows.length} UDP flows in ${file} (${capture.frames} frames, ${capture.extract.udpDatagrams} UDP datagrams):`);
              for (const l of flowTable(flows)) io.out(l);
              for (const w of capture.warnings) io.out(`Warning: ${w.message}${w.count > 1 ? ` (${w.count} times)` : ''}`);
            }
            return;
          }
          const common = { port: opts.port, flow: opts.flow, decode: opts.decode, binMs: opts.bin };
          if (opts.compare) {
            const r = await api.compareCaptures(path, resolve(opts.compare), common);
            io.progress?.(null);
            if (opts.json) io.out(JSON.stringify(r));
            else for (const l of humanCompare(r)) io.out(l);
            return;
          }
          const analyzed = await api.analyzeCapture(path, { ...common, gapMs: opts.gapMs });
          // The file as the user named it, not the absolute path the back end was given.
          const report: typeof analyzed & { verdict?: Verdict } = { ...analyzed, capture: { ...analyzed.capture, file } };
          const verdict = opts.failOn?.length ? judge(opts.failOn, finalStreamFacts(report)) : null;
          if (verdict) report.verdict = verdict;
          io.progress?.(null);
          if (opts.json) io.out(JSON.stringify(report));
          else for (const l of [...humanCaptureLines(report), ...humanReport(report)]) io.out(l);
          if (verdict) announceVerdict(verdict, io.err, (c) => raiseExitCode(c));
        } catch (e) {
          io.progress?.(null);
          if (!(e instanceof GapscopeError) || e.code !== 'invalid-argument') throw e;
          if (e.field === 'flow') {
            const choices = await openChoices(api, path, opts).catch(() => null);
            if (choices === null) throw e;
            // The choice is the user's: show what there is to choose from, then the one-line error.
            io.err('UDP flows in the capture:');
            for (const l of flowTable(choices)) io.err(l);
            io.err(`gapscope: ${e.message}`);
            raiseExitCode(EXIT_USAGE);
            return;
          }
          if (e.field === 'path') {
            // A damaged or foreign file is a failure, not a usage error.
            io.err(`gapscope: ${e.message}`);
            raiseExitCode(EXIT_FAILED);
            return;
          }
          throw e;
        } finally {
          offProgress();
        }
      });
    });
}
