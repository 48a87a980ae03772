/** The stream's numbers at a glance, one tile each; the words come from ./stats.ts. */
import { statTiles } from './stats';
import { useThrottledApp } from './useThrottledApp';

// Tiles whose value is a phrase ("55% of the bytes", "no data for 1.2 s") get two columns.
const wide = new Set(['expected', 'open-gap', 'loss']);

/** Packets, bytes, rates, duty cycle, gaps, received vs expected, receive buffer and the current silence. */
export function StatTiles({ id }: { id: string }) {
  const entry = useThrottledApp((s) => s.streams[id], 250);
  if (!entry) return null;
  return (
    <section className="tiles" aria-label="Statistics">
      {statTiles(entry.info, entry.reception).map((t) => (
        <div key={t.id} className={`tile ${t.tone}${wide.has(t.id) ? ' wide' : ''}`} data-testid={`stat-${t.id}`} data-value={t.raw ?? ''} title={t.hint}>
          <div className="tile-label">{t.label}</div>
          <div className="tile-value">{t.value}</div>
          {t.detail ? <div className="tile-detail">{t.detail}</div> : null}
        </div>
      ))}
    </section>
  );
}
