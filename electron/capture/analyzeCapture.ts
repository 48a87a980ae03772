/**
 * Offline analysis of a capture file from Wireshark or tcpdump: the UDP flows it holds, and the
 * same report as `gapscope listen --json` for the chosen one, computed by the same monitor.
 */
import { basename } from 'node:path';
import { PacketSeries, compareSeries, type CompareReport } from '../../shared/capture/compare';
import { AmbiguousFlowError, OfflineAnalysis, type CaptureSummary } from '../../shared/capture/offlineAnalysis';
import { flowMatches, parseFlowSelector, type FlowSelector, type UdpFlow } from '../../shared/capture/flows';
import { GapscopeError } from '../../shared/errors';
import type { CaptureReport } from '../../shared/contract/capture';
import { readCaptureFile, type CaptureProgress } from './captureFile';

/** What to analyze in the file; the same knobs as `listen`. */
export interface AnalyzeOptions {
  port?: number;
  /** `SRC>DST` text or an already parsed selector. */
  flow?: string | FlowSelector;
  decode?: string;
  binMs?: number;
  gapMs?: number;
  onProgress?: (p: CaptureProgress) => void;
  signal?: AbortSignal;
}

/** A compare's options: B's flow when it differs from A's (NAT, another interface, a recording's rebuilt headers), and progress per side. */
export interface CompareCaptureOptions extends AnalyzeOptions {
  flowB?: string | FlowSelector;
  onSideProgress?: (side: 0 | 1, p: CaptureProgress) => void;
}

export type { CaptureReport } from '../../shared/contract/capture';

/** Analyzes one UDP flow of the capture at `path`; throws GapscopeError (AmbiguousFlowError when several flows match). */
export async function analyzeCapture(path: string, options: AnalyzeOptions = {}): Promise<CaptureReport> {
  const flow = typeof options.flow === 'string' ? parseFlowSelector(options.flow) : (options.flow ?? null);
  const analysis = new OfflineAnalysis({ port: options.port, flow, decode: options.decode, binMs: options.binMs, gapMs: options.gapMs });
  const read = await readCaptureFile(path, analysis.reader(), { onProgress: options.onProgress, signal: options.signal });
  analysis.finish();
  const report = analysis.report(basename(path));
  return { ...report, capture: { ...report.capture, file: path, compressed: read.compressed, fileBytes: read.totalBytes } };
}

/** The UDP flows of a capture file, most datagrams first, and what the file held. */
export async function listCaptureFlows(path: string, options: Pick<AnalyzeOptions, 'onProgress' | 'signal'> = {}): Promise<{ flows: UdpFlow[]; capture: CaptureSummary & { file: string; compressed: boolean; fileBytes: number } }> {
  const analysis = new OfflineAnalysis({});
  const read = await readCaptureFile(path, analysis.reader(), options);
  analysis.finish();
  return { flows: analysis.flowTable.list(), capture: { ...analysis.summary(), file: path, compressed: read.compressed, fileBytes: read.totalBytes } };
}

/** Flows of one file whose packets a compare keeps while reading (the choice must end up with one). */
const MAX_COMPARED_FLOWS = 16;

/** The chosen flow's datagrams in one file, as a series to compare. */
async function seriesOf(path: string, options: AnalyzeOptions): Promise<{ series: PacketSeries; flow: UdpFlow }> {
  const flowChoice = typeof options.flow === 'string' ? parseFlowSelector(options.flow) : (options.flow ?? null);
  const port = options.port ?? null;
  const series = new Map<string, PacketSeries>();
  const label = basename(path);
  const analysis = new OfflineAnalysis({
    port: options.port,
    flow: flowChoice,
    decode: options.decode,
    onDatagram: (d, flow) => {
      if (!flow || !flowMatches(flow, flowChoice, port)) return;
      let s = series.get(flow.id);
      if (!s) {
        if (series.size >= MAX_COMPARED_FLOWS) return;
        s = new PacketSeries(label, options.decode ?? 'auto');
        series.set(flow.id, s);
      }
      s.add(d.timeMs, d.payload);
    },
  });
  await readCaptureFile(path, analysis.reader(), { onProgress: options.onProgress, signal: options.signal });
  analysis.finish();
  const matches = analysis.matchingFlows();
  if (matches.length === 0) {
    const all = analysis.flowTable.list();
    throw new GapscopeError('not-found', `No UDP flow${port !== null ? ` to port ${port}` : ''}${flowChoice ? ' matching --flow' : ''} in ${label} (it has ${all.length} flows; see --flows).`);
  }
  if (matches.length > 1) throw new AmbiguousFlowError(`${matches.length} UDP flows in ${label}; choose one with --flow SRC>DST (or --port).`, matches);
  return { series: series.get(matches[0]!.id)!, flow: matches[0]! };
}

/**
 * Compares the chosen flow in two captures (e.g. at the sender and at the receiver) on one time
 * axis: byte difference per bin and the packets missing on each side.
 */
export async function compareCaptures(pathA: string, pathB: string, options: CompareCaptureOptions = {}): Promise<CompareReport & { flows: { a: string; b: string } }> {
  const progress = (side: 0 | 1) => (p: CaptureProgress): void => {
    options.onProgress?.(p);
    options.onSideProgress?.(side, p);
  };
  const a = await seriesOf(pathA, { ...options, onProgress: progress(0) });
  const b = await seriesOf(pathB, { ...options, flow: options.flowB ?? options.flow, onProgress: progress(1) });
  const report = compareSeries(a.series, b.series, { binMs: options.binMs ?? 100 });
  return { ...report, flows: { a: a.flow.id, b: b.flow.id } };
}
