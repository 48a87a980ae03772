/**
 * A `gapscope serve` of a test's own, beside the lab's shared one, for the flags the shared one
 * does not run with (--allow-remote, --allow-origin, --max-clients); and another web site, so a
 * page can have an origin that is not Gapscope's. Both run inside the lab's namespaces and are
 * stopped by their own pid (the lab's teardown ends anything left).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, stopProcess, type LabInfo } from './lab';

/** A running server of a test's own. */
export interface OwnServer {
  url: string;
  port: number;
  token: string;
  /** What it wrote on stderr so far (refusals are logged there). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `gapscope serve --json FLAGS` in the inspector namespace; resolves once it printed its URL. */
export function startOwnServer(lab: LabInfo, name: string, flags: string[]): Promise<OwnServer> {
  const dataDir = join(lab.dir, `data-${name}`);
  mkdirSync(dataDir, { recursive: true });
  const child = spawn('ip', ['netns', 'exec', lab.insNs, process.execPath, join(repoRoot, 'bin', 'gapscope.js'), '--data-dir', dataDir, 'serve', '--json', ...flags], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (!line) return;
      const url = new URL((JSON.parse(line) as { url: string }).url);
      resolve({
        url: url.href,
        port: Number(url.port),
        token: url.searchParams.get('token') ?? '',
        stderr: () => err,
        stop: () => (child.pid !== undefined && child.exitCode === null ? stopProcess(child.pid) : Promise.resolve()),
      });
    });
    child.on('exit', (code) => reject(new Error(`gapscope serve ${flags.join(' ')} exited with ${code}: ${err.slice(0, 2000)}`)));
  });
}

/** Starts another web site (one plain page) on address:port in namespace ns; resolves once it listens. */
export function startOtherSite(ns: string, address: string, port: number): Promise<{ stop(): Promise<void> }> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, join(repoRoot, 'e2e', 'helpers', 'otherSite.mjs'), address, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve({ stop: () => (child.pid !== undefined && child.exitCode === null ? stopProcess(child.pid, 1000) : Promise.resolve()) });
    });
    child.on('exit', (code) => reject(new Error(`otherSite.mjs exited with ${code}: ${err}`)));
  });
}
