/** Moves a stream's chart window from anywhere (buttons, keys, gap clicks) through the store. */
import { focusOn, liveView, panView, setFollow, zoomView, type ChartView } from './view';
import type { AppState, AppStore } from '../../../store/store';
import type { ShortcutAction } from '../../../app/shortcuts';

/** The default width of the chart, from the settings. */
export function defaultSpanMs(s: AppState): number {
  return (s.settings?.chartWindowSec ?? 60) * 1000;
}

/** The stream's chart view, or the live default when the user has not moved it. */
export function chartViewOf(s: AppState, id: string): ChartView {
  return s.chartViews[id] ?? liveView(defaultSpanMs(s));
}

/** The chart actions a shortcut or toolbar button can ask for. */
export type ChartAction = Extract<ShortcutAction, 'zoom-in' | 'zoom-out' | 'zoom-reset' | 'pan-back' | 'pan-forward' | 'toggle-follow'>;

/** Applies a chart action to a stream's chart. */
export function applyChartAction(store: AppStore, id: string, action: ChartAction): void {
  const s = store.getState();
  const entry = s.streams[id];
  if (!entry) return;
  const now = entry.reception.nowMs;
  const binMs = entry.reception.bins.binMs;
  const view = chartViewOf(s, id);
  let next: ChartView;
  switch (action) {
    case 'zoom-in':
      next = zoomView(view, 0.5, now, binMs);
      break;
    case 'zoom-out':
      next = zoomView(view, 2, now, binMs);
      break;
    case 'zoom-reset':
      next = liveView(defaultSpanMs(s));
      s.focusGap(id, null);
      break;
    case 'pan-back':
      next = panView(view, -0.25, now);
      break;
    case 'pan-forward':
      next = panView(view, 0.25, now);
      break;
    case 'toggle-follow':
      next = setFollow(view, !view.follow, now);
      break;
  }
  s.setChartView(id, next);
}

/** Zooms a stream's chart onto one gap and highlights it. */
export function showGap(store: AppStore, id: string, gap: { startMs: number; endMs: number }): void {
  const s = store.getState();
  const binMs = s.streams[id]?.reception.bins.binMs ?? 100;
  s.setChartView(id, focusOn(gap.startMs, gap.endMs, binMs));
  s.focusGap(id, gap.startMs);
}
