/**
 * Load mode: queries at a target rate for a duration against one resolver, from a small fixed pool
 * of UDP sockets (random source ports from the OS, a random id per query), with latency percentiles,
 * loss and rcodes — and the process's open file count before and after, to show that nothing leaks.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { randomFillSync } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { encodeQuery, parseQueryType, serverAddress, socketHost, type DnsServerAddress } from './dnsMessage';
import type { DnsLoadProgress, DnsLoadRamp, DnsLoadResult } from '../../shared/dns/probeTypes';
import type { LoadQuery } from '../../shared/dns/queryFile';

/** What to load the server with, as the contract's schema checked it. */
export interface DnsLoadRequest {
  server: string | DnsServerAddress;
  /** The name asked in every query (default example.com). */
  name?: string;
  type?: string;
  /** Target queries per second. */
  qps: number;
  /** How long to send, seconds. */
  durationS: number;
  /** A query without a reply after this long is lost, ms (default 1000). */
  timeoutMs?: number;
  /** UDP sockets in the pool (default 4); each query goes out on the next one. */
  sockets?: number;
  /** At most this many queries in flight (default 200; dnsperf's -q is 100): past the server's capacity the rate adapts instead of collapsing into loss. */
  maxOutstanding?: number;
  edns?: boolean;
  /** Queries to cycle through in order (a query file); replaces name and type. */
  queries?: LoadQuery[];
  /** Like resperf: the rate rises evenly from 0 to qps over the duration; the result has the steps and the highest answered rate. */
  ramp?: boolean;
  /** udp (default), or tcp: one connection per pool slot, queries pipelined on it with their 2-byte length (RFC 7766), as dnsperf -m tcp. */
  transport?: 'udp' | 'tcp';
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** The open sockets of this process (fds that link to "socket:[inode]"), or null where /proc is missing. */
export function openSocketCount(): number | null {
  try {
    let n = 0;
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
      } catch {
        /* closed while reading (e.g. the fd of the listing itself) */
      }
    }
    return n;
  } catch {
    return null;
  }
}

