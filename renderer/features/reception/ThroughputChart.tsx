/**
 * Throughput over time with the gaps shaded, loss by sequence number and timeline events: zoom by
 * dragging or with + / −, pan, or follow live data.
 *
 * Drawn on a canvas, outside React: the store's changes schedule one frame per animation frame,
 * whose model is painted by a worker on an OffscreenCanvas (chart/chartPainter.ts), so a live
 * stream costs the page a model of a few thousand rectangles instead of re-rendering an SVG tree (recharts spent ~60% of the main thread on its own store and selectors with two live
 * streams). React renders only the toolbar and the legend, which change when the user acts.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { sourcesIn } from './chart/events';
import { applyChartAction, chartViewOf, type ChartAction } from './chart/chartControl';
import { chartModel, pointAt, type ChartModel } from './chart/chartModel';
import { createChartPainter, type ChartPainter } from './chart/chartPainter';
import { useChartColors } from '../../app/theme';
import { resolveRange, selectRange } from './chart/view';
import { formatByteRate, formatCount, formatDuration, formatStreamTime } from '../../format';
import { appStore, useApp, type AppState } from '../../store/store';
import { isLive } from './stats';

/** A stream's chart frame from the store's current state, or null when the stream is gone. */
function frameOf(s: AppState, id: string, width: number, height: number): { model: ChartModel; follow: boolean; binMs: number } | null {
  const entry = s.streams[id];
  if (!entry) return null;
  const r = entry.reception;
  const view = chartViewOf(s, id);
  const range = resolveRange(view, r.nowMs);
  const model = chartModel(
    {
      bins: r.bins,
      gaps: r.gaps,
      openGap: r.openGap,
      stalls: r.stalls,
      nowMs: r.nowMs,
      withLoss: !!r.loss && r.loss.lost !== null,
      focusedGap: s.focusedGap[id] ?? null,
      timeline: s.timeline,
      startedAt: entry.info.startedAt,
      hidden: s.hiddenSources,
    },
    range,
    width,
    height,
  );
  return { model, follow: view.follow, binMs: r.bins.binMs };
}

// One painter per canvas element: React's StrictMode runs an effect twice on one element, and a canvas hands itself to a worker only once.
const painters = new WeakMap<HTMLCanvasElement, ChartPainter>();
function painterOf(canvas: HTMLCanvasElement): ChartPainter {
  let p = painters.get(canvas);
  if (!p) {
    p = createChartPainter(canvas);
    painters.set(canvas, p);
  }
  return p;
}

