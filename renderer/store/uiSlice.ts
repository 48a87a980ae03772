/** What the user is looking at: the selected stream, each chart's zoom, the highlighted gap, errors. */
import type { StateCreator } from 'zustand';
import type { ErrorInfo } from '../../shared/contract';
import type { ChartView } from '../features/reception/chart/view';
import type { ViewName } from '../app/views';

/** Where an error is shown: beside the setup form, or on the selected stream. */
export type ErrorPlace = 'setup' | 'stream' | 'settings';

/** The view part of the store. */
export interface UiSlice {
  /** The tab shown. */
  view: ViewName;
  selectedId: string | null;
  /** Each stream's chart window; absent means live with the default width. */
  chartViews: Record<string, ChartView>;
  /** The gap the user clicked, by its start time, per stream. */
  focusedGap: Record<string, number | null>;
  errors: Record<ErrorPlace, ErrorInfo | null>;
  /** A start request is on its way. */
  starting: boolean;
  /** The reception sidebar (setup form, stream list, send panel) is folded away for room. */
  sidebarCollapsed: boolean;
  showView(view: ViewName): void;
  selectStream(id: string | null): void;
  setChartView(id: string, view: ChartView): void;
  focusGap(id: string, startMs: number | null): void;
  setError(place: ErrorPlace, error: ErrorInfo | null): void;
  setStarting(starting: boolean): void;
  toggleSidebar(): void;
}

/** Creates the view slice. */
export const createUiSlice: StateCreator<UiSlice> = (set, get) => ({
  view: 'reception',
  selectedId: null,
  chartViews: {},
  focusedGap: {},
  errors: { setup: null, stream: null, settings: null },
  starting: false,
  sidebarCollapsed: false,

  showView(view) {
    set({ view });
  },
  selectStream(id) {
    if (get().selectedId !== id) set({ selectedId: id, errors: { ...get().errors, stream: null } });
  },
  setChartView(id, view) {
    set({ chartViews: { ...get().chartViews, [id]: view } });
  },
  focusGap(id, startMs) {
    set({ focusedGap: { ...get().focusedGap, [id]: startMs } });
  },
  setError(place, error) {
    set({ errors: { ...get().errors, [place]: error } });
  },
  setStarting(starting) {
    set({ starting });
  },
  toggleSidebar() {
    set({ sidebarCollapsed: !get().sidebarCollapsed });
  },
});