/** The number of open file descriptors of this process, or null where /proc is missing. */
export function openFileCount(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** The value below which `p` percent of the sorted values lie (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? null;
}

const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

// Per socket, indexed by query id: when it was sent (performance.now() ms; 0 = not in flight) and
// whether it was given up as lost (to tell a late reply from a stray datagram). Typed arrays keep the
// per-reply work to a few array reads, so that the receiver keeps up at tens of thousands of replies/s.
interface PoolSocket {
  /** Sends one query (a UDP datagram, or a length-prefixed message on the TCP connection). */
  send: (query: Buffer) => void;
  close: () => Promise<void>;
  /** False once a TCP connection has closed: no more queries go out on it. */
  open: boolean;
  sentAt: Float64Array;
  gaveUp: Uint8Array;
  inFlight: number;
}

/** Query ids from crypto-random bytes, drawn in batches (randomInt per query costs too much at high rates). */
class RandomIds {
  private readonly pool = new Uint16Array(4096);
  private next = this.pool.length;
  take(): number {
    if (this.next >= this.pool.length) {
      randomFillSync(this.pool);
      this.next = 0;
    }
    return this.pool[this.next++]!;
  }
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** Receive buffer asked for each load socket, so that a burst of replies is not dropped by the kernel. */
const LOAD_RECV_BUFFER = 4 * 1024 * 1024;

/** Runs the load and resolves with its counts once every query is answered or lost; stops early when `stop` resolves. */
export async function runDnsLoad(req: DnsLoadRequest, stop?: Promise<void>, onProgress?: (p: Omit<DnsLoadProgress, 'runId'>) => void): Promise<DnsLoadResult> {
  const server = serverAddress(req.server);
  const name = req.name ?? 'example.com';
  const type = parseQueryType(req.type ?? 'A');
  const timeoutMs = req.timeoutMs ?? 1000;
  const poolSize = req.sockets ?? 4;
  const maxOutstanding = req.maxOutstanding ?? 200;

  const queries = req.queries && req.queries.length > 0 ? req.queries : null;
  const first = queries ? { name: queries[0]!.name, type: parseQueryType(queries[0]!.type) } : { name, type };

  const fdsBefore = openFileCount();
  const socketsBefore = openSocketCount();
  // One template per query; each send patches in its own id (bytes 0–1).
  const tcp = req.transport === 'tcp';
  // Over TCP each message goes with its length in front (2 bytes), so the id sits 2 bytes further.
  const idAt = tcp ? 2 : 0;
  const templates = (queries ?? [{ name, type: type.name }]).map((q) => {
    const query = encodeQuery(0, { name: q.name, type: queries ? parseQueryType(q.type) : type, edns: req.edns });
    if (!tcp) return query;
    const framed = Buffer.alloc(query.length + 2);
    framed.writeUInt16BE(query.length, 0);
    query.copy(framed, 2);
    return framed;
  });
  // Query buffers come from a ring of at least 4096, a whole number of passes over the queries, so
  // that the queries go out in file order, over and over, as dnsperf sends them.
  // Over TCP a write may wait in the socket's queue while more are sent, so the ring is at least
  // twice the queries that may be in flight.
  const ringAtLeast = Math.max(4096, tcp ? 2 * maxOutstanding : 0);
  const RING = templates.length >= ringAtLeast ? templates.length : templates.length * Math.ceil(ringAtLeast / templates.length);
  const ring = Array.from({ length: RING }, (_, i) => Buffer.from(templates[i % templates.length]!));
  let ringNext = 0;
  const latencies: number[] = [];
  const rcodeCounts = new Uint32Array(16);
  const errors: Record<string, number> = {};
  const ids = new RandomIds();
  let sent = 0;
  let answered = 0;
  let lost = 0;
  let late = 0;
  let stray = 0;
  let inFlight = 0;
  let heldBack = false;
  // Queries in send order (socket index × 65536 + id, and send time): timeouts expire from the head.
  let queueKey: number[] = [];
  let queueTime: number[] = [];
  let head = 0;
  // Set once a ramp starts (performance.now() ms): replies are counted in the step they arrive in.
  let rampStart = -1;
  let rampStepMs = 1;
  let stepAnswered = new Uint32Array(0);

  const pool: PoolSocket[] = [];
  try {
    // One reply, from a datagram or from a TCP connection's byte stream, matched to its query by id.
    const onReply = (entry: PoolSocket, msg: Buffer): void => {
      const now = performance.now();
      if (msg.length < 12 || (msg[2]! & 0x80) === 0) {
        stray++;
        return;
      }
      const id = (msg[0]! << 8) | msg[1]!;
      const at = entry.sentAt[id]!;
      if (at === 0) {
        if (entry.gaveUp[id]) late++;
        else stray++;
        return;
      }
      entry.sentAt[id] = 0;
      entry.inFlight--;
      inFlight--;
      answered++;
      if (rampStart >= 0) stepAnswered[Math.min(stepAnswered.length - 1, Math.floor((now - rampStart) / rampStepMs))]!++;
      latencies.push(now - at);
      rcodeCounts[msg[3]! & 0x0f]!++;
    };
    for (let i = 0; i < poolSize; i++) pool.push(tcp ? await openTcp(server, onReply, errors) : await openUdp(server, onReply, errors));

    const expire = (all: boolean): void => {
      const cutoff = all ? Infinity : performance.now() - timeoutMs;
      while (head < queueKey.length && queueTime[head]! <= cutoff) {
        const key = queueKey[head]!;
        const p = pool[Math.floor(key / 65536)]!;
        const id = key % 65536;
        if (p.sentAt[id] === queueTime[head]) {
          p.sentAt[id] = 0;
          p.gaveUp[id] = 1;
          p.inFlight--;
          inFlight--;
          lost++;
          if (rampStart >= 0) stepLost[stepOf(queueTime[head]!)]!++;
        }
        head++;
      }
      if (head > 65536 && head * 2 > queueKey.length) {
        queueKey = queueKey.slice(head);
        queueTime = queueTime.slice(head);
        head = 0;
      }
    };

    const start = performance.now();
    const durationMs = req.durationS * 1000;
    // A ramp counts per step: sends and losses by when the query was sent, answers by when they came.
    const stepMs = Math.max(100, Math.min(500, durationMs / 10));
    const steps = req.ramp ? Math.ceil(durationMs / stepMs) : 0;
    const stepSent = new Uint32Array(steps);
    stepAnswered = new Uint32Array(steps + 1);
    const stepLost = new Uint32Array(steps);
    const stepOf = (t: number): number => Math.min(steps - 1, Math.max(0, Math.floor((t - start) / stepMs)));
    if (req.ramp) {
      rampStart = start;
      rampStepMs = stepMs;
    }
    const burst = Math.max(1, Math.ceil(req.qps / 20));
    let stopped = false;
    void stop?.then(() => {
      stopped = true;
    });
    let next = 0;
    let lastExpire = start;
    let lastProgress = start;
    // Sends what the target rate owes by now, in one batch per timer tick; never more than 1/20 s
    // worth at once after a stall. (Sending one query per reply as soon as a slot frees, as dnsperf
    // does, was measured slower here: 54–61k against 66–70k answered/s on loopback, same CPU.)
    const pump = (): void => {
      const elapsed = performance.now() - start;
      if (stopped || elapsed >= durationMs) return;
      // Steady: qps·t queries by t. A ramp's rate rises as qps·t/T, so qps·t²/2T by t.
      const owed = req.ramp ? (req.qps * (elapsed / 1000) ** 2) / (2 * req.durationS) : (elapsed / 1000) * req.qps;
      const due = Math.min(Math.floor(owed) + 1, sent + burst);
      while (sent < due) {
        if (inFlight >= maxOutstanding) {
          heldBack = true;
          break;
        }
        const index = next;
        const p = pool[index]!;
        next = (next + 1) % pool.length;
        if (!p.open) {
          // A closed TCP connection sends nothing more; when every one has closed, the run sends no more.
          if (!pool.some((q) => q.open)) break;
          continue;
        }
        let id = ids.take();
        for (let tries = 0; p.sentAt[id] !== 0 && tries < 16; tries++) id = ids.take();
        if (p.sentAt[id] !== 0) break; // this socket's ids are nearly all in flight: wait for replies
        // Query buffers come from a ring, reused 4096 sends later: the kernel has copied a datagram
        // long before (a connected UDP send completes inside send() unless the socket buffer is full).
        const query = ring[ringNext]!;
        ringNext = ringNext + 1 === RING ? 0 : ringNext + 1;
        query[idAt] = id >> 8;
        query[idAt + 1] = id & 0xff;
        const at = performance.now();
        p.sentAt[id] = at;
        p.gaveUp[id] = 0;
        p.inFlight++;
        inFlight++;
        queueKey.push(index * 65536 + id);
        queueTime.push(at);
        sent++;
        if (steps > 0) stepSent[stepOf(at)]!++;
        p.send(query);
      }
    };
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        const elapsed = now - start;
        if (stopped || elapsed >= durationMs) return resolve();
        pump();
        if (now - lastExpire > 50) {
          expire(false);
          lastExpire = now;
        }
        if (onProgress && now - lastProgress >= 250) {
          lastProgress = now;
          onProgress({ elapsedS: elapsed / 1000, durationS: req.durationS, sent, answered, lost, inFlight });
        }
        setTimeout(tick, 1);
      };
      tick();
    });
    const sendEnd = performance.now();
    // Give the last queries their full timeout, then count what is left as lost.
    const waitUntil = Date.now() + timeoutMs;
    while (Date.now() < waitUntil && pool.some((p) => p.inFlight > 0)) {
      await new Promise((r) => setTimeout(r, 10));
      expire(false);
    }
    expire(true);
    const elapsedS = (sendEnd - start) / 1000;
    const rcodes: Record<string, number> = {};
    rcodeCounts.forEach((n, code) => {
      if (n > 0) rcodes[RCODES[code] ?? `RCODE_${code}`] = n;
    });

    await Promise.all(pool.map((p) => p.close()));
    pool.length = 0;
    const sorted = Float64Array.from(latencies).sort();
    const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null;
    return {
      server: server.text,
      name: first.name,
      type: first.type.name,
      targetQps: req.qps,
      durationS: Math.round(elapsedS * 1000) / 1000,
      sent,
      answered,
      lost,
      late,
      stray,
      achievedQps: Math.round(sent / elapsedS),
      answeredQps: Math.round(answered / elapsedS),
      rcodes,
      latencyMs: { p50: round3(percentile(sorted, 50)), p90: round3(percentile(sorted, 90)), p99: round3(percentile(sorted, 99)), max: round3(percentile(sorted, 100)), mean: round3(mean) },
      errors,
      sockets: poolSize,
      maxOutstanding,
      heldBack,
      fds: { before: fdsBefore, after: openFileCount(), socketsBefore, socketsAfter: openSocketCount() },
      transport: tcp ? 'tcp' : 'udp',
      queries: templates.length,
      ramp: req.ramp ? rampResult(req.qps, req.durationS, stepMs, stepSent, stepAnswered, stepLost) : null,
    };
  } finally {
    await Promise.all(pool.map((p) => p.close().catch(() => undefined)));
  }
}

