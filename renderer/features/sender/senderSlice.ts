/** The senders the back end runs, as the Send panel shows them, kept by plain actions. */
import type { StateCreator } from 'zustand';
import type { SenderInfo } from '../../../shared/contract/sender';
import type { ErrorInfo } from '../../../shared/errors';

/** What the Send panel shows. */
export interface SenderState {
  senders: Record<string, SenderInfo>;
  /** Sender ids in the order they appeared. */
  order: string[];
  error: ErrorInfo | null;
  /** A start, stop or remove request is on its way. */
  busy: boolean;
  /** A sender started, changed or stopped: records it (adding it when new). */
  upsert(info: SenderInfo): void;
  forget(id: string): void;
  setBusy(busy: boolean): void;
  setError(error: ErrorInfo | null): void;
}

/** The Send panel's part of the store. */
export interface SenderSlice {
  sender: SenderState;
}

/** Creates the sender slice. */
export const createSenderSlice: StateCreator<SenderSlice, [], [], SenderSlice> = (set, get) => {
  const patch = (change: Partial<SenderState>): void => set({ sender: { ...get().sender, ...change } });
  const s = () => get().sender;
  return {
    sender: {
      senders: {},
      order: [],
      error: null,
      busy: false,
      upsert: (info) => patch({ senders: { ...s().senders, [info.id]: info }, order: s().order.includes(info.id) ? s().order : [...s().order, info.id] }),
      forget(id) {
        const { [id]: _gone, ...rest } = s().senders;
        patch({ senders: rest, order: s().order.filter((x) => x !== id) });
      },
      setBusy: (busy) => patch({ busy }),
      setError: (error) => patch({ error }),
    },
  };
};
