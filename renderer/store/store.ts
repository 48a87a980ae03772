/** The renderer's one store, built from typed slices; middleware (none yet) would go only here. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { createBackendSlice, type BackendSlice } from './backendSlice';
import { createStreamsSlice, type StreamsSlice } from '../features/reception/streamsSlice';
import { createTimelineSlice, type TimelineSlice } from './timelineSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

/** Everything the renderer knows, as one state. */
export type AppState = StreamsSlice & UiSlice & BackendSlice & TimelineSlice;

/** The store's handle, for the binding and for tests. */
export type AppStore = StoreApi<AppState>;

/** Creates a fresh store: one per window, and one per test. */
export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createStreamsSlice(...a),
    ...createUiSlice(...a),
    ...createBackendSlice(...a),
    ...createTimelineSlice(...a),
  }));
}

/** The window's store. */
export const appStore = createAppStore();

/** Selects from the window's store in a component (use useShallow for several values). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