type OnReply = (entry: PoolSocket, msg: Buffer) => void;

/** A connected UDP socket of the pool, with a large receive buffer. */
async function openUdp(server: DnsServerAddress, onReply: OnReply, errors: Record<string, number>): Promise<PoolSocket> {
  const socket = dgram.createSocket({ type: server.family === 'ipv6' ? 'udp6' : 'udp4' });
  let closed = false;
  const entry: PoolSocket = {
    send: (q) => socket.send(q),
    close: () =>
      new Promise<void>((r) => {
        if (closed) return r();
        closed = true;
        socket.close(() => r());
      }),
    open: true,
    sentAt: new Float64Array(65536),
    gaveUp: new Uint8Array(65536),
    inFlight: 0,
  };
  // Without a send callback, send errors arrive here too.
  socket.on('error', (e: NodeJS.ErrnoException) => bump(errors, e.code ?? 'EUNKNOWN'));
  socket.on('message', (msg: Buffer) => onReply(entry, msg));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => {
      try {
        socket.setRecvBufferSize(LOAD_RECV_BUFFER);
      } catch {
        /* the OS caps it; the default still works */
      }
      socket.connect(server.port, socketHost(server), (err?: Error) => {
        socket.removeListener('error', reject);
        if (err) reject(err);
        else resolve();
      });
    });
  });
  return entry;
}

