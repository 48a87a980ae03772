import { describe, expect, it } from 'vitest';
import { createChartPainter, type PaintFrame, type PaintPort, type PaintReply, type PaintRequest } from './chartPainter';
import type { ChartModel } from './chartModel';
import type { ChartColors } from '../../../app/theme';

/** A port that records what the page sent and lets the test answer as the worker would. */
class FakePort implements PaintPort {
  sent: { message: PaintRequest; transfer?: Transferable[] }[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent<PaintReply>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(message: PaintRequest, transfer?: Transferable[]): void {
    this.sent.push({ message, transfer });
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(r: PaintReply): void {
    this.onmessage?.({ data: r } as MessageEvent<PaintReply>);
  }
  fail(): void {
    this.onerror?.({ preventDefault() {} } as ErrorEvent);
  }
  paints(): number[] {
    return this.sent.filter((s) => s.message.type === 'paint').map((s) => (s.message as { frame: PaintFrame }).frame.model.width);
  }
}

/** A canvas element as far as the painter uses it; its 2D context records the calls it gets. */
function fakeCanvas() {
  const calls: string[] = [];
  const ctx = new Proxy({}, { get: (_t, name) => (typeof name === 'string' && /^[a-z]/.test(name) ? (...a: unknown[]) => void calls.push(`${name}(${a.length})`) : undefined), set: () => true });
  const canvas = {
    width: 0,
    height: 0,
    style: {} as Record<string, string>,
    transferred: 0,
    contexts: 0,
    transferControlToOffscreen() {
      this.transferred++;
      return { offscreen: true } as unknown as OffscreenCanvas;
    },
    getContext() {
      this.contexts++;
      return ctx;
    },
  };
  return { canvas, calls, el: canvas as unknown as HTMLCanvasElement };
}

const colors = { line: '#000', fill: '#000', gap: '#f00', gapFocus: '#f00', openGap: '#f00', stall: '#f0f', grid: '#ccc', axis: '#666', selection: '#00f', bar: '#00f', loss: '#f80', event: '#888', lostBefore: '#08f', lostHere: '#f08' } as ChartColors;
function frame(width: number): PaintFrame {
  const model = { width, height: 100, plot: { left: 56, top: 8, right: width - 16, bottom: 78 }, range: { startMs: 0, endMs: 1000 }, points: [], rateMax: 1, lossMax: 1, withLoss: false, xTicks: [], rateTicks: [], lossTicks: [], gapMode: 'areas', areas: [], density: null, gapsInView: 0, markers: [] } as unknown as ChartModel;
  return { model, colors, dpr: 2, binMs: 100 };
}

describe('createChartPainter', () => {
  it('keeps only the latest frame until the worker is ready, then hands the canvas over once and sends that frame', () => {
    const port = new FakePort();
    const { canvas, el } = fakeCanvas();
    const painter = createChartPainter(el, () => port);
    painter.paint(frame(300));
    painter.paint(frame(301));
    expect(painter.where()).toBe('starting');
    expect(port.sent).toEqual([]);
    port.reply({ type: 'ready' });
    expect(canvas.transferred).toBe(1);
    expect(port.sent[0]!.message.type).toBe('canvas');
    expect(port.sent[0]!.transfer).toHaveLength(1);
    expect(port.paints()).toEqual([301]);
    expect(painter.where()).toBe('worker');
    // The page never took a 2D context: a canvas that has one cannot be handed over.
    expect(canvas.contexts).toBe(0);
    expect(canvas.style.width).toBe('301px');
  });

  it('skips frames while the worker paints one: after it answers, only the newest waiting frame is sent', () => {
    const port = new FakePort();
    const { el } = fakeCanvas();
    const painter = createChartPainter(el, () => port);
    port.reply({ type: 'ready' });
    painter.paint(frame(1));
    painter.paint(frame(2));
    painter.paint(frame(3));
    expect(port.paints()).toEqual([1]);
    port.reply({ type: 'painted' });
    expect(port.paints()).toEqual([1, 3]);
    port.reply({ type: 'painted' });
    painter.paint(frame(4));
    expect(port.paints()).toEqual([1, 3, 4]);
    // A frame the worker could not paint does not stop the next one.
    painter.paint(frame(5));
    port.reply({ type: 'error', message: 'boom' });
    expect(port.paints()).toEqual([1, 3, 4, 5]);
  });

  it('paints on the page when the worker fails before it is ready, with the frame that was waiting', () => {
    const port = new FakePort();
    const { canvas, calls, el } = fakeCanvas();
    const painter = createChartPainter(el, () => port);
    painter.paint(frame(320));
    port.fail();
    expect(port.terminated).toBe(true);
    expect(painter.where()).toBe('page');
    expect(canvas.transferred).toBe(0);
    expect(canvas.width).toBe(640);
    expect(calls).toContain('clearRect(4)');
    painter.paint(frame(330));
    expect(canvas.width).toBe(660);
  });

  it('paints on the page when there is no worker to start, or it cannot start', () => {
    const { canvas, calls, el } = fakeCanvas();
    const painter = createChartPainter(el, null);
    expect(painter.where()).toBe('page');
    painter.paint(frame(100));
    expect(canvas.width).toBe(200);
    expect(calls.length).toBeGreaterThan(0);
    const throwing = createChartPainter(fakeCanvas().el, () => {
      throw new Error('worker-src refused');
    });
    expect(throwing.where()).toBe('page');
  });

  it('ends the worker when disposed', () => {
    const port = new FakePort();
    const painter = createChartPainter(fakeCanvas().el, () => port);
    painter.dispose();
    expect(port.terminated).toBe(true);
  });
});
