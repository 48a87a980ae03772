/**
 * Samples the network context on a timer and turns each difference into timeline events.
 *
 * Why polling `ip -j` (and the other OS tools) instead of netlink: Node has no netlink socket
 * without a native module, and a native module would have to be built for Electron, for Node and
 * for each OS; the tools are there already, give the same JSON in a lab namespace, and a sample
 * costs three short process runs (a few ms). Where the OS has a monitor tool (Linux `ip monitor`,
 * macOS `route -n monitor`) its output is used only as a wake-up: a sample is taken at once, so a
 * change is on the timeline within a fraction of a second, and the timer (every second by
 * default) catches anything the monitor does not announce. Without a monitor (Windows) the timer
 * is all there is: set a shorter interval there. Wi-Fi and socket counts are sampled every
 * second (Wi-Fi every 10 s on macOS, where system_profiler takes about a second of CPU).
 */
import { analyzeDefaultRoutes } from '../../shared/network/defaultRoute';
import { diffSnapshots } from '../../shared/network/diff';
import { isTunnel } from '../../shared/network/kind';
import type { NetworkChange, NetworkHistoryPoint, NetworkSnapshot, SocketCounts, WifiState } from '../../shared/network/types';
import { wifiUnavailable } from '../../shared/network/types';
import type { TimelineEventInput } from '../../shared/timeline';
import { SystemNetwork } from './systemNetwork';

/** A change with the time it was seen (ms since the epoch). */
export type TimedNetworkChange = NetworkChange & { at: number };

/** How the watcher samples and where it reports. */
export interface NetworkWatcherOptions {
  reader?: SystemNetwork;
  /** Interfaces and routes, ms (100–60000). */
  intervalMs?: number;
  /** Sample at once when the OS's monitor tool announces a change (default true). */
  useMonitor?: boolean;
  /** Wi-Fi and socket counts, ms. */
  slowIntervalMs?: number;
  /** Wi-Fi alone, ms (default: slowIntervalMs; 10000 on macOS). */
  wifiIntervalMs?: number;
  /** History points kept (default 3600). */
  historyLimit?: number;
  /** Where events go: the shared timeline. */
  post?: (e: TimelineEventInput) => void;
  /** Every change, e.g. to push the contract's networkChange event. */
  onChange?: (c: TimedNetworkChange) => void;
  now?: () => number;
}

