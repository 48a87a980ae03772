/** Every gap with what arrived before it; a click shows the gap on the chart. */
import { shallow } from 'zustand/shallow';
import { gapCause, gapCauseRowClass } from '../../../shared/reception/gapCause';
import { gapLocationHint, gapLocationText } from '../../../shared/reception/gapLocation';
import { showGap } from './chart/chartControl';
import { eventsForGap } from './chart/events';
import { formatBytes, formatClock, formatCount, formatDuration, formatStreamTime } from '../../format';
import { appStore } from '../../store/store';
import { useVirtualRows } from '../../components/useVirtualRows';
import { useThrottledApp } from './useThrottledApp';

/** Start, end, duration, packets and bytes before, packets lost inside, the timeline events that coincide, and cause of each gap, newest first. */
export function GapTable({ id }: { id: string }) {
  // Four times a second at most: the field case makes several gaps a second.
  const { gaps, startedAt, threshold, automatic, focused, decoded, timeline, hidden } = useThrottledApp(
    (s) => {
      const e = s.streams[id];
      return {
        gaps: e?.reception.gaps,
        startedAt: e?.info.startedAt ?? 0,
        threshold: e?.reception.gapThresholdMs ?? 0,
        automatic: e?.reception.gapThresholdAutomatic ?? true,
        focused: s.focusedGap[id] ?? null,
        decoded: e?.reception.loss != null && e.reception.loss.lost !== null,
        timeline: s.timeline,
        hidden: s.hiddenSources,
      };
    },
    250,
    shallow,
    [id],
  );
  const rows = useVirtualRows(gaps?.length ?? 0);
  if (!gaps) return null;
  const columns = 9;
  // Newest first: row i is gap number gaps.length - i.
  const shown: number[] = [];
  for (let i = rows.start; i < rows.end; i++) shown.push(gaps.length - 1 - i);
  return (
    <section className="card gaps" aria-label="Gaps">
      <header className="card-head">
        <h2>Gaps</h2>
        <span className="muted">
          {formatCount(gaps.length)} · threshold {formatDuration(threshold)}
          {automatic ? ' (automatic)' : ''}
        </span>
      </header>
      <div className="table-scroll" ref={rows.scrollRef}>
        <table data-testid="gap-table" data-rows={gaps.length}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Start</th>
              <th scope="col" className="col-end">
                End
              </th>
              <th scope="col">Duration</th>
              <th scope="col" className="col-packets">
                Packets before
              </th>
              <th scope="col" className="col-bytes">
                Bytes before
              </th>
              <th scope="col" className="col-lost" title="Packets the sender sent during the gap, by the payload’s sequence numbers">
                Lost inside
              </th>
              <th scope="col" className="col-cause">
                Cause
              </th>
              <th scope="col" className="col-events" title="Network, DNS, Bonjour and session events within 1.5 s of the gap">
                Events
              </th>
            </tr>
          </thead>
          <tbody>
            {gaps.length === 0 ? (
              <tr className="empty">
                <td colSpan={columns}>No gaps so far.</td>
              </tr>
            ) : null}
            {rows.before > 0 ? <tr aria-hidden="true" style={{ height: rows.before }} /> : null}
            {shown.map((index) => {
                const g = gaps[index]!;
                const cause = gapCause(g);
                const near = eventsForGap(timeline, startedAt, g, hidden);
                const show = () => showGap(appStore, id, g);
                return (
                  <tr
                    key={g.startMs}
                    data-virtual-row
                    data-testid="gap-row"
                    data-start-ms={g.startMs}
                    data-duration-ms={g.durationMs}
                    data-cause={cause.code}
                    className={`clickable${focused === g.startMs ? ' focused' : ''}${gapCauseRowClass(cause.code) ? ` ${gapCauseRowClass(cause.code)}` : ''}`}
                    tabIndex={0}
                    aria-selected={focused === g.startMs}
                    title="Show this gap on the chart"
                    onClick={show}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        show();
                      }
                    }}
                  >
                    <td className="num">{index + 1}</td>
                    <td className="num" title={formatClock(startedAt + g.startMs)}>
                      {formatStreamTime(g.startMs)}
                    </td>
                    <td className="num col-end" title={formatClock(startedAt + g.endMs)}>
                      {formatStreamTime(g.endMs)}
                    </td>
                    <td className="num strong">{formatDuration(g.durationMs)}</td>
                    <td className="num col-packets">{formatCount(g.packetsBefore)}</td>
                    <td className="num col-bytes">{formatBytes(g.bytesBefore)}</td>
                    <td className="num col-lost" data-testid="gap-lost" title={decoded ? undefined : 'Choose a payload format with sequence numbers to count loss'}>
                      {g.lostPackets === null ? '—' : formatCount(g.lostPackets)}
                    </td>
                    <td className="col-cause" title={cause.hint} data-testid="gap-cause">
                      {cause.text}
                      {g.location ? (
                        <span className="gap-where muted small" data-testid="gap-where" data-where={g.location.where} title={gapLocationHint(g.location)}>
                          {' · '}
                          {gapLocationText(g.location)}
                        </span>
                      ) : null}
                    </td>
                    <td className="gap-events col-events" data-testid="gap-events">
                      {near.length === 0
                        ? ''
                        : near.slice(0, 3).map((e) => (
                            <span key={e.id} className={`event-chip ${e.severity}`} title={`${formatClock(e.at)} · ${e.source}: ${e.summary}`}>
                              {e.summary}
                            </span>
                          ))}
                      {near.length > 3 ? <span className="muted small"> +{near.length - 3}</span> : null}
                    </td>
                  </tr>
                );
              })}
            {rows.after > 0 ? <tr aria-hidden="true" style={{ height: rows.after }} /> : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
