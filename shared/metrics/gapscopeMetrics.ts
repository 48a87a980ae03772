/**
 * Gapscope's measurements as Prometheus metrics: fed the contract's own events and answers
 * (streams, DNS watch rounds, Bonjour types, network changes) and asked for the metric families
 * at each scrape. Labels are bounded: one series set per stream, per resolver (at most
 * MAX_RESOLVERS), per Bonjour service type (at most MAX_SERVICE_TYPES, the rest summed under
 * "(other)"), per network change kind; never per packet or per gap.
 */
import type { StreamInfo, StreamState, StreamUpdate } from '../contract/reception';
import type { DnsWatchState, DnsWatchUpdate } from '../contract/dns';
import type { NetworkChangeEvent } from '../contract/network';
import type { DnsOutcomeKind } from '../dns/probeTypes';
import type { WatchSample } from '../dns/reachability';
import type { ServiceType } from '../mdns/serviceCache';
import type { NetworkChange } from '../network/types';
import { formatEndpoint } from '../net/address';
import type { Gap, ReceptionTotals } from '../reception/types';
import { BucketCounts, type Labels, type MetricFamily, type ScalarSample } from './exposition';

/** Gap durations, seconds: from the shortest gap the detector reports (50 ms by default) to minutes. */
export const GAP_SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** DNS round trips, seconds: a LAN resolver answers in a millisecond, a far one in hundreds. */
export const DNS_RTT_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** At most this many resolvers get series; later ones are left out (a watch takes at most 16). */
export const MAX_RESOLVERS = 64;
/** At most this many Bonjour service types get their own series; the rest are summed under "(other)". */
export const MAX_SERVICE_TYPES = 100;
/** The type label under which service types beyond MAX_SERVICE_TYPES are counted. */
export const OTHER_SERVICE_TYPE = '(other)';

const OUTCOMES: Record<DnsOutcomeKind, true> = { answer: true, refused: true, timeout: true, 'port-unreachable': true, 'network-unreachable': true, malformed: true, 'socket-error': true };
const CHANGE_KINDS: Record<NetworkChange['kind'], true> = {
  'interface-added': true,
  'interface-removed': true,
  'interface-up': true,
  'interface-down': true,
  'address-added': true,
  'address-removed': true,
  'address-moved': true,
  'mtu-changed': true,
  'default-route-changed': true,
  'vpn-captured-default': true,
  'vpn-released-default': true,
  'tunnel-count-changed': true,
  'wifi-roamed': true,
  'wifi-ssid-changed': true,
  'wifi-signal-dropped': true,
  'wifi-disconnected': true,
  'wifi-connected': true,
};

/** What the collector keeps of one stream. */
interface StreamSeries {
  info: StreamInfo;
  totals: ReceptionTotals | null;
  /** When the latest delta arrived (the collector's clock) and the stream time it stood for. */
  deltaAt: number;
  deltaNowMs: number;
  openGapMs: number;
  thresholdMs: number | null;
  /** Counters that never go down: a late packet that fills a hole already counted as lost stays counted. */
  lost: number | null;
  duplicates: number | null;
  receiveBufferDrops: number;
  gapSeconds: BucketCounts;
  /** Start of the latest gap counted, so a gap seen in a snapshot and again in a delta counts once. */
  lastGapStartMs: number;
  /** (stream ms, packets, bytes) of recent deltas, for the current rate. */
  recent: { ms: number; packets: number; bytes: number }[];
}

interface ResolverSeries {
  outcomes: Map<DnsOutcomeKind, number>;
  rtt: BucketCounts;
  lastAt: number;
  answering: number | null;
}

/** The window over which the current rate is measured, ms of stream time. */
const RATE_WINDOW_MS = 1000;

/** Prometheus metrics of one back end, kept up to date from its events. */
export class GapscopeMetrics {
  private readonly streams = new Map<string, StreamSeries>();
  private readonly resolvers = new Map<string, ResolverSeries>();
  private serviceTypes: ServiceType[] = [];
  private browsing: boolean | null = null;
  private readonly changes = new Map<NetworkChange['kind'], number>(Object.keys(CHANGE_KINDS).map((k) => [k as NetworkChange['kind'], 0]));

  constructor(
    private readonly version: string,
    /** Milliseconds, monotonic enough for ages (Date.now in the back end, a fake clock in tests). */
    private readonly now: () => number,
  ) {}

