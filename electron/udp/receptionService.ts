/** Runs reception streams, each in its own worker thread, and reports on them through the contract's events. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InterfaceInfo, StreamConfig, StreamInfo, StreamState } from '../../shared/contract';
import { GapscopeError } from '../../shared/errors';
import type { ReceptionSnapshot } from '../../shared/reception/types';
import type { BackendEventListener } from '../app/backend';
import { parseFormat } from '../../shared/decoders/streamDecoder';
import { planSocket } from './socketPlan';
import type { FromWorker, ToWorker, WorkerSetup } from './workerProtocol';

/** How often workers send deltas: the UI's display rate, never per packet. */
export const UPDATE_EVERY_MS = 100;

interface RunningStream {
  info: StreamInfo;
  worker: Worker | null;
  /** The final snapshot once the worker has stopped. */
  final: ReceptionSnapshot | null;
  snapshotRequests: Map<number, (s: ReceptionSnapshot) => void>;
  stopped: Promise<void>;
}

/** Where the built receiver worker lives: beside the bundle that imports this service. */
export function defaultWorkerPath(): string {
  return join(__dirname, 'receiverWorker.js');
}

/** Starts, stops and reports on streams; several run at once, each with its own statistics. */
export class ReceptionService {
  private readonly streams = new Map<string, RunningStream>();
  private nextRequest = 1;

  constructor(
    private readonly emit: BackendEventListener,
    private readonly interfaces: () => InterfaceInfo[],
    private readonly workerPath = defaultWorkerPath(),
  ) {}

  /** Opens the socket in a new worker; resolves once listening, rejects with a clear error otherwise. */
  async start(config: StreamConfig): Promise<StreamInfo> {
    const plan = planSocket(config, this.interfaces(), process.platform);
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
    };
    const setup: WorkerSetup = {
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
      worker,
      final: null,
      snapshotRequests: new Map(),
      stopped: new Promise((r) => (resolveStopped = r)),
    };

    return new Promise<StreamInfo>((resolve, reject) => {
      let settled = false;
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'listening':
            Object.assign(info, { status: 'listening', startedAt: m.startedAt, bound: m.bound, recvBufferGranted: m.recvBufferGranted });
            this.streams.set(id, stream);
            settled = true;
            this.emit('streamStatus', { ...info });
            resolve({ ...info });
            break;
          case 'failed':
            settled = true;
            reject(new GapscopeError(m.error.code, m.error.message));
            break;
          case 'delta':
            this.emit('streamUpdate', { id, delta: m.delta });
            break;
          case 'snapshot':
            stream.snapshotRequests.get(m.requestId)?.(m.snapshot);
            stream.snapshotRequests.delete(m.requestId);
            break;
          case 'warning':
            info.warning = m.warning;
            this.emit('streamStatus', { ...info });
            break;
          case 'stopped':
            stream.final = m.snapshot;
            info.status = m.error ? 'error' : 'stopped';
            info.error = m.error;
            for (const [, answer] of stream.snapshotRequests) answer(m.snapshot);
            stream.snapshotRequests.clear();
            this.emit('streamStatus', { ...info });
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
    return { info: { ...s.info }, snapshot: await this.snapshot(s) };
  }

  /** Stops everything; used on quit. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.streams.keys()].map((id) => this.stop(id)));
  }

  private snapshot(s: RunningStream): Promise<ReceptionSnapshot> {
    if (!s.worker) {
      if (s.final) return Promise.resolve(s.final);
      throw new GapscopeError('not-found', `Stream ${s.info.id} has no data.`);
    }
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      s.snapshotRequests.set(requestId, resolve);
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
