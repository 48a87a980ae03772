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
import { createSenderSlice, type SenderSlice } from '../features/sender/senderSlice';
import { createSessionsSlice, type SessionsSlice } from '../features/sessions/sessionsSlice';
import { createAlertsSlice, type AlertsSlice } from '../features/alerts/alertsSlice';
import { createAgentsSlice, type AgentsSlice } from '../features/agents/agentsSlice';
import { createTimelineSlice, type TimelineSlice } from './timelineSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

/** Everything the renderer knows, as one state. */
export type AppState = StreamsSlice & UiSlice & BackendSlice & TimelineSlice & BonjourSlice & DnsSlice & ImportSlice & NetworkSlice & SenderSlice & SessionsSlice & AlertsSlice & AgentsSlice;

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
    ...createSenderSlice(...a),
    ...createSessionsSlice(...a),
    ...createAlertsSlice(...a),
    ...createAgentsSlice(...a),
  }));
}

/** The window's store. */
export const appStore = createAppStore();

/** Selects from the window's store in a component (use useShallow for several values). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

type Watched = Pick<AppState, 'view' | 'connection'>;

/** Runs `start` each time `condition` becomes true, and what it returns each time it becomes false again; returns the function that stops watching. */
function whileTrue(store: StoreApi<Watched>, condition: (s: Watched) => boolean, start: () => (() => void) | void): () => void {
  let stop: (() => void) | null = null;
  const update = (s: Watched): void => {
    const now = condition(s);
    if (now && !stop) {
      // Set before start() runs: what start() puts in the store calls update() again.
      stop = () => undefined;
      stop = start() ?? stop;
    } else if (!now && stop) {
      stop();
      stop = null;
    }
  };
  const unwatch = store.subscribe(update);
  update(store.getState());
  return () => {
    unwatch();
    stop?.();
    stop = null;
  };
}

/**
 * Runs `load` each time the back end is connected: at start, and again after a reconnect (events
 * were missed); for what is on screen whatever the tab (the Record button, the Send panel).
 */
export function whileConnected(store: StoreApi<Watched>, load: () => void): () => void {
  return whileTrue(store, (s) => s.connection === 'open', load);
}

/**
 * Runs `show` each time a tab is on screen with the back end connected (again after a reconnect),
 * and what it returns when the tab goes or the connection drops: a tab reads its data when
 * someone looks at it, from its binding rather than from a component. Returns the function that
 * stops watching.
 */
export function whileShown(store: StoreApi<Watched>, view: ViewName, show: () => (() => void) | void): () => void {
  return whileTrue(store, (s) => s.view === view && s.connection === 'open', show);
}
