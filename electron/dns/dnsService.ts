/**
 * DNS: the back-end service behind the contract's DNS requests — resolvers, probes, comparison,
 * search-list preview, one load run at a time with progress, and a watch that probes chosen
 * resolvers periodically, keeps a bounded history for the chart and posts each resolver's changes
 * between answering and not answering on the shared timeline.
 */
import type { DnsServerAddress } from '../../shared/dns/names';
import type { DnsLoadResult } from '../../shared/dns/probeTypes';
import { DnsWatchHistory, toWatchSample, type WatchSample } from '../../shared/dns/reachability';
import type { SystemResolvers } from '../../shared/dns/systemResolvers';
import type { DnsWatchConfig, DnsWatchState, dnsRequests } from '../../shared/contract/dns';
import { GapscopeError } from '../../shared/errors';
import type { FeatureService, ServiceContext } from '../kernel/services';
import { runDnsLoad } from './dnsLoad';
import { probeDns, subscribeProbeDatagrams, type DnsProbeRequest, type DnsProbeResult, type ProbeDatagram } from './dnsProbe';
import { askServers, searchWithAnswers, systemServers } from './dnsQueries';
import { readSystemResolvers } from './resolverReader';

/** What the service reads from the machine; tests replace it (the defaults read the real OS). */
export interface DnsServiceDeps {
  readResolvers?: () => Promise<SystemResolvers>;
  probe?: (req: DnsProbeRequest) => Promise<DnsProbeResult>;
  now?: () => number;
  /** Probes kept per resolver (default 720: one hour at 5 s). */
  historySize?: number;
}

/** Creates the service that answers this feature's contract requests. */
export function createDnsService(
  ctx: ServiceContext,
  deps: DnsServiceDeps = {},
): FeatureService<keyof typeof dnsRequests> & { watch: DnsWatch; subscribeDatagrams: (listener: (d: ProbeDatagram) => void) => () => void } {
  const readResolvers = deps.readResolvers ?? (() => readSystemResolvers());
  const probe = deps.probe ?? probeDns;
  const now = deps.now ?? Date.now;
  const watch = new DnsWatch(ctx, probe, readResolvers, now, deps.historySize);
  let load: { runId: number; stop: () => void } | null = null;
  let runs = 0;

  return {
    watch,
    /** Every datagram the probes send and receive over UDP (probe, compare, search preview, watch): the hook session recordings use. */
    subscribeDatagrams: subscribeProbeDatagrams,
    handlers: {
      readDnsResolvers: () => readResolvers(),
      probeDns: (r) => askServers(r.name, { server: r.server, all: r.all, type: r.type, timeoutMs: r.timeoutMs, edns: r.edns }, readResolvers),
      compareDns: (name, type) => askServers(name, { all: true, type }, readResolvers),
      previewDnsSearch: async (name, o) => searchWithAnswers(name, { server: o?.server, type: o?.type, timeoutMs: o?.timeoutMs, edns: o?.edns }, await readResolvers()),
      runDnsLoad: async (r): Promise<DnsLoadResult> => {
        if (load) throw new GapscopeError('invalid-argument', 'A load run is already running: wait for it or cancel it first.');
        const runId = ++runs;
        let stop = (): void => undefined;
        const stopped = new Promise<void>((resolve) => (stop = resolve));
        load = { runId, stop };
        try {
          return await runDnsLoad(
            { server: r.server, name: r.name, type: r.type, qps: r.qps, durationS: r.durationSec, timeoutMs: r.timeoutMs, sockets: r.sockets, maxOutstanding: r.maxOutstanding, edns: r.edns, queries: r.queries, ramp: r.ramp, transport: r.transport },
            stopped,
            (p) => ctx.emit('dnsLoadProgress', { ...p, runId }),
          );
        } finally {
          load = null;
        }
      },
      cancelDnsLoad: () => {
        if (!load) return { cancelled: false };
        load.stop();
        return { cancelled: true };
      },
      startDnsWatch: (config) => watch.start(config),
      stopDnsWatch: () => watch.stop(),
      getDnsWatch: () => watch.state(),
    },
    close: () => {
      load?.stop();
      watch.stop();
    },
  };
}

type WatchRequest = Omit<DnsWatchConfig, 'servers'> & { servers?: DnsServerAddress[] };