/** The watcher's bounded memory of what it saw. */
export class NetworkWatcher {
  readonly reader: SystemNetwork;
  private intervalMs: number;
  private readonly slowIntervalMs: number;
  private readonly wifiIntervalMs: number;
  private readonly historyLimit: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private last: NetworkSnapshot | null = null;
  private lastSlowAt = 0;
  private lastWifiAt = 0;
  private wifi: WifiState = wifiUnavailable('not read yet');
  private sockets: SocketCounts | null = null;
  private readonly points: NetworkHistoryPoint[] = [];
  private readonly recent: TimedNetworkChange[] = [];
  private inFlight: Promise<NetworkSnapshot> | null = null;
  private again = false;
  private stopMonitor: (() => void) | null = null;
  private hintTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: NetworkWatcherOptions = {}) {
    this.reader = opts.reader ?? new SystemNetwork();
    this.intervalMs = opts.intervalMs ?? 1000;
    this.slowIntervalMs = opts.slowIntervalMs ?? 1000;
    this.wifiIntervalMs = opts.wifiIntervalMs ?? (this.reader.platform === 'darwin' ? 10_000 : this.slowIntervalMs);
    this.historyLimit = opts.historyLimit ?? 3600;
    this.now = opts.now ?? Date.now;
  }

  /** Whether the timer runs. */
  get watching(): boolean {
    return this.running;
  }

  get interval(): number {
    return this.intervalMs;
  }

  /** Starts sampling (the first sample is taken at once); calling it again only changes the interval. */
  async start(intervalMs?: number): Promise<NetworkSnapshot> {
    if (intervalMs !== undefined) this.intervalMs = intervalMs;
    if (!this.running) {
      this.running = true;
      if (this.opts.useMonitor !== false) {
        this.stopMonitor = this.reader.monitor(() => {
          // A burst of announcements (an address and its routes) becomes one sample.
          if (this.hintTimer || !this.running) return;
          this.hintTimer = setTimeout(() => {
            this.hintTimer = null;
            void this.sample().catch(() => undefined);
          }, 20);
        });
      }
      const snap = await this.sample();
      this.schedule();
      return snap;
    }
    return this.last ?? this.sample();
  }

  /** Stops sampling; what was seen stays readable. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.timer = null;
    this.hintTimer = null;
    this.stopMonitor?.();
    this.stopMonitor = null;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.sample()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref?.();
  }

  /** The latest snapshot; takes one now when none exists or `fresh` is asked for. */
  async snapshot(fresh = false): Promise<NetworkSnapshot> {
    if (!fresh && this.last) return this.last;
    return this.sample(true);
  }

  /** Tunnel and socket counts over time, oldest first. */
  history(): NetworkHistoryPoint[] {
    return this.points.slice();
  }

  /** The latest changes (up to 200), oldest first. */
  recentChanges(): TimedNetworkChange[] {
    return this.recent.slice();
  }

  /** Takes one sample, compares it with the previous one and reports the differences. */
  sample(forceSlow = false): Promise<NetworkSnapshot> {
    // One sample at a time: a slow tool must not pile up processes. A request that arrives while
    // one runs gets one more sample afterwards, since the change may have come after the read.
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.takeSample(forceSlow).finally(() => {
      this.inFlight = null;
      if (this.again && this.running) {
        this.again = false;
        void this.sample().catch(() => undefined);
      }
    });
    return this.inFlight;
  }

  private async takeSample(forceSlow: boolean): Promise<NetworkSnapshot> {
    const started = this.now();
    const slowDue = forceSlow || this.last === null || started - this.lastSlowAt >= this.slowIntervalMs - 50;
    const wifiDue = forceSlow || this.last === null || started - this.lastWifiAt >= this.wifiIntervalMs - 50;
    const [interfaces, routes, wifi, sockets] = await Promise.all([
      this.reader.interfaces(),
      this.reader.routes(),
      wifiDue ? this.reader.wifi() : Promise.resolve(this.wifi),
      slowDue ? this.reader.sockets() : Promise.resolve(this.sockets),
    ]);
    // The time the state was read: a change is never stamped before it happened.
    const at = this.now();
    if (wifiDue) {
      this.wifi = wifi;
      this.lastWifiAt = started;
    }
    if (slowDue) {
      this.sockets = sockets;
      this.lastSlowAt = started;
    }
    const snap: NetworkSnapshot = {
      at,
      interfaces,
      routes,
      defaults: analyzeDefaultRoutes(routes, interfaces),
      wifi: this.wifi,
      sockets: this.sockets,
      tunnelCount: interfaces.filter((i) => isTunnel(i.kind)).length,
    };
    const prev = this.last;
    this.last = snap;
    if (slowDue || !prev || prev.tunnelCount !== snap.tunnelCount) {
      this.points.push({ at, tunnelCount: snap.tunnelCount, udp: sockets?.udp ?? null, tcp: sockets?.tcp ?? null, tcpEstablished: sockets?.tcpEstablished ?? null });
      if (this.points.length > this.historyLimit) this.points.splice(0, this.points.length - this.historyLimit);
    }
    if (prev) {
      for (const c of diffSnapshots(prev, snap)) {
        const timed = { ...c, at };
        this.recent.push(timed);
        if (this.recent.length > 200) this.recent.shift();
        this.opts.post?.({ source: 'network', kind: c.kind, severity: c.severity, summary: c.summary, detail: c.detail, at });
        this.opts.onChange?.(timed);
      }
    }
    return snap;
  }
}
