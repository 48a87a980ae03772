/**
 * Where streamAlert enters the alerts feature: each raise, repeat or clear updates a notice for the
 * banner, and a raise (never a repeat) becomes one desktop notification while the window is not
 * focused (the back end's hysteresis already makes a flapping stream one raise, so there is no
 * flood to hold back here).
 * The streams' alerts raised now are reception's (receptionBinding.ts), with the rest of their state.
 */
import type { GapscopeApi } from '../../../shared/contract';
import type { AppStore } from '../../store/store';
import { streamTitle } from '../reception/stats';
import { notificationText } from './alertText';
import { alertKey } from './alertsSlice';
import { pageNotifier, type DesktopNotifier } from './desktopNotice';

/** What the views can ask of the alerts feature. */
export interface AlertsCommands {
  /** Asks for permission to notify (from the click that starts a stream with alert conditions). */
  askToNotify(): void;
}

/** Binds the alerts to the store; returns their commands and the function that unbinds. */
export function bindAlerts(api: GapscopeApi, store: AppStore, notifier: DesktopNotifier = pageNotifier): { commands: AlertsCommands; dispose(): void } {
  const off = api.on('streamAlert', (alert) => {
    store.getState().noticeAlert(alert);
    if (alert.change.state !== 'raised' || notifier.focused()) return;
    const info = store.getState().streams[alert.id]?.info;
    const { title, body } = notificationText(info ? streamTitle(info) : alert.id, alert.change.sentence);
    notifier.show(title, body, alertKey(alert.id, alert.change.condition));
  });
  return {
    commands: { askToNotify: () => notifier.ask() },
    dispose: off,
  };
}
