/** The export worker: builds an export file off the page's thread, saying which step it is at. */
import { exportResult, type ExportReply } from './exportRunner';
import { buildExport, type ExportInput, type ExportKind } from './exportStream';

// A dedicated worker's global scope, typed by what this file uses (the DOM lib types `self` as a window).
const scope = self as unknown as { onmessage: ((e: MessageEvent<{ kind: ExportKind; input: ExportInput }>) => void) | null; postMessage(reply: ExportReply): void };

scope.onmessage = (e) => {
  try {
    const { kind, input } = e.data;
    const result = exportResult(kind, buildExport(kind, input, (stage) => scope.postMessage({ type: 'stage', stage })));
    scope.postMessage({ type: 'done', result });
  } catch (err) {
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
