/**
 * The wire view of a stream: the platform's capture engine watches the same flow on the interface,
 * without taking a datagram from anyone, and its output is read as it comes by the same streaming
 * reader, extractor and flow matching as an imported capture (shared/pcapng, shared/capture), into a
 * ReceptionMonitor on the stream's clock: time 0 is the socket's, and each datagram is placed at the
 * kernel's capture timestamp. The engine runs under the back end's watchdog (spawnTool), so it dies
 * with the back end, SIGKILL included. Whatever happens to it, only the wire view stops.
 */
import type { ChildProcess } from 'node:child_process';
import type { WireStatus } from '../../shared/contract/reception';
import type { ErrorInfo } from '../../shared/errors';
import { flowMatches, parseFlowSelector, type FlowSelector } from '../../shared/capture/flows';
import { UdpExtractor, type UdpDatagram } from '../../shared/capture/udpExtractor';
import { MembershipQueryReader } from '../../shared/capture/membershipQuery';
import { wireDestination, wireFilter, wireInterface, type WireTarget } from '../../shared/capture/wirePlan';
import { formatEndpoint } from '../../shared/net/address';
import { CaptureReader } from '../../shared/pcapng/read';
import type { ReceptionMonitor } from '../../shared/reception/receptionMonitor';
import { spawnTool } from '../network/runCommand';
import { engineArgs, engineDropsFromStderr, engineFailure, findCaptureEngine, missingEngineError, type CaptureEngine, type EngineKind } from './captureEngine';

/** How long an engine may hold captured packets before handing them over: dumpcap's read timeout (250 ms), tcpdump's (1 s). */
const ENGINE_READ_TIMEOUT_MS = { dumpcap: 250, tcpdump: 1000 } as const;

/** What a wire view is started with (plain data: it crosses to the receiver worker). */
export interface WireSetup {
  mode: 'beside' | 'only';
  target: WireTarget;
  engine?: EngineKind;
  platform?: string;
  /** PATH to look for the engine on (default: the process's). */
  path?: string;
}

/** Counts of what the capture held, beside what the monitor measured. */
export interface WireCounts {
  /** Frames the engine delivered. */
  frames: number;
  /** Datagrams of the stream's flow that reached the monitor. */
  datagrams: number;
  /** The flow's datagrams stamped before the stream's time 0 (the engine started first): not counted. */
  beforeStart: number;
}

/** Reads a capture engine's output into a monitor; `onStatus` hears every change of state. */
export class WireView {
  private child: ChildProcess | null = null;
  private readonly reader: CaptureReader;
  private readonly extractor: UdpExtractor;
  private readonly selector: FlowSelector;
  private readonly status: WireStatus;
  private engine: CaptureEngine | null = null;
  private stderr = '';
  private lastAt = 0;
  private stopping = false;
  readonly counts: WireCounts = { frames: 0, datagrams: 0, beforeStart: 0 };

  constructor(
    private readonly setup: WireSetup,
    private readonly monitor: ReceptionMonitor,
    /** Wall-clock ms of the stream's time 0. */
    private readonly epochOfZero: () => number,
    private readonly onStatus: (s: WireStatus) => void,
  ) {
    this.status = { mode: setup.mode, state: 'starting', engine: null, enginePath: null, iface: null, filter: null, error: null, engineDrops: null, ...(setup.target.group ? { querier: { heard: 0, lastFrom: null, lastVersion: null, lastAtMs: null } } : {}) };
    this.extractor = new UdpExtractor((d) => this.onDatagram(d));
    // A group's wire view also counts the link's membership queries: whether a querier is there.
    const queries = setup.target.group ? new MembershipQueryReader() : null;
    this.reader = new CaptureReader((r) => {
      this.counts.frames += 1;
      const q = queries?.read(r.linkType, r.data, r.timeMs);
      if (q) this.onQuery(q.from, q.version, q.timeMs);
      else this.extractor.onRecord(r);
    });
    const dst = wireDestination(setup.target);
    this.selector = parseFlowSelector(`*>${dst ? formatEndpoint(dst, setup.target.port) : `:${setup.target.port}`}`);
  }

  /** The state now (a copy). */
  get state(): WireStatus {
    return { ...this.status, ...(this.status.querier ? { querier: { ...this.status.querier } } : {}) };
  }