  /**
   * A stream started, changed state or was listed; only this machine's live streams are exposed:
   * an attached agent's stream is that agent's series, scraped from the agent itself, and would be
   * counted twice by a sum over both targets.
   */
  onStreamInfo(info: StreamInfo): void {
    if (info.origin !== undefined && info.origin !== 'live') return;
    if (info.agent !== undefined) return;
    const s = this.streams.get(info.id);
    if (s) s.info = info;
    else this.streams.set(info.id, newStream(info, this.now()));
  }

  /** A stream was forgotten: its series go. */
  onStreamRemoved(id: string): void {
    this.streams.delete(id);
  }

  /** The full state of a stream that ran before the collector started: its gaps so far are counted once. */
  onStreamState(state: StreamState): void {
    this.onStreamInfo(state.info);
    const s = this.streams.get(state.info.id);
    if (!s) return;
    this.takeGaps(s, state.snapshot.gaps);
    this.takeTotals(s, state.snapshot.nowMs, state.snapshot.totals, state.snapshot.openGap?.durationMs ?? 0, state.snapshot.gapThresholdMs, state.snapshot.loss);
  }

  /** A live delta: totals, new gaps, loss. */
  onStreamUpdate(u: StreamUpdate): void {
    const s = this.streams.get(u.id);
    if (!s) return;
    this.takeGaps(s, u.delta.newGaps);
    this.takeTotals(s, u.delta.nowMs, u.delta.totals, u.delta.openGap?.durationMs ?? 0, u.delta.gapThresholdMs, u.delta.loss);
  }

  /** The DNS watch as it stands (at start, to count the probes made before). */
  onDnsWatchState(state: DnsWatchState): void {
    for (const r of state.resolvers) {
      for (const sample of r.samples) this.takeProbe(r.server, sample);
      const series = this.resolvers.get(r.server);
      if (series) series.answering = r.verdict.state === 'unknown' ? null : r.verdict.state === 'answers' ? 1 : 0;
    }
  }

  /** One round of the DNS watch. */
  onDnsWatchUpdate(u: DnsWatchUpdate): void {
    for (const { server, sample } of u.samples) this.takeProbe(server, sample);
    for (const v of u.verdicts) {
      const series = this.resolvers.get(v.server);
      if (series) series.answering = v.state === 'unknown' ? null : v.state === 'answers' ? 1 : 0;
    }
  }

  /** The Bonjour browser's service types, with their instance counts. */
  onServiceTypes(types: ServiceType[]): void {
    this.serviceTypes = types;
  }

  /** Whether Bonjour browsing runs. */
  onBrowsing(browsing: boolean): void {
    this.browsing = browsing;
  }

  /** A network change the watcher saw. */
  onNetworkChange(change: NetworkChangeEvent): void {
    if (change.kind in CHANGE_KINDS) this.changes.set(change.kind, (this.changes.get(change.kind) ?? 0) + 1);
  }

  /** The live streams' label values, in the order they are exposed (for tests and the report). */
  streamLabels(): { id: string; stream: string }[] {
    return this.exposedStreams().map(([s, labels]) => ({ id: s.info.id, stream: labels.stream! }));
  }

