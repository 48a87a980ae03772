/** The chart's paint worker: paints each frame the page sends on the canvas the page handed over. */
import { paintFrame, type PaintReply, type PaintRequest } from './chartPainter';
import type { Canvas2D } from './paintChart';

// A dedicated worker's global scope, typed by what this file uses (the DOM lib types `self` as a window).
const scope = self as unknown as { onmessage: ((e: MessageEvent<PaintRequest>) => void) | null; postMessage(reply: PaintReply): void };

let canvas: OffscreenCanvas | null = null;
let ctx: Canvas2D | null = null;

scope.onmessage = (e) => {
  const req = e.data;
  if (req.type === 'canvas') {
    canvas = req.canvas;
    ctx = canvas.getContext('2d');
    return;
  }
  try {
    if (canvas && ctx) paintFrame(canvas, ctx, req.frame);
    scope.postMessage({ type: 'painted' });
  } catch (err) {
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
scope.postMessage({ type: 'ready' });
