/**
 * Load mode: queries at a target rate for a duration against one resolver, from a small fixed pool
 * of UDP sockets (random source ports from the OS, a random id per query), with latency percentiles,
 * loss and rcodes — and the process's open file count before and after, to show that nothing leaks.
 */
import * as dgram from 'node:dgram';
import { readdirSync } from 'node:fs';
import { GapscopeError } from '../../shared/errors';
import { encodeQuery, randomQueryId, socketHost, type DnsServerAddress } from './dnsMessage';
import { checkProbeRequest } from './dnsProbe';

/** What to load the server with. */
export interface DnsLoadRequest {
  server: string | DnsServerAddress;
  /** The name asked in every query (default example.com). */
  name?: string;
  type?: string;
  /** Target queries per second (1–200,000). */
  qps: number;
  /** How long to send, seconds (up to 1 hour). */
  durationS: number;
  /** A query without a reply after this long is lost, ms (default 1000). */
  timeoutMs?: number;
  /** UDP sockets in the pool (default 4); each query goes out on the next one. */
  sockets?: number;
  edns?: boolean;
}

/** Latency percentiles of answered queries, ms. */
export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** The outcome of a load run; `sent = answered + lost` once the run has ended. */
export interface DnsLoadResult {
  server: string;
  name: string;
  type: string;
  targetQps: number;
  durationS: number;
  sent: number;
  answered: number;
  lost: number;
  /** Replies that came after their query had been counted lost. */
  late: number;
  /** Datagrams that matched no outstanding query (wrong id, too short). */
  stray: number;
  achievedQps: number;
  answeredQps: number;
  rcodes: Record<string, number>;
  latencyMs: LatencySummary;
  /** Socket errors by code (ECONNREFUSED: ICMP port unreachable…). */
  errors: Record<string, number>;
  sockets: number;
  /** Open file descriptors of this process (Linux /proc/self/fd) before and after the run; null elsewhere. */
  fds: { before: number | null; after: number | null };
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

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

interface PoolSocket {
  socket: dgram.Socket;
  /** id → send time (hrtime ns). */
  outstanding: Map<number, bigint>;
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** Runs the load and resolves with its counts once every query is answered or lost; stops early when `stop` resolves. */
export async function runDnsLoad(req: DnsLoadRequest, stop?: Promise<void>): Promise<DnsLoadResult> {
  const { server, name, type, timeoutMs } = checkProbeRequest({ server: req.server, name: req.name ?? 'example.com', type: req.type, timeoutMs: req.timeoutMs ?? 1000 });
  if (!Number.isFinite(req.qps) || req.qps < 1 || req.qps > 200_000) throw new GapscopeError('invalid-argument', 'The rate must be 1 to 200,000 queries per second.');
  if (!Number.isFinite(req.durationS) || req.durationS <= 0 || req.durationS > 3600) throw new GapscopeError('invalid-argument', 'The duration must be more than 0 and at most 3600 seconds.');
  const poolSize = req.sockets ?? 4;
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 64) throw new GapscopeError('invalid-argument', 'The socket pool must have 1 to 64 sockets.');

  const fdsBefore = openFileCount();
  // One query template; each send patches in its own id (bytes 0–1).
  const template = encodeQuery(0, { name, type, edns: req.edns });
  const timeoutNs = BigInt(Math.round(timeoutMs * 1e6));
  const latencies: number[] = [];
  const rcodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let sent = 0;
  let answered = 0;
  let lost = 0;
  let late = 0;
  let stray = 0;
  // Recently expired ids per socket, to tell a late reply from a stray datagram.
  const expired = new Set<string>();

  const pool: PoolSocket[] = [];
  try {
    for (let i = 0; i < poolSize; i++) {
      const socket = dgram.createSocket({ type: server.family === 'ipv6' ? 'udp6' : 'udp4' });
      const entry: PoolSocket = { socket, outstanding: new Map() };
      socket.on('error', (e: NodeJS.ErrnoException) => bump(errors, e.code ?? 'EUNKNOWN'));
      socket.on('message', (msg: Buffer) => {
        const now = process.hrtime.bigint();
        if (msg.length < 12 || (msg[2]! & 0x80) === 0) {
          stray++;
          return;
        }
        const id = msg.readUInt16BE(0);
        const sentAt = entry.outstanding.get(id);
        if (sentAt === undefined) {
          if (expired.has(`${i}:${id}`)) late++;
          else stray++;
          return;
        }
        entry.outstanding.delete(id);
        answered++;
        latencies.push(Number(now - sentAt) / 1e6);
        const code = msg[3]! & 0x0f;
        bump(rcodes, RCODES[code] ?? `RCODE_${code}`);
      });
      pool.push(entry);
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, () => {
          socket.connect(server.port, socketHost(server), (err?: Error) => {
            socket.removeListener('error', reject);
            if (err) reject(err);
            else resolve();
          });
        });
      });
    }

    const expire = (all: boolean): void => {
      const now = process.hrtime.bigint();
      pool.forEach((p, i) => {
        for (const [id, at] of p.outstanding) {
          if (all || now - at > timeoutNs) {
            p.outstanding.delete(id);
            lost++;
            expired.add(`${i}:${id}`);
          }
        }
      });
      if (expired.size > 200_000) expired.clear();
    };

    const start = process.hrtime.bigint();
    const durationNs = BigInt(Math.round(req.durationS * 1e9));
    let stopped = false;
    void stop?.then(() => {
      stopped = true;
    });
    let next = 0;
    let lastExpire = start;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = process.hrtime.bigint();
        const elapsed = now - start;
        if (stopped || elapsed >= durationNs) return resolve();
        // Send what the target rate owes by now; never more than 1/20 s worth at once after a stall.
        const due = Math.min(Math.floor((Number(elapsed) / 1e9) * req.qps) + 1, sent + Math.max(1, Math.ceil(req.qps / 20)));
        while (sent < due) {
          const index = next;
          const p = pool[index]!;
          next = (next + 1) % pool.length;
          let id = randomQueryId();
          for (let tries = 0; p.outstanding.has(id) && tries < 16; tries++) id = randomQueryId();
          if (p.outstanding.has(id)) break; // 65,536 ids all in flight on this socket: wait for replies
          const query = Buffer.from(template);
          query.writeUInt16BE(id, 0);
          p.outstanding.set(id, process.hrtime.bigint());
          expired.delete(`${index}:${id}`);
          sent++;
          p.socket.send(query, (err) => {
            if (err) bump(errors, (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN');
          });
        }
        if (now - lastExpire > 50_000_000n) {
          expire(false);
          lastExpire = now;
        }
        setTimeout(tick, 1);
      };
      tick();
    });
    const sendEnd = process.hrtime.bigint();
    // Give the last queries their full timeout, then count what is left as lost.
    const waitUntil = Date.now() + timeoutMs;
    while (Date.now() < waitUntil && pool.some((p) => p.outstanding.size > 0)) {
      await new Promise((r) => setTimeout(r, 10));
      expire(false);
    }
    expire(true);
    const elapsedS = Number(sendEnd - start) / 1e9;

    await Promise.all(pool.map((p) => new Promise<void>((r) => p.socket.close(() => r()))));
    pool.length = 0;
    const sorted = Float64Array.from(latencies).sort();
    const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null;
    return {
      server: server.text,
      name,
      type: type.name,
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
      fds: { before: fdsBefore, after: openFileCount() },
    };
  } finally {
    for (const p of pool) {
      try {
        p.socket.close();
      } catch {
        /* already closed */
      }
    }
  }
}
