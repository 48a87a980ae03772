/**
 * Capture import and compare for the UI: lists a capture's UDP flows, analyzes one flow as live
 * reception does and shows it in Reception as a stopped stream, compares one flow in two captures.
 * Files are read on this machine, in chunks, with progress at most ~5/s and a way to cancel.
 */
import { constants as fsConstants } from 'node:fs';
import { access, open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { StreamInfo } from '../../shared/contract';
import type { CaptureFlowList, CaptureOperation, captureRequests, CompareOptionsSchema, ImportOptionsSchema, ImportProgress, SavedCaptureRange } from '../../shared/contract/capture';
import { parseFlowSelector, type UdpFlow } from '../../shared/capture/flows';
import { AmbiguousFlowError, OfflineAnalysis } from '../../shared/capture/offlineAnalysis';
import { parseReportFile } from '../../shared/export/reportSchema';
import { GapscopeError } from '../../shared/errors';
import { isMulticast } from '../../shared/net/address';
import { CaptureFormatError } from '../../shared/pcapng/readErrors';
import type { ReceptionReport } from '../../shared/reception/report';
import type { FeatureService, ServiceContext } from '../kernel/services';
import { appVersion } from '../kernel/version';
import type { ReceptionService } from '../reception/receptionService';
import { analyzeCapture, compareCaptures, listCaptureFlows } from './analyzeCapture';
import { readCaptureFile, type CaptureProgress } from './captureFile';
import { saveCaptureRange } from './captureRange';
import type { z } from 'zod';

/** Progress events per reading at most this often (and once at the end), ms. */
const PROGRESS_EVERY_MS = 200;

type ImportOptions = z.output<typeof ImportOptionsSchema>;
type CompareOptions = z.output<typeof CompareOptionsSchema>;

/** Largest JSON report read back for an export: bins and gaps are bounded, so a real one is far smaller. */
const MAX_REPORT_BYTES = 512 * 1024 * 1024;

/**
 * Checks a capture path before reading: it exists, is a file and can be read; one clear sentence otherwise.
 *
 * What reading a path the page chose may reveal: whether it exists, is a folder or another
 * non-file, can be read, and is a capture. That is what a person needs to correct the path, and
 * no more: the sentences never quote the file's bytes (a file that is not a capture is not
 * echoed, not even its first bytes) nor the OS's error text (an unexpected failure is internal:
 * its details go to the log, the page gets the generic sentence). A damaged capture's sentence
 * names the block and the byte offset: that is the structure of a capture the user chose.
 */
async function checkCaptureFile(path: string): Promise<number> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new GapscopeError('invalid-argument', `${path} is a folder, not a capture file.`, 'path');
    if (!s.isFile()) throw new GapscopeError('invalid-argument', `${path} is not a regular file.`, 'path');
    size = s.size;
  } catch (e) {
    if (e instanceof GapscopeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new GapscopeError('not-found', `No such file on the machine running Gapscope: ${path}.`, 'path');
    if (code === 'EACCES' || code === 'EPERM') throw new GapscopeError('permission-denied', `No permission to read ${path}.`, 'path');
    throw new GapscopeError('internal', `Could not open ${path}: ${(e as Error).message}`);
  }
  try {
    await access(path, fsConstants.R_OK);
  } catch {
    throw new GapscopeError('permission-denied', `No permission to read ${path}.`, 'path');
  }
  if (size === 0) throw new GapscopeError('invalid-argument', `${path} is empty: it is not a capture file.`, 'path');
  return size;
}

/** The stream Reception shows for an imported flow. */
function importedStreamInfo(path: string, flow: UdpFlow, options: ImportOptions, startedAt: number): Omit<StreamInfo, 'id' | 'status'> {
  return {
    config: {
      port: flow.dstPort,
      address: flow.dstAddress,
      family: flow.family === 4 ? 'ipv4' : 'ipv6',
      binMs: options.binMs,
      gapMs: options.gapMs,
      recvBufferBytes: 8 * 1024 * 1024,
      label: `${basename(path)} · ${flow.id}`.slice(0, 100),
      decode: options.decode,
    },
    kind: isMulticast(flow.dstAddress) ? 'multicast' : 'unicast',
    family: flow.family === 4 ? 'ipv4' : 'ipv6',
    error: null,
    warning: null,
    startedAt,
    bound: null,
    recvBufferRequested: 0,
    recvBufferGranted: null,
  };
}

