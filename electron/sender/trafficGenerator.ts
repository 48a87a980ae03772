/**
 * A UDP sender the user controls, to reproduce a field problem between two machines: a steady
 * rate or a pattern (bursts, pauses, a cut after N bytes), paced against the clock so that the
 * average stays on target even when the event loop is late.
 */
import { createSocket, type Socket } from 'node:dgram';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { socketFd, udpAddon, type UdpAddon } from '../native/udpAddon';
import { addressFamily, isBroadcast, isMulticast } from '../../shared/net/address';
import { packetsDue, type SendPlan } from '../../shared/generator/sendSchedule';
import { PAIRED_MIN_SIZE, writeAccount } from '../../shared/generator/pairing';
import { stepPlan, sweepDue, sweepStarts, sweepValues, type SweepPlan } from '../../shared/generator/sweep';
import type { SENDER_FORMATS } from '../../shared/contract/sender';
import { GapscopeError } from '../../shared/errors';
import { encodeIperf2 } from '../../shared/decoders/iperf2';
import { encodeRtp } from '../../shared/decoders/rtp';
import { encodeSeq } from '../../shared/decoders/sequenceField';

/** Writes the payload of packet number `index` (0-based), sent at `sentAtUs` (µs since the epoch). */
export type PayloadWriter = (index: number, sentAtUs: number, size: number) => Uint8Array;

/** One of the contract's SENDER_FORMATS; gdl90 is a whole receiver's stream with its own timing. */
export type PayloadFormat = (typeof SENDER_FORMATS)[number];

/** Gapscope's own format: a 64-bit sequence number and the send time in µs, big-endian, then zeros. */
export function seqPayload(index: number, sentAtUs: number, size: number): Uint8Array {
  return encodeSeq(index, sentAtUs, Math.max(16, size))!;
}

/** A source that decides itself what to send when (e.g. a GDL90 receiver's mix of 1 Hz and 5 Hz messages). */
export interface TimedSource {
  /** The datagrams due since the previous call, up to elapsedMs since the start. */
  due(elapsedMs: number): Uint8Array[];
}

/** The payload writer for a format: ids from 1 for iperf 2 (as its client counts), RTP with one SSRC at 90 kHz. */
export function payloadWriter(format: Exclude<PayloadFormat, 'gdl90'>): PayloadWriter {
  switch (format) {
    case 'seq':
      return seqPayload;
    case 'iperf2':
      return (index, us, size) => encodeIperf2({ id: index + 1, sendMs: us / 1000 }, Math.max(16, size))!;
    case 'rtp': {
      const ssrc = 0x67617073; // "gaps"
      return (index, us, size) => encodeRtp({ sequence: index & 0xffff, timestamp: Math.floor((us * 90) / 1000) >>> 0, ssrc, payloadType: 96 }, Math.max(12, size))!;
    }
  }
}

/** Where and how to send. */
export interface GeneratorOptions {
  host: string;
  port: number;
  plan: SendPlan;
  /** Stop after this long; absent = until stop(). */
  durationMs?: number;
  /** Interface address (IPv4) or name (IPv6) for multicast. */
  multicastInterface?: string;
  ttl?: number;
  payload?: PayloadWriter;
  /** Sends what this source says when, instead of the plan's rate (the plan's pattern still gates it: steady or pause only). */
  timed?: TimedSource;
  /** Writes the sender's account into each 'seq' datagram (shared/generator/pairing.ts), and one last datagram marking the run's end, for a listener to pair with. */
  account?: { run: number };
  /** Raises rate, size or burst in steps of stepMs from the plan (which is the base); the run lasts steps × stepMs. */
  sweep?: { plan: SweepPlan; stepMs: number };
}

/** One sweep step as the sender ran it. */
export interface SweepStepStats {
  step: number;
  value: number;
  /** The sequence number of its first datagram, and the datagrams of it the OS accepted. */
  firstSequence: number;
  sent: number;
}

/** What a run sent. */
export interface GeneratorStats {
  sent: number;
  bytes: number;
  errors: number;
  lastError: string | null;
  elapsedMs: number;
  /** Packets per second actually sent over the run. */
  achievedPps: number;
  /** Datagrams numbered that the OS refused (never sent), as the account tells the listener. */
  refused: number;
  /** The sweep's steps begun so far; absent without a sweep. */
  steps?: SweepStepStats[];
}

/** Most packets sent in one tick; a late loop catches up over several ticks instead of flooding. */
const MAX_PER_TICK = 2000;

/** How the generator hands datagrams to the kernel: 'batch' is sendmmsg through the addon (Linux), 'single' one dgram send each. */
export type SendMode = 'batch' | 'single';

const EAGAIN = constants.errno.EAGAIN;
const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** Batch send wherever the addon loads; GAPSCOPE_SEND=single sends one by one through dgram (for comparisons). */
function batchSender(): UdpAddon | null {
  return process.env.GAPSCOPE_SEND === 'single' ? null : udpAddon();
}

