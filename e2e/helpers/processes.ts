/** Helper processes the tests run inside the lab's namespaces, each stopped by its own id. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, stopProcess, type LabInfo } from './lab';

/** What the sender reports when it is done. */
export interface SendResult {
  sent: number;
  bytes: number;
  pauses: [number, number][];
}

/** A running helper: its result once it ends, and a way to stop it early. */
export interface LabProcess<T> {
  done: Promise<T>;
  stop(): Promise<void>;
}

function runInNamespace<T>(ns: string, script: string, args: string[], parse: (stdout: string) => T): LabProcess<T> & { child: ChildProcess } {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, join(repoRoot, 'e2e', 'helpers', script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<T>((resolveDone, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolveDone(parse(stdout)) : reject(new Error(`${script} exited with ${code}: ${stderr}`))));
  });
  done.catch(() => undefined); // observed by the caller when it cares
  return {
    child,
    done,
    stop: async () => {
      if (child.pid !== undefined && child.exitCode === null) await stopProcess(child.pid, 1000);
    },
  };
}

/** Sends UDP from the device namespace to the inspector (or to a multicast group `to`): rate packets/s of size bytes, with silences. */
export function startSender(lab: LabInfo, o: { port: number; rate: number; size: number; seconds: number; pauseAt?: number[]; pauseFor?: number; to?: string }): LabProcess<SendResult> {
  const args = ['--to', o.to ?? lab.insAddr, '--port', String(o.port), '--rate', String(o.rate), '--size', String(o.size), '--seconds', String(o.seconds)];
  if (o.pauseAt?.length) args.push('--pause-at', o.pauseAt.join(','), '--pause-for', String(o.pauseFor ?? 1));
  return runInNamespace(lab.devNs, 'sender.mjs', args, (out) => JSON.parse(out.trim().split('\n').pop() ?? '{}') as SendResult);
}

/** Holds a UDP port in the inspector namespace without SO_REUSEADDR, as another program would. */
export async function holdPort(lab: LabInfo, port: number): Promise<LabProcess<void>> {
  const p = runInNamespace(lab.insNs, 'portHolder.mjs', [String(port)], () => undefined);
  await new Promise<void>((resolveReady, reject) => {
    p.child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolveReady();
    });
    p.done.then(() => reject(new Error('port holder exited early')), reject);
  });
  return p;
}
