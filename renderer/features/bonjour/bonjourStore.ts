/**
 * The Bonjour view's own state: status, types, instances (with a brief highlight when they come,
 * change or go), the selected instance's details, and our advertisements. Back-end batches enter
 * through bindBonjourEvents outside React; under a flood the store refetches at most once a second
 * instead of applying thousands of changes.
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { ErrorInfo, GapscopeApi } from '../../../shared/contract';
import type { AdvertisedServiceInfo, BonjourChangeBatch, BonjourStatus, ServiceDetails } from '../../../shared/mdns/bonjourTypes';
import type { ServiceInstance, ServiceType } from '../../../shared/mdns/serviceCache';
import { txtLines } from './bonjourText';

/** How long a row stays highlighted after it appeared or changed, and a removed row stays (struck through) before it goes. */
export const HIGHLIGHT_MS = 1500;
/** Refetches after a "resync" batch are at most this often. */
const RESYNC_MIN_MS = 1000;

/** A row: the instance, and whether it just came, changed or went. */
export interface InstanceRow {
  instance: ServiceInstance;
  flash: 'added' | 'updated' | 'removed' | null;
  flashAt: number;
}

/** What the advertise form holds as typed. */
export interface AdvertiseForm {
  name: string;
  type: string;
  port: string;
  txt: string;
}

/** Everything the Bonjour view knows. */
export interface BonjourState {
  status: BonjourStatus | null;
  types: ServiceType[];
  rows: Record<string, InstanceRow>;
  typeFilter: string | null;
  selected: string | null;
  details: ServiceDetails | null;
  detailsError: ErrorInfo | null;
  advertised: AdvertisedServiceInfo[];
  form: AdvertiseForm;
  advertising: boolean;
  /** The last advertisement's outcome: the name that won, or why it failed. */
  lastAdvertised: AdvertisedServiceInfo | null;
  error: ErrorInfo | null;
  batches: number;
}

const initial: BonjourState = {
  status: null,
  types: [],
  rows: {},
  typeFilter: null,
  selected: null,
  details: null,
  detailsError: null,
  advertised: [],
  form: { name: 'Gapscope Test', type: '_gapscope._udp', port: '4000', txt: 'v=1' },
  advertising: false,
  lastAdvertised: null,
  error: null,
  batches: 0,
};

/** The store (one per window). */
export const bonjourStore = createStore<BonjourState>(() => ({ ...initial }));

/** Selects from the Bonjour store inside a component. */
export function useBonjour<T>(select: (s: BonjourState) => T): T {
  return useStore(bonjourStore, select);
}

