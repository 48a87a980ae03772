/**
 * The renderer's one store, composed of the core slices and one slice per feature (each feature's
 * state under its own name: `network`, `dns`…); middleware (none yet) would go only here.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ViewName } from '../app/views';
import { createBackendSlice, type BackendSlice } from './backendSlice';
import { createStreamsSlice, type StreamsSlice } from '../features/reception/streamsSlice';
import { createBonjourSlice, type BonjourSlice } from '../features/bonjour/bonjourSlice';
import { createDnsSlice, type DnsSlice } from '../features/dns/dnsSlice';
import { createImportSlice, type ImportSlice } from '../features/import/importSlice';
import { createNetworkSlice, type NetworkSlice } from '../features/network/networkSlice';
import { createTimelineSlice, type TimelineSlice } from './timelineSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

/** Everything the renderer knows, as one state. */
export type AppState = StreamsSlice & UiSlice & BackendSlice & TimelineSlice & BonjourSlice & DnsSlice & ImportSlice & NetworkSlice;

/** The store's handle, for the bindings and for tests. */
export type AppStore = StoreApi<AppState>;

/** Creates a fresh store: one per window, and one per test. */
export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createStreamsSlice(...a),
    ...createUiSlice(...a),
    ...createBackendSlice(...a),
    ...createTimelineSlice(...a),
    ...createBonjourSlice(...a),
    ...createDnsSlice(...a),
    ...createImportSlice(...a),
    ...createNetworkSlice(...a),
  }));
}

/** The window's store. */
export const appStore = createAppStore();

/** Selects from the window's store in a component (use useShallow for several values). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

/**
 * Runs `show` each time a tab is on screen with the back end connected (again after a reconnect,
 * when events were missed), and what it returns when the tab goes or the connection drops: a tab
 * reads its data when someone looks at it, from its binding rather than from a component. Returns
 * the function that stops watching.
 */
export function whileShown(store: StoreApi<Pick<AppState, 'view' | 'connection'>>, view: ViewName, show: () => (() => void) | void): () => void {
  let hide: (() => void) | null = null;
  const update = (s: Pick<AppState, 'view' | 'connection'>): void => {
    const shown = s.view === view && s.connection === 'open';
    if (shown && !hide) {
      // Set before show() runs: what show() puts in the store calls update() again.
      hide = () => undefined;
      hide = show() ?? hide;
    } else if (!shown && hide) {
      hide();
      hide = null;
    }
  };
  const unwatch = store.subscribe(update);
  update(store.getState());
  return () => {
    unwatch();
    hide?.();
    hide = null;
  };
}