/** Sends a planned stream of datagrams. */
export class TrafficGenerator {
  private socket: Socket | null = null;
  /** sendmmsg through the addon, on the socket's own descriptor; null: one dgram send per datagram. */
  private batch: { addon: UdpAddon; fd: number } | null = null;
  /** Datagrams handed to the socket (the next packet's index). */
  private queued = 0;
  /** Datagrams the OS accepted. */
  private sent = 0;
  private bytes = 0;
  private inFlight = 0;
  private errors = 0;
  private lastError: string | null = null;
  private t0 = 0;
  private tEnd = 0;
  private timer: NodeJS.Timeout | null = null;
  private finished: Promise<GeneratorStats> | null = null;
  private resolveFinished: ((s: GeneratorStats) => void) | null = null;
  private closing: (() => void) | null = null;
  private refused = 0;
  private endSent = false;
  /** With a sweep: the index of each step's first datagram (the last entry is the end), the plan of each, and what each sent. */
  private readonly stepStarts: number[] = [];
  private readonly stepPlans: SendPlan[] = [];
  private readonly stepSent: number[] = [];
  private lastStep = 0;
  /** The index of the run's last datagram when its length is known (a duration or a sweep): that one carries the end mark. */
  private readonly lastIndex: number | null;

  constructor(private readonly options: GeneratorOptions) {
    const sw = options.sweep;
    if (sw) {
      this.stepStarts.push(...sweepStarts(options.plan, sw.plan, sw.stepMs));
      for (let k = 0; k < sw.plan.steps; k++) {
        this.stepPlans.push(stepPlan(options.plan, sw.plan, k));
        this.stepSent.push(0);
      }
    }
    const d = options.durationMs;
    this.lastIndex = d === undefined || options.timed ? null : (sw ? this.stepStarts.at(-1)! : packetsDue(options.plan, d)) - 1;
  }

  /** Opens the socket and starts sending; resolves with the stats when the run ends. */
  start(): Promise<GeneratorStats> {
    if (this.finished) return this.finished;
    const { host, ttl, multicastInterface } = this.options;
    const family = addressFamily(host);
    if (!family) throw new GapscopeError('invalid-argument', `${host} is not an IPv4 or IPv6 address.`);
    const socket = createSocket(family === 'ipv4' ? 'udp4' : 'udp6');
    this.socket = socket;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    socket.on('error', (err) => {
      this.errors++;
      this.lastError = err.message;
    });
    socket.bind(0, () => {
      try {
        if (isBroadcast(host)) socket.setBroadcast(true);
        if (isMulticast(host)) {
          if (multicastInterface) socket.setMulticastInterface(multicastInterface);
          if (ttl !== undefined) socket.setMulticastTTL(ttl);
        } else if (ttl !== undefined) socket.setTTL(ttl);
      } catch (err) {
        this.errors++;
        this.lastError = err instanceof Error ? err.message : String(err);
      }
      const addon = batchSender();
      const fd = addon ? socketFd(socket) : null;
      this.batch = addon && fd !== null ? { addon, fd } : null;
      this.t0 = performance.now();
      this.tick();
    });
    return this.finished;
  }

  /** How this run sends (known once started). */
  sendMode(): SendMode {
    return this.batch ? 'batch' : 'single';
  }

  /** Stops sending; resolves with the stats. */
  stop(): Promise<GeneratorStats> {
    if (!this.finished) return Promise.resolve(this.stats());
    this.finish();
    return this.finished;
  }

  /** What has been sent so far. */
  stats(): GeneratorStats {
    const end = this.tEnd || performance.now();
    const elapsedMs = this.t0 ? end - this.t0 : 0;
    const stats: GeneratorStats = { sent: this.sent, bytes: this.bytes, errors: this.errors, lastError: this.lastError, elapsedMs, achievedPps: elapsedMs > 0 ? (this.sent * 1000) / elapsedMs : 0, refused: this.refused };
    const sw = this.options.sweep;
    if (sw) {
      const values = sweepValues(sw.plan);
      const begun = this.queued === 0 ? 0 : this.stepOf(this.queued - 1) + 1;
      stats.steps = values.slice(0, begun).map((value, step) => ({ step, value, firstSequence: this.stepStarts[step]!, sent: this.stepSent[step]! }));
    }
    return stats;
  }

  /** The sweep step of datagram `index` (the last step for the end-of-run datagram). */
  private stepOf(index: number): number {
    let k = this.lastStep;
    if (this.stepStarts[k]! > index) k = 0;
    while (k + 1 < this.stepPlans.length && this.stepStarts[k + 1]! <= index) k++;
    this.lastStep = k;
    return k;
  }