  /** Finds the engine and starts it; a problem is reported through onStatus as 'failed', never thrown. */
  start(): void {
    const platform = this.setup.platform ?? process.platform;
    const where = wireInterface(this.setup.target, platform);
    this.status.filter = wireFilter(this.setup.target);
    if ('error' in where) return this.fail({ code: 'no-such-interface', message: where.error });
    this.status.iface = where.iface;
    const env = this.setup.path !== undefined ? { ...process.env, PATH: this.setup.path } : process.env;
    const engine = findCaptureEngine(this.setup.engine, platform, env);
    if (!engine) return this.fail(missingEngineError(platform));
    this.engine = engine;
    Object.assign(this.status, { engine: engine.kind, enginePath: engine.path });
    let child: ChildProcess;
    try {
      child = spawnTool(engine.path, engineArgs(engine.kind, where.iface, this.status.filter), { stdout: 'pipe', stderr: 'pipe' });
    } catch (e) {
      return this.fail({ code: 'socket-error', message: `Cannot start ${engine.kind}: ${(e as Error).message}` });
    }
    this.child = child;
    child.on('error', (e) => this.fail({ code: 'socket-error', message: `Cannot start ${engine.kind}: ${e.message}` }));
    child.stdout!.on('data', (chunk: Buffer) => this.push(chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      if (this.stderr.length < 64 * 1024) this.stderr += text;
    });
    child.on('close', (code) => this.ended(code));
    this.onStatus(this.state);
  }

  /** Stops the engine; resolves once it has ended and its last packets are read. */
  stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (this.status.state === 'capturing' || this.status.state === 'starting') this.set({ state: 'stopped' });
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      child.once('close', () => resolve());
      // The engine hands packets over in blocks, at the latest after its read timeout; what the
      // kernel holds for it when it is told to stop is lost. So it gets that long first.
      setTimeout(() => child.kill('SIGTERM'), this.status.state === 'capturing' ? ENGINE_READ_TIMEOUT_MS[this.engine!.kind] + 100 : 0);
    });
  }

  private push(chunk: Buffer): void {
    if (this.status.state === 'failed') return;
    // The engine writes its file header once the interface is open (dumpcap prints "Capturing on"
    // before it finds it may not): the first bytes say it captures.
    if (this.status.state === 'starting') this.set({ state: 'capturing' });
    try {
      this.reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (e) {
      this.fail({ code: 'socket-error', message: `The wire view stopped: the capture engine's output could not be read (${(e as Error).message}).` });
      this.child?.kill('SIGTERM');
    }
  }

  private onQuery(from: string, version: string, timeMs: number): void {
    const heard = (this.status.querier?.heard ?? 0) + 1;
    this.set({ querier: { heard, lastFrom: from, lastVersion: version, lastAtMs: timeMs - this.epochOfZero() } });
  }

  private onDatagram(d: UdpDatagram): void {
    if (!flowMatches({ family: d.family, srcAddress: d.srcAddress, srcPort: d.srcPort, dstAddress: d.dstAddress, dstPort: d.dstPort }, this.selector, null)) return;
    let at = d.timeMs - this.epochOfZero();
    if (at < 0) {
      this.counts.beforeStart += 1;
      return;
    }
    // Several CPUs may hand the engine packets slightly out of order; the monitor's time only goes forward.
    if (at < this.lastAt) at = this.lastAt;
    this.lastAt = at;
    this.counts.datagrams += 1;
    // The reader's bytes are reused: the monitor keeps payloads (the inspector, format detection).
    this.monitor.onPacket(at, d.payload.slice(), d.family === 6 ? `[${d.srcAddress}]:${d.srcPort}` : `${d.srcAddress}:${d.srcPort}`);
  }

  private ended(code: number | null): void {
    const engine = this.engine!;
    this.status.engineDrops = engineDropsFromStderr(engine.kind, this.stderr);
    try {
      this.reader.end();
      this.extractor.finish();
    } catch {
      // A capture cut short at the end: what was read counts.
    }
    if (this.status.state === 'failed') return this.onStatus(this.state);
    if (this.stopping) return this.set({ state: 'stopped' });
    this.fail(engineFailure(engine, this.stderr, code, this.setup.platform ?? process.platform, this.status.iface ?? ''));
  }

  private fail(error: ErrorInfo): void {
    if (this.status.state === 'failed') return;
    const tail = this.setup.mode === 'beside' ? ' The socket view goes on without it.' : '';
    this.set({ state: 'failed', error: { ...error, message: error.message + tail } });
  }

  private set(change: Partial<WireStatus>): void {
    Object.assign(this.status, change);
    this.onStatus(this.state);
  }
}
