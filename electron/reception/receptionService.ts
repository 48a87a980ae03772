/** Runs reception streams, each in its own worker thread, and reports on them through the contract's events. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { StreamConfig, StreamInfo, StreamState } from '../../shared/contract';
import { isLoopbackInterface, type NetInterface } from '../../shared/network/types';
import type { WifiLinkTiming } from '../../shared/network/wifiTiming';
import type { StreamOrigin } from '../../shared/contract/reception';
import type { receptionRequests } from '../../shared/contract/reception';
import { GapscopeError } from '../../shared/errors';
import type { ReceptionDelta, ReceptionSnapshot } from '../../shared/reception/types';
import type { BackendEventListener } from '../kernel/backend';
import type { FeatureService, ServiceContext } from '../kernel/services';
import type { TimelineLog } from '../kernel/timeline';
import { kernelDropEvent } from './kernelDrops';
import { readRecvBufferCap } from './recvBufferCap';
import { judgeRecvBuffer, type RecvBufferCap } from '../../shared/reception/receiveBuffer';
import { parseFormat } from '../../shared/decoders/streamDecoder';
import { ReceptionMonitor } from '../../shared/reception/receptionMonitor';
import { formatEndpoint } from '../../shared/net/address';
import { findInterface, planSocket, portsConflict, type SocketPlan } from './socketPlan';
import type { WireSetup } from '../wire/wireView';
import { parseConditions } from '../../shared/verdict/conditions';
import { AlertWatch } from '../../shared/verdict/alertWatch';
import { liveStreamFacts } from '../../shared/verdict/streamFacts';
import type { FromWorker, RecordingCounts, RecordingEnd, RecordTarget, ToWorker, WorkerSetup } from './workerProtocol';

/** How often workers send deltas: the UI's display rate, never per packet. */
export const UPDATE_EVERY_MS = 100;

interface RunningStream {
  info: StreamInfo;
  plan: SocketPlan | null;
  worker: Worker | null;
  /** Waiting for the worker to confirm a recording start, or a stop. */
  recordStart: { resolve: (r: RecordingStart) => void; reject: (e: Error) => void } | null;
  recordStop: ((end: RecordingEnd) => void) | null;
  recording: boolean;
  /** The final snapshot once the worker has stopped (and the wire view's, when it ran beside). */
  final: ReceptionSnapshot | null;
  finalWire?: ReceptionSnapshot;
  snapshotRequests: Map<number, (s: ReceptionSnapshot, wire?: ReceptionSnapshot) => void>;
  stopped: Promise<void>;
  /** Stops reading the Wi-Fi link (set while listening). */
  stopWifi?: () => void;
  /** The stream's alert conditions (config.alertOn), judged at each delta. */
  alerts?: StreamAlerts;
}

/** A stream's live alerts: the watch, and its recent totals for the rate over the last second. */
interface StreamAlerts {
  watch: AlertWatch;
  recent: { nowMs: number; packets: number; bytes: number }[];
}

/** How a recording started: with the stream's first packet, or at atMs on the stream's clock. */
export interface RecordingStart {
  fromStreamStart: boolean;
  atMs: number;
}

/** What a recording listener hears: progress every second, and the end of a stream's recording. */
export type RecordingEvent = { type: 'progress'; id: string; counts: RecordingCounts } | { type: 'ended'; id: string; end: RecordingEnd };

/** Where the built receiver worker lives: beside the bundle that imports this service. */
export function defaultWorkerPath(): string {
  return join(__dirname, 'receiverWorker.js');
}

/** What reception needs from the rest of the back end, handed over by createBackend. */
export interface ReceptionDeps {
  /** This machine's interfaces, to plan sockets and to list for the form. */
  interfaces: () => NetInterface[];
  /** The built receiver worker (default: beside this bundle). */
  workerPath?: string;
  /** The Wi-Fi link's timing (SystemNetwork.wifiTiming); null when no Wi-Fi link is associated. Absent: not read. */
  wifiTiming?: (iface: string | null) => Promise<WifiLinkTiming | null>;
  /** How often to read it again (default WIFI_EVERY_MS). */
  wifiEveryMs?: number;
}

