/** The export worker: builds an export file off the page's thread, saying which step it is at. */
import { buildExport, type ExportInput, type ExportKind } from './exportStream';
import type { ExportReply } from './exportRunner';

// A dedicated worker's global scope, typed by what this file uses (the DOM lib types `self` as a window).
const scope = self as unknown as { onmessage: ((e: MessageEvent<{ kind: ExportKind; input: ExportInput }>) => void) | null; postMessage(reply: ExportReply): void };

scope.onmessage = (e) => {
  try {
    const file = buildExport(e.data.kind, e.data.input, (stage) => scope.postMessage({ type: 'stage', stage }));
    scope.postMessage({ type: 'done', file });
  } catch (err) {
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
