/**
 * avahi-daemon in the e2e lab's device namespace, with its own /etc/avahi, /run and D-Bus system
 * bus (so that avahi-browse works) inside a private mount namespace: nothing under /etc/netns,
 * nothing shared with another daemon. Stopped by its own pid; the lab's teardown removes the rest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopProcess, type LabInfo } from './lab';

/** A service for avahi to publish. */
export interface AvahiService {
  name: string;
  type: string;
  port: number;
  txt: string[];
}

/** avahi-browse running in the device namespace. */
export interface AvahiBrowse {
  /** Resolves with the first line of its output that matches. */
  waitFor(line: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** The running daemon. */
export interface Avahi {
  /** Starts `avahi-browse -r -p TYPE` against this daemon. */
  browse(type: string): AvahiBrowse;
  /** avahi-browse -r -p TYPE until a line matches; resolves with that line. */
  waitForBrowse(type: string, line: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function collect(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return () => out;
}

async function waitFor(text: () => string, pattern: RegExp, what: string, timeoutMs: number, child: ChildProcess): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const line = text().split('\n').find((l) => pattern.test(l));
    if (line !== undefined) return line;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: no line matching ${pattern} within ${timeoutMs} ms; output: ${text().slice(-1500)}`);
}

/** Starts avahi-daemon in the device namespace publishing `services`; resolves once they are established. */
export async function startAvahi(lab: LabInfo, hostName: string, services: AvahiService[]): Promise<Avahi> {
  const dir = mkdtempSync(join(lab.dir, 'avahi-'));
  mkdirSync(join(dir, 'services'));
  writeFileSync(join(dir, 'avahi-daemon.conf'), `[server]\nhost-name=${hostName}\ndomain-name=local\nuse-ipv4=yes\nuse-ipv6=yes\nallow-interfaces=${lab.devVeth}\nenable-dbus=yes\nratelimit-interval-usec=0\n\n[wide-area]\nenable-wide-area=no\n\n[publish]\npublish-hinfo=no\npublish-workstation=no\n`);
  services.forEach((s, k) =>
    writeFileSync(
      join(dir, 'services', `s${k}.service`),
      `<?xml version="1.0" standalone='no'?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n<service-group>\n  <name>${xml(s.name)}</name>\n  <service protocol="any">\n    <type>${s.type}</type>\n    <port>${s.port}</port>\n${s.txt.map((t) => `    <txt-record>${xml(t)}</txt-record>`).join('\n')}\n  </service>\n</service-group>\n`,
    ),
  );
  // The shell stays the parent of both daemons and stops them on SIGTERM; its pid names the mount namespace.
  const script = [
    'mount -t tmpfs tmpfs /run',
    'mkdir -p /run/avahi-daemon /run/dbus',
    `mount --bind ${dir} /etc/avahi`,
    'DBUS=$(dbus-daemon --system --fork --print-pid)',
    'avahi-daemon --no-drop-root --no-chroot --no-rlimits -f /etc/avahi/avahi-daemon.conf & AV=$!',
    'trap \'kill $AV $DBUS 2>/dev/null; wait $AV; exit 0\' TERM INT',
    'wait $AV',
    'kill $DBUS 2>/dev/null',
  ].join('\n');
  const child = spawn('ip', ['netns', 'exec', lab.devNs, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const pid = child.pid;
  const stop = async (): Promise<void> => {
    if (pid !== undefined && child.exitCode === null) await stopProcess(pid, 3000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let k = 0; k < services.length; k++) await waitFor(output, new RegExp(`s${k}\\.service\\) successfully established`), 'avahi-daemon', 15_000, child);
  } catch (e) {
    await stop();
    throw e;
  }
  const browse = (type: string): AvahiBrowse => {
    if (pid === undefined) throw new Error('avahi-daemon has no pid');
    const b = spawn('nsenter', ['-t', String(pid), '-m', '-n', 'avahi-browse', '-r', '-p', type], { stdio: ['ignore', 'pipe', 'pipe'] });
    const text = collect(b);
    return {
      waitFor: (line, timeoutMs = 10_000) => waitFor(text, line, `avahi-browse ${type}`, timeoutMs, b),
      stop: async () => {
        if (b.pid !== undefined && b.exitCode === null) await stopProcess(b.pid, 1000);
      },
    };
  };
  return {
    stop,
    browse,
    async waitForBrowse(type, line, timeoutMs = 10_000) {
      const b = browse(type);
      try {
        return await b.waitFor(line, timeoutMs);
      } finally {
        await b.stop();
      }
    },
  };
}
