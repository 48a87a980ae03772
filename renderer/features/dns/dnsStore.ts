/** The DNS view's own state: resolvers, the last probe, comparison, search preview, the watch and the load run; filled through the typed API. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ErrorInfo, GapscopeApi } from '../../../shared/contract';
import type { DnsWatchState, DnsWatchUpdate } from '../../../shared/contract/dns';
import type { DnsLoadProgress, DnsLoadResult, DnsProbeReport, DnsSearchReport } from '../../../shared/dns/probeTypes';
import type { SystemResolvers } from '../../../shared/dns/systemResolvers';
import type { Reachability, ResolverVerdict, WatchSample } from '../../../shared/dns/reachability';

/** An async request's state in the view: what came back, or why not. */
export interface Pending<T> {
  busy: boolean;
  value: T | null;
  error: ErrorInfo | null;
}

/** What the probe panel asks. */
export interface ProbeForm {
  name: string;
  type: string;
  /** 'system': the system's first server; 'all': every server in use; 'server': the one typed. */
  target: 'system' | 'all' | 'server';
  server: string;
}

/** What the load runner asks. */
export interface LoadForm {
  server: string;
  qps: string;
  durationSec: string;
  name: string;
}

/** What the watch form asks. */
export interface WatchForm {
  servers: string;
  name: string;
  intervalSec: string;
}

/** The watch as the chart and the verdict list need it. */
export interface WatchView {
  running: boolean;
  startedAt: number | null;
  servers: string[];
  samples: Record<string, WatchSample[]>;
  verdicts: ResolverVerdict[];
  reachability: Reachability | null;
  timeoutMs: number;
}

/** Everything the DNS view knows. */
export interface DnsState {
  resolvers: Pending<SystemResolvers>;
  probeForm: ProbeForm;
  probe: Pending<DnsProbeReport>;
  compare: Pending<DnsProbeReport>;
  searchName: string;
  search: Pending<DnsSearchReport>;
  watchForm: WatchForm;
  watch: WatchView;
  watchError: ErrorInfo | null;
  loadForm: LoadForm;
  load: Pending<DnsLoadResult>;
  loadProgress: DnsLoadProgress | null;
  setProbeForm(change: Partial<ProbeForm>): void;
  setLoadForm(change: Partial<LoadForm>): void;
  setWatchForm(change: Partial<WatchForm>): void;
  setSearchName(name: string): void;
  refreshResolvers(api: GapscopeApi): Promise<void>;
  runProbe(api: GapscopeApi): Promise<void>;
  runCompare(api: GapscopeApi): Promise<void>;
  runSearch(api: GapscopeApi): Promise<void>;
  startWatch(api: GapscopeApi): Promise<void>;
  stopWatch(api: GapscopeApi): Promise<void>;
  loadWatch(api: GapscopeApi): Promise<void>;
  applyWatchUpdate(u: DnsWatchUpdate): void;
  runLoad(api: GapscopeApi): Promise<void>;
  cancelLoad(api: GapscopeApi): Promise<void>;
  applyLoadProgress(p: DnsLoadProgress): void;
}

const idle = <T>(): Pending<T> => ({ busy: false, value: null, error: null });

function errorInfo(e: unknown): ErrorInfo {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) return { code: (e as ErrorInfo).code, message: String((e as ErrorInfo).message) };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** Probes kept per resolver in the view (the back end keeps as many). */
const MAX_SAMPLES = 720;

function watchViewOf(s: DnsWatchState): WatchView {
  const samples: Record<string, WatchSample[]> = {};
  for (const r of s.resolvers) samples[r.server] = r.samples;
  return {
    running: s.running,
    startedAt: s.startedAt,
    servers: s.config?.servers ?? s.resolvers.map((r) => r.server),
    samples,
    verdicts: s.resolvers.map((r) => r.verdict),
    reachability: s.reachability,
    timeoutMs: s.config?.timeoutMs ?? 2000,
  };
}

