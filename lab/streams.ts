/**
 * Running the lab's sender (lab/sender.mjs) and reference receiver (lab/bareReceiver.mjs) inside
 * lab namespaces, and reading their JSON reports.
 */
import { fileURLToPath } from 'node:url';
import type { LabHost, LabProcess } from './netns';

/** Absolute path of the lab folder (the scripts are started by path from inside a namespace). */
export const LAB_DIR = fileURLToPath(new URL('.', import.meta.url));
/** Absolute path of the repository root. */
export const REPO_DIR = fileURLToPath(new URL('..', import.meta.url));

/** What lab/sender.mjs prints when it is done. */
export interface SenderSummary {
  /** Datagrams sent to each destination. */
  sent: number;
  /** Payload bytes sent to each destination. */
  bytes: number;
  destinations: number;
  durationMs: number;
  requestedPps: number;
  achievedPps: number;
  errors: number;
  maxLagMs: number;
}

/** A silence as the reference receiver measures it. */
export interface BareGap {
  startMs: number;
  endMs: number;
  durationMs: number;
  packetsBefore: number;
  bytesBefore: number;
}

/** What lab/bareReceiver.mjs prints when it is done. */
export interface BareReport {
  packets: number;
  bytes: number;
  durationMs: number;
  firstMs: number | null;
  lastMs: number | null;
  gapThresholdMs: number;
  gaps: BareGap[] | null;
  seq: { first: number | null; last: number | null; max: number | null; outOfOrder: number; missing: number | null };
}

/** Sender options, mapped one to one onto lab/sender.mjs flags. */
export interface SenderOptions {
  to: string;
  /** More destinations that get a copy of every datagram. */
  also?: string[];
  pps: number;
  size: number;
  durationS: number;
  iface?: string;
  ttl?: number;
  bind?: string;
  broadcast?: boolean;
  /**
   * 'realtime': SCHED_FIFO at priority 5, below the receivers (10) so that they still take each
   * datagram at once, but above everything else on the machine: a sender starved by other work
   * pauses, and its pauses are gaps that no impairment made (seen as extra 50–80 ms gaps in both
   * references at load average 10).
   */
  scheduling?: Scheduling;
}

/** Reference receiver options, mapped onto lab/bareReceiver.mjs flags. */
export interface BareOptions {
  port: number;
  address?: string;
  ipv6?: boolean;
  group?: string;
  iface?: string;
  source?: string;
  gapMs?: number;
  durationS?: number;
  countOnly?: boolean;
  /** Receive buffer to ask the OS for (SO_RCVBUF). */
  recvBuffer?: number;
  /** How to schedule the receiver (see `schedulingPrefix`). */
  scheduling?: Scheduling;
}

/**
 * How a receiver is scheduled. Timestamps are taken in JavaScript when a datagram is handled, so
 * on a busy 2-core machine a receiver that waits for a CPU timestamps late. 'realtime' runs it
 * with SCHED_FIFO (priority 10; every thread inherits it, and the kernel's RT throttling still
 * leaves 5% of each second to other tasks), so that load from other processes does not shift the
 * timestamps being compared; 'normal' leaves it alone.
 */
export type Scheduling = 'normal' | 'realtime';

/** The command prefix that starts `node` with the given scheduling. */
export function schedulingPrefix(s: Scheduling = 'normal'): string[] {
  return s === 'realtime' ? ['chrt', '--fifo', '10', 'node'] : ['node'];
}

/** Parses the last non-empty stdout line of a finished process as JSON, with context on failure. */
export function lastJsonLine<T>(what: string, stdout: string, stderr: string): T {
  const line = stdout.trim().split('\n').filter(Boolean).at(-1);
  if (!line) throw new Error(`${what} printed nothing on stdout; stderr: ${stderr.slice(-1000)}`);
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${what} printed no JSON: ${line.slice(0, 300)}; stderr: ${stderr.slice(-1000)}`);
  }
}

/** Starts the sender; the promise resolves with its summary when it finishes. */
export function startSender(host: LabHost, o: SenderOptions): { proc: LabProcess; started: Promise<void>; done: Promise<SenderSummary> } {
  const args = [`${LAB_DIR}sender.mjs`, '--to', o.to, '--pps', String(o.pps), '--size', String(o.size), '--duration', String(o.durationS)];
  for (const extra of o.also ?? []) args.push('--also', extra);
  if (o.iface) args.push('--iface', o.iface);
  if (o.ttl !== undefined) args.push('--ttl', String(o.ttl));
  if (o.bind) args.push('--bind', o.bind);
  if (o.broadcast) args.push('--broadcast');
  const proc = o.scheduling === 'realtime' ? host.spawn('chrt', ['--fifo', '5', 'node', ...args]) : host.spawn('node', args);
  const done = proc.exited.then((r) => {
    if (r.code !== 0) throw new Error(`sender exited ${r.code ?? r.signal}: ${r.stderr.slice(-1000)}`);
    return lastJsonLine<SenderSummary>('sender', r.stdout, r.stderr);
  });
  // Resolves when the first datagram is due (a busy machine can take seconds to start node).
  const started = proc.waitForLine(/"event":"sending"/, 20_000).then(() => undefined);
  started.catch(() => undefined);
  return { proc, started, done };
}

/** A running reference receiver. */
export interface BareReceiver {
  proc: LabProcess;
  /** Stops it (SIGTERM) unless it already ended by --duration, and returns its report. */
  stop(): Promise<BareReport>;
}

/** Starts the reference receiver and resolves once it is bound (and joined). */
export async function startBare(host: LabHost, o: BareOptions): Promise<BareReceiver> {
  const args = [`${LAB_DIR}bareReceiver.mjs`, '--port', String(o.port)];
  if (o.address) args.push('--address', o.address);
  if (o.ipv6) args.push('--ipv6');
  if (o.group) args.push('--group', o.group);
  if (o.iface) args.push('--iface', o.iface);
  if (o.source) args.push('--source', o.source);
  if (o.gapMs !== undefined) args.push('--gap-ms', String(o.gapMs));
  if (o.durationS !== undefined) args.push('--duration', String(o.durationS));
  if (o.countOnly) args.push('--count-only');
  if (o.recvBuffer) args.push('--recv-buffer', String(o.recvBuffer));
  const [cmd, ...pre] = schedulingPrefix(o.scheduling);
  const proc = host.spawn(cmd as string, [...pre, ...args]);
  await proc.waitForLine(/"event":"listening"/, 10_000);
  return {
    proc,
    async stop() {
      proc.kill('SIGTERM');
      const r = await proc.exited;
      if (r.code !== 0) throw new Error(`bare receiver exited ${r.code ?? r.signal}: ${r.stderr.slice(-1000)}`);
      return lastJsonLine<BareReport>('bare receiver', r.stdout, r.stderr);
    },
  };
}