  /** Every metric family, as of now. */
  families(): MetricFamily[] {
    const now = this.now();
    const streams = this.exposedStreams();
    const per = (pick: (s: StreamSeries) => number | null): ScalarSample[] =>
      streams.flatMap(([s, labels]) => {
        const value = pick(s);
        return value === null ? [] : [{ labels, value }];
      });
    const families: MetricFamily[] = [
      { name: 'gapscope_build_info', help: 'Always 1; the version of Gapscope that serves these metrics.', type: 'gauge', samples: [{ labels: { version: this.version }, value: 1 }] },
      { name: 'gapscope_stream_listening', help: 'Whether the stream\'s socket is listening (1) or stopped or failed (0).', type: 'gauge', samples: per((s) => (s.info.status === 'listening' || s.info.status === 'starting' ? 1 : 0)) },
      { name: 'gapscope_stream_packets_received_total', help: 'Datagrams received on the stream.', type: 'counter', samples: per((s) => s.totals?.packets ?? 0) },
      { name: 'gapscope_stream_received_bytes_total', help: 'Payload bytes received on the stream.', type: 'counter', samples: per((s) => s.totals?.bytes ?? 0) },
      { name: 'gapscope_stream_lost_packets_total', help: 'Datagrams the sender sent that never arrived, by the payload\'s sequence numbers (only streams with a decoder that counts them; never decreases).', type: 'counter', samples: per((s) => s.lost) },
      { name: 'gapscope_stream_duplicate_packets_total', help: 'Datagrams that arrived more than once, by the payload\'s sequence numbers (only streams with a decoder that counts them).', type: 'counter', samples: per((s) => s.duplicates) },
      { name: 'gapscope_stream_gaps_total', help: 'Gaps that ended: silences longer than the gap threshold between two datagrams.', type: 'counter', samples: per((s) => s.totals?.gapCount ?? 0) },
      { name: 'gapscope_stream_gap_seconds', help: 'Duration of each gap that ended, seconds.', type: 'histogram', samples: streams.map(([s, labels]) => s.gapSeconds.sample(labels)) },
      { name: 'gapscope_stream_open_gap_seconds', help: 'How long the gap going on now has lasted, seconds (0 when data flows).', type: 'gauge', samples: per((s) => s.openGapMs / 1000) },
      { name: 'gapscope_stream_gap_threshold_seconds', help: 'The silence that counts as a gap on this stream, seconds (set or learned from its cadence).', type: 'gauge', samples: per((s) => (s.thresholdMs === null ? null : s.thresholdMs / 1000)) },
      { name: 'gapscope_stream_receive_rate_bytes_per_second', help: 'Payload bytes per second received over the last second.', type: 'gauge', samples: per((s) => rate(s, 'bytes')) },
      { name: 'gapscope_stream_receive_rate_packets_per_second', help: 'Datagrams per second received over the last second.', type: 'gauge', samples: per((s) => rate(s, 'packets')) },
      { name: 'gapscope_stream_last_packet_age_seconds', help: 'Time since the last datagram arrived, seconds (no series before the first one).', type: 'gauge', samples: per((s) => lastPacketAge(s, now)) },
      { name: 'gapscope_stream_receive_buffer_drops_total', help: 'Datagrams the kernel dropped in the stream\'s full receive buffer (this socket\'s own counter, Linux), added up as each gap ends.', type: 'counter', samples: per((s) => s.receiveBufferDrops) },
    ];
    const resolvers = [...this.resolvers.entries()];
    families.push(
      {
        name: 'gapscope_dns_probes_total',
        help: 'DNS watch probes per resolver and outcome (answer, refused, timeout, port-unreachable, network-unreachable, malformed, socket-error).',
        type: 'counter',
        samples: resolvers.flatMap(([resolver, r]) => (Object.keys(OUTCOMES) as DnsOutcomeKind[]).map((outcome) => ({ labels: { resolver, outcome }, value: r.outcomes.get(outcome) ?? 0 }))),
      },
      { name: 'gapscope_dns_probe_rtt_seconds', help: 'Round trip of DNS watch probes that got a reply, seconds.', type: 'histogram', samples: resolvers.map(([resolver, r]) => r.rtt.sample({ resolver })) },
      {
        name: 'gapscope_dns_resolver_answering',
        help: 'Whether the resolver\'s latest probe got a DNS reply (1) or none (0).',
        type: 'gauge',
        samples: resolvers.flatMap(([resolver, r]) => (r.answering === null ? [] : [{ labels: { resolver }, value: r.answering }])),
      },
    );
    families.push(
      { name: 'gapscope_bonjour_browsing', help: 'Whether Bonjour (mDNS) browsing runs.', type: 'gauge', samples: this.browsing === null ? [] : [{ labels: {}, value: this.browsing ? 1 : 0 }] },
      { name: 'gapscope_bonjour_services', help: `Bonjour service instances seen per service type (types beyond ${MAX_SERVICE_TYPES} summed under "${OTHER_SERVICE_TYPE}").`, type: 'gauge', samples: serviceTypeSamples(this.serviceTypes) },
      { name: 'gapscope_network_changes_total', help: 'Network changes the watcher saw, per kind (interface, address, route, VPN, Wi-Fi).', type: 'counter', samples: [...this.changes.entries()].map(([kind, value]) => ({ labels: { kind }, value })) },
    );
    return families;
  }

