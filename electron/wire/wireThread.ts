/**
 * The wire view beside the socket, on a thread of its own (wireWorker.ts): the capture engine's
 * output is parsed and measured there, so the socket's thread only reads the socket and never
 * waits for a block of captured packets to be parsed (in the same thread, at 20,000 datagrams/s
 * on a busy 2-core machine, the socket lost 40% to a full buffer; see docs/benchmarks.md). The
 * socket's thread asks for what is new at its own display rate: the wire's datagrams (time,
 * sequence, flags, format: what the gap locator needs) and its monitor's delta.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WireStatus } from '../../shared/contract/reception';
import type { FormatName } from '../../shared/decoders/types';
import type { MonitorOptions } from '../../shared/reception/receptionMonitor';
import type { ReceptionDelta, ReceptionSnapshot } from '../../shared/reception/types';
import type { WireSetup } from './wireView';

/** What the wire thread is started with. */
export interface WireThreadSetup {
  wire: WireSetup;
  monitor: Omit<MonitorOptions, 'onGap' | 'onDecoded'>;
  /** Wall-clock ms of the stream's time 0. */
  epochOfZero: number;
}

/** The wire's datagrams since the previous batch, as the gap locator takes them. */
export interface WirePackets {
  at: number[];
  /** NaN without a sequence number. */
  seq: number[];
  flags: number[];
  format: FormatName[];
}

/** Socket thread -> wire thread. */
export type ToWireThread = { type: 'tick'; nowMs: number } | { type: 'snapshot'; requestId: number; nowMs: number } | { type: 'stop'; atMs: number };

/** Wire thread -> socket thread; packets always come before the status or answer that follows them. */
export type FromWireThread =
  | { type: 'packets'; packets: WirePackets }
  | { type: 'status'; status: WireStatus }
  | { type: 'tock'; delta: ReceptionDelta }
  | { type: 'snapshot'; requestId: number; snapshot: ReceptionSnapshot }
  | { type: 'stopped'; snapshot: ReceptionSnapshot };

/** What the socket's thread hears from the wire thread. */
export interface WireThreadEvents {
  onPackets(p: WirePackets): void;
  onStatus(s: WireStatus): void;
}

/** The socket thread's handle on the wire thread. */
export class WireThread {
  private readonly worker: Worker;
  private tockWaiting: ((d: ReceptionDelta | null) => void) | null = null;
  private readonly snapshots = new Map<number, (s: ReceptionSnapshot | null) => void>();
  private nextRequest = 1;
  private stopped: ((s: ReceptionSnapshot | null) => void) | null = null;
  private ended = false;

  constructor(setup: WireThreadSetup, events: WireThreadEvents, workerFile = join(__dirname, 'wireWorker.js')) {
    this.worker = new Worker(workerFile, { workerData: setup });
    this.worker.on('message', (m: FromWireThread) => {
      if (m.type === 'packets') events.onPackets(m.packets);
      else if (m.type === 'status') events.onStatus(m.status);
      else if (m.type === 'tock') this.answerTock(m.delta);
      else if (m.type === 'snapshot') {
        this.snapshots.get(m.requestId)?.(m.snapshot);
        this.snapshots.delete(m.requestId);
      } else if (m.type === 'stopped') this.stopped?.(m.snapshot);
    });
    const gone = (): void => {
      this.ended = true;
      this.answerTock(null);
      for (const [, answer] of this.snapshots) answer(null);
      this.snapshots.clear();
      this.stopped?.(null);
    };
    this.worker.on('error', (e) => {
      events.onStatus({ mode: 'beside', state: 'failed', engine: null, enginePath: null, iface: null, filter: null, error: { code: 'internal', message: `The wire view stopped: ${e.message}. The socket view goes on without it.` }, engineDrops: null });
      gone();
    });
    this.worker.on('exit', gone);
  }

  /** The wire's delta now, its new datagrams delivered first; null when the thread is busy with the previous one or gone. */
  tick(nowMs: number): Promise<ReceptionDelta | null> | null {
    if (this.ended || this.tockWaiting) return null;
    return new Promise((resolve) => {
      this.tockWaiting = resolve;
      this.worker.postMessage({ type: 'tick', nowMs } satisfies ToWireThread);
    });
  }

  /** The wire monitor's snapshot (null when the thread is gone). */
  snapshot(nowMs: number): Promise<ReceptionSnapshot | null> {
    if (this.ended) return Promise.resolve(null);
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      this.snapshots.set(requestId, resolve);
      this.worker.postMessage({ type: 'snapshot', requestId, nowMs } satisfies ToWireThread);
    });
  }

  /** Stops the engine; resolves with the wire's final snapshot once its last datagrams were delivered. */
  stop(atMs: number): Promise<ReceptionSnapshot | null> {
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.stopped = (s) => {
        this.stopped = null;
        resolve(s);
        void this.worker.terminate();
      };
      this.worker.postMessage({ type: 'stop', atMs } satisfies ToWireThread);
    });
  }

  private answerTock(d: ReceptionDelta | null): void {
    const answer = this.tockWaiting;
    this.tockWaiting = null;
    answer?.(d);
  }
}
