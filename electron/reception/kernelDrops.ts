/**
 * The kernel's own count of what it dropped for a stream, sampled once a second in the receiver
 * worker and read again when a gap closes, so a gap can say "dropped in this machine's receive
 * buffer (N, counted by the kernel)". Linux: the socket's own `drops` in /proc/net/udp or udp6
 * (found by its inode) and the namespace's Udp RcvbufErrors/InErrors in /proc/net/snmp and snmp6;
 * macOS and Windows: `netstat -s -p udp`, machine-wide only. The parsers are in
 * shared/network/kernelDrops.ts.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { addCounters, counterRise, parseNetstatUdpMac, parseNetstatUdpWindows, parseProcNetSnmp, parseProcNetSnmp6, parseProcNetUdp, socketDropsOf, socketInodeOfLink, type UdpDropCounters } from '../../shared/network/kernelDrops';
import { suggestRecvBuffer } from '../../shared/reception/receiveBuffer';
import type { Gap } from '../../shared/reception/types';
import { runCommand } from '../network/runCommand';
import type { TimelineEventInput } from '../../shared/timeline';

/** What the counters said in one second in which something was dropped. */
export interface KernelDropSample {
  /** Wall-clock time of the reading, ms since the epoch. */
  at: number;
  /** This socket's drops since it opened (Linux); null where the OS counts none per socket. */
  socketDrops: number | null;
  /** The rise of this socket's drops since the previous sample. */
  socketDropsRise: number | null;
  /** The machine's (Linux: the network namespace's) UDP counters' rise since the previous sample. */
  machineRise: UdpDropCounters;
  /** Where the machine's numbers come from, for a sentence. */
  source: string;
}

/** What the sampler needs to know about the stream's socket. */
export interface SamplerSetup {
  platform: NodeJS.Platform;
  family: 'ipv4' | 'ipv6';
  port: number;
  /** The socket's file descriptor, when known (Linux finds its inode through it). */
  fd: number | null;
  recvBufferRequested: number;
  recvBufferGranted: number | null;
}

/** Every socket inode this process holds open (/proc/self/fd). */
function ownSocketInodes(): Set<number> {
  const inodes = new Set<number>();
  try {
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        const inode = socketInodeOfLink(readlinkSync(`/proc/self/fd/${fd}`));
        if (inode !== null) inodes.add(inode);
      } catch {
        // Closed meanwhile.
      }
    }
  } catch {
    // No /proc.
  }
  return inodes;
}

const SAMPLE_EVERY_MS = 1000;

/** Samples the kernel's drop counters for one stream; `onDrops` hears each second in which they rose. */
export class KernelDropSampler {
  private inode: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private machine: UdpDropCounters | null = null;
  private lastSocket: number | null = null;
  /** Counts at the previous gap's end: a gap gets what was dropped since. */
  private socketAtGap = 0;
  private machineAtGap: number | null = null;
  private machineSinceStart: number | null = null;
  private machineStart: number | null = null;
  private sampling = false;
  /** The socket's drops read during the silence of the gap now open: after its burst, before the next. */
  private quiet: number | null = null;

  constructor(private readonly setup: SamplerSetup) {}

  private get udpTable(): string {
    return this.setup.family === 'ipv6' ? '/proc/self/net/udp6' : '/proc/self/net/udp';
  }