/** Creates the capture service; reception is the back end's streams, where an imported flow is shown (handed over by createBackend). */
export function createCaptureService(ctx: ServiceContext, reception: ReceptionService): FeatureService<keyof typeof captureRequests> {
  const running = new Set<AbortController>();
  const receptionService = (): ReceptionService => reception;

  /** Runs one reading with its own cancel switch and progress events; a cancel gives one clear error. */
  async function reading<T>(operation: CaptureOperation, paths: string[], work: (signal: AbortSignal, onProgress: (file: number, p: CaptureProgress) => void) => Promise<T>): Promise<T> {
    const sizes = await Promise.all(paths.map(checkCaptureFile));
    const totalBytes = sizes.reduce((a, b) => a + b, 0);
    const controller = new AbortController();
    running.add(controller);
    let lastSent = 0;
    let last: ImportProgress = { operation, phase: 'reading', path: paths[0]!, bytesRead: 0, totalBytes, packets: 0 };
    const send = (p: ImportProgress, force = false): void => {
      last = p;
      const now = Date.now();
      if (!force && now - lastSent < PROGRESS_EVERY_MS) return;
      lastSent = now;
      ctx.emit('importProgress', p);
    };
    send(last, true);
    const onProgress = (file: number, p: CaptureProgress): void => {
      const before = sizes.slice(0, file).reduce((a, b) => a + b, 0);
      send({ operation, phase: 'reading', path: paths[file]!, bytesRead: Math.min(totalBytes, before + p.bytesRead), totalBytes, packets: p.packets });
    };
    try {
      const result = await work(controller.signal, onProgress);
      send({ ...last, phase: 'done', bytesRead: totalBytes }, true);
      return result;
    } catch (e) {
      if (controller.signal.aborted) {
        send({ ...last, phase: 'cancelled' }, true);
        throw new GapscopeError('invalid-argument', `Reading ${basename(last.path)} was cancelled.`);
      }
      send({ ...last, phase: 'failed' }, true);
      throw aboutTheUsersChoice(e);
    } finally {
      running.delete(controller);
    }
  }

  async function importCapture(path: string, options: ImportOptions): Promise<StreamInfo> {
    const { analysis, read } = await reading('import', [path], async (signal, onProgress) => {
      const analysis = new OfflineAnalysis({ port: options.port, flow: options.flow ? parseFlowSelector(options.flow) : null, decode: options.decode, binMs: options.binMs, gapMs: options.gapMs });
      const read = await readCaptureFile(path, analysis.reader(), { signal, progressEveryMs: PROGRESS_EVERY_MS, onProgress: (p) => onProgress(0, p) });
      analysis.finish();
      return { analysis, read };
    });
    // Throws the same sentences as `gapscope analyze` when no flow or several flows match.
    let report;
    try {
      report = analysis.report(basename(path));
    } catch (e) {
      throw aboutTheUsersChoice(e);
    }
    const flowId = String(report.stream.flow);
    const flow = analysis.flowTable.list().find((f) => f.id === flowId)!;
    const snapshot = analysis.snapshotOf(flowId);
    if (!snapshot) throw new GapscopeError('internal', `The flow ${flowId} was not measured.`);
    const info = receptionService().addStopped(importedStreamInfo(path, flow, options, analysis.originOf(flowId) ?? flow.firstMs), snapshot, 'import');
    const warnings = report.capture.warnings;
    ctx.timeline.post({
      source: 'session',
      kind: 'capture-imported',
      severity: warnings.length > 0 ? 'warning' : 'info',
      summary: `Imported ${flow.id} from ${basename(path)}: ${report.packets} packets, ${report.gapCount} gap${report.gapCount === 1 ? '' : 's'}${warnings.length > 0 ? ` (${warnings[0]!.message})` : ''}`,
      detail: { file: path, flow: flow.id, streamId: info.id, packets: report.packets, gaps: report.gapCount, compressed: read.compressed, fileBytes: read.totalBytes, warnings: warnings.map((w) => w.kind) },
    });
    return info;
  }

  const importDefaults: ImportOptions = { decode: 'auto', binMs: 100 };

  /** A saved JSON report as it is, or one flow of a capture analyzed. */
  async function readReport(path: string, options: ImportOptions): Promise<ReceptionReport> {
    if (!(await looksLikeJson(path))) return reading('analyze', [path], (signal, onProgress) => analyzeCapture(path, { ...options, signal, onProgress: (p) => onProgress(0, p) }));
    const size = await checkCaptureFile(path);
    if (size > MAX_REPORT_BYTES) throw new GapscopeError('invalid-argument', `${path} is larger than any Gapscope report (${MAX_REPORT_BYTES / 1024 ** 2} MiB at most).`, 'path');
    const parsed = parseReportFile(await readFile(path, 'utf8'));
    // The JSON parser's own message quotes the file's text: say only that it is not JSON.
    if (!parsed.ok) throw new GapscopeError('invalid-argument', `${basename(path)} ${parsed.message.startsWith('is not JSON') ? 'is not a Gapscope report: it is not valid JSON' : parsed.message}.`, 'path');
    return parsed.report;
  }

  async function saveRange(path: string, range: { fromS?: number; toS?: number } | null, output: string, overwrite: boolean): Promise<SavedCaptureRange> {
    await checkCaptureFile(path);
    const fromMs = (range?.fromS ?? 0) * 1000;
    const toMs = range?.toS === undefined ? Infinity : range.toS * 1000;
    const comment = `Packets from ${fromMs / 1000} s to ${range?.toS === undefined ? 'the end' : `${range.toS} s`} after the first frame of ${basename(path)}`;
    try {
      const r = await saveCaptureRange(path, output, { fromMs, toMs }, `Gapscope ${appVersion()}`, comment, { overwrite });
      return { file: output, seen: r.seen, packets: r.packets, bytes: r.bytes };
    } catch (e) {
      throw aboutTheUsersChoice(e);
    }
  }

  return {
    handlers: {
      analyzeCapture: (path, options) => {
        const o = options ?? importDefaults;
        return reading('analyze', [path], (signal, onProgress) => analyzeCapture(path, { ...o, signal, onProgress: (p) => onProgress(0, p) }));
      },
      readReport: (path, options) => readReport(path, options ?? importDefaults),
      saveCaptureRange: (path, range, output, opts) => saveRange(path, range, output, opts?.overwrite === true),
      listCaptureFlows: (path): Promise<CaptureFlowList> => reading('list', [path], (signal, onProgress) => listCaptureFlows(path, { signal, onProgress: (p) => onProgress(0, p) })),
      importCapture: (path, options) => importCapture(path, options ?? importDefaults),
      compareCaptures: (pathA, pathB, options?: CompareOptions) => {
        const o = options ?? { decode: 'auto', binMs: 100 };
        return reading('compare', [pathA, pathB], (signal, onProgress) => compareCaptures(pathA, pathB, { ...o, signal, onSideProgress: onProgress }));
      },
      cancelImport: () => {
        const n = running.size;
        for (const c of running) c.abort();
        return n;
      },
    },
    close: () => {
      for (const c of running) c.abort();
    },
  };
}

/** A damaged or foreign capture is about the file the user chose (field "path"); several matching flows, about the flow to choose ("flow"). */
function aboutTheUsersChoice(e: unknown): unknown {
  if (e instanceof AmbiguousFlowError) return new GapscopeError(e.code, e.message, 'flow');
  if (e instanceof CaptureFormatError) return new GapscopeError(e.code, e.message, 'path');
  return e;
}

/** A report file: named .json, or starting with "{" (a capture never does). */
async function looksLikeJson(path: string): Promise<boolean> {
  if (/\.json$/i.test(path)) return true;
  let handle;
  try {
    handle = await open(path, 'r');
    const head = Buffer.alloc(1);
    const { bytesRead } = await handle.read(head, 0, 1, 0);
    return bytesRead === 1 && head[0] === 0x7b;
  } catch {
    return false; // checkCaptureFile says why the file cannot be read
  } finally {
    await handle?.close();
  }
}