  /** Datagram `index` in the configured format, with the account when pairing. */
  private datagram(index: number, nowUs: number, stoppedEarly = false): Uint8Array {
    const end = stoppedEarly || index === this.lastIndex;
    if (end) this.endSent = true;
    const step = this.options.sweep ? this.stepOf(index) : 0;
    const size = this.options.sweep ? this.stepPlans[step]!.size : this.options.plan.size;
    const account = this.options.account;
    const data = (this.options.payload ?? seqPayload)(index, nowUs, account ? Math.max(size, PAIRED_MIN_SIZE) : size);
    if (account) {
      const sw = this.options.sweep;
      writeAccount(data, { run: account.run, refused: this.refused, step, stepFirstSequence: sw ? this.stepStarts[step]! : 0, sweep: sw ? sw.plan.kind : 'none', stepValue: sw ? sweepValues(sw.plan)[step]! : 0, end });
    }
    return data;
  }

  private tick = (): void => {
    const socket = this.socket;
    if (!socket) return;
    const { plan, durationMs, host, port, sweep } = this.options;
    const elapsed = performance.now() - this.t0;
    const until = durationMs !== undefined ? Math.min(elapsed, durationMs) : elapsed;
    const due = sweep ? sweepDue(plan, sweep.plan, sweep.stepMs, until).due : packetsDue(plan, until);
    const nowUs = (performance.timeOrigin + performance.now()) * 1000;
    if (this.options.timed) {
      const open = plan.pattern.kind !== 'pause' || until % (plan.pattern.onMs + plan.pattern.offMs) < plan.pattern.onMs;
      for (const data of this.options.timed.due(until)) if (open) this.sendOne(socket, data, port, host);
      if (durationMs !== undefined && elapsed >= durationMs) {
        this.finish();
        return;
      }
      this.timer = setTimeout(this.tick, 1);
      return;
    }
    let n = Math.min(due - this.queued, MAX_PER_TICK);
    if (this.batch && n > 0) this.sendBatch(this.batch, n, nowUs, port, host);
    else while (n-- > 0) this.sendOne(socket, this.datagram(this.queued, nowUs), port, host);
    if (durationMs !== undefined && elapsed >= durationMs && this.queued >= due) {
      this.finish();
      return;
    }
    this.timer = setTimeout(this.tick, 1);
  };

  private sendOne(socket: Socket, data: Uint8Array, port: number, host: string): void {
    const step = this.options.sweep ? this.stepOf(this.queued) : 0;
    this.queued++;
    this.inFlight++;
    socket.send(data, port, host, (err) => {
      this.inFlight--;
      if (err) {
        this.errors++;
        this.refused++;
        this.lastError = err.message;
      } else {
        this.sent++;
        this.bytes += data.byteLength;
        if (this.options.sweep) this.stepSent[step]! += 1;
      }
      if (this.closing && this.inFlight === 0) this.closing();
    });
  }

  /**
   * Sends the next n datagrams with sendmmsg, in order, synchronously. A full send buffer (EAGAIN)
   * leaves the rest for the next tick, numbered as they were (the clock's pacing catches up); a
   * datagram the kernel refuses is counted as dgram's callback would count it, and the rest go on.
   */
  private sendBatch(b: { addon: UdpAddon; fd: number }, n: number, nowUs: number, port: number, host: string): void {
    const endBefore = this.endSent;
    const first = this.queued;
    const datagrams: Uint8Array[] = new Array(n);
    for (let i = 0; i < n; i++) datagrams[i] = this.datagram(first + i, nowUs);
    let at = 0;
    while (at < n) {
      const r = b.addon.sendBatch(b.fd, at === 0 ? datagrams : datagrams.slice(at), host, port);
      for (let k = 0; k < r.sent; k++) {
        this.sent++;
        this.bytes += datagrams[at + k]!.byteLength;
        if (this.options.sweep) this.stepSent[this.stepOf(first + at + k)]! += 1;
      }
      at += r.sent;
      if (r.errno === 0 || r.errno === EAGAIN) break;
      // That datagram was refused (as dgram's callback would report it): counted, and the next go on.
      this.errors++;
      this.refused++;
      this.lastError = `send ${errnoNames.get(r.errno) ?? r.errno} ${host}:${port}`;
      at++;
    }
    this.queued = first + at;
    // Only a datagram that left carries the end: one left for the next tick is built again then.
    this.endSent = endBefore || (this.lastIndex !== null && this.queued > this.lastIndex);
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.tEnd) this.tEnd = performance.now();
    const socket = this.socket;
    this.socket = null;
    const done = () => this.resolveFinished?.(this.stats());
    if (!socket) return done();
    // Closing cancels queued sends: wait for the last ones to leave first. A paired run stopped before its planned last datagram then says it ended, with its final counts.
    const close = (): void => {
      if (this.options.account && !this.endSent && this.queued > 0) {
        this.endSent = true;
        this.closing = close;
        this.sendOne(socket, this.datagram(this.queued, (performance.timeOrigin + performance.now()) * 1000, true), this.options.port, this.options.host);
        return;
      }
      this.closing = null;
      socket.close(done);
    };
    if (this.inFlight === 0) close();
    else this.closing = close;
  }
}
