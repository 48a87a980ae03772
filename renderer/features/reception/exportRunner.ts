/**
 * Runs an export without blocking the page: the file is built in a worker (exportWorker.ts) while
 * the menu shows each step, and comes back as a Blob (handed over, not copied). Where no worker can
 * start, it is built on the page after the progress line has been drawn.
 */
import { buildExport, type ExportFile, type ExportInput, type ExportKind, type ExportStage } from './exportStream';

/** A built export, ready to download; a PNG also carries the chart's SVG text, which only the page can draw. */
export interface ExportResult {
  name: string;
  mime: string;
  blob: Blob;
  svg: string | null;
}

/** What the worker posts back. */
export type ExportReply = { type: 'stage'; stage: ExportStage } | { type: 'done'; result: ExportResult } | { type: 'error'; message: string };

/** Starts a worker; injectable for tests. */
export type WorkerFactory = () => Worker;

const defaultWorker: WorkerFactory = () => new Worker(new URL('./exportWorker.ts', import.meta.url), { type: 'module', name: 'gapscope-export' });

/** The download a built file makes (a Blob, so that the page does not encode the text). */
export function exportResult(kind: ExportKind, file: ExportFile): ExportResult {
  return { name: file.name, mime: file.mime, blob: new Blob([file.text], { type: `${file.mime};charset=utf-8` }), svg: kind === 'png' ? file.text : null };
}

/** Builds one export off the page's thread, calling onStage as it goes. */
export function runExport(kind: ExportKind, input: ExportInput, onStage: (stage: ExportStage) => void, startWorker: WorkerFactory | null = typeof Worker === 'undefined' ? null : defaultWorker): Promise<ExportResult> {
  let worker: Worker;
  try {
    if (!startWorker) return onPage(kind, input, onStage);
    worker = startWorker();
  } catch {
    return onPage(kind, input, onStage);
  }
  return new Promise<ExportResult>((resolve, reject) => {
    let heard = false;
    worker.onmessage = (e: MessageEvent<ExportReply>) => {
      heard = true;
      const reply = e.data;
      if (reply.type === 'stage') return onStage(reply.stage);
      worker.terminate();
      if (reply.type === 'done') resolve(reply.result);
      else reject(new Error(`The export failed: ${reply.message}`));
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      worker.terminate();
      // A worker that never started (its script refused or missing): build on the page instead.
      if (!heard) onPage(kind, input, onStage).then(resolve, reject);
      else reject(new Error(`The export failed: ${e.message || 'the export worker stopped'}`));
    };
    // The input is copied, not transferred, so that the page can still build it if the worker cannot start.
    worker.postMessage({ kind, input });
  });
}

/** The fallback: lets the page draw the progress line first, then builds the file here. */
async function onPage(kind: ExportKind, input: ExportInput, onStage: (stage: ExportStage) => void): Promise<ExportResult> {
  await new Promise((r) => setTimeout(r, 0));
  return exportResult(kind, buildExport(kind, input, onStage));
}
