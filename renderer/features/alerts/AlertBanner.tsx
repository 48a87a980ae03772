/** The alert banner under the header: every stream's alert raised now and those cleared since, each dismissable. */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/store';
import { streamTitle } from '../reception/stats';
import { bannerAlerts, type AlertedStream } from './alertText';
import './alerts.css';

/** Which stream, the condition's sentence, how often it held, raised or cleared; shown on every tab. */
export function AlertBanner() {
  // Each stream's info and alerts keep their identity across live updates, so this renders on alert changes only.
  const infos = useApp(useShallow((s) => s.streamOrder.map((id) => s.streams[id]?.info)));
  const raised = useApp(useShallow((s) => s.streamOrder.map((id) => s.streams[id]?.alerts)));
  const state = useApp((s) => s.alerts);
  const dismiss = useApp((s) => s.dismissAlert);
  const items = useMemo(() => {
    const streams: AlertedStream[] = [];
    infos.forEach((info, i) => {
      if (info) streams.push({ id: info.id, title: streamTitle(info), alerts: raised[i] ?? [] });
    });
    return bannerAlerts(state, streams);
  }, [infos, raised, state]);
  if (items.length === 0) return null;
  return (
    <section className="alert-banner" aria-label="Alerts" data-testid="alert-banner">
      <ul>
        {items.map((a) => (
          <li key={a.key} className={`alert-line ${a.state}`} role={a.state === 'raised' ? 'alert' : 'status'} data-testid="alert-item" data-state={a.state} data-condition={a.condition} data-stream={a.streamId} data-times={a.times}>
            <span className="alert-state">{a.state === 'raised' ? 'Alert' : 'Cleared'}</span>
            <span className="alert-text" data-testid="alert-text">
              {a.text}
            </span>
            <button type="button" className="small-button" data-testid="alert-dismiss" aria-label={`Dismiss the alert ${a.condition} on ${a.streamTitle}`} onClick={() => dismiss(a.key, a.raisedAt)}>
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