  /** Finds the socket, takes the baseline, and samples every second until stop(). */
  start(onDrops: (s: KernelDropSample) => void): void {
    if (this.setup.platform === 'linux') this.inode = this.findInode();
    void this.readMachine().then((m) => {
      this.machine = m;
      this.machineStart = m ? this.dropCount(m) : null;
      this.machineAtGap = this.machineStart;
    });
    this.timer = setInterval(() => void this.sample().then((s) => s && onDrops(s)), SAMPLE_EVERY_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Reads the socket's drops while no datagram arrives (a gap is open): what the burst before the
   * silence lost is counted by then, and the burst after it has not begun. Called at display rate.
   */
  duringSilence(): void {
    if (this.inode !== null) this.quiet = this.socketDropsNow();
  }

  /** Fills a gap that just closed with the drops counted since the previous gap ended, and the buffer that would have held its burst. */
  onGap(gap: Gap): void {
    let drops: number | null = null;
    if (this.inode !== null) {
      // Read during the silence when it lasted long enough; else now (the next burst may have begun losing).
      const now = this.quiet ?? this.socketDropsNow();
      this.quiet = null;
      if (now !== null) {
        drops = now - this.socketAtGap;
        this.socketAtGap = now;
        gap.socketDropsScope = 'socket';
      }
    } else if (this.machineSinceStart !== null && this.machineAtGap !== null) {
      // Machine-wide, as of the last second's sample: drops of the last second may count for the next gap.
      drops = this.machineSinceStart - this.machineAtGap;
      this.machineAtGap = this.machineSinceStart;
      gap.socketDropsScope = 'machine';
    }
    if (drops === null) return;
    gap.socketDrops = drops;
    gap.suggestedRecvBufferBytes = suggestRecvBuffer({ packetsBefore: gap.packetsBefore, bytesBefore: gap.bytesBefore, drops, requested: this.setup.recvBufferRequested, granted: this.setup.recvBufferGranted });
  }

  /** This socket's drops now (Linux, read synchronously: a gap closes rarely). */
  socketDropsNow(): number | null {
    if (this.inode === null) return null;
    try {
      return socketDropsOf(readFileSync(this.udpTable, 'utf8'), this.inode);
    } catch {
      return null;
    }
  }

  private findInode(): number | null {
    const { fd, port } = this.setup;
    if (fd !== null) {
      try {
        const inode = socketInodeOfLink(readlinkSync(`/proc/self/fd/${fd}`));
        if (inode !== null) return inode;
      } catch {
        // Fall back to the port.
      }
    }
    // The process's own sockets on the stream's port: only when there is exactly one.
    try {
      const mine = ownSocketInodes();
      const onPort = parseProcNetUdp(readFileSync(this.udpTable, 'utf8')).filter((s) => s.port === port && mine.has(s.inode));
      return onPort.length === 1 ? onPort[0]!.inode : null;
    } catch {
      return null;
    }
  }

  /** The number a gap's machine-wide drops count: RcvbufErrors, or Windows' Receive Errors (its only count). */
  private dropCount(c: UdpDropCounters): number | null {
    return c.rcvbufErrors ?? c.inErrors;
  }

  private get source(): string {
    if (this.setup.platform === 'linux') return this.setup.family === 'ipv6' ? '/proc/net/snmp6 (Udp6RcvbufErrors, Udp6InErrors)' : '/proc/net/snmp (Udp RcvbufErrors, InErrors)';
    return this.setup.platform === 'win32' ? 'netstat -s (UDP Receive Errors)' : 'netstat -s -p udp (dropped due to full socket buffers)';
  }

  private async readMachine(): Promise<UdpDropCounters | null> {
    try {
      if (this.setup.platform === 'linux') {
        const [v4, v6] = await Promise.all([readFile('/proc/self/net/snmp', 'utf8'), readFile('/proc/self/net/snmp6', 'utf8').catch(() => '')]);
        return addCounters(parseProcNetSnmp(v4), parseProcNetSnmp6(v6));
      }
      const win = this.setup.platform === 'win32';
      const r = await runCommand('netstat', ['-s', '-p', win && this.setup.family === 'ipv6' ? 'udpv6' : 'udp'], 3000);
      if (!r.ok) return null;
      return win ? parseNetstatUdpWindows(r.stdout) : parseNetstatUdpMac(r.stdout);
    } catch {
      return null;
    }
  }

  /** One reading; a sample only when something rose since the previous one. */
  private async sample(): Promise<KernelDropSample | null> {
    if (this.sampling) return null;
    this.sampling = true;
    try {
      const socket = this.socketDropsNow();
      const machine = await this.readMachine();
      const before = this.machine;
      if (machine) this.machine = machine;
      if (machine && this.machineStart !== null) {
        const n = this.dropCount(machine);
        if (n !== null) this.machineSinceStart = n;
      }
      const socketRise = socket !== null ? socket - (this.lastSocket ?? 0) : null;
      if (socket !== null) this.lastSocket = socket;
      const machineRise = before && machine ? counterRise(before, machine) : { inDatagrams: null, noPorts: null, inErrors: null, rcvbufErrors: null };
      const rose = (socketRise ?? 0) > 0 || (machineRise.rcvbufErrors ?? 0) > 0 || (machineRise.inErrors ?? 0) > 0;
      return rose ? { at: Date.now(), socketDrops: socket, socketDropsRise: socketRise, machineRise, source: this.source } : null;
    } finally {
      this.sampling = false;
    }
  }
}

/** The timeline's line for a second in which the kernel dropped datagrams (source 'network': the machine's network stack). */
export function kernelDropEvent(stream: { id: string; config: { port: number; label?: string } }, s: KernelDropSample): TimelineEventInput {
  const name = stream.config.label ? `"${stream.config.label}"` : `on port ${stream.config.port}`;
  const machine = s.machineRise.rcvbufErrors ?? s.machineRise.inErrors;
  const parts: string[] = [];
  if (s.socketDropsRise !== null && s.socketDropsRise > 0) parts.push(`the kernel dropped ${s.socketDropsRise} datagram${s.socketDropsRise === 1 ? '' : 's'} of stream ${name} in its full receive buffer (this socket's drops, ${s.socketDrops} since it opened)`);
  if (machine !== null && machine > 0) parts.push(`${parts.length ? '' : 'the kernel dropped '}${machine} on this machine by ${s.source}`);
  const summary = parts.length ? `${parts.join('; ')}.` : `The kernel counted UDP receive errors during stream ${name}.`;
  return {
    at: s.at,
    source: 'network',
    kind: 'udp-receive-drops',
    severity: 'warning',
    summary: summary.charAt(0).toUpperCase() + summary.slice(1),
    detail: { streamId: stream.id, socketDrops: s.socketDrops, socketDropsRise: s.socketDropsRise, rcvbufErrors: s.machineRise.rcvbufErrors, inErrors: s.machineRise.inErrors, source: s.source },
  };
}
