/**
 * The end-to-end lab (see /work/shared/docs/lab.md): a device namespace and an inspector namespace
 * joined by a veth pair, the Gapscope web server and the browser inside the inspector, and senders
 * inside the device. Nothing leaves through the machine's real interface.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(__dirname, '..', '..');

/** Names and paths of one run's lab; the same in the runner and in every worker. */
export interface LabInfo {
  id: string;
  devNs: string;
  insNs: string;
  devVeth: string;
  insVeth: string;
  devAddr: string;
  insAddr: string;
  prefix: number;
  /** Temporary folder for the state file, logs, settings and the browser wrapper. */
  dir: string;
  /** Runs /usr/bin/chromium inside the inspector namespace; Playwright's executablePath. */
  chromiumWrapper: string;
  stateFile: string;
}

/** What global setup started, for the tests and for teardown. */
export interface LabState {
  url: string;
  serverPid: number | null;
}

const NS_PREFIX = 'gse2e';

/** The lab of this run, named after the runner's pid (passed to workers through the environment). */
export function labInfo(): LabInfo {
  process.env.GSE2E_LAB ??= String(process.pid);
  const id = process.env.GSE2E_LAB;
  const dir = join(tmpdir(), `${NS_PREFIX}-${id}`);
  return {
    id,
    devNs: `${NS_PREFIX}-dev-${id}`,
    insNs: `${NS_PREFIX}-ins-${id}`,
    devVeth: `gsed${id}`.slice(0, 15),
    insVeth: `gsei${id}`.slice(0, 15),
    devAddr: '10.97.0.1',
    insAddr: '10.97.0.2',
    prefix: 24,
    dir,
    chromiumWrapper: join(dir, 'chromium-in-netns.sh'),
    stateFile: join(dir, 'state.json'),
  };
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function namespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Creates the namespaces, the veth pair and their addresses, and the browser wrapper. */
export function createLab(lab: LabInfo): void {
  mkdirSync(lab.dir, { recursive: true });
  for (const ns of [lab.devNs, lab.insNs]) if (namespaces().includes(ns)) deleteNamespace(ns);
  ip('netns', 'add', lab.devNs);
  ip('netns', 'add', lab.insNs);
  ip('link', 'add', lab.devVeth, 'type', 'veth', 'peer', 'name', lab.insVeth);
  ip('link', 'set', lab.devVeth, 'netns', lab.devNs);
  ip('link', 'set', lab.insVeth, 'netns', lab.insNs);
  ip('-n', lab.devNs, 'addr', 'add', `${lab.devAddr}/${lab.prefix}`, 'dev', lab.devVeth);
  ip('-n', lab.insNs, 'addr', 'add', `${lab.insAddr}/${lab.prefix}`, 'dev', lab.insVeth);
  for (const ns of [lab.devNs, lab.insNs]) ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', lab.devNs, 'link', 'set', lab.devVeth, 'up');
  ip('-n', lab.insNs, 'link', 'set', lab.insVeth, 'up');
  ip('-n', lab.devNs, 'route', 'add', '224.0.0.0/4', 'dev', lab.devVeth);
  ip('-n', lab.insNs, 'route', 'add', '224.0.0.0/4', 'dev', lab.insVeth);
  writeFileSync(lab.chromiumWrapper, `#!/bin/sh\n# Playwright's browser, inside the inspector namespace so 127.0.0.1 is Gapscope's.\nexec ip netns exec ${lab.insNs} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
}

/** Ends every process still inside a namespace (all started by this lab), then deletes it. */
function deleteNamespace(ns: string): void {
  let pids: number[] = [];
  try {
    pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    // namespace already gone
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already exited
    }
  }
  try {
    ip('netns', 'del', ns);
  } catch {
    // already gone
  }
}

/** Removes the lab: the server, anything left in the namespaces, the namespaces (and so the veth pair). */
export async function deleteLab(lab: LabInfo): Promise<void> {
  const state = readLabState(lab);
  if (state?.serverPid) await stopProcess(state.serverPid);
  deleteNamespace(lab.devNs);
  deleteNamespace(lab.insNs);
  rmSync(lab.dir, { recursive: true, force: true });
}

/** Deletes labs left by earlier runs that were killed before their teardown (their runner is gone). */
export function sweepStaleLabs(): void {
  for (const ns of namespaces()) {
    const m = new RegExp(`^${NS_PREFIX}-(dev|ins|agent)-(\\d+)$`).exec(ns);
    if (m && Number(m[2]) !== process.pid && !pidAlive(Number(m[2]))) deleteNamespace(ns);
  }
  for (const name of readdirSync(tmpdir())) {
    const m = new RegExp(`^${NS_PREFIX}-(\\d+)$`).exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Sends SIGTERM, then SIGKILL if the process is still there after a few seconds. */
export async function stopProcess(pid: number, graceMs = 3000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + graceMs;
  while (Date.now() < until && pidAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}

/** Builds the app (main, preload, renderer) so the test runs the code as it is now. */
export function buildApp(): void {
  execFileSync('npx', ['electron-vite', 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Starts `gapscope serve` in the inspector namespace and waits for its URL. */
export async function startServer(lab: LabInfo, timeoutMs = 30_000): Promise<LabState> {
  const outPath = join(lab.dir, 'server.out');
  const errPath = join(lab.dir, 'server.err');
  const out = openSync(outPath, 'w');
  const err = openSync(errPath, 'w');
  const dataDir = join(lab.dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  // `ip netns exec` execs the command, so the child's pid is the server's own.
  const child = spawn('ip', ['netns', 'exec', lab.insNs, process.execPath, join(repoRoot, 'bin', 'gapscope.js'), '--data-dir', dataDir, 'serve', '--port', '0', '--json'], {
    cwd: repoRoot,
    stdio: ['ignore', out, err],
  });
  closeSync(out);
  closeSync(err);
  const pid = child.pid ?? null;
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  writeLabState(lab, { url: '', serverPid: pid });
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const text = existsSync(outPath) ? readFileSync(outPath, 'utf8') : '';
    for (const line of text.split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      const url = (JSON.parse(line) as { url?: string }).url;
      if (url) {
        const state = { url, serverPid: pid };
        writeLabState(lab, state);
        return state;
      }
    }
    if (exited !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gapscope serve did not print its URL (exit ${exited ?? 'none'}): ${readFileSync(errPath, 'utf8').slice(0, 2000)}`);
}

/** Writes what setup started, for tests and teardown. */
export function writeLabState(lab: LabInfo, state: LabState): void {
  writeFileSync(lab.stateFile, JSON.stringify(state));
}

/** Reads what setup started, or null when setup did not get that far. */
export function readLabState(lab: LabInfo): LabState | null {
  return existsSync(lab.stateFile) ? (JSON.parse(readFileSync(lab.stateFile, 'utf8')) as LabState) : null;
}
