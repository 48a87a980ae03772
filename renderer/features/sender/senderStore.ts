/** The senders the back end runs, as the Send panel shows them: loaded once, then kept current by events. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GapscopeApi } from '../../../shared/contract';
import type { SenderConfigInput, SenderInfo } from '../../../shared/contract/sender';
import type { ErrorInfo } from '../../../shared/contract';
import { toErrorInfo } from '../../../shared/errors';

/** The panel's state. */
export interface SenderState {
  senders: Record<string, SenderInfo>;
  order: string[];
  error: ErrorInfo | null;
  busy: boolean;
}

/** The panel's store and the commands that change it through the back end. */
export interface SenderPanelModel {
  store: StoreApi<SenderState>;
  start(config: SenderConfigInput): Promise<boolean>;
  stop(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  dispose(): void;
}

/** Binds the generator's requests and events to a store of its own. */
export function createSenderModel(api: GapscopeApi): SenderPanelModel {
  const store = createStore<SenderState>()(() => ({ senders: {}, order: [], error: null, busy: false }));
  const upsert = (info: SenderInfo): void => {
    const s = store.getState();
    store.setState({ senders: { ...s.senders, [info.id]: info }, order: s.order.includes(info.id) ? s.order : [...s.order, info.id] });
  };
  const forget = (id: string): void => {
    const { [id]: _gone, ...rest } = store.getState().senders;
    store.setState({ senders: rest, order: store.getState().order.filter((x) => x !== id) });
  };
  const unsubscribe = [api.on('senderStatus', upsert), api.on('senderRemoved', (p) => forget(p.id))];
  void api.listSenders().then((list) => list.forEach(upsert), () => undefined);
  const run = async (what: () => Promise<void>): Promise<boolean> => {
    store.setState({ busy: true, error: null });
    try {
      await what();
      return true;
    } catch (err) {
      store.setState({ error: toErrorInfo(err) });
      return false;
    } finally {
      store.setState({ busy: false });
    }
  };
  return {
    store,
    start: (config) => run(async () => upsert(await api.startSender(config))),
    stop: async (id) => void (await run(async () => upsert(await api.stopSender(id)))),
    remove: async (id) => void (await run(async () => {
      await api.removeSender(id);
      forget(id);
    })),
    dispose: () => unsubscribe.forEach((u) => u()),
  };
}
