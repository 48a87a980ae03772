/** The DNS tab's state: resolvers, the last probe, comparison, search preview, the watch and the load run, kept by plain actions. */
import type { StateCreator } from 'zustand';
import type { ErrorInfo } from '../../../shared/errors';
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

/** The requests whose busy flag, answer and error the tab shows. */
export interface DnsRequests {
  resolvers: SystemResolvers;
  probe: DnsProbeReport;
  compare: DnsProbeReport;
  search: DnsSearchReport;
  load: DnsLoadResult;
}

/** Everything the DNS tab knows. */
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
  /** A request left: busy, its last error cleared (its last answer stays until the new one). */
  requestStarted(key: keyof DnsRequests): void;
  /** A request came back with its answer or its error. */
  requestEnded<K extends keyof DnsRequests>(key: K, outcome: { value: DnsRequests[K] } | { error: ErrorInfo }): void;
  setWatch(state: DnsWatchState): void;
  setWatchError(error: ErrorInfo | null): void;
  applyWatchUpdate(update: DnsWatchUpdate): void;
  setLoadProgress(progress: DnsLoadProgress | null): void;
}

/** The DNS part of the store. */
export interface DnsSlice {
  dns: DnsState;
}

/** Probes kept per resolver in the view (the back end keeps as many). */
export const MAX_SAMPLES = 720;

const idle = <T>(): Pending<T> => ({ busy: false, value: null, error: null });

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

/** Creates the DNS slice. */
export const createDnsSlice: StateCreator<DnsSlice, [], [], DnsSlice> = (set, get) => {
  const patch = (change: Partial<DnsState>): void => set({ dns: { ...get().dns, ...change } });
  return {
    dns: {
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
      setProbeForm: (change) => patch({ probeForm: { ...get().dns.probeForm, ...change } }),
      setLoadForm: (change) => patch({ loadForm: { ...get().dns.loadForm, ...change } }),
      setWatchForm: (change) => patch({ watchForm: { ...get().dns.watchForm, ...change } }),
      setSearchName: (searchName) => patch({ searchName }),
      requestStarted: (key) => patch({ [key]: { ...get().dns[key], busy: true, error: null } }),
      requestEnded: (key, outcome) => patch({ [key]: 'value' in outcome ? { busy: false, value: outcome.value, error: null } : { busy: false, value: null, error: outcome.error } }),
      setWatch: (state) => patch({ watch: watchViewOf(state) }),
      setWatchError: (watchError) => patch({ watchError }),
      applyWatchUpdate(u) {
        const w = get().dns.watch;
        const samples = { ...w.samples };
        for (const { server, sample } of u.samples) {
          const list = [...(samples[server] ?? []), sample];
          samples[server] = list.length > MAX_SAMPLES ? list.slice(list.length - MAX_SAMPLES) : list;
        }
        patch({ watch: { ...w, running: u.running, samples, verdicts: u.verdicts, reachability: u.reachability, startedAt: w.startedAt ?? u.samples[0]?.sample.at ?? null } });
      },
      setLoadProgress: (loadProgress) => patch({ loadProgress }),
    },
  };
};
