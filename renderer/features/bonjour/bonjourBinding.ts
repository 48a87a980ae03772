/**
 * Where the back end's Bonjour events enter the store (change batches, types, status), outside
 * React, and the tab's requests. Browsing starts when the tab is first shown, never before (it
 * sends mDNS queries on every interface). Under a flood the binding refetches the whole list at
 * most once a second instead of applying thousands of changes.
 */
import type { GapscopeApi } from '../../../shared/contract';
import { refusalOf } from '../../app/errors';
import { whileShown, type AppStore } from '../../store/store';
import { txtLines } from './bonjourText';

/** Refetches after a "resync" batch are at most this often. */
const RESYNC_MIN_MS = 1000;
/** How often highlights are checked for their end. */
const SWEEP_MS = 250;

/** What the Bonjour tab can ask the back end. */
export interface BonjourCommands {
  /** Starts browsing every type on every interface (idempotent), then loads what is known. */
  startBrowsing(): Promise<void>;
  stopBrowsing(): Promise<void>;
  /** Selects an instance (or none) and fetches its details: records, TTLs, raw packets. */
  select(key: string | null): Promise<void>;
  /** Publishes what the form says; the outcome (the name that won) lands in the store. */
  advertise(): Promise<void>;
  withdraw(id: string): Promise<void>;
}

/** Binds the Bonjour feature to the store; returns its commands and the function that unbinds. */
export function bindBonjour(api: GapscopeApi, store: AppStore): { commands: BonjourCommands; dispose(): void } {
  const bonjour = () => store.getState().bonjour;
  let lastResync = 0;
  let resyncTimer: ReturnType<typeof setTimeout> | null = null;
  let sweepTimer: ReturnType<typeof setTimeout> | null = null;

  const loadSnapshot = async (): Promise<void> => {
    try {
      bonjour().setSnapshot(await api.listServices());
    } catch (e) {
      bonjour().setError(refusalOf(e));
    }
  };
  const scheduleSweep = (): void => {
    sweepTimer ??= setTimeout(() => {
      sweepTimer = null;
      if (bonjour().sweep(Date.now())) scheduleSweep();
    }, SWEEP_MS);
  };

  const commands: BonjourCommands = {
    async startBrowsing() {
      try {
        bonjour().setStatus(await api.startBrowse({}));
        bonjour().setError(null);
      } catch (e) {
        bonjour().setError(refusalOf(e));
      }
      await loadSnapshot();
    },
    async stopBrowsing() {
      try {
        bonjour().setStatus(await api.stopBrowse());
        bonjour().setError(null);
      } catch (e) {
        bonjour().setError(refusalOf(e));
      }
    },
    async select(key) {
      bonjour().select(key);
      if (!key) return;
      try {
        bonjour().setDetails(key, { details: await api.getServiceDetails(key) });
      } catch (e) {
        bonjour().setDetails(key, { error: refusalOf(e) });
      }
    },
    async advertise() {
      const f = bonjour().form;
      bonjour().setAdvertising();
      try {
        const port = f.port.trim() === '' ? Number.NaN : Number(f.port);
        bonjour().setAdvertised({ info: await api.advertiseService({ name: f.name, type: f.type.trim(), port, txt: txtLines(f.txt) }) });
      } catch (e) {
        bonjour().setAdvertised({ error: refusalOf(e) });
      }
    },
    async withdraw(id) {
      try {
        await api.withdrawService(id);
        bonjour().withdrawn(id);
      } catch (e) {
        bonjour().setError(refusalOf(e));
      }
    },
  };

  const offs = [
    api.on('bonjourChange', (batch) => {
      const now = Date.now();
      bonjour().applyChanges(batch, now);
      scheduleSweep();
      const selected = bonjour().selected;
      if (selected && batch.changes.some((c) => c.instance.key === selected)) void commands.select(selected);
      if (batch.resync && resyncTimer === null) {
        resyncTimer = setTimeout(() => {
          resyncTimer = null;
          lastResync = Date.now();
          void loadSnapshot();
        }, Math.max(0, lastResync + RESYNC_MIN_MS - now));
      }
    }),
    api.on('bonjourTypes', (types) => bonjour().setTypes(types)),
    api.on('bonjourStatus', ({ status, advertised }) => bonjour().setStatus(status, advertised)),
    whileShown(store, 'bonjour', () => void commands.startBrowsing()),
  ];
  return {
    commands,
    dispose() {
      for (const off of offs) off();
      if (resyncTimer) clearTimeout(resyncTimer);
      if (sweepTimer) clearTimeout(sweepTimer);
    },
  };
}