function errorInfo(e: unknown): ErrorInfo {
  if (typeof e === 'object' && e !== null && 'code' in e && 'message' in e) {
    const x = e as ErrorInfo;
    return { code: x.code, message: String(x.message) };
  }
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** Puts in a full snapshot (first load, or after a flood). */
export async function loadSnapshot(api: GapscopeApi): Promise<void> {
  try {
    const snap = await api.listServices();
    const before = bonjourStore.getState().rows;
    const rows: Record<string, InstanceRow> = {};
    for (const i of snap.instances) rows[i.key] = { instance: i, flash: before[i.key]?.flash ?? null, flashAt: before[i.key]?.flashAt ?? 0 };
    bonjourStore.setState({ status: snap.status, types: snap.types, rows, advertised: snap.advertised, error: null });
  } catch (e) {
    bonjourStore.setState({ error: errorInfo(e) });
  }
}

let lastResync = 0;
let resyncTimer: ReturnType<typeof setTimeout> | null = null;
let sweepTimer: ReturnType<typeof setTimeout> | null = null;

/** Drops rows that went away more than HIGHLIGHT_MS ago and ends old highlights. */
function sweep(): void {
  sweepTimer = null;
  const now = Date.now();
  const rows = bonjourStore.getState().rows;
  let changed = false;
  const next: Record<string, InstanceRow> = {};
  let pending = false;
  for (const [k, r] of Object.entries(rows)) {
    if (r.flash !== null && now - r.flashAt >= HIGHLIGHT_MS) {
      changed = true;
      if (r.flash === 'removed') continue;
      next[k] = { ...r, flash: null };
    } else {
      if (r.flash !== null) pending = true;
      next[k] = r;
    }
  }
  if (changed) bonjourStore.setState({ rows: next });
  if (pending) scheduleSweep();
}

function scheduleSweep(): void {
  if (sweepTimer === null) sweepTimer = setTimeout(sweep, 250);
}

/** Applies one batch of changes in one store update. */
export function applyBatch(api: GapscopeApi | null, batch: BonjourChangeBatch): void {
  const s = bonjourStore.getState();
  const rows = { ...s.rows };
  const now = Date.now();
  for (const c of batch.changes) {
    if (c.kind === 'removed') {
      const r = rows[c.instance.key];
      if (r) rows[c.instance.key] = { instance: r.instance, flash: 'removed', flashAt: now };
    } else {
      rows[c.instance.key] = { instance: c.instance, flash: c.kind, flashAt: now };
    }
  }
  bonjourStore.setState({ rows, batches: s.batches + 1 });
  scheduleSweep();
  if (s.selected && batch.changes.some((c) => c.instance.key === s.selected) && api) void selectInstance(api, s.selected);
  if (batch.resync && api && resyncTimer === null) {
    const wait = Math.max(0, lastResync + RESYNC_MIN_MS - now);
    resyncTimer = setTimeout(() => {
      resyncTimer = null;
      lastResync = Date.now();
      void loadSnapshot(api);
    }, wait);
  }
}

/** Listens to the back end's Bonjour events; returns the function that stops listening. */
export function bindBonjourEvents(api: GapscopeApi): () => void {
  const offs = [
    api.on('bonjourChange', (b) => applyBatch(api, b)),
    api.on('bonjourTypes', (types) => bonjourStore.setState({ types })),
    api.on('bonjourStatus', ({ status, advertised }) => bonjourStore.setState({ status, advertised })),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/** Starts browsing every type on every interface (idempotent), then loads what is known. */
export async function startBrowsing(api: GapscopeApi): Promise<void> {
  try {
    const status = await api.startBrowse({});
    bonjourStore.setState({ status, error: null });
  } catch (e) {
    bonjourStore.setState({ error: errorInfo(e) });
  }
  await loadSnapshot(api);
}

/** Stops browsing. */
export async function stopBrowsing(api: GapscopeApi): Promise<void> {
  try {
    bonjourStore.setState({ status: await api.stopBrowse(), error: null });
  } catch (e) {
    bonjourStore.setState({ error: errorInfo(e) });
  }
}

/** Selects an instance and fetches its details (records, TTLs, raw packets). */
export async function selectInstance(api: GapscopeApi, key: string | null): Promise<void> {
  const changedSelection = bonjourStore.getState().selected !== key;
  bonjourStore.setState({ selected: key, ...(changedSelection ? { details: null, detailsError: null } : {}) });
  if (!key) return;
  try {
    const details = await api.getServiceDetails(key);
    if (bonjourStore.getState().selected === key) bonjourStore.setState({ details, detailsError: null });
  } catch (e) {
    if (bonjourStore.getState().selected === key) bonjourStore.setState({ detailsError: errorInfo(e) });
  }
}

/** Publishes what the form says; keeps the outcome (the final name) to show. */
export async function advertise(api: GapscopeApi): Promise<void> {
  const f = bonjourStore.getState().form;
  bonjourStore.setState({ advertising: true, error: null });
  try {
    const port = f.port.trim() === '' ? Number.NaN : Number(f.port);
    const info = await api.advertiseService({ name: f.name, type: f.type.trim(), port, txt: txtLines(f.txt) });
    bonjourStore.setState({ lastAdvertised: info, advertising: false });
  } catch (e) {
    bonjourStore.setState({ error: errorInfo(e), advertising: false });
  }
}

/** Withdraws one of our services. */
export async function withdraw(api: GapscopeApi, id: string): Promise<void> {
  try {
    await api.withdrawService(id);
    bonjourStore.setState((s) => ({ advertised: s.advertised.filter((a) => a.id !== id) }));
  } catch (e) {
    bonjourStore.setState({ error: errorInfo(e) });
  }
}

/** Back to the initial state (tests). */
export function resetBonjourStore(): void {
  bonjourStore.setState({ ...initial }, true);
}
