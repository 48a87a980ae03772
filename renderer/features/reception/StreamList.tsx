/** The streams the back end runs, as tabs: pick one to see it; several can run at once. */
import { useShallow } from 'zustand/react/shallow';
import { formatCount } from '../../format';
import { streamTitle } from './stats';
import { useApp } from '../../store/store';

/** Lists every stream with its status, packets and gaps; the selected one is shown on the right. */
export function StreamList() {
  const order = useApp(useShallow((s) => s.streamOrder));
  const selectedId = useApp((s) => s.selectedId);
  if (order.length === 0) return null;
  return (
    <nav className="card streams" aria-label="Streams">
      <h2>Streams</h2>
      <div role="tablist" aria-orientation="vertical" data-testid="stream-list">
        {order.map((id) => (
          <StreamTab key={id} id={id} selected={id === selectedId} />
        ))}
      </div>
    </nav>
  );
}

function StreamTab({ id, selected }: { id: string; selected: boolean }) {
  const entry = useApp((s) => s.streams[id]);
  const select = useApp((s) => s.selectStream);
  if (!entry) return null;
  const { info, reception } = entry;
  return (
    <button
      role="tab"
      aria-selected={selected}
      className={`stream-tab${selected ? ' selected' : ''}`}
      data-testid="stream-item"
      data-status={info.status}
      onClick={() => select(id)}
    >
      <span className={`dot ${info.status}`} aria-hidden="true" />
      <span className="stream-tab-title">{streamTitle(info)}</span>
      <span className="stream-tab-meta">
        {info.status} · {formatCount(reception.totals.packets)} pkts · {formatCount(reception.totals.gapCount)} gaps
      </span>
    </button>
  );
}
