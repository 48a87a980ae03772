/** Messages between the reception service and its receiver workers (worker_threads). */
import type { ErrorInfo } from '../../shared/contract';
import type { ReceptionDelta, ReceptionSnapshot } from '../../shared/reception/types';
import type { MonitorOptions } from '../../shared/reception/receptionMonitor';
import type { SocketPlan } from './socketPlan';

/** What a worker is started with. */
export interface WorkerSetup {
  plan: SocketPlan;
  monitor: MonitorOptions;
  /** How often to post a delta, ms. */
  updateEveryMs: number;
}

/** From the service to a worker. */
export type ToWorker = { type: 'stop' } | { type: 'snapshot'; requestId: number };

/** From a worker to the service. */
export type FromWorker =
  | { type: 'listening'; startedAt: number; bound: string; recvBufferGranted: number | null }
  | { type: 'failed'; error: ErrorInfo }
  | { type: 'delta'; delta: ReceptionDelta }
  | { type: 'snapshot'; requestId: number; snapshot: ReceptionSnapshot }
  | { type: 'warning'; warning: ErrorInfo | null }
  | { type: 'stopped'; snapshot: ReceptionSnapshot; error: ErrorInfo | null };
