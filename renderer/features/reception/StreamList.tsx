/** The streams the back end runs, as tabs: pick one to see it; several can run at once. */
import { useShallow } from 'zustand/react/shallow';
import { shallow } from 'zustand/shallow';
import { formatCount } from '../../format';
import { streamTitle } from './stats';
import { useApp } from '../../store/store';
import { useThrottledApp } from './useThrottledApp';

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
  // Counts for the tab, twice a second: the entry itself changes with every live update.
  const tab = useThrottledApp(
    (s) => {
      const e = s.streams[id];
      const agent = e?.info.agent ? s.agents.list.find((a) => a.id === e.info.agent?.id) : undefined;
      return e ? { info: e.info, packets: e.reception.totals.packets, gapCount: e.reception.totals.gapCount, alerting: e.alerts.map((a) => a.condition).join(', '), agentState: agent?.state ?? null } : null;
    },
    500,
    (a, b) => shallow(a, b),
    [id],
  );
  const select = useApp((s) => s.selectStream);
  if (!tab) return null;
  const { info } = tab;
  return (
    <button
      role="tab"
      aria-selected={selected}
      className={`stream-tab${selected ? ' selected' : ''}`}
      data-testid="stream-item"
      data-status={info.status}
      data-alert={tab.alerting ? 'raised' : undefined}
      data-agent={info.agent?.name}
      onClick={() => select(id)}
    >
      <span className={`dot ${info.status}`} aria-hidden="true" />
      <span className="stream-tab-title">{streamTitle(info)}</span>
      {tab.alerting ? (
        <span className="stream-tab-alert" data-testid="stream-alert-mark" title={`Alert raised: ${tab.alerting}`}>
          ⚠ {tab.alerting}
        </span>
      ) : null}
      {info.agent ? (
        <span className="stream-tab-agent" data-testid="stream-agent" data-agent-state={tab.agentState ?? undefined}>
          on {info.agent.name}
          {tab.agentState && tab.agentState !== 'connected' ? ` (${tab.agentState})` : ''}
        </span>
      ) : null}
      <span className="stream-tab-meta">
        {info.status} · {formatCount(tab.packets)} pkts · {formatCount(tab.gapCount)} gaps
      </span>
    </button>
  );
}
