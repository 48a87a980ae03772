/** Messages between the reception service and its receiver workers (worker_threads). */
import type { ErrorInfo } from '../../shared/contract';
import type { ReceptionDelta, ReceptionSnapshot } from '../../shared/reception/types';
import type { MonitorOptions } from '../../shared/reception/receptionMonitor';
import type { SocketPlan } from './socketPlan';
import type { KernelDropSample } from './kernelDrops';
import type { WireStatus } from '../../shared/contract/reception';
import type { WireSetup } from '../wire/wireView';

/** What a worker is started with. */
export interface WorkerSetup {
  plan: SocketPlan;
  monitor: MonitorOptions;
  /** How often to post a delta, ms. */
  updateEveryMs: number;
  /** The wire view to run, beside the socket or alone (electron/wire). */
  wire?: WireSetup;
}

/** Where and how a worker records its stream (the file already holds the section and interface headers). */
export interface RecordTarget {
  path: string;
  interfaceId: number;
  tsresol: 6 | 9;
  /** The datagrams' destination as the file shows it: the group, or the bound address. */
  destination: { address: string; port: number };
}

/** A recording's counters, as the worker reports them. */
export interface RecordingCounts {
  /** Packets encoded for the file. */
  packets: number;
  /** Packets the disk has accepted. */
  written: number;
  /** Packets received but not recorded (the disk fell behind). */
  notRecorded: number;
  bytesWritten: number;
}

/** From the service to a worker. */
export type ToWorker =
  | { type: 'stop' }
  | { type: 'snapshot'; requestId: number }
  | { type: 'record'; target: RecordTarget }
  | { type: 'stopRecording' };

/** From a worker to the service. */
export type FromWorker =
  | { type: 'listening'; startedAt: number; bound: string | null; recvBufferGranted: number | null }
  | { type: 'failed'; error: ErrorInfo }
  | { type: 'delta'; delta: ReceptionDelta; wire?: ReceptionDelta }
  | { type: 'snapshot'; requestId: number; snapshot: ReceptionSnapshot; wire?: ReceptionSnapshot }
  /** The wire view's state changed (the engine started capturing, failed, stopped). */
  | { type: 'wireStatus'; status: WireStatus }
  | { type: 'warning'; warning: ErrorInfo | null }
  | { type: 'stopped'; snapshot: ReceptionSnapshot; wire?: ReceptionSnapshot; error: ErrorInfo | null; recording: RecordingEnd | null }
  /** Recording started; fromStreamStart: the packets received before it are in the file too. */
  | { type: 'recording'; fromStreamStart: boolean; atMs: number }
  | { type: 'recordingProgress'; counts: RecordingCounts }
  | { type: 'recordingStopped'; end: RecordingEnd }
  /** A second in which the kernel counted drops for the stream's socket or the machine (kernelDrops.ts). */
  | { type: 'kernelDrops'; sample: KernelDropSample };

/** How a stream's recording ended. */
export interface RecordingEnd {
  counts: RecordingCounts;
  /** Why it stopped by itself (full disk, permissions); null when asked to stop. */
  error: ErrorInfo | null;
  /** Stream time of the stop, ms. */
  atMs: number;
}
