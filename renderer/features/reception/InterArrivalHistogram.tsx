/** How long packets wait for each other: a gap shows up as a lonely bar far to the right. */
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { InterArrival } from '../../../shared/reception/types';
import { useChartColors } from '../../app/theme';
import { formatCount } from '../../format';
import { useApp } from '../../store/store';

/** A bound in ms written short: 10 µs, 0.5 ms, 20 ms, 2 s. */
export function formatBound(ms: number): string {
  if (ms < 0.1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${ms}ms`;
  return `${ms / 1000}s`;
}

/** The buckets as chart rows labelled by upper bound: "2ms" holds waits up to 2 ms; the last is ">5s". */
export function histogramRows(ia: InterArrival): { label: string; count: number; shown: number | null }[] {
  return ia.counts.map((count, i) => {
    const bound = ia.boundsMs[i];
    const prev = ia.boundsMs[ia.boundsMs.length - 1];
    const label = bound !== undefined ? formatBound(bound) : `>${formatBound(prev ?? 0)}`;
    return { label, count, shown: count > 0 ? count : null };
  });
}

function pct(ms: number | null): string {
  return ms === null ? '—' : ms < 1 ? `${ms.toFixed(3)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The inter-arrival histogram (logarithmic count axis) with p50, p99 and the longest wait. */
export function InterArrivalHistogram({ id }: { id: string }) {
  const ia = useApp((s) => s.streams[id]?.reception.interArrival);
  const colors = useChartColors();
  const rows = useMemo(() => (ia ? histogramRows(ia) : []), [ia]);
  if (!ia) return null;
  const total = ia.counts.reduce((a, b) => a + b, 0);
  return (
    <section className="card histogram" aria-label="Inter-arrival times" data-testid="interarrival">
      <header className="card-head">
        <h2>Inter-arrival</h2>
        <span className="muted">
          p50 {pct(ia.p50Ms)} · p99 {pct(ia.p99Ms)} · max {pct(ia.maxMs)}
        </span>
      </header>
      <div className="histogram-box">
        {total === 0 ? (
          <div className="chart-empty">No packets yet</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
              <CartesianGrid stroke={colors.grid} vertical={false} />
              <XAxis dataKey="label" stroke={colors.axis} tick={{ fill: colors.axis, fontSize: 10 }} interval={0} angle={-40} textAnchor="end" height={40} />
              <YAxis scale="log" domain={[0.8, 'auto']} allowDataOverflow stroke={colors.axis} tick={{ fill: colors.axis, fontSize: 11 }} width={48} tickFormatter={(v: number) => (v >= 1000 ? `${Math.round(v / 1000)}k` : String(Math.round(v)))} />
              <Tooltip
                isAnimationActive={false}
                cursor={{ fill: colors.grid, fillOpacity: 0.4 }}
                content={({ active, payload, label }) =>
                  active && payload?.length ? (
                    <div className="chart-tooltip">
                      <div>{String(label).startsWith('>') ? `longer than ${String(label).slice(1)}` : `up to ${String(label)}`}</div>
                      <strong>{formatCount(Number(payload[0]?.payload?.count ?? 0))} packets</strong>
                    </div>
                  ) : null
                }
              />
              <Bar dataKey="shown" fill={colors.bar} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
    </section>
  );
}
