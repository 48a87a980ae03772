/** The Network tab's state: the snapshot, history, recent changes and the connection test, kept by plain actions. */
import type { StateCreator } from 'zustand';
import type { ErrorInfo } from '../../../shared/errors';
import type { NetworkChangeEvent, NetworkHistory } from '../../../shared/contract/network';
import type { ConnectTestResult, NetworkSnapshot } from '../../../shared/network/types';

/** Changes the tab keeps, newest last. */
export const MAX_CHANGES = 100;

/** Everything the Network tab knows. */
export interface NetworkState {
  snapshot: NetworkSnapshot | null;
  snapshotError: ErrorInfo | null;
  history: NetworkHistory | null;
  /** Newest last, at most MAX_CHANGES. */
  changes: NetworkChangeEvent[];
  target: string;
  tls: boolean;
  connecting: boolean;
  connectResult: ConnectTestResult | null;
  connectError: ErrorInfo | null;
  setTarget(target: string): void;
  setTls(tls: boolean): void;
  setSnapshot(snapshot: NetworkSnapshot): void;
  setSnapshotError(error: ErrorInfo): void;
  /** Takes the back end's history, with the changes it remembers from before this window opened. */
  setHistory(history: NetworkHistory): void;
  addChange(change: NetworkChangeEvent): void;
  setConnecting(): void;
  setConnectOutcome(outcome: { result: ConnectTestResult } | { error: ErrorInfo }): void;
}

/** The Network part of the store. */
export interface NetworkSlice {
  network: NetworkState;
}

const changeKey = (c: NetworkChangeEvent): string => `${c.at}|${c.summary}`;

/** Creates the Network slice. */
export const createNetworkSlice: StateCreator<NetworkSlice, [], [], NetworkSlice> = (set, get) => {
  const patch = (change: Partial<NetworkState>): void => set({ network: { ...get().network, ...change } });
  return {
    network: {
      snapshot: null,
      snapshotError: null,
      history: null,
      changes: [],
      target: '',
      tls: false,
      connecting: false,
      connectResult: null,
      connectError: null,
      setTarget: (target) => patch({ target }),
      setTls: (tls) => patch({ tls }),
      setSnapshot: (snapshot) => patch({ snapshot, snapshotError: null }),
      setSnapshotError: (snapshotError) => patch({ snapshotError }),
      setHistory(history) {
        const held = get().network.changes;
        const known = new Set(held.map(changeKey));
        const merged = [...history.changes.filter((c) => !known.has(changeKey(c))), ...held].sort((a, b) => a.at - b.at).slice(-MAX_CHANGES);
        patch({ history, changes: merged });
      },
      addChange: (c) => patch({ changes: [...get().network.changes, c].slice(-MAX_CHANGES) }),
      setConnecting: () => patch({ connecting: true, connectError: null }),
      setConnectOutcome: (o) => patch('result' in o ? { connecting: false, connectResult: o.result, connectError: null } : { connecting: false, connectResult: null, connectError: o.error }),
    },
  };
};
