/** The last packets as they arrived: when, from whom, how big, and their first bytes. */
import { useRef, useState } from 'react';
import type { PacketSummary } from '../../../shared/reception/types';
import { formatClock, formatCount, formatHex, formatStreamTime } from '../../format';
import { flagBadges } from './packetFlags';
import { useApp } from '../../store/store';
import { useVirtualRows } from '../../components/useVirtualRows';
import { useThrottledApp } from './useThrottledApp';
import { useOnScreen } from '../../components/useOnScreen';

/** How often the list follows new packets while it is on screen, and while it is scrolled out of view, ms. */
export const PACKETS_EVERY_MS = { shown: 250, hidden: 2000 } as const;

/** A table of the latest packets, newest first, that can be paused to read. */
export function PacketInspector({ id }: { id: string }) {
  // Four times a second while on screen (a new batch of packets comes with every live update), rarely when not.
  const box = useRef<HTMLElement>(null);
  const onScreen = useOnScreen(box);
  const live = useThrottledApp((s) => s.streams[id]?.reception.packets, onScreen ? PACKETS_EVERY_MS.shown : PACKETS_EVERY_MS.hidden, Object.is, [id]);
  const startedAt = useApp((s) => s.streams[id]?.info.startedAt ?? 0);
  const limit = useApp((s) => s.packetLimit);
  const [frozen, setFrozen] = useState<PacketSummary[] | null>(null);
  const packets = frozen ?? live ?? [];
  const rows = useVirtualRows(packets.length);
  if (!live) return null;
  const shown: PacketSummary[] = [];
  for (let i = rows.start; i < rows.end; i++) shown.push(packets[packets.length - 1 - i]!);
  const decoded = packets.some((p) => p.decoded !== null);
  const columns = decoded ? 5 : 4;
  return (
    <section ref={box} className="card packets" aria-label="Packet inspector" data-testid="packet-inspector" data-on-screen={onScreen}>
      <header className="card-head">
        <h2>Packets</h2>
        <span className="muted">
          last {formatCount(packets.length)} of up to {formatCount(limit)}
          {frozen ? ' · paused' : ''}
        </span>
        <button type="button" className="small-button" aria-pressed={frozen !== null} onClick={() => setFrozen(frozen ? null : live.slice())}>
          {frozen ? 'Resume' : 'Pause'}
        </button>
      </header>
      <div className="table-scroll tall" ref={rows.scrollRef}>
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Source</th>
              <th scope="col">Size</th>
              {decoded ? <th scope="col">Decoded</th> : null}
              <th scope="col">First bytes (hex)</th>
            </tr>
          </thead>
          <tbody>
            {packets.length === 0 ? (
              <tr className="empty">
                <td colSpan={columns}>No packets yet.</td>
              </tr>
            ) : null}
            {rows.before > 0 ? <tr aria-hidden="true" style={{ height: rows.before }} /> : null}
            {/* Keyed by position: each update shifts every packet down, and rows keyed by packet were all
                removed and added again (120 rows per 3 s in bench:ui's trace); by position only their text changes. */}
            {shown.map((p, i) => (
                <tr key={rows.start + i} data-virtual-row data-testid="packet-row">
                  <td className="num" title={formatClock(startedAt + p.atMs)}>
                    {formatStreamTime(p.atMs)}
                  </td>
                  <td className="mono">{p.from}</td>
                  <td className="num">{formatCount(p.size)} B</td>
                  {decoded ? (
                    <td className="decoded" data-testid="packet-decoded">
                      {flagBadges(p.flags ?? 0).map((b) => (
                        <span key={b.text} className={`flag-badge${b.problem ? ' problem' : ''}`} title={b.hint}>
                          {b.text}
                        </span>
                      ))}
                      {p.decoded ?? ''}
                    </td>
                  ) : null}
                  <td className="mono hex" title={formatHex(p.hex)}>
                    {formatHex(p.hex)}
                  </td>
                </tr>
              ))}
            {rows.after > 0 ? <tr aria-hidden="true" style={{ height: rows.after }} /> : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