/** Periodic probes of a set of resolvers: one round every interval (never two at once), verdicts, and timeline posts on changes. */
export class DnsWatch {
  private readonly history: DnsWatchHistory;
  private config: DnsWatchConfig | null = null;
  private running = false;
  private startedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Bumped by every start and stop, so that a round still in flight from an older watch is dropped. */
  private generation = 0;
  private problem: string | null = null;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly probe: (req: DnsProbeRequest) => Promise<DnsProbeResult>,
    private readonly readResolvers: () => Promise<SystemResolvers>,
    private readonly now: () => number,
    historySize?: number,
  ) {
    this.history = new DnsWatchHistory(historySize);
  }

  /** Starts probing (replacing a running watch and its history); the first round runs at once. */
  async start(req: WatchRequest): Promise<DnsWatchState> {
    this.stopTimer();
    const gen = ++this.generation;
    const servers = (req.servers && req.servers.length > 0 ? req.servers : systemServers(await this.readResolvers())).map((s) => s.text);
    if (gen !== this.generation) return this.state();
    this.config = { ...req, servers: [...new Set(servers)] };
    this.history.clear();
    this.problem = null;
    this.running = true;
    this.startedAt = this.now();
    this.ctx.timeline.post({ source: 'dns', kind: 'dns-watch-started', severity: 'info', summary: `DNS watch: ${this.config.name} ${this.config.type} every ${this.config.intervalSec} s to ${this.config.servers.join(', ')}` });
    await this.round(gen);
    return this.state();
  }

  /** Stops probing; the history stays. */
  stop(): DnsWatchState {
    this.generation++;
    this.stopTimer();
    if (this.running) this.ctx.timeline.post({ source: 'dns', kind: 'dns-watch-stopped', severity: 'info', summary: 'DNS watch stopped' });
    this.running = false;
    return this.state();
  }

  /** The configuration, verdicts and recent probes. */
  state(): DnsWatchState {
    const t = this.now();
    return {
      running: this.running,
      config: this.config,
      startedAt: this.startedAt,
      resolvers: this.history.verdicts(t).map((verdict) => ({ server: verdict.server, verdict, samples: [...this.history.samples(verdict.server)] })),
      reachability: this.history.reachability(this.config?.name ?? null),
      problem: this.problem,
    };
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async round(gen: number): Promise<void> {
    const config = this.config;
    if (!config || gen !== this.generation) return;
    const began = this.now();
    const results = await Promise.all(
      config.servers.map(async (server) => {
        try {
          return await this.probe({ server, name: config.name, type: config.type, timeoutMs: config.timeoutMs });
        } catch (e) {
          // probeDns reports network outcomes; anything thrown is a bug or a bad server, shown as a socket error.
          return failedProbe(server, config.name, config.type, e);
        }
      }),
    );
    if (gen !== this.generation) return;
    const samples: { server: string; sample: WatchSample }[] = [];
    results.forEach((r, i) => {
      const server = config.servers[i]!;
      const sample = toWatchSample(r, began);
      samples.push({ server, sample });
      const change = this.history.add(server, sample);
      if (change) this.ctx.timeline.post({ source: 'dns', kind: change.kind, severity: change.severity, summary: change.summary, detail: { server, outcome: r.kind, rttMs: r.rttMs, rcode: r.rcode } });
    });
    const t = this.now();
    this.ctx.emit('dnsWatchUpdate', { running: true, samples, verdicts: this.history.verdicts(t), reachability: this.history.reachability(config.name) });
    // The next round starts one interval after this one began; a slow round delays it, never overlaps it.
    const wait = Math.max(0, config.intervalSec * 1000 - (t - began));
    this.timer = setTimeout(() => void this.round(gen), wait);
    this.timer.unref?.();
  }
}

function failedProbe(server: string, name: string, type: string, e: unknown): DnsProbeResult {
  const message = e instanceof Error ? e.message : String(e);
  return {
    server, name, type, kind: 'socket-error', message, transport: 'udp', rttMs: null, udpRttMs: null, rcode: null, flags: null,
    answers: [], authorities: [], additionals: [], edns: null, truncated: false, ignoredReplies: 0, questionEchoed: false, queryId: 0, localPort: null, errno: null,
  };
}