/** Creates a DNS store: one per window, a fresh one per test. */
export function createDnsStore(): StoreApi<DnsState> {
  return createStore<DnsState>()((set, get) => {
    // Runs a request, keeping its busy flag, value and error in one field.
    async function track<K extends 'resolvers' | 'probe' | 'compare' | 'search' | 'load'>(key: K, call: () => Promise<NonNullable<DnsState[K]['value']>>): Promise<void> {
      set({ [key]: { ...get()[key], busy: true, error: null } } as Partial<DnsState>);
      try {
        const value = await call();
        set({ [key]: { busy: false, value, error: null } } as Partial<DnsState>);
      } catch (e) {
        set({ [key]: { busy: false, value: null, error: errorInfo(e) } } as Partial<DnsState>);
      }
    }
    return {
      resolvers: idle(),
      probeForm: { name: 'example.com', type: 'A', target: 'system', server: '' },
      probe: idle(),
      compare: idle(),
      searchName: '',
      search: idle(),
      watchForm: { servers: '', name: 'example.com', intervalSec: '5' },
      watch: { running: false, startedAt: null, servers: [], samples: {}, verdicts: [], reachability: null, timeoutMs: 2000 },
      watchError: null,
      loadForm: { server: '', qps: '1000', durationSec: '5', name: 'example.com' },
      load: idle(),
      loadProgress: null,
      setProbeForm: (change) => set({ probeForm: { ...get().probeForm, ...change } }),
      setLoadForm: (change) => set({ loadForm: { ...get().loadForm, ...change } }),
      setWatchForm: (change) => set({ watchForm: { ...get().watchForm, ...change } }),
      setSearchName: (searchName) => set({ searchName }),
      refreshResolvers: (api) => track('resolvers', () => api.readDnsResolvers()),
      runProbe: (api) => {
        const f = get().probeForm;
        return track('probe', () =>
          api.probeDns({ name: f.name.trim(), type: f.type, ...(f.target === 'server' ? { server: f.server.trim() } : f.target === 'all' ? { all: true } : {}) }),
        );
      },
      runCompare: (api) => {
        const f = get().probeForm;
        return track('compare', () => api.compareDns(f.name.trim(), f.type));
      },
      runSearch: (api) => {
        const f = get().probeForm;
        const name = get().searchName.trim();
        return track('search', () => api.previewDnsSearch(name, { type: f.type, ...(f.target === 'server' && f.server.trim() ? { server: f.server.trim() } : {}) }));
      },
      startWatch: async (api) => {
        const f = get().watchForm;
        const servers = f.servers
          .split(/[\s,]+/)
          .map((s) => s.trim())
          .filter(Boolean);
        set({ watchError: null });
        try {
          const s = await api.startDnsWatch({ ...(servers.length ? { servers } : {}), name: f.name.trim(), intervalSec: Number(f.intervalSec) });
          set({ watch: watchViewOf(s) });
        } catch (e) {
          set({ watchError: errorInfo(e) });
        }
      },
      stopWatch: async (api) => {
        try {
          set({ watch: watchViewOf(await api.stopDnsWatch()) });
        } catch (e) {
          set({ watchError: errorInfo(e) });
        }
      },
      loadWatch: async (api) => {
        try {
          set({ watch: watchViewOf(await api.getDnsWatch()) });
        } catch (e) {
          set({ watchError: errorInfo(e) });
        }
      },
      applyWatchUpdate: (u) => {
        const w = get().watch;
        const samples = { ...w.samples };
        for (const { server, sample } of u.samples) {
          const list = [...(samples[server] ?? []), sample];
          samples[server] = list.length > MAX_SAMPLES ? list.slice(list.length - MAX_SAMPLES) : list;
        }
        set({ watch: { ...w, running: u.running, samples, verdicts: u.verdicts, reachability: u.reachability, startedAt: w.startedAt ?? u.samples[0]?.sample.at ?? null } });
      },
      runLoad: (api) => {
        const f = get().loadForm;
        set({ loadProgress: null });
        return track('load', () => api.runDnsLoad({ server: f.server.trim(), qps: Number(f.qps), durationSec: Number(f.durationSec), name: f.name.trim() }));
      },
      cancelLoad: async (api) => {
        await api.cancelDnsLoad();
      },
      applyLoadProgress: (p) => set({ loadProgress: p }),
    };
  });
}

/** The window's DNS store. */
export const dnsStore = createDnsStore();

/** Selects from the DNS store in a component (use useShallow for several values). */
export function useDns<T>(selector: (s: DnsState) => T): T {
  return useStore(dnsStore, selector);
}

/** Feeds the back end's DNS events into the store; returns the function that stops it. */
export function bindDnsEvents(api: GapscopeApi, store: StoreApi<DnsState> = dnsStore): () => void {
  const offWatch = api.on('dnsWatchUpdate', (u) => store.getState().applyWatchUpdate(u));
  const offLoad = api.on('dnsLoadProgress', (p) => store.getState().applyLoadProgress(p));
  return () => {
    offWatch();
    offLoad();
  };
}
