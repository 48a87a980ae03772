/**
 * Runs an export without blocking the page: the file is built in a worker (exportWorker.ts) while
 * the menu shows each step. Where no worker can start, it is built on the page after the progress
 * line has been drawn.
 */
import { buildExport, type ExportFile, type ExportInput, type ExportKind, type ExportStage } from './exportStream';

/** What the worker posts back. */
export type ExportReply = { type: 'stage'; stage: ExportStage } | { type: 'done'; file: ExportFile } | { type: 'error'; message: string };

/** Starts a worker; injectable for tests. */
export type WorkerFactory = () => Worker;

const defaultWorker: WorkerFactory = () => new Worker(new URL('./exportWorker.ts', import.meta.url), { type: 'module', name: 'gapscope-export' });

/** Builds one export off the page's thread, calling onStage as it goes. */
export function runExport(kind: ExportKind, input: ExportInput, onStage: (stage: ExportStage) => void, startWorker: WorkerFactory | null = typeof Worker === 'undefined' ? null : defaultWorker): Promise<ExportFile> {
  let worker: Worker;
  try {
    if (!startWorker) return onPage(kind, input, onStage);
    worker = startWorker();
  } catch {
    return onPage(kind, input, onStage);
  }
  return new Promise<ExportFile>((resolve, reject) => {
    let heard = false;
    worker.onmessage = (e: MessageEvent<ExportReply>) => {
      heard = true;
      const reply = e.data;
      if (reply.type === 'stage') return onStage(reply.stage);
      worker.terminate();
      if (reply.type === 'done') resolve(reply.file);
      else reject(new Error(`The export failed: ${reply.message}`));
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      worker.terminate();
      // A worker that never started (its script refused or missing): build on the page instead.
      if (!heard) onPage(kind, input, onStage).then(resolve, reject);
      else reject(new Error(`The export failed: ${e.message || 'the export worker stopped'}`));
    };
    worker.postMessage({ kind, input });
  });
}

/** The fallback: lets the page draw the progress line first, then builds the file here. */
async function onPage(kind: ExportKind, input: ExportInput, onStage: (stage: ExportStage) => void): Promise<ExportFile> {
  await new Promise((r) => setTimeout(r, 0));
  return buildExport(kind, input, onStage);
}