/** The chart of one stream, painted at display rate and decimated to about two points per pixel. */
export function ThroughputChart({ id }: { id: string }) {
  const { exists, follow, binMs, withLoss, withLocation, empty, live } = useApp(
    useShallow((s) => {
      const e = s.streams[id];
      return {
        exists: e !== undefined,
        follow: chartViewOf(s, id).follow,
        binMs: e?.reception.bins.binMs ?? 100,
        withLoss: !!e?.reception.loss && e.reception.loss.lost !== null,
        // Gaps are located where a wire view runs beside the socket.
        withLocation: e?.info.wire?.mode === 'beside',
        empty: (e?.reception.totals.packets ?? 0) === 0,
        live: e ? isLive(e.info) : false,
      };
    }),
  );
  const colors = useChartColors();
  const timeline = useApp((s) => s.timeline);
  const hidden = useApp(useShallow((s) => s.hiddenSources));
  const toggleSource = useApp((s) => s.toggleTimelineSource);
  const sources = useMemo(() => sourcesIn(timeline), [timeline]);
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rangeRef = useRef<HTMLSpanElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const selRef = useRef<HTMLDivElement>(null);
  const modelRef = useRef<ChartModel | null>(null);

  useEffect(() => {
    const box = boxRef.current;
    const canvas = canvasRef.current;
    if (!box || !canvas) return;
    const painter = painterOf(canvas);
    let frame = 0;
    // The box's size comes from the ResizeObserver: reading it while drawing would force a layout every frame.
    let width = 0;
    let height = 0;
    let lastText = 0;
    const shown: Record<string, string> = {};
    const setData = (key: string, value: string): void => {
      if (shown[key] === value) return;
      shown[key] = value;
      box.dataset[key] = value;
    };
    const draw = (): void => {
      frame = 0;
      if (width === 0 || height === 0) return;
      const dpr = window.devicePixelRatio || 1;
      const f = frameOf(appStore.getState(), id, width, height);
      if (!f) return;
      const m = f.model;
      modelRef.current = m;
      painter.paint({ model: m, colors, dpr, binMs: f.binMs });
      setData('painter', painter.where());
      const span = m.range.endMs - m.range.startMs;
      setData('points', String(m.points.length));
      setData('rangeStart', String(Math.round(m.range.startMs)));
      setData('rangeEnd', String(Math.round(m.range.endMs)));
      setData('follow', String(f.follow));
      setData('markers', String(m.markers.length));
      setData('loss', String(m.withLoss));
      setData('series', m.points.length === 0 ? '' : m.withLoss ? 'throughput lost' : 'throughput');
      setData('gapMode', m.gapMode);
      setData('gapsInView', String(m.gapsInView));
      // The range line changes every frame while following; text that moves faster than it can be read only costs layouts.
      const now = performance.now();
      if (rangeRef.current && (!f.follow || now - lastText > 500)) {
        lastText = now;
        const gaps = m.gapMode === 'density' ? ` · ${formatCount(m.gapsInView)} gaps, drawn as their share of each pixel’s time` : '';
        rangeRef.current.textContent = `${formatStreamTime(m.range.startMs)} – ${formatStreamTime(m.range.endMs)} (${formatDuration(span)}) · ${f.binMs} ms bins${gaps}`;
      }
    };
    const schedule = (): void => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };
    const unsubscribe = appStore.subscribe((s, prev) => {
      if (s.streams[id] !== prev.streams[id] || s.chartViews !== prev.chartViews || s.focusedGap !== prev.focusedGap || s.timeline !== prev.timeline || s.hiddenSources !== prev.hiddenSources || s.settings !== prev.settings) schedule();
    });
    const resize = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1]?.contentRect;
      if (r) {
        width = Math.round(r.width);
        height = Math.round(r.height);
      }
      schedule();
    });
    resize.observe(box);
    return () => {
      unsubscribe();
      resize.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
      // Ends the painter's worker once the canvas has left the page (not when StrictMode re-runs this effect).
      setTimeout(() => {
        if (canvas.isConnected) return;
        painters.get(canvas)?.dispose();
        painters.delete(canvas);
      }, 0);
    };
  }, [id, colors]);

  // Drag-to-zoom and the tooltip, from the last painted frame's layout.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    let drag: { from: number; fromPx: number } | null = null;
    const timeAt = (clientX: number): { t: number; x: number } | null => {
      const m = modelRef.current;
      if (!m) return null;
      const rect = box.getBoundingClientRect();
      const x = Math.min(m.plot.right, Math.max(m.plot.left, clientX - rect.left));
      return { t: m.range.startMs + ((x - m.plot.left) / (m.plot.right - m.plot.left)) * (m.range.endMs - m.range.startMs), x };
    };
    const showTip = (clientX: number, clientY: number): void => {
      const m = modelRef.current;
      const tip = tipRef.current;
      const at = timeAt(clientX);
      if (!m || !tip || !at) return;
      const rect = box.getBoundingClientRect();
      const p = pointAt(m.points, at.t);
      const marker = m.markers.find((mk) => Math.abs(mk.px - at.x) <= 4);
      const lines = [formatStreamTime(at.t)];
      if (p) lines.push(formatByteRate(p.rate));
      if (p && m.withLoss) lines.push(`${Math.round(p.lost)} packets/s lost`);
      if (marker) lines.push(`${marker.event.source}: ${marker.event.summary}`);
      tip.textContent = lines.join('\n');
      tip.hidden = false;
      const left = clientX - rect.left + 12;
      tip.style.left = `${Math.min(left, rect.width - tip.offsetWidth - 4)}px`;
      tip.style.top = `${Math.max(0, clientY - rect.top - 40)}px`;
    };
    const hideTip = (): void => {
      if (tipRef.current) tipRef.current.hidden = true;
    };
    const onDown = (e: MouseEvent): void => {
      const at = timeAt(e.clientX);
      if (at && e.button === 0) drag = { from: at.t, fromPx: at.x };
    };
    const onMove = (e: MouseEvent): void => {
      showTip(e.clientX, e.clientY);
      const sel = selRef.current;
      const at = timeAt(e.clientX);
      if (!drag || !sel || !at || !modelRef.current) return;
      const { plot } = modelRef.current;
      sel.hidden = false;
      sel.style.left = `${Math.min(drag.fromPx, at.x)}px`;
      sel.style.width = `${Math.abs(at.x - drag.fromPx)}px`;
      sel.style.top = `${plot.top}px`;
      sel.style.height = `${plot.bottom - plot.top}px`;
    };
    const onUp = (e: MouseEvent): void => {
      const at = timeAt(e.clientX);
      if (drag && at && Math.abs(at.x - drag.fromPx) > 2) {
        const s = appStore.getState();
        const r = s.streams[id]?.reception;
        if (r) s.setChartView(id, selectRange(chartViewOf(s, id), drag.from, at.t, r.nowMs, r.bins.binMs));
      }
      drag = null;
      if (selRef.current) selRef.current.hidden = true;
    };
    const onLeave = (): void => {
      drag = null;
      if (selRef.current) selRef.current.hidden = true;
      hideTip();
    };
    box.addEventListener('mousedown', onDown);
    box.addEventListener('mousemove', onMove);
    box.addEventListener('mouseup', onUp);
    box.addEventListener('mouseleave', onLeave);
    return () => {
      box.removeEventListener('mousedown', onDown);
      box.removeEventListener('mousemove', onMove);
      box.removeEventListener('mouseup', onUp);
      box.removeEventListener('mouseleave', onLeave);
    };
  }, [id]);

  if (!exists) return null;
  const act = (a: ChartAction) => applyChartAction(appStore, id, a);

  return (
    <section className="card chart" aria-label="Throughput over time">
      <header className="card-head">
        <h2>Throughput</h2>
        <span className="muted chart-range" ref={rangeRef} data-testid="chart-range">
          {binMs} ms bins
        </span>
        <div className="toolbar" role="toolbar" aria-label="Chart zoom and pan">
          <button type="button" className="small-button" onClick={() => act('pan-back')} title="Pan back (←)" aria-label="Pan back" data-testid="pan-back">
            ←
          </button>
          <button type="button" className="small-button" onClick={() => act('zoom-out')} title="Zoom out (−)" aria-label="Zoom out" data-testid="zoom-out">
            −
          </button>
          <button type="button" className="small-button" onClick={() => act('zoom-in')} title="Zoom in (+)" aria-label="Zoom in" data-testid="zoom-in">
            +
          </button>
          <button type="button" className="small-button" onClick={() => act('pan-forward')} title="Pan forward (→)" aria-label="Pan forward" data-testid="pan-forward">
            →
          </button>
          <button type="button" className="small-button" onClick={() => act('zoom-reset')} title={live ? 'Reset zoom and follow live data (0)' : 'Show the whole stream (0)'} data-testid="zoom-reset">
            Reset
          </button>
          {live ? (
            <button type="button" className={`small-button live${follow ? ' on' : ''}`} aria-pressed={follow} onClick={() => act('toggle-follow')} title="Follow live data (L)" data-testid="follow-toggle">
              ● Live
            </button>
          ) : null}
        </div>
      </header>
      <div className="chart-box" ref={boxRef} data-testid="throughput-chart" data-follow={follow} data-loss={withLoss} title="Drag across the chart to zoom in">
        <canvas ref={canvasRef} className="chart-canvas" role="img" aria-label="Throughput over time, with gaps shaded" />
        <div ref={selRef} className="chart-selection" hidden />
        <div ref={tipRef} className="chart-tooltip floating" hidden />
        {empty ? <div className="chart-empty">No data yet</div> : null}
      </div>
      <div className="legend">
        <span className="legend-item">
          <span aria-hidden="true" className="swatch rate" /> throughput
        </span>
        {withLoss ? (
          <span className="legend-item">
            <span aria-hidden="true" className="swatch loss" /> lost (by sequence number)
          </span>
        ) : null}
        <span className="legend-item">
          <span aria-hidden="true" className="swatch gap" /> gap (dense: share of time in gaps)
        </span>
        <span className="legend-item">
          <span aria-hidden="true" className="swatch open-gap" /> no data now
        </span>
        <span className="legend-item">
          <span aria-hidden="true" className="swatch stall" /> Gapscope stalled
        </span>
        {withLocation ? (
          <span className="legend-item" data-testid="legend-location">
            <span aria-hidden="true" className="swatch lost-before" /> never reached this machine <span aria-hidden="true" className="swatch lost-here" /> lost on this machine (top strip)
          </span>
        ) : null}
        {sources.length > 0 ? (
          <span className="event-filters" role="group" aria-label="Timeline events shown on the chart" data-testid="event-filters">
            <span aria-hidden="true" className="swatch event" /> events:
            {sources.map((src) => (
              <label key={src} className="event-filter">
                <input type="checkbox" checked={!hidden[src]} onChange={() => toggleSource(src)} data-testid={`event-filter-${src}`} /> {src}
              </label>
            ))}
          </span>
        ) : null}
      </div>
    </section>
  );
}
