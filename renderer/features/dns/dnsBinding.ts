/**
 * Where the back end's DNS events enter the store (watch samples and load progress, from start-up,
 * outside React), and the tab's requests: each one's answer or error lands in the store. The
 * resolvers and the watch are read each time the tab is shown.
 */
import type { GapscopeApi } from '../../../shared/contract';
import type { DnsWatchState } from '../../../shared/contract/dns';
import { refusalOf } from '../../app/errors';
import { whileShown, type AppStore } from '../../store/store';
import type { DnsRequests } from './dnsSlice';

/** What the DNS tab can ask the back end; each reads its form from the store. */
export interface DnsCommands {
  refreshResolvers(): Promise<void>;
  probe(): Promise<void>;
  /** The probe form's question to every server in use. */
  compare(): Promise<void>;
  search(): Promise<void>;
  startWatch(): Promise<void>;
  stopWatch(): Promise<void>;
  runLoad(): Promise<void>;
  cancelLoad(): Promise<void>;
}

/** Binds the DNS feature to the store; returns its commands and the function that unbinds. */
export function bindDns(api: GapscopeApi, store: AppStore): { commands: DnsCommands; dispose(): void } {
  const dns = () => store.getState().dns;
  const track = async <K extends keyof DnsRequests>(key: K, call: () => Promise<DnsRequests[K]>): Promise<void> => {
    dns().requestStarted(key);
    try {
      dns().requestEnded(key, { value: await call() });
    } catch (e) {
      dns().requestEnded(key, { error: refusalOf(e) });
    }
  };
  const watchRequest = async (call: () => Promise<DnsWatchState>): Promise<void> => {
    try {
      dns().setWatch(await call());
    } catch (e) {
      dns().setWatchError(refusalOf(e));
    }
  };

  const commands: DnsCommands = {
    refreshResolvers: () => track('resolvers', () => api.readDnsResolvers()),
    probe() {
      const f = dns().probeForm;
      return track('probe', () => api.probeDns({ name: f.name.trim(), type: f.type, ...(f.target === 'server' ? { server: f.server.trim() } : f.target === 'all' ? { all: true } : {}) }));
    },
    compare() {
      const f = dns().probeForm;
      return track('compare', () => api.compareDns(f.name.trim(), f.type));
    },
    search() {
      const { probeForm: f, searchName } = dns();
      return track('search', () => api.previewDnsSearch(searchName.trim(), { type: f.type, ...(f.target === 'server' && f.server.trim() ? { server: f.server.trim() } : {}) }));
    },
    startWatch() {
      const f = dns().watchForm;
      const servers = f.servers
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      dns().setWatchError(null);
      return watchRequest(() => api.startDnsWatch({ ...(servers.length ? { servers } : {}), name: f.name.trim(), intervalSec: Number(f.intervalSec) }));
    },
    stopWatch: () => watchRequest(() => api.stopDnsWatch()),
    runLoad() {
      const f = dns().loadForm;
      dns().setLoadProgress(null);
      return track('load', () => api.runDnsLoad({ server: f.server.trim(), qps: Number(f.qps), durationSec: Number(f.durationSec), name: f.name.trim() }));
    },
    async cancelLoad() {
      await api.cancelDnsLoad();
    },
  };

  const offs = [
    api.on('dnsWatchUpdate', (u) => dns().applyWatchUpdate(u)),
    api.on('dnsLoadProgress', (p) => dns().setLoadProgress(p)),
    whileShown(store, 'dns', () => {
      void commands.refreshResolvers();
      void watchRequest(() => api.getDnsWatch());
    }),
  ];
  return {
    commands,
    dispose() {
      for (const off of offs) off();
    },
  };
}