/** How often a listening stream reads the Wi-Fi link again (power save may be turned off meanwhile). */
export const WIFI_EVERY_MS = 10_000;

/** Reception as a feature: its contract entries, and the streams for the features that record or import them. */
export type ReceptionFeature = FeatureService<keyof typeof receptionRequests> & { streams: ReceptionService };

/** Creates the reception feature; `streams` is what createBackend hands to sessions and import. */
export function createReceptionService(ctx: Pick<ServiceContext, 'emit'> & Partial<Pick<ServiceContext, 'timeline'>>, deps: ReceptionDeps): ReceptionFeature {
  const streams = new ReceptionService(ctx.emit, deps.interfaces, deps.workerPath, ctx.timeline, deps.wifiTiming, deps.wifiEveryMs);
  return {
    streams,
    handlers: {
      listInterfaces: () => deps.interfaces(),
      startStream: (config) => streams.start(config),
      stopStream: (id) => streams.stop(id),
      removeStream: (id) => streams.remove(id),
      listStreams: () => streams.list(),
      getStreamState: (id) => streams.state(id),
    },
    close: () => streams.closeAll(),
  };
}

/** Starts, stops and reports on streams; several run at once, each with its own statistics. */
export class ReceptionService {
  private readonly streams = new Map<string, RunningStream>();
  /** Streams whose worker has not said listening yet (they hold their port too). */
  private readonly starting = new Map<string, RunningStream>();
  private readonly recordingListeners = new Set<(e: RecordingEvent) => void>();
  private nextRequest = 1;
  // The OS's cap on receive buffers, read once (a file on Linux, sysctl on macOS) when the first
  // stream starts, not at construction: a back end that never listens (gapscope dns load, which
  // counts its file descriptors before and after) opens nothing for it.
  private recvBufferCap: RecvBufferCap | null = null;

  constructor(
    private readonly emit: BackendEventListener,
    private readonly interfaces: () => NetInterface[],
    private readonly workerPath = defaultWorkerPath(),
    private readonly timeline?: TimelineLog,
    private readonly wifiTiming?: ReceptionDeps['wifiTiming'],
    private readonly wifiEveryMs = WIFI_EVERY_MS,
  ) {}

