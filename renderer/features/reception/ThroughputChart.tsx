/** Throughput over time with the gaps shaded, loss by sequence number and timeline events: zoom by dragging or with + / −, pan, or follow live data. */
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { eventMarkers, sourcesIn } from './chart/events';
import { applyChartAction, chartViewOf, type ChartAction } from './chart/chartControl';
import { useChartColors } from '../../app/theme';
import { formatTick, timeTicks } from '../../../shared/chart/ticks';
import { ratePoints, shadedAreas, type RatePoint } from './chart/series';
import { resolveRange, selectRange } from './chart/view';
import { formatByteRate, formatDuration, formatStreamTime } from '../../format';
import type { TimelineSeverity } from '../../../shared/timeline';
import { appStore, useApp } from '../../store/store';

// Rates on the axis stay short: "256 kB/s" → "256k".
function axisRate(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${Math.round(v / 1e3)}k`;
  return String(Math.round(v));
}

function severityColor(severity: TimelineSeverity, colors: ReturnType<typeof useChartColors>): string {
  return severity === 'error' ? colors.openGap : severity === 'warning' ? colors.event : colors.axis;
}

/** The chart of one stream, fed from the store at display rate and decimated to ~1600 points. */
export function ThroughputChart({ id }: { id: string }) {
  const entry = useApp((s) => s.streams[id]);
  const savedView = useApp((s) => s.chartViews[id]);
  const defaultSpan = useApp((s) => (s.settings?.chartWindowSec ?? 60) * 1000);
  const focused = useApp((s) => s.focusedGap[id] ?? null);
  const colors = useChartColors();
  const timeline = useApp((s) => s.timeline);
  const hidden = useApp(useShallow((s) => s.hiddenSources));
  const toggleSource = useApp((s) => s.toggleTimelineSource);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);

  const r = entry?.reception;
  const view = savedView ?? chartViewOf(appStore.getState(), id);
  const range = r ? resolveRange(view, r.nowMs) : { startMs: 0, endMs: defaultSpan };
  const span = range.endMs - range.startMs;
  const revision = entry?.revision ?? 0;
  const withLoss = !!r?.loss && r.loss.lost !== null;
  const points = useMemo(() => (r ? ratePoints(r.bins, range) : []), [r, revision, range.startMs, range.endMs]);
  const startedAt = entry?.info.startedAt ?? 0;
  const markers = useMemo(() => eventMarkers(timeline, startedAt, range, hidden), [timeline, startedAt, range.startMs, range.endMs, hidden]);
  const sources = useMemo(() => sourcesIn(timeline), [timeline]);
  const areas = useMemo(() => (r ? shadedAreas(r.gaps, r.openGap, r.stalls, range, r.nowMs, span / 1000) : []), [r, revision, range.startMs, range.endMs]);
  const ticks = useMemo(() => timeTicks(range, 8), [range.startMs, range.endMs]);
  if (!entry || !r) return null;

  const act = (a: ChartAction) => applyChartAction(appStore, id, a);
  const labelOf = (v: unknown) => (typeof v === 'number' ? v : null);

  return (
    <section className="card chart" aria-label="Throughput over time">
      <header className="card-head">
        <h2>Throughput</h2>
        <span className="muted">
          {formatStreamTime(range.startMs)} – {formatStreamTime(range.endMs)} ({formatDuration(span)}) · {r.bins.binMs} ms bins
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
          <button type="button" className="small-button" onClick={() => act('zoom-reset')} title="Reset zoom and follow live data (0)" data-testid="zoom-reset">
            Reset
          </button>
          {(entry.info.origin ?? 'live') === 'live' && <button
            type="button"
            className={`small-button live${view.follow ? ' on' : ''}`}
            aria-pressed={view.follow}
            onClick={() => act('toggle-follow')}
            title="Follow live data (L)"
            data-testid="follow-toggle"
          >
            ● Live
          </button>}
        </div>
      </header>
      <div
        className="chart-box"
        data-testid="throughput-chart"
        data-points={points.length}
        data-range-start={Math.round(range.startMs)}
        data-range-end={Math.round(range.endMs)}
        data-follow={view.follow}
        data-markers={markers.length}
        data-loss={withLoss}
        title="Drag across the chart to zoom in"
      >
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart
            data={points}
            margin={{ top: 8, right: 16, bottom: 4, left: 4 }}
            onMouseDown={(st) => {
              const x = labelOf(st.activeLabel);
              if (x !== null) setDrag({ from: x, to: x });
            }}
            onMouseMove={(st) => {
              const x = labelOf(st.activeLabel);
              if (drag && x !== null) setDrag({ ...drag, to: x });
            }}
            onMouseUp={() => {
              if (drag) appStore.getState().setChartView(id, selectRange(view, drag.from, drag.to, r.nowMs, r.bins.binMs));
              setDrag(null);
            }}
            onMouseLeave={() => setDrag(null)}
          >
            <CartesianGrid stroke={colors.grid} vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              domain={[range.startMs, range.endMs]}
              ticks={ticks}
              allowDataOverflow
              tickFormatter={(v: number) => formatTick(v, span)}
              stroke={colors.axis}
              tick={{ fill: colors.axis, fontSize: 12 }}
            />
            <YAxis yAxisId="rate" domain={[0, (max: number) => Math.max(max, 1000)]} tickFormatter={axisRate} stroke={colors.axis} tick={{ fill: colors.axis, fontSize: 12 }} width={52} label={{ value: 'B/s', angle: -90, position: 'insideLeft', fill: colors.axis, fontSize: 12 }} />
            {withLoss ? (
              <YAxis yAxisId="lost" orientation="right" domain={[0, (max: number) => Math.max(max, 10)]} tickFormatter={axisRate} stroke={colors.loss} tick={{ fill: colors.loss, fontSize: 12 }} width={44} label={{ value: 'lost/s', angle: 90, position: 'insideRight', fill: colors.loss, fontSize: 12 }} />
            ) : null}
            <Tooltip
              isAnimationActive={false}
              content={({ active, payload, label }) =>
                active && payload?.length ? (
                  <div className="chart-tooltip">
                    <div>{formatStreamTime(Number(label))}</div>
                    <strong>{formatByteRate(Number(payload.find((p) => p.dataKey === 'rate')?.value ?? 0))}</strong>
                    {withLoss ? <div className="loss-text">{Math.round(Number(payload.find((p) => p.dataKey === 'lost')?.value ?? 0))} packets/s lost</div> : null}
                  </div>
                ) : null
              }
            />
            {areas.map((a) => (
              <ReferenceArea
                key={`${a.kind}-${a.key}`}
                x1={Math.max(a.startMs, range.startMs)}
                x2={Math.min(Math.max(a.endMs, a.startMs + span / 500), range.endMs)}
                yAxisId="rate"
                ifOverflow="hidden"
                fill={a.kind === 'stall' ? colors.stall : a.kind === 'open-gap' ? colors.openGap : focused === a.key ? colors.gapFocus : colors.gap}
                fillOpacity={focused === a.key ? 0.45 : 0.22}
                stroke="none"
              />
            ))}
            {markers.map((m) => (
              <ReferenceLine
                key={`ev-${m.event.id}`}
                yAxisId="rate"
                x={m.t}
                stroke={severityColor(m.event.severity, colors)}
                strokeDasharray="4 3"
                strokeWidth={1.5}
                ifOverflow="hidden"
                label={(props: { viewBox?: { x?: number; y?: number } }) => (
                  <g className="event-marker" data-testid="event-marker">
                    <title>{`${formatStreamTime(m.t)} · ${m.event.source}: ${m.event.summary}`}</title>
                    <text x={props.viewBox?.x ?? 0} y={(props.viewBox?.y ?? 0) + 10} textAnchor="middle" fontSize={11} fill={severityColor(m.event.severity, colors)}>
                      ◆
                    </text>
                  </g>
                )}
              />
            ))}
            <Area yAxisId="rate" type="stepAfter" dataKey={(p: RatePoint) => [p.min, p.max]} stroke="none" fill={colors.fill} fillOpacity={0.6} isAnimationActive={false} dot={false} activeDot={false} />
            <Line yAxisId="rate" type="stepAfter" dataKey="rate" stroke={colors.line} strokeWidth={1.5} isAnimationActive={false} dot={false} activeDot={false} />
            {withLoss ? <Line yAxisId="lost" type="stepAfter" dataKey="lost" stroke={colors.loss} strokeWidth={1.5} isAnimationActive={false} dot={false} activeDot={false} /> : null}
            {drag && drag.from !== drag.to ? <ReferenceArea yAxisId="rate" x1={Math.min(drag.from, drag.to)} x2={Math.max(drag.from, drag.to)} fill={colors.selection} fillOpacity={0.25} stroke="none" /> : null}
          </ComposedChart>
        </ResponsiveContainer>
        {r.totals.packets === 0 ? <div className="chart-empty">No data yet</div> : null}
      </div>
      <div className="legend">
        <span aria-hidden="true" className="swatch rate" /> throughput
        {withLoss ? (
          <>
            <span aria-hidden="true" className="swatch loss" /> lost (by sequence number)
          </>
        ) : null}
        <span aria-hidden="true" className="swatch gap" /> gap <span aria-hidden="true" className="swatch open-gap" /> no data now <span aria-hidden="true" className="swatch stall" /> Gapscope stalled
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
