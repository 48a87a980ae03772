/**
 * A UDP sender the user controls, to reproduce a field problem between two machines: a steady
 * rate or a pattern (bursts, pauses, a cut after N bytes), paced against the clock so that the
 * average stays on target even when the event loop is late.
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { addressFamily, isBroadcast, isMulticast } from '../../shared/net/address';
import { packetsDue, type SendPlan } from '../../shared/generator/sendSchedule';
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
}

/** Most packets sent in one tick; a late loop catches up over several ticks instead of flooding. */
const MAX_PER_TICK = 2000;

/** Sends a planned stream of datagrams. */
export class TrafficGenerator {
  private socket: Socket | null = null;
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

  constructor(private readonly options: GeneratorOptions) {}

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
      this.t0 = performance.now();
      this.tick();
    });
    return this.finished;
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
    return { sent: this.sent, bytes: this.bytes, errors: this.errors, lastError: this.lastError, elapsedMs, achievedPps: elapsedMs > 0 ? (this.sent * 1000) / elapsedMs : 0 };
  }

  private tick = (): void => {
    const socket = this.socket;
    if (!socket) return;
    const { plan, durationMs, host, port } = this.options;
    const payload = this.options.payload ?? seqPayload;
    const elapsed = performance.now() - this.t0;
    const until = durationMs !== undefined ? Math.min(elapsed, durationMs) : elapsed;
    const due = packetsDue(plan, until);
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
    while (n-- > 0) this.sendOne(socket, payload(this.queued, nowUs, plan.size), port, host);
    if (durationMs !== undefined && elapsed >= durationMs && this.queued >= due) {
      this.finish();
      return;
    }
    this.timer = setTimeout(this.tick, 1);
  };

  private sendOne(socket: Socket, data: Uint8Array, port: number, host: string): void {
    this.queued++;
    this.inFlight++;
    socket.send(data, port, host, (err) => {
      this.inFlight--;
      if (err) {
        this.errors++;
        this.lastError = err.message;
      } else {
        this.sent++;
        this.bytes += data.byteLength;
      }
      if (this.closing && this.inFlight === 0) this.closing();
    });
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.tEnd) this.tEnd = performance.now();
    const socket = this.socket;
    this.socket = null;
    const done = () => this.resolveFinished?.(this.stats());
    if (!socket) return done();
    // Closing cancels queued sends: wait for the last ones to leave first.
    const close = () => {
      this.closing = null;
      socket.close(done);
    };
    if (this.inFlight === 0) close();
    else this.closing = close;
  }
}
