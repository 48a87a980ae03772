/** The alert banner's lines, from the alerts heard and the streams' alerts raised now: pure, tested without a browser. */
import { formatTimeOfDay } from '../../../shared/format';
import type { ActiveAlert } from '../../../shared/verdict/alertWatch';
import { alertKey, type AlertNotice, type AlertsState } from './alertsSlice';

/** What the banner needs of a stream. */
export interface AlertedStream {
  id: string;
  title: string;
  /** Its alerts raised now, as the back end last said. */
  alerts: readonly ActiveAlert[];
}

/** One line of the banner. */
export interface BannerAlert {
  key: string;
  streamId: string;
  streamTitle: string;
  condition: string;
  state: 'raised' | 'cleared';
  raisedAt: number;
  /** How many times the condition began to hold while the alert was up. */
  times: number;
  /** The line as shown: which stream, the condition's sentence, its repeats and when. */
  text: string;
}

/** "once", "3 times". */
function timesText(times: number): string {
  return times === 1 ? 'once' : `${times} times`;
}

function line(streamTitle: string, n: Pick<AlertNotice, 'state' | 'condition' | 'sentence' | 'times' | 'raisedAt' | 'clearedAt'>): string {
  if (n.state === 'raised') {
    const repeats = n.times > 1 ? ` It has held ${timesText(n.times)} since.` : '';
    return `${streamTitle}: ${n.sentence} Raised at ${formatTimeOfDay(n.raisedAt)}.${repeats}`;
  }
  return `${streamTitle}: ${n.condition} cleared at ${formatTimeOfDay(n.clearedAt ?? n.raisedAt)}, after holding ${timesText(n.times)} since ${formatTimeOfDay(n.raisedAt)}.`;
}

/**
 * The banner's lines, raised ones first, newest first: every alert a stream has raised now (also
 * those raised before this window opened), with the count the back end last gave; then the alerts
 * cleared while the window was open. Dismissed ones and those of streams no longer known are left out.
 */
export function bannerAlerts(state: AlertsState, streams: readonly AlertedStream[]): BannerAlert[] {
  const byId = new Map(streams.map((s) => [s.id, s]));
  const raised: BannerAlert[] = [];
  const seen = new Set<string>();
  for (const s of streams) {
    for (const a of s.alerts) {
      const key = alertKey(s.id, a.condition);
      seen.add(key);
      if (state.dismissed[key] === a.raisedAt) continue;
      const n = { state: 'raised' as const, condition: a.condition, sentence: a.sentence, times: a.times, raisedAt: a.raisedAt, clearedAt: null };
      raised.push({ key, streamId: s.id, streamTitle: s.title, condition: a.condition, state: 'raised', raisedAt: a.raisedAt, times: a.times, text: line(s.title, n) });
    }
  }
  raised.sort((a, b) => b.raisedAt - a.raisedAt);
  const cleared: BannerAlert[] = [];
  for (const n of state.notices) {
    const s = byId.get(n.streamId);
    // Raised notices are shown from the stream's own list (above); a stream forgotten takes its notices with it.
    if (!s || n.state !== 'cleared' || seen.has(n.key) || state.dismissed[n.key] === n.raisedAt) continue;
    cleared.push({ key: n.key, streamId: n.streamId, streamTitle: s.title, condition: n.condition, state: 'cleared', raisedAt: n.raisedAt, times: n.times, text: line(s.title, n) });
  }
  return [...raised, ...cleared];
}

/** The desktop notification for an alert raised: its title and body. */
export function notificationText(streamTitle: string, sentence: string): { title: string; body: string } {
  return { title: `Gapscope alert: ${streamTitle}`, body: sentence };
}
