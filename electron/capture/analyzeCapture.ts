/**
 * Offline analysis of a capture file from Wireshark or tcpdump: the UDP flows it holds, and the
 * same report as `gapscope listen --json` for the chosen one, computed by the same monitor.
 */
import { basename } from 'node:path';
import { OfflineAnalysis, type CaptureSummary } from '../../shared/capture/offlineAnalysis';
import { parseFlowSelector, type FlowSelector, type UdpFlow } from '../../shared/capture/flows';
import type { ReceptionReport } from '../../shared/reception/report';
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

/** `listen`'s report plus what the file held. */
export type CaptureReport = ReceptionReport & { capture: CaptureSummary & { file: string; compressed: boolean; fileBytes: number } };

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