  /** Streams with their labels: the stream's label, or its endpoint; a name two streams share gets the port added. */
  private exposedStreams(): [StreamSeries, Labels][] {
    const list = [...this.streams.values()].sort((a, b) => a.info.startedAt - b.info.startedAt);
    const names = list.map((s) => s.info.config.label?.trim() || formatEndpoint(s.info.config.address ?? '*', s.info.config.port));
    const out: [StreamSeries, Labels][] = [];
    const used = new Set<string>();
    list.forEach((s, i) => {
      let name = names[i]!;
      if (used.has(name)) name = `${name} (${s.info.id})`;
      used.add(name);
      out.push([s, { stream: name, port: String(s.info.config.port) }]);
    });
    return out;
  }

  private takeGaps(s: StreamSeries, gaps: readonly Gap[]): void {
    for (const g of gaps) {
      if (g.startMs <= s.lastGapStartMs) continue;
      s.lastGapStartMs = g.startMs;
      s.gapSeconds.observe(g.durationMs / 1000);
      if (g.socketDropsScope === 'socket' && g.socketDrops) s.receiveBufferDrops += g.socketDrops;
    }
  }

  private takeTotals(s: StreamSeries, nowMs: number, totals: ReceptionTotals, openGapMs: number, thresholdMs: number, loss: StreamUpdate['delta']['loss']): void {
    // A snapshot read while deltas arrive may be older than the latest delta.
    if (s.totals && nowMs < s.deltaNowMs) return;
    s.totals = totals;
    s.deltaAt = this.now();
    s.deltaNowMs = nowMs;
    s.openGapMs = openGapMs;
    s.thresholdMs = thresholdMs;
    if (loss?.lost != null) s.lost = Math.max(s.lost ?? 0, loss.lost);
    if (loss?.duplicates != null) s.duplicates = Math.max(s.duplicates ?? 0, loss.duplicates);
    s.recent.push({ ms: nowMs, packets: totals.packets, bytes: totals.bytes });
    while (s.recent.length > 2 && s.recent[1]!.ms <= nowMs - RATE_WINDOW_MS) s.recent.shift();
  }

  private takeProbe(server: string, sample: WatchSample): void {
    let r = this.resolvers.get(server);
    if (!r) {
      if (this.resolvers.size >= MAX_RESOLVERS) return;
      r = { outcomes: new Map(), rtt: new BucketCounts(DNS_RTT_SECONDS_BUCKETS), lastAt: -Infinity, answering: null };
      this.resolvers.set(server, r);
    }
    if (sample.at <= r.lastAt) return;
    r.lastAt = sample.at;
    r.outcomes.set(sample.kind, (r.outcomes.get(sample.kind) ?? 0) + 1);
    if (sample.rttMs !== null) r.rtt.observe(sample.rttMs / 1000);
  }
}

function newStream(info: StreamInfo, at: number): StreamSeries {
  return { info, totals: null, deltaAt: at, deltaNowMs: 0, openGapMs: 0, thresholdMs: null, lost: null, duplicates: null, receiveBufferDrops: 0, gapSeconds: new BucketCounts(GAP_SECONDS_BUCKETS), lastGapStartMs: -Infinity, recent: [] };
}

/** Per second over the newest RATE_WINDOW_MS of deltas; 0 for a stream that no longer listens. */
function rate(s: StreamSeries, what: 'packets' | 'bytes'): number {
  if (s.info.status !== 'listening') return 0;
  const first = s.recent[0];
  const last = s.recent[s.recent.length - 1];
  if (!first || !last || last.ms <= first.ms) return 0;
  return ((last[what] - first[what]) * 1000) / (last.ms - first.ms);
}

/** Seconds since the last datagram: the latest delta's view, plus the time since it arrived while the stream listens. */
function lastPacketAge(s: StreamSeries, now: number): number | null {
  const last = s.totals?.lastPacketMs;
  if (last === null || last === undefined) return null;
  const since = s.info.status === 'listening' ? Math.max(0, now - s.deltaAt) : 0;
  return (s.deltaNowMs - last + since) / 1000;
}

function serviceTypeSamples(types: readonly ServiceType[]): ScalarSample[] {
  const sorted = [...types].sort((a, b) => b.instances - a.instances || (a.type < b.type ? -1 : 1));
  const samples: ScalarSample[] = sorted.slice(0, MAX_SERVICE_TYPES).map((t) => ({ labels: { type: t.type }, value: t.instances }));
  const rest = sorted.slice(MAX_SERVICE_TYPES);
  if (rest.length) samples.push({ labels: { type: OTHER_SERVICE_TYPE }, value: rest.reduce((n, t) => n + t.instances, 0) });
  return samples;
}