/**
 * A TCP connection of the pool: queries pipelined with their length in front, replies cut out of the
 * byte stream by theirs. A server may close a connection (dnsmasq after 100 queries, others when
 * idle): a new one takes its place, as dnsperf reconnects, and the queries the old one still had in
 * flight expire as lost.
 */
async function openTcp(server: DnsServerAddress, onReply: OnReply, errors: Record<string, number>): Promise<PoolSocket> {
  let closing = false;
  const entry: PoolSocket = {
    send: (q) => void socket.write(q),
    close: () =>
      new Promise<void>((r) => {
        closing = true;
        entry.open = false;
        if (socket.destroyed) return r();
        socket.once('close', () => r());
        socket.destroy();
      }),
    open: true,
    sentAt: new Float64Array(65536),
    gaveUp: new Uint8Array(65536),
    inFlight: 0,
  };
  const connect = (): net.Socket => {
    const s = net.connect({ host: socketHost(server), port: server.port, noDelay: true });
    let rest: Buffer | null = null;
    s.on('data', (chunk: Buffer) => {
      const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = null;
      let at = 0;
      while (buf.length - at >= 2) {
        const len = buf.readUInt16BE(at);
        if (buf.length - at - 2 < len) break;
        onReply(entry, buf.subarray(at + 2, at + 2 + len));
        at += 2 + len;
      }
      if (at < buf.length) rest = buf.subarray(at);
    });
    s.on('error', (e: NodeJS.ErrnoException) => bump(errors, e.code ?? 'EUNKNOWN'));
    s.on('close', () => {
      if (closing || s !== socket) return;
      bump(errors, 'server-closed');
      // Writes to the new connection wait in its queue until it is open.
      socket = connect();
    });
    return s;
  };
  let socket = connect();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve();
    });
    socket.once('error', reject);
  });
  return entry;
}

/** A ramp's steps as rates, and the step with the highest answered rate (resperf's "maximum throughput"). */
function rampResult(qps: number, durationS: number, stepMs: number, sent: Uint32Array, answered: Uint32Array, lost: Uint32Array): DnsLoadRamp {
  const perS = 1000 / stepMs;
  const steps = Array.from(sent, (n, i) => ({
    atS: Math.round(Math.min(durationS * 1000, (i + 1) * stepMs)) / 1000,
    targetQps: Math.round((qps * ((i + 0.5) * stepMs)) / (durationS * 1000)),
    sentQps: Math.round(n * perS),
    answeredQps: Math.round(answered[i]! * perS),
    lost: lost[i]!,
  }));
  // The last step may be short, and the replies after the end are not a step's: the full steps decide.
  const full = steps.filter((s, i) => (i + 1) * stepMs <= durationS * 1000 + 1e-6);
  let best = full[0] ?? steps[0]!;
  for (const s of full) if (s.answeredQps > best.answeredQps) best = s;
  const i = steps.indexOf(best);
  return { stepS: stepMs / 1000, steps, maxAnsweredQps: best.answeredQps, atTargetQps: best.targetQps, lostPctAtMax: sent[i]! > 0 ? Math.round((lost[i]! / sent[i]!) * 10000) / 100 : 0 };
}
