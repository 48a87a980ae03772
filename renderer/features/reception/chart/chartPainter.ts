/**
 * Paints the throughput chart off the page's main thread where the browser allows it: the canvas is
 * handed to a worker (OffscreenCanvas) that paints each frame and gives it to the compositor itself,
 * so neither the painting nor the software canvas's copy into the frame runs on the thread that
 * handles input and layout. Measured with scripts/bench-ui.mjs (docs/benchmarks.md): the chart's
 * paint and its canvas commit were half to two thirds of the main thread's time with two live streams.
 * Where there is no OffscreenCanvas or the worker cannot start, the page paints as before.
 */
import type { ChartColors } from '../../../app/theme';
import type { ChartModel } from './chartModel';
import { paintChart, type Canvas2D } from './paintChart';

/** One frame to paint: the model in CSS pixels, the colors and the device pixel ratio to size the canvas for. */
export interface PaintFrame {
  model: ChartModel;
  colors: ChartColors;
  dpr: number;
  binMs: number;
}

/** What the page tells the paint worker. */
export type PaintRequest = { type: 'canvas'; canvas: OffscreenCanvas } | { type: 'paint'; frame: PaintFrame };
/** What the paint worker answers: ready once loaded, painted after each frame. */
export type PaintReply = { type: 'ready' } | { type: 'painted' } | { type: 'error'; message: string };

/** The part of a Worker the painter uses, so that tests can give it a port of their own. */
export interface PaintPort {
  postMessage(message: PaintRequest, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<PaintReply>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  terminate(): void;
}

/** Paints frames on one canvas; where says which thread does it (for the chart's data-painter attribute and tests). */
export interface ChartPainter {
  paint(frame: PaintFrame): void;
  readonly where: () => 'worker' | 'page' | 'starting';
  dispose(): void;
}

/** Sizes a canvas for a frame: its bitmap in device pixels. */
export function sizeFor(frame: PaintFrame): { width: number; height: number } {
  return { width: Math.round(frame.model.width * frame.dpr), height: Math.round(frame.model.height * frame.dpr) };
}

/** Paints one frame on a canvas the caller owns (the page's fallback and the worker's own loop). */
export function paintFrame(canvas: HTMLCanvasElement | OffscreenCanvas, ctx: Canvas2D, frame: PaintFrame): void {
  const size = sizeFor(frame);
  if (canvas.width !== size.width || canvas.height !== size.height) {
    canvas.width = size.width;
    canvas.height = size.height;
  }
  paintChart(ctx, frame.model, frame.colors, frame.dpr, frame.binMs);
}

const defaultPort = (): PaintPort => new Worker(new URL('./chartPaintWorker.ts', import.meta.url), { type: 'module', name: 'gapscope-chart' }) as unknown as PaintPort;

/**
 * A painter for the canvas. Until the worker says it is ready, frames wait (only the latest is kept);
 * while the worker paints one, the next waits, so a slow worker skips frames instead of queueing them.
 */
export function createChartPainter(canvas: HTMLCanvasElement, startPort: (() => PaintPort) | null = canOffscreen(canvas) ? defaultPort : null): ChartPainter {
  let state: 'starting' | 'worker' | 'page' = 'starting';
  let ctx: Canvas2D | null = null;
  let port: PaintPort | null = null;
  let busy = false;
  let waiting: PaintFrame | null = null;

  const onPage = (frame: PaintFrame): void => {
    ctx ??= canvas.getContext('2d');
    if (ctx) paintFrame(canvas, ctx, frame);
  };
  const send = (frame: PaintFrame): void => {
    busy = true;
    port!.postMessage({ type: 'paint', frame });
  };
  const toPage = (): void => {
    port?.terminate();
    port = null;
    state = 'page';
    if (waiting) onPage(waiting);
    waiting = null;
  };

  if (startPort) {
    try {
      port = startPort();
    } catch {
      port = null;
    }
  }
  if (!port) state = 'page';
  else {
    port.onmessage = (e) => {
      const reply = e.data;
      if (reply.type === 'ready' && state === 'starting') {
        let offscreen: OffscreenCanvas;
        try {
          offscreen = canvas.transferControlToOffscreen();
        } catch {
          return toPage();
        }
        state = 'worker';
        port!.postMessage({ type: 'canvas', canvas: offscreen }, [offscreen]);
        if (waiting) send(waiting);
        waiting = null;
      } else if (reply.type === 'painted' || reply.type === 'error') {
        busy = false;
        if (waiting) send(waiting);
        waiting = null;
      }
    };
    port.onerror = (e) => {
      e.preventDefault();
      // Before the canvas was handed over the page can still paint it; after, the worker's death leaves the last frame.
      if (state === 'starting') toPage();
      else busy = false;
    };
  }

  return {
    paint(frame) {
      canvas.style.width = `${frame.model.width}px`;
      canvas.style.height = `${frame.model.height}px`;
      if (state === 'page') return onPage(frame);
      if (state === 'starting' || busy) {
        waiting = frame;
        return;
      }
      send(frame);
    },
    where: () => state,
    dispose() {
      port?.terminate();
      port = null;
      waiting = null;
    },
  };
}

/** Whether this browser can hand the canvas to a worker. */
function canOffscreen(canvas: HTMLCanvasElement): boolean {
  return typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined' && typeof canvas.transferControlToOffscreen === 'function';
}
