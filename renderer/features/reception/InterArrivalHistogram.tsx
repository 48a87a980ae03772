/** How long packets wait for each other: a gap shows up as a lonely bar far to the right. */
import { useMemo } from 'react';
import type { InterArrival } from '../../../shared/reception/types';
import { formatCount } from '../../format';
import { useThrottledApp } from './useThrottledApp';

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
  // Once a second: the counts move with every packet, the shape does not.
  const ia = useThrottledApp((s) => s.streams[id]?.reception.interArrival, 1000, Object.is, [id]);
  const rows = useMemo(() => (ia ? histogramRows(ia) : []), [ia]);
  if (!ia) return null;
  const total = ia.counts.reduce((a, b) => a + b, 0);
  const top = Math.log10(Math.max(10, ...ia.counts) + 1);
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
          // Plain bars, heights on a log scale: a histogram of ~25 buckets needs no chart library.
          <div className="histogram-bars" role="list" aria-label="Packets by wait since the previous one (log scale)">
            {rows.map((r) => (
              <div key={r.label} className="histogram-col" role="listitem" title={`${r.label.startsWith('>') ? `longer than ${r.label.slice(1)}` : `up to ${r.label}`}: ${formatCount(r.count)} packets`} data-testid="histogram-bar" data-count={r.count}>
                <div className="histogram-bar-area">
                  <div className="histogram-bar" style={{ height: `${r.count > 0 ? Math.max(2, (Math.log10(r.count + 1) / top) * 100) : 0}%` }} />
                </div>
                <span className="histogram-label">{r.label}</span>
              </div>
            ))}
          </div>
        )}
      </div>
    </section>
  );
}
