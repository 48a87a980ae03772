/**
 * The lab network: a "device" namespace and an "inspector" namespace joined by a veth pair, so
 * that lab tests and benchmarks send real traffic without any of it reaching the machine's own
 * interfaces (docs: /work/shared/docs/lab.md, "The one safety rule").
 *
 * Everything created here is registered and removed by `teardown()`, and also when the process
 * exits or receives SIGINT/SIGTERM/SIGHUP, so that a failing or interrupted test leaves no
 * namespace and no process behind.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { waitUntil } from './waitUntil';

export { waitUntil };

/** What a command printed and how it ended. */
export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A process started inside a namespace, with its output kept for the test to read. */
export interface LabProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves when the process has exited and its output is closed; never rejects. */
  readonly exited: Promise<ExecResult>;
  /** Resolves with the first line (stdout or stderr) matching `pattern`; rejects on timeout or exit. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends a signal if the process still runs. */
  kill(signal?: NodeJS.Signals): void;
  /** Writes to the process's stdin (started with `stdin: true`). */
  write(text: string): void;
  /** Closes the process's stdin. */
  endInput(): void;
}

/** Options for running a command in a namespace. */
export interface RunOptions {
  /** Working directory; defaults to the current one. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Resolve instead of rejecting when the command exits non-zero. */
  allowFailure?: boolean;
  /** Kill the command after this many ms (default 30 s for exec, none for spawn). */
  timeoutMs?: number;
  /** spawn only: give the process a stdin pipe (see LabProcess.write). */
  stdin?: boolean;
}

/** One end of the veth: a namespace, its interface and its addresses. */
export interface LabHost {
  readonly ns: string;
  readonly iface: string;
  readonly ipv4: string;
  readonly ipv6: string;
  /** The IPv4 subnet's broadcast address (x.y.z.255). */
  readonly broadcast: string;
  /** Runs a command to completion inside the namespace. */
  exec(cmd: string, args: string[], opts?: RunOptions): Promise<ExecResult>;
  /** Starts a long-running command inside the namespace; it is killed at teardown. */
  spawn(cmd: string, args: string[], opts?: RunOptions): LabProcess;
  /** Resolves once process `pid` has a UDP socket bound to `port` in this namespace. */
  waitForUdpSocket(pid: number, port: number, timeoutMs?: number): Promise<void>;
  /** The namespace's UDP counters (/proc/net/snmp and snmp6), e.g. RcvbufErrors: datagrams a full socket buffer dropped. */
  udpCounters(): Promise<UdpCounters>;
  /** Resolves once this host's interface (or `onIface`, another interface in its namespace) has joined multicast `group` (any process). */
  waitForMembership(group: string, timeoutMs?: number, onIface?: string): Promise<void>;
  /** Resolves once no UDP socket bound to one of `ports` in this namespace holds an unread datagram (/proc/net/udp and udp6 rx_queue). */
  waitForUdpQueuesEmpty(ports: readonly number[], timeoutMs?: number): Promise<void>;
}

/** Kernel UDP counters of one namespace, IPv4 and IPv6 added together. */
export interface UdpCounters {
  inDatagrams: number;
  noPorts: number;
  inErrors: number;
  rcvbufErrors: number;
}

/** A device and an inspector on one simulated link. */
export interface LabPair {
  readonly device: LabHost;
  readonly inspector: LabHost;
  /** The IPv4 /24, e.g. "10.98.3.0/24". */
  readonly ipv4Subnet: string;
  /** The IPv6 /64, e.g. "fd00:98:3::/64". */
  readonly ipv6Subnet: string;
  /** Kills every process started in the pair and deletes both namespaces. Safe to call twice. */
  teardown(): Promise<void>;
}

/** How to build the pair. */
export interface LabPairOptions {
  /** Third octet of the IPv4 subnet (10.98.N.0/24) and last group of the IPv6 prefix (fd00:98:N::/64); one per test file. */
  subnet: number;
  /** First two octets of the IPv4 subnet; default "10.98". */
  ipv4Prefix?: string;
  /** 'skip' adds IPv6 addresses without duplicate address detection (fast); 'wait' runs DAD and waits until no address is tentative. */
  dad?: 'skip' | 'wait';
}

