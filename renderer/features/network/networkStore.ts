/** The Network view's own state: the snapshot, history, recent changes and the connect test; filled through the typed API. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ErrorInfo, GapscopeApi } from '../../../shared/contract';
import type { NetworkChangeEvent, NetworkHistory } from '../../../shared/contract/network';
import type { ConnectTestResult, NetworkSnapshot } from '../../../shared/network/types';
import { parseTarget } from './networkViewModel';

function errorInfo(e: unknown): ErrorInfo {
  const x = e as { code?: string; message?: string };
  return { code: (x.code as ErrorInfo['code']) ?? 'internal', message: x.message ?? String(e) };
}

/** Everything the Network view knows. */
export interface NetworkState {
  snapshot: NetworkSnapshot | null;
  snapshotError: ErrorInfo | null;
  history: NetworkHistory | null;
  /** Newest last, at most 100. */
  changes: NetworkChangeEvent[];
  target: string;
  tls: boolean;
  connecting: boolean;
  connectResult: ConnectTestResult | null;
  connectError: ErrorInfo | null;
  setTarget(v: string): void;
  setTls(v: boolean): void;
  refresh(api: GapscopeApi, fresh?: boolean): Promise<void>;
  loadHistory(api: GapscopeApi): Promise<void>;
  runConnect(api: GapscopeApi): Promise<void>;
  addChange(c: NetworkChangeEvent): void;
}

/** Creates a Network store: one per window, a fresh one per test. */
export function createNetworkStore(): StoreApi<NetworkState> {
  return createStore<NetworkState>()((set, get) => ({
    snapshot: null,
    snapshotError: null,
    history: null,
    changes: [],
    target: '',
    tls: false,
    connecting: false,
    connectResult: null,
    connectError: null,
    setTarget: (target) => set({ target }),
    setTls: (tls) => set({ tls }),
    async refresh(api, fresh = false) {
      try {
        set({ snapshot: await api.getNetworkSnapshot({ fresh }), snapshotError: null });
      } catch (e) {
        set({ snapshotError: errorInfo(e) });
      }
    },
    async loadHistory(api) {
      try {
        const history = await api.getNetworkHistory();
        // Changes seen before this window opened come from the back end's memory.
        const known = new Set(get().changes.map((c) => `${c.at}|${c.summary}`));
        const merged = [...history.changes.filter((c) => !known.has(`${c.at}|${c.summary}`)), ...get().changes].sort((a, b) => a.at - b.at).slice(-100);
        set({ history, changes: merged });
      } catch {
        /* the history is a bonus; the snapshot error says what is wrong */
      }
    },
    async runConnect(api) {
      const t = parseTarget(get().target);
      if ('error' in t) {
        set({ connectError: { code: 'invalid-argument', message: t.error }, connectResult: null });
        return;
      }
      set({ connecting: true, connectError: null });
      try {
        const r = await api.connectTest({ host: t.host, port: t.port, tls: get().tls });
        set({ connectResult: r, connecting: false });
      } catch (e) {
        set({ connectError: errorInfo(e), connectResult: null, connecting: false });
      }
    },
    addChange: (c) => set({ changes: [...get().changes, c].slice(-100) }),
  }));
}

/** The window's Network store. */
export const networkStore = createNetworkStore();

/** Selects from the window's Network store. */
export function useNetwork<T>(select: (s: NetworkState) => T): T {
  return useStore(networkStore, select);
}

/** Listens to network changes and keeps the snapshot and history fresh while the view is shown; returns the unbinding function. */
export function bindNetworkEvents(api: GapscopeApi): () => void {
  const s = networkStore.getState();
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  const off = api.on('networkChange', (c) => {
    networkStore.getState().addChange(c);
    // A burst of changes (an interface and its routes) is one refresh.
    if (!refreshTimer) {
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void networkStore.getState().refresh(api);
      }, 200);
    }
  });
  void s.refresh(api, true);
  void s.loadHistory(api);
  const timer = setInterval(() => void networkStore.getState().loadHistory(api), 2000);
  return () => {
    off();
    clearInterval(timer);
    if (refreshTimer) clearTimeout(refreshTimer);
  };
}
