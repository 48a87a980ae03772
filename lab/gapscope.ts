/**
 * Running the real Gapscope CLI (`node bin/gapscope.js listen … --json`) inside a lab namespace,
 * the way a user would, and reading its final report.
 */
import { join } from 'node:path';
import type { ReportGap } from '../shared/reception/report';
import type { Periodicity } from '../shared/reception/types';
import type { ExecResult, LabHost, LabProcess } from './netns';
import { REPO_DIR, lastJsonLine, schedulingPrefix, type Scheduling } from './streams';

/** The CLI entry point. */
export const GAPSCOPE_BIN = join(REPO_DIR, 'bin', 'gapscope.js');

/** The fields of `gapscope listen --json`'s report that the lab checks. */
export interface GapscopeReport {
  packets: number;
  bytes: number;
  durationMs: number;
  firstPacketMs?: number | null;
  lastPacketMs?: number | null;
  gaps: ReportGap[];
  gapCount?: number;
  dutyCycle: number | null;
  periodicity: Periodicity;
  gapThresholdMs: number;
  bins: unknown;
  localStalls?: Array<{ startMs: number; endMs: number; durationMs: number }>;
}

/** How to run `listen`. */
export interface ListenRun {
  /** Flags after `listen` (port, group, iface, …); --json, --duration and --gap-ms are added. */
  args: string[];
  durationS: number;
  gapMs?: number;
  /** How to schedule it, the same as the reference receivers (see lab/streams.ts). */
  scheduling?: Scheduling;
  /** Port to wait for; taken from `--port` in args when absent. */
  port?: number;
  /** Multicast group to wait for on the host's interface before resolving. */
  group?: string;
  /** Environment added to the CLI's (e.g. GAPSCOPE_RECEIVE=single). */
  env?: Record<string, string>;
}

/** A running `gapscope listen`. */
export interface RunningGapscope {
  proc: LabProcess;
  /** Waits for the CLI to end by its --duration and returns its JSON report (rejects on a non-zero exit). */
  report(): Promise<GapscopeReport>;
  /** Ends it now as Ctrl+C does (SIGINT) and returns its JSON report. */
  stop(): Promise<GapscopeReport>;
}

/** Starts `gapscope listen --json` and resolves once its socket is bound (and its group joined). */
export async function startGapscope(host: LabHost, run: ListenRun): Promise<RunningGapscope> {
  const [cmd, ...pre] = schedulingPrefix(run.scheduling);
  const args = [...pre, GAPSCOPE_BIN, 'listen', ...run.args, '--json', '--duration', String(run.durationS)];
  if (run.gapMs !== undefined) args.push('--gap-ms', String(run.gapMs));
  const proc = host.spawn(cmd as string, args, { cwd: REPO_DIR, ...(run.env ? { env: run.env } : {}) });
  const port = run.port ?? Number(run.args[run.args.indexOf('--port') + 1]);
  try {
    await Promise.race([
      host.waitForUdpSocket(proc.pid, port, 15_000),
      proc.exited.then((r) => {
        throw new Error(`gapscope exited ${r.code ?? r.signal} before listening: ${r.stderr.trim().slice(-1000)}`);
      }),
    ]);
    if (run.group) await host.waitForMembership(run.group);
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
  const report = async (): Promise<GapscopeReport> => {
    const r = await proc.exited;
    if (r.code !== 0) throw new Error(`gapscope listen exited ${r.code ?? r.signal}: ${r.stderr.trim().slice(-1000)}`);
    return lastJsonLine<GapscopeReport>('gapscope listen', r.stdout, r.stderr);
  };
  return {
    proc,
    report,
    stop() {
      proc.kill('SIGINT');
      return report();
    },
  };
}

/** Runs the CLI to completion with the given arguments (for error cases); never rejects on exit status. */
export function runGapscopeCli(host: LabHost, args: string[], timeoutMs = 20_000): Promise<ExecResult> {
  return host.exec('node', [GAPSCOPE_BIN, ...args], { cwd: REPO_DIR, allowFailure: true, timeoutMs });
}