/** Prefix of every namespace this harness creates; used to sweep leftovers of dead processes. */
export const NAMESPACE_PREFIX = 'gslab-';

const live = new Map<string, { namespaces: string[]; processes: Set<ChildProcess> }>();
let counter = 0;
let hooksInstalled = false;

function run(file: string, args: string[], opts: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: opts.cwd,
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
        timeout: opts.timeoutMs ?? 30_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
        const result: ExecResult = {
          code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          signal: err?.signal ?? null,
          stdout,
          stderr,
        };
        if (err && !opts.allowFailure) {
          reject(new Error(`${file} ${args.join(' ')} failed (${String(err.code ?? err.signal)}): ${stderr.trim() || err.message}`));
        } else {
          resolve(result);
        }
      },
    );
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}


function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills what runs in a namespace and deletes it, synchronously (usable from an exit handler). */
function destroyNamespaceSync(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    // Every process inside a namespace this harness created was started by this harness.
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  } catch {
    /* namespace already gone */
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
}

function teardownAllSync(): void {
  for (const [key, entry] of live) {
    for (const child of entry.processes) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          child.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    for (const ns of entry.namespaces) destroyNamespaceSync(ns);
    live.delete(key);
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', teardownAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      teardownAllSync();
      process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

/** Deletes namespaces left by earlier runs of this harness whose process no longer exists. */
export function sweepStaleNamespaces(): string[] {
  let names: string[];
  try {
    names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .filter((n) => n.startsWith(NAMESPACE_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = Number(/^gslab-[di]-(\d+)-/.exec(name)?.[1]);
    if (Number.isFinite(owner) && owner !== process.pid && !pidAlive(owner)) {
      destroyNamespaceSync(name);
      removed.push(name);
    }
  }
  return removed;
}

function makeProcess(child: ChildProcess, owner: Set<ChildProcess>, timeoutMs?: number): LabProcess {
  let out = '';
  let err = '';
  const lineWaiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const scan = (chunk: string, buffer: string): void => {
    if (lineWaiters.size === 0) return;
    // Scan whole lines of the accumulated buffer that the new chunk completed.
    const start = buffer.lastIndexOf('\n', buffer.length - chunk.length - 1) + 1;
    const lines = buffer.slice(start).split('\n');
    for (const line of lines.slice(0, -1)) {
      for (const w of lineWaiters) {
        if (w.pattern.test(line)) {
          lineWaiters.delete(w);
          w.resolve(line);
        }
      }
    }
  };
  child.stdin?.on('error', (e) => {
    err += `\nstdin: ${e.message}`;
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (c: string) => {
    out += c;
    scan(c, out);
  });
  child.stderr?.on('data', (c: string) => {
    err += c;
    scan(c, err);
  });
  const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : null;
  const exited = new Promise<ExecResult>((resolve) => {
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      owner.delete(child);
      resolve({ code, signal, stdout: out, stderr: err });
    });
    child.on('error', (e) => {
      err += `\n${e.message}`;
    });
  });
  return {
    child,
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(pattern, waitMs = 5000) {
      for (const line of (out + '\n' + err).split('\n')) if (pattern.test(line)) return Promise.resolve(line);
      return new Promise<string>((resolve, reject) => {
        const waiter = {
          pattern,
          resolve: (line: string) => {
            clearTimeout(t);
            resolve(line);
          },
        };
        const t = setTimeout(() => {
          lineWaiters.delete(waiter);
          reject(new Error(`no line matching ${pattern} within ${waitMs} ms; stderr: ${err.slice(-500)}`));
        }, waitMs);
        lineWaiters.add(waiter);
        void exited.then(() => {
          if (lineWaiters.delete(waiter)) {
            clearTimeout(t);
            reject(new Error(`process exited before printing ${pattern}; stderr: ${err.slice(-500)}`));
          }
        });
      });
    },
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    write(text) {
      if (!child.stdin) throw new Error('process was started without stdin');
      child.stdin.write(text);
    },
    endInput() {
      child.stdin?.end();
    },
  };
}

function makeHost(ns: string, iface: string, ipv4: string, ipv6: string, broadcast: string, processes: Set<ChildProcess>): LabHost {
  const host: LabHost = {
    ns,
    iface,
    ipv4,
    ipv6,
    broadcast,
    exec: (cmd, args, opts) => run('ip', ['netns', 'exec', ns, cmd, ...args], opts),
    spawn(cmd, args, opts = {}) {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
        cwd: opts.cwd,
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
        stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      processes.add(child);
      return makeProcess(child, processes, opts.timeoutMs);
    },
    async waitForUdpSocket(pid, port, timeoutMs = 10_000) {
      await waitUntil(
        async () => {
          const r = await run('ip', ['netns', 'exec', ns, 'ss', '-H', '-uanp', `sport = :${port}`], { allowFailure: true });
          return r.stdout.includes(`pid=${pid},`);
        },
        `pid ${pid} to bind UDP port ${port} in ${ns}`,
        timeoutMs,
      );
    },
    async udpCounters() {
      const v4 = (await run('ip', ['netns', 'exec', ns, 'cat', '/proc/net/snmp'])).stdout;
      const v6 = (await run('ip', ['netns', 'exec', ns, 'cat', '/proc/net/snmp6'])).stdout;
      const udp = v4.split('\n').filter((l) => l.startsWith('Udp: '));
      const names = udp[0]?.split(/\s+/).slice(1) ?? [];
      const values = udp[1]?.split(/\s+/).slice(1).map(Number) ?? [];
      const get4 = (name: string): number => values[names.indexOf(name)] ?? 0;
      const get6 = (name: string): number => Number(new RegExp(`^Udp6${name}\\s+(\\d+)`, 'm').exec(v6)?.[1] ?? 0);
      const both = (name: string): number => get4(name) + get6(name);
      return { inDatagrams: both('InDatagrams'), noPorts: both('NoPorts'), inErrors: both('InErrors'), rcvbufErrors: both('RcvbufErrors') };
    },
    async waitForMembership(group, timeoutMs = 10_000, onIface = iface) {
      const want = group.toLowerCase();
      await waitUntil(
        async () => {
          const r = await run('ip', ['-n', ns, 'maddr', 'show', 'dev', onIface], { allowFailure: true });
          return r.stdout
            .split('\n')
            .some((l) => l.trim().split(/\s+/)[1]?.toLowerCase() === want);
        },
        `${onIface} in ${ns} to join ${group}`,
        timeoutMs,
      );
    },
    async waitForUdpQueuesEmpty(ports, timeoutMs = 10_000) {
      const wanted = new Set(ports);
      await waitUntil(
        async () => {
          const tables = await Promise.all(['/proc/net/udp', '/proc/net/udp6'].map((f) => run('ip', ['netns', 'exec', ns, 'cat', f], { allowFailure: true })));
          // Each row: sl local_address rem_address st tx_queue:rx_queue ...; the port and the queue in hex.
          return tables.every((t) =>
            t.stdout
              .split('\n')
              .slice(1)
              .map((l) => l.trim().split(/\s+/))
              .filter((f) => f.length > 4 && wanted.has(parseInt(f[1]!.split(':').at(-1)!, 16)))
              .every((f) => parseInt(f[4]!.split(':')[1]!, 16) === 0),
          );
        },
        `the UDP sockets on ${[...wanted].join(', ')} in ${ns} to have read everything`,
        timeoutMs,
      );
    },
  };
  return host;
}

/**
 * Creates a device namespace and an inspector namespace joined by a veth, with IPv4 10.98.N.1/.2
 * (broadcast .255), IPv6 fd00:98:N::1/::2, loopback up and multicast routes, and registers them
 * for removal at teardown or process exit.
 */
export async function createLabPair(opts: LabPairOptions): Promise<LabPair> {
  if (!Number.isInteger(opts.subnet) || opts.subnet < 0 || opts.subnet > 255) throw new Error(`subnet must be 0-255, got ${opts.subnet}`);
  installExitHooks();
  sweepStaleNamespaces();
  const n = ++counter;
  const pid = process.pid;
  const devNs = `${NAMESPACE_PREFIX}d-${pid}-${n}`;
  const insNs = `${NAMESPACE_PREFIX}i-${pid}-${n}`;
  // Interface names are limited to 15 characters.
  const devIf = `gd${pid}x${n}`.slice(0, 15);
  const insIf = `gi${pid}x${n}`.slice(0, 15);
  const v4 = `${opts.ipv4Prefix ?? '10.98'}.${opts.subnet}`;
  const v6 = `fd00:98:${opts.subnet.toString(16)}`;
  const processes = new Set<ChildProcess>();
  const key = `${devNs}+${insNs}`;
  live.set(key, { namespaces: [devNs, insNs], processes });

  const ip = (...args: string[]): Promise<ExecResult> => run('ip', args);
  try {
    for (const ns of [devNs, insNs]) destroyNamespaceSync(ns);
    await ip('netns', 'add', devNs);
    await ip('netns', 'add', insNs);
    await ip('link', 'add', devIf, 'type', 'veth', 'peer', 'name', insIf);
    await ip('link', 'set', devIf, 'netns', devNs);
    await ip('link', 'set', insIf, 'netns', insNs);
    const ends: Array<[string, string, string]> = [
      [devNs, devIf, '1'],
      [insNs, insIf, '2'],
    ];
    for (const [ns, dev, host] of ends) {
      if (opts.dad !== 'wait') {
        // Link-local addresses are created when the link comes up: skip DAD for them too.
        await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv6.conf.${dev}.accept_dad=0`]);
      }
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      await ip('-n', ns, 'addr', 'add', `${v4}.${host}/24`, 'brd', '+', 'dev', dev);
      await ip('-n', ns, '-6', 'addr', 'add', `${v6}::${host}/64`, 'dev', dev, ...(opts.dad === 'wait' ? [] : ['nodad']));
      await ip('-n', ns, 'link', 'set', dev, 'up');
      // Without a default route, multicast needs an explicit route out of the veth.
      // (IPv6 gets its multicast route, ff00::/8 in the local table, from the kernel.)
      await ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', dev);
    }
    if (opts.dad === 'wait') {
      for (const [ns, dev] of ends) {
        await waitUntil(
          async () => !(await ip('-n', ns, '-6', 'addr', 'show', 'dev', dev)).stdout.includes('tentative'),
          `IPv6 DAD on ${dev}`,
          10_000,
        );
      }
    }
  } catch (e) {
    teardownAllSyncFor(key);
    throw e;
  }

  let tornDown = false;
  return {
    device: makeHost(devNs, devIf, `${v4}.1`, `${v6}::1`, `${v4}.255`, processes),
    inspector: makeHost(insNs, insIf, `${v4}.2`, `${v6}::2`, `${v4}.255`, processes),
    ipv4Subnet: `${v4}.0/24`,
    ipv6Subnet: `${v6}::/64`,
    async teardown() {
      if (tornDown) return;
      tornDown = true;
      const waits: Promise<unknown>[] = [];
      for (const child of processes) {
        if (child.exitCode === null && child.signalCode === null) {
          waits.push(new Promise((resolve) => child.once('close', resolve)));
          child.kill('SIGKILL');
        }
      }
      await Promise.race([Promise.all(waits), sleep(2000)]);
      teardownAllSyncFor(key);
    },
  };
}

function teardownAllSyncFor(key: string): void {
  const entry = live.get(key);
  if (!entry) return;
  for (const child of entry.processes) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const ns of entry.namespaces) destroyNamespaceSync(ns);
  live.delete(key);
}

/** Namespaces of this harness that currently exist (for tests that check nothing leaked). */
export function listLabNamespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(NAMESPACE_PREFIX));
}
