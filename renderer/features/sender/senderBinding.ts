/**
 * Where the back end's senderStatus and senderRemoved events enter the store (from start-up,
 * outside React), and the Send panel's requests. The list is read at each connection: the panel
 * is on the Reception tab, and a reconnect missed events.
 */
import type { GapscopeApi } from '../../../shared/contract';
import type { SenderConfigInput } from '../../../shared/contract/sender';
import { refusalOf } from '../../app/errors';
import { whileConnected, type AppStore } from '../../store/store';

/** What the Send panel can ask the back end; a refusal lands in the store's sender.error. */
export interface SenderCommands {
  /** True when the sender started. */
  start(config: SenderConfigInput): Promise<boolean>;
  stop(id: string): Promise<void>;
  remove(id: string): Promise<void>;
}

/** Binds the sender feature to the store; returns its commands and the function that unbinds. */
export function bindSender(api: GapscopeApi, store: AppStore): { commands: SenderCommands; dispose(): void } {
  const sender = () => store.getState().sender;
  const run = async (what: () => Promise<void>): Promise<boolean> => {
    sender().setBusy(true);
    sender().setError(null);
    try {
      await what();
      return true;
    } catch (err) {
      sender().setError(refusalOf(err));
      return false;
    } finally {
      sender().setBusy(false);
    }
  };

  const commands: SenderCommands = {
    start: (config) => run(async () => sender().upsert(await api.startSender(config))),
    async stop(id) {
      await run(async () => sender().upsert(await api.stopSender(id)));
    },
    async remove(id) {
      await run(async () => {
        await api.removeSender(id);
        sender().forget(id);
      });
    },
  };

  const offs = [
    api.on('senderStatus', (info) => sender().upsert(info)),
    api.on('senderRemoved', ({ id }) => sender().forget(id)),
    whileConnected(store, () => {
      api.listSenders().then(
        (list) => list.forEach((info) => sender().upsert(info)),
        () => undefined, // the panel still starts senders; their events fill the list
      );
    }),
  ];
  return {
    commands,
    dispose() {
      for (const off of offs) off();
    },
  };
}