  /** Opens the socket in a new worker; resolves once listening, rejects with a clear error otherwise. */
  async start(config: StreamConfig): Promise<StreamInfo> {
    this.recvBufferCap = await readRecvBufferCap();
    const ifaces = this.interfaces();
    const plan = planSocket(config, ifaces, process.platform);
    // A wire view alone opens no socket, so it takes nothing from a stream on the same port.
    if (config.wire !== 'only') this.refuseSharedPort(plan);
    const wire = wireSetupFor(config, plan, ifaces);
    const id = randomUUID().slice(0, 8);
    const info: StreamInfo = {
      id,
      config,
      kind: plan.kind,
      family: plan.family,
      status: 'starting',
      error: null,
      warning: null,
      startedAt: Date.now(),
      bound: null,
      recvBufferRequested: plan.recvBufferBytes,
      recvBufferGranted: null,
      origin: 'live',
      ...(wire ? { wire: { mode: wire.mode, state: 'starting', engine: null, enginePath: null, iface: null, filter: null, error: null, engineDrops: null } } : {}),
    };
    const setup: WorkerSetup = {
      wire,
      plan,
      updateEveryMs: UPDATE_EVERY_MS,
      monitor: {
        binMs: config.binMs,
        gapMs: config.gapMs,
        expected: { bytesPerSec: config.expectedBytesPerSec, packetsPerSec: config.expectedPacketsPerSec },
        decode: parseFormat(config.decode) ?? 'none',
        port: config.port,
      },
    };
    const worker = new Worker(this.workerPath, { workerData: setup, name: `receiver ${id}` });
    let resolveStopped!: () => void;
    const stream: RunningStream = {
      info,
      plan,
      worker,
      recordStart: null,
      recordStop: null,
      recording: false,
      final: null,
      snapshotRequests: new Map(),
      stopped: new Promise((r) => (resolveStopped = r)),
      ...(config.alertOn?.length ? { alerts: { watch: new AlertWatch(parseConditions(config.alertOn, 'stream')), recent: [] } } : {}),
    };

    this.starting.set(id, stream);
    return new Promise<StreamInfo>((resolve, reject) => {
      let settled = false;
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'listening':
            Object.assign(info, { status: 'listening', startedAt: m.startedAt, bound: m.bound, recvBufferGranted: m.recvBufferGranted, recvBuffer: judgeRecvBuffer(process.platform, info.recvBufferRequested, m.recvBufferGranted, this.recvBufferCap) });
            this.starting.delete(id);
            this.streams.set(id, stream);
            settled = true;
            this.emit('streamStatus', { ...info });
            resolve({ ...info });
            stream.stopWifi = this.watchWifi(stream, ifaces);
            break;
          case 'failed':
            // Listed with the reason, as every window shows it, until the user removes it.
            settled = true;
            info.status = 'error';
            info.error = m.error;
            stream.final = emptySnapshot(setup);
            this.starting.delete(id);
            this.streams.set(id, stream);
            this.emit('streamStatus', { ...info });
            reject(new GapscopeError(m.error.code, m.error.message));
            break;
          case 'delta':
            this.emit('streamUpdate', { id, delta: m.delta, ...(m.wire ? { wire: m.wire } : {}) });
            if (stream.alerts) this.judgeAlerts(stream, stream.alerts, m.delta);
            break;
          case 'wireStatus':
            info.wire = m.status;
            if (settled) this.emit('streamStatus', { ...info });
            break;
          case 'snapshot':
            stream.snapshotRequests.get(m.requestId)?.(m.snapshot, m.wire);
            stream.snapshotRequests.delete(m.requestId);
            break;
          case 'warning':
            info.warning = m.warning;
            this.emit('streamStatus', { ...info });
            break;
          case 'stopped':
            stream.final = m.snapshot;
            stream.finalWire = m.wire;
            info.status = m.error ? 'error' : 'stopped';
            info.error = m.error;
            for (const [, answer] of stream.snapshotRequests) answer(m.snapshot, m.wire);
            stream.snapshotRequests.clear();
            if (m.recording) this.recordingEnded(stream, m.recording);
            this.emit('streamStatus', { ...info });
            break;
          case 'recording':
            stream.recording = true;
            stream.recordStart?.resolve({ fromStreamStart: m.fromStreamStart, atMs: m.atMs });
            stream.recordStart = null;
            break;
          case 'kernelDrops':
            this.timeline?.post(kernelDropEvent(info, m.sample));
            break;
          case 'recordingProgress':
            for (const l of this.recordingListeners) l({ type: 'progress', id, counts: m.counts });
            break;
          case 'recordingStopped':
            if (stream.recordStart) {
              stream.recordStart.reject(new GapscopeError(m.end.error?.code ?? 'internal', m.end.error?.message ?? 'The recording did not start.'));
              stream.recordStart = null;
              break;
            }
            this.recordingEnded(stream, m.end);
            if (m.end.error) {
              info.warning = m.end.error;
              this.emit('streamStatus', { ...info });
            }
            break;
        }
      });
      worker.on('error', (err) => {
        info.status = 'error';
        info.error = { code: 'internal', message: `The receiver stopped unexpectedly: ${err.message}` };
        if (!settled) {
          settled = true;
          reject(new GapscopeError('internal', info.error.message));
        } else this.emit('streamStatus', { ...info });
      });
      worker.on('exit', () => {
        stream.worker = null;
        stream.stopWifi?.();
        this.starting.delete(id);
        stream.recordStart?.reject(new GapscopeError('internal', 'The stream stopped before its recording started.'));
        stream.recordStart = null;
        if (stream.recording) this.recordingEnded(stream, { counts: { packets: 0, written: 0, notRecorded: 0, bytesWritten: 0 }, error: { code: 'internal', message: 'The receiver thread ended during the recording.' }, atMs: 0 });
        if (info.status === 'listening' || info.status === 'starting') {
          info.status = 'error';
          info.error ??= { code: 'internal', message: 'The receiver thread ended unexpectedly.' };
          if (settled) this.emit('streamStatus', { ...info });
        }
        if (!settled) {
          settled = true;
          reject(new GapscopeError('internal', 'The receiver thread ended before listening.'));
        }
        resolveStopped();
      });
    });
  }

  /**
   * Reads the Wi-Fi link now and every wifiEveryMs while the stream listens, unless the stream is
   * on loopback; a change (power save turned off, another access point) updates the stream's info
   * for every window, and each change of power save is kept on the stream's clock.
   */
  private watchWifi(s: RunningStream, ifaces: NetInterface[]): (() => void) | undefined {
    const read = this.wifiTiming;
    const plan = s.plan;
    if (!read || !plan || onLoopback(plan, ifaces)) return undefined;
    const info = s.info;
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const tick = async (): Promise<void> => {
      const t = await read(plan.watchInterface).catch(() => null);
      if (stopped) return;
      const before = info.wifi;
      if (t) {
        const changes = [...(before?.powerSaveChanges ?? [])];
        if (before && before.powerSave !== null && before.powerSave !== undefined && t.powerSave !== null && t.powerSave !== undefined && t.powerSave !== before.powerSave) changes.push({ atMs: Date.now() - info.startedAt, on: t.powerSave });
        const next = { ...t, ...(changes.length ? { powerSaveChanges: changes } : {}) };
        if (!before || JSON.stringify({ ...before, readAt: 0 }) !== JSON.stringify({ ...next, readAt: 0 })) {
          info.wifi = next;
          this.emit('streamStatus', { ...info });
        } else info.wifi = next;
      }
      timer = setTimeout(() => void tick(), this.wifiEveryMs);
      timer.unref();
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }

  /** Refuses a socket that would take datagrams from a stream already listening on the port. */
  private refuseSharedPort(plan: SocketPlan): void {
    for (const s of [...this.streams.values(), ...this.starting.values()]) {
      if (!s.plan || !s.worker || s.info.config.wire === 'only' || (s.info.status !== 'listening' && s.info.status !== 'starting') || !portsConflict(plan, s.plan)) continue;
      const name = s.info.config.label ? `"${s.info.config.label}"` : `${s.info.id}`;
      const where = s.info.bound ?? formatEndpoint(s.plan.bindAddress, s.plan.port);
      throw new GapscopeError(
        'port-in-use',
        `Port ${plan.port} is already listened to by stream ${name} (${where}, ${s.info.kind}): a second socket on it would take some of that stream's datagrams. Stop or remove that stream first, or choose another port${plan.membership ? '' : ' (streams joined to multicast groups may share a port)'}.`,
      );
    }
  }

  /** Closes a stream's socket; its measurements stay available. */
  async stop(id: string): Promise<StreamInfo> {
    const s = this.get(id);
    if (s.worker) {
      this.send(s, { type: 'stop' });
      await s.stopped;
    }
    return { ...s.info };
  }

  /** Forgets a stream, stopping it first if it runs. */
  async remove(id: string): Promise<void> {
    await this.stop(id);
    this.streams.delete(id);
    this.emit('streamRemoved', { id });
  }

  /** Every stream, running or stopped. */
  list(): StreamInfo[] {
    return [...this.streams.values()].map((s) => ({ ...s.info }));
  }

  /** The full state of one stream. */
  async state(id: string): Promise<StreamState> {
    const s = this.get(id);
    const { snapshot, wire } = await this.snapshot(s);
    return { info: { ...s.info }, snapshot, ...(wire ? { wire } : {}), ...(s.alerts ? { alerts: s.alerts.watch.raised() } : {}) };
  }

  /** Judges a stream's alert conditions on its latest delta (shared/verdict, as the CLI's verdict) and tells every window what changed. */
  private judgeAlerts(s: RunningStream, a: StreamAlerts, d: ReceptionDelta): void {
    a.recent.push({ nowMs: d.nowMs, packets: d.totals.packets, bytes: d.totals.bytes });
    while (a.recent.length > 2 && d.nowMs - a.recent[1]!.nowMs >= 1000) a.recent.shift();
    const first = a.recent[0]!;
    const seconds = (d.nowMs - first.nowMs) / 1000;
    const recent = seconds >= 0.95 ? { seconds, packets: d.totals.packets - first.packets, bytes: d.totals.bytes - first.bytes } : null;
    const changes = a.watch.update(liveStreamFacts(d, recent), Math.round(s.info.startedAt + d.nowMs));
    for (const change of changes) this.emit('streamAlert', { id: s.info.id, change, raised: a.watch.raised() });
  }

  /**
   * Starts recording a listening stream into a file that already holds the section and interface
   * headers; resolves once the worker has the file open, rejects with a clear error otherwise.
   */
  startRecording(id: string, target: Omit<RecordTarget, 'destination'>): Promise<RecordingStart> {
    const s = this.get(id);
    if (!s.worker || s.info.status !== 'listening') return Promise.reject(new GapscopeError('invalid-argument', `Stream ${id} is not listening; only running streams can be recorded.`));
    if (s.recording || s.recordStart) return Promise.reject(new GapscopeError('invalid-argument', `Stream ${id} is already being recorded.`));
    return new Promise((resolve, reject) => {
      s.recordStart = { resolve, reject };
      this.send(s, { type: 'record', target: { ...target, destination: destinationOf(s) } });
    });
  }

  /** Stops a stream's recording; resolves when the disk has every packet received before the stop. */
  stopRecording(id: string): Promise<RecordingEnd | null> {
    const s = this.get(id);
    if (!s.recording || !s.worker) return Promise.resolve(null);
    return new Promise((resolve) => {
      s.recordStop = resolve;
      this.send(s, { type: 'stopRecording' });
    });
  }

  /** Hears recording progress and ends (including a full disk, or the stream stopping). */
  onRecording(listener: (e: RecordingEvent) => void): () => void {
    this.recordingListeners.add(listener);
    return () => this.recordingListeners.delete(listener);
  }

  /**
   * Shows measurements made elsewhere (an opened session, an imported capture) as a stopped stream:
   * the Reception view lists it and draws it like any stream that has stopped, and its origin says
   * it has no live data to follow.
   */
  addStopped(info: Omit<StreamInfo, 'id' | 'status' | 'origin'>, snapshot: ReceptionSnapshot, origin: Exclude<StreamOrigin, 'live'>): StreamInfo {
    const id = randomUUID().slice(0, 8);
    const full: StreamInfo = { ...info, id, status: 'stopped', origin };
    let resolved!: () => void;
    const stopped = new Promise<void>((r) => (resolved = r));
    resolved();
    this.streams.set(id, { info: full, plan: null, worker: null, recordStart: null, recordStop: null, recording: false, final: snapshot, snapshotRequests: new Map(), stopped });
    this.emit('streamStatus', { ...full });
    // One update carrying everything, so every window draws it without asking (as if it had watched live).
    this.emit('streamUpdate', { id, delta: deltaOf(snapshot) });
    return { ...full };
  }

  private recordingEnded(s: RunningStream, end: RecordingEnd): void {
    s.recording = false;
    const waiting = s.recordStop;
    s.recordStop = null;
    waiting?.(end);
    for (const l of this.recordingListeners) l({ type: 'ended', id: s.info.id, end });
  }

  /** Stops everything; used on quit. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.streams.keys()].map((id) => this.stop(id)));
  }

  private snapshot(s: RunningStream): Promise<{ snapshot: ReceptionSnapshot; wire?: ReceptionSnapshot }> {
    // Once the worker has sent its final snapshot it answers nothing more, even before it exits.
    if (s.final) return Promise.resolve({ snapshot: s.final, wire: s.finalWire });
    if (!s.worker) throw new GapscopeError('not-found', `Stream ${s.info.id} has no data.`);
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      s.snapshotRequests.set(requestId, (snapshot, wire) => resolve({ snapshot, wire }));
      this.send(s, { type: 'snapshot', requestId });
    });
  }

  private send(s: RunningStream, m: ToWorker): void {
    s.worker?.postMessage(m);
  }

  private get(id: string): RunningStream {
    const s = this.streams.get(id);
    if (!s) throw new GapscopeError('not-found', `No stream with id ${id}.`);
    return s;
  }
}

/** What a stream that never listened shows: no packets, its settings. */
function emptySnapshot(setup: WorkerSetup): ReceptionSnapshot {
  return new ReceptionMonitor({ ...setup.monitor, keepPackets: 0 }).snapshot(0);
}

/** A snapshot as one update from nothing: all bins, gaps, stalls and packets are new. */
function deltaOf(s: ReceptionSnapshot): ReceptionDelta {
  return {
    nowMs: s.nowMs,
    totals: s.totals,
    bins: s.bins,
    newGaps: s.gaps,
    openGap: s.openGap,
    gapThresholdMs: s.gapThresholdMs,
    periodicity: s.periodicity,
    interArrival: s.interArrival,
    newStalls: s.stalls,
    newPackets: s.recentPackets,
    loss: s.loss,
  };
}

/** Whether the stream's datagrams stay on this machine (a loopback address or interface): no Wi-Fi on their way. */
function onLoopback(plan: SocketPlan, ifaces: NetInterface[]): boolean {
  const bare = (plan.membership?.iface ?? plan.bindAddress).split('%')[0]!;
  if (/^127\./.test(bare) || bare === '::1') return true;
  const named = plan.watchInterface ? ifaces.find((i) => i.name === plan.watchInterface) : undefined;
  return named ? isLoopbackInterface(named) : false;
}

/** The datagrams' destination as a recording shows it: the group joined, or the address bound. */
function destinationOf(s: RunningStream): { address: string; port: number } {
  const port = s.info.config.port;
  if (s.plan?.membership) return { address: s.plan.membership.group, port };
  const bound = s.info.bound ?? '';
  const m = /^\[(.+)\]:\d+$/.exec(bound) ?? /^(.+):\d+$/.exec(bound);
  return { address: m?.[1] ?? (s.info.family === 'ipv6' ? '::' : '0.0.0.0'), port };
}

/** The wire view a stream asks for: its flow's port, group or address, and the interface to capture on. */
function wireSetupFor(config: StreamConfig, plan: SocketPlan, ifaces: NetInterface[]): WireSetup | undefined {
  if (!config.wire || config.wire === 'off') return undefined;
  const bare = plan.bindAddress.split('%')[0]!;
  // The interface the stream names, or the one that holds the address it binds.
  const iface = plan.watchInterface ?? (plan.membership ? null : (findInterface(bare, ifaces)?.name ?? null));
  return {
    mode: config.wire,
    engine: config.wireEngine,
    target: { family: plan.family, port: plan.port, group: plan.membership?.group ?? null, bindAddress: plan.bindAddress, iface },
  };
}
