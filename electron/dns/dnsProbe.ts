/**
 * A real DNS query to one server, over UDP (a fresh socket: random source port, random id) and
 * over TCP when the UDP reply is truncated, with a high-resolution round-trip time and an outcome
 * that tells an answer from a timeout, ICMP port/network unreachable, REFUSED and garbage.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import {
  encodeQuery,
  parseQueryType,
  randomQueryId,
  readReply,
  serverAddress,
  socketHost,
  type DecodedReply,
  type DnsServerAddress,
  type QueryType,
} from './dnsMessage';
import type { DnsOutcomeKind, DnsProbeResult } from '../../shared/dns/probeTypes';

export type { DnsOutcomeKind, DnsProbeResult } from '../../shared/dns/probeTypes';


/** What to probe, as the contract's schemas checked it (a server may still be given as text). */
export interface DnsProbeRequest {
  server: string | DnsServerAddress;
  /** Without the final dot, as the schema gives it. */
  name: string;
  /** Default A. */
  type?: string | QueryType;
  /** Total time allowed, UDP and TCP together, ms (default 2000). */
  timeoutMs?: number;
  /** Add an EDNS0 OPT record (default true). */
  edns?: boolean;
  udpPayloadSize?: number;
  dnssecOk?: boolean;
  checkingDisabled?: boolean;
  recursion?: boolean;
  /** Retry over TCP when the UDP reply has TC set (default true). */
  tcpOnTruncation?: boolean;
}

interface Exchange {
  kind: 'reply' | 'timeout' | 'error' | 'malformed';
  reply?: DecodedReply;
  rttMs?: number;
  errno?: string;
  why?: string;
  ignored: number;
  localPort: number | null;
}

const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** One datagram of a probe's UDP exchange as the probe's socket saw it: wall-clock ms, both ends, the bytes. */
export interface ProbeDatagram {
  at: number;
  direction: 'sent' | 'received';
  local: { address: string; port: number };
  server: { address: string; port: number };
  data: Uint8Array;
}

const datagramListeners = new Set<(d: ProbeDatagram) => void>();

/** Every datagram the probes of this process send and receive over UDP, from now on: the hook session recordings use. Returns the function that stops listening. */
export function subscribeProbeDatagrams(listener: (d: ProbeDatagram) => void): () => void {
  datagramListeners.add(listener);
  return () => datagramListeners.delete(listener);
}

/** Tells the listeners about a datagram; costs nothing without listeners, and never after the measurement. */
function tellDatagram(socket: dgram.Socket, server: DnsServerAddress, direction: ProbeDatagram['direction'], data: Uint8Array, at: number): void {
  if (datagramListeners.size === 0) return;
  let local: { address: string; port: number };
  try {
    const a = socket.address();
    local = { address: a.address, port: a.port };
  } catch {
    return; // closed meanwhile
  }
  const d: ProbeDatagram = { at, direction, local, server: { address: server.address, port: server.port }, data };
  for (const l of datagramListeners) {
    try {
      l(d);
    } catch {
      // A listener's failure must not change the probe's outcome.
    }
  }
}

/** Wall-clock ms with sub-millisecond precision. */
const wallNow = (): number => performance.timeOrigin + performance.now();

let warmedUp: Promise<void> | null = null;
const WARM_UP_ROUNDS = 20;

/**
 * Runs Node's UDP send and receive paths once over loopback (127.0.0.1 to itself, nothing leaves the
 * machine) before the first probe of a process: measured in the lab, cold code added 0.5–5 ms to the
 * first probe's round trip while the wire showed 0.3 ms.
 */
export function warmUpUdp(): Promise<void> {
  warmedUp ??= new Promise<void>((resolve) => {
    const a = dgram.createSocket('udp4');
    const done = (): void => {
      clearTimeout(timer);
      a.removeAllListeners('message');
      a.on('error', () => undefined);
      try {
        a.close();
      } catch {
        /* closed */
      }
      resolve();
    };
    const timer = setTimeout(done, 300);
    a.on('error', done);
    let round = 0;
    // 20 rounds: in the lab a fresh CLI process then reported ~0.1 ms less overhead than with 3; with
    // 200, V8's background compiler threads competed with the probe and added milliseconds.
    a.on('message', (msg: Buffer) => {
      readReply(msg, -1);
      if (++round >= WARM_UP_ROUNDS) return done();
      a.send(msg, () => undefined);
    });
    a.bind(0, '127.0.0.1', () => {
      a.connect(a.address().port, '127.0.0.1', (err?: Error) => {
        if (err) return done();
        a.send(Buffer.alloc(12));
      });
    });
  });
  return warmedUp;
}

function udpExchange(server: DnsServerAddress, query: Buffer, id: number, name: string, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    let ignored = 0;
    let localPort: number | null = null;
    let done = false;
    let start = process.hrtime.bigint();
    const socket = dgram.createSocket({ type: server.family === 'ipv6' ? 'udp6' : 'udp4' });
    const finish = (x: Omit<Exchange, 'ignored' | 'localPort'>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('message');
      // Errors after the outcome (a late ICMP) must not become uncaught exceptions.
      socket.on('error', () => undefined);
      try {
        socket.close();
      } catch {
        /* already closed */
      }
      resolve({ ...x, ignored, localPort });
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('error', (e: NodeJS.ErrnoException) => finish({ kind: 'error', errno: e.code ?? 'EUNKNOWN', why: e.message }));
    socket.on('message', (msg) => {
      const rtt = elapsedMs(start);
      tellDatagram(socket, server, 'received', msg, wallNow());
      const v = readReply(msg, id, name);
      if (v.kind === 'other') ignored++;
      else if (v.kind === 'malformed') finish({ kind: 'malformed', why: v.why, rttMs: rtt });
      else finish({ kind: 'reply', reply: v.reply, rttMs: rtt });
    });
    // Port 0: the OS picks a random ephemeral source port. Connecting makes the kernel report
    // ICMP errors (port/host unreachable) on this socket and drop datagrams from other sources.
    socket.bind(0, () => {
      try {
        localPort = socket.address().port;
      } catch {
        /* closed */
      }
      socket.connect(server.port, socketHost(server), (err?: Error) => {
        if (done) return;
        if (err) return finish({ kind: 'error', errno: (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN', why: err.message });
        // The clock starts before send(): Node hands the datagram to the kernel inside it, and on a
        // busy machine the process can be preempted between that system call and send()'s return
        // while the reply is already on its way; starting after send() then hid milliseconds (lab:
        // 0.7 ms reported for 4 ms on the wire). Starting before costs only dgram's own JavaScript.
        start = process.hrtime.bigint();
        const sentAt = datagramListeners.size > 0 ? wallNow() : 0;
        socket.send(query, (e) => {
          if (e) finish({ kind: 'error', errno: (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN', why: e.message });
          else tellDatagram(socket, server, 'sent', query, sentAt);
        });
      });
    });
  });
}

/** Largest DNS message over TCP (a 16-bit length prefix). */
const MAX_TCP_MESSAGE = 65_535;

function tcpExchange(server: DnsServerAddress, query: Buffer, id: number, name: string, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    let done = false;
    let start = process.hrtime.bigint();
    let localPort: number | null = null;
    let buffered = Buffer.alloc(0);
    let ignored = 0;
    const socket = net.connect({ host: socketHost(server), port: server.port });
    const finish = (x: Omit<Exchange, 'ignored' | 'localPort'>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
      resolve({ ...x, ignored, localPort });
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('error', (e: NodeJS.ErrnoException) => finish({ kind: 'error', errno: e.code ?? 'EUNKNOWN', why: e.message }));
    socket.on('connect', () => {
      localPort = socket.localPort ?? null;
      const framed = Buffer.alloc(query.length + 2);
      framed.writeUInt16BE(query.length, 0);
      query.copy(framed, 2);
      start = process.hrtime.bigint();
      socket.write(framed);
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < 2 + len) {
          if (len > MAX_TCP_MESSAGE) return finish({ kind: 'malformed', why: 'TCP length prefix out of range' });
          return;
        }
        const msg = buffered.subarray(2, 2 + len);
        buffered = buffered.subarray(2 + len);
        const rtt = elapsedMs(start);
        const v = readReply(msg, id, name);
        if (v.kind === 'other') ignored++;
        else if (v.kind === 'malformed') return finish({ kind: 'malformed', why: v.why, rttMs: rtt });
        else return finish({ kind: 'reply', reply: v.reply, rttMs: rtt });
      }
    });
    socket.on('end', () => finish({ kind: 'malformed', why: `the server closed the TCP connection without a complete reply (${buffered.length} bytes received)` }));
  });
}

function errnoKind(errno: string): DnsOutcomeKind {
  if (errno === 'ECONNREFUSED') return 'port-unreachable';
  if (errno === 'ENETUNREACH' || errno === 'EHOSTUNREACH' || errno === 'EHOSTDOWN' || errno === 'EADDRNOTAVAIL') return 'network-unreachable';
  return 'socket-error';
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** Sends one real query and reports how it went; never throws for network outcomes. */
export async function probeDns(req: DnsProbeRequest): Promise<DnsProbeResult> {
  const server = serverAddress(req.server);
  const { name } = req;
  const type = typeof req.type === 'object' ? req.type : parseQueryType(req.type ?? 'A');
  const timeoutMs = req.timeoutMs ?? 2000;
  const id = randomQueryId();
  const query = encodeQuery(id, { name, type, edns: req.edns, udpPayloadSize: req.udpPayloadSize, dnssecOk: req.dnssecOk, checkingDisabled: req.checkingDisabled, recursion: req.recursion });
  await warmUpUdp();
  const deadline = Date.now() + timeoutMs;
  const result: DnsProbeResult = {
    server: server.text,
    name,
    type: type.name,
    kind: 'timeout',
    message: '',
    transport: 'udp',
    rttMs: null,
    udpRttMs: null,
    rcode: null,
    flags: null,
    answers: [],
    authorities: [],
    additionals: [],
    edns: null,
    truncated: false,
    ignoredReplies: 0,
    questionEchoed: false,
    queryId: id,
    localPort: null,
    errno: null,
  };
  let x = await udpExchange(server, query, id, name, timeoutMs);
  result.ignoredReplies = x.ignored;
  result.localPort = x.localPort;
  if (x.kind === 'reply' && x.reply?.flags.tc && req.tcpOnTruncation !== false) {
    result.truncated = true;
    result.udpRttMs = x.rttMs ?? null;
    result.transport = 'tcp';
    x = await tcpExchange(server, query, id, name, Math.max(1, deadline - Date.now()));
    result.ignoredReplies += x.ignored;
    result.localPort = x.localPort;
  }
  const via = result.transport.toUpperCase();
  const ignoredNote = result.ignoredReplies > 0 ? ` (${plural(result.ignoredReplies, 'stray datagram')} with another id or name ignored)` : '';
  switch (x.kind) {
    case 'reply': {
      const r = x.reply as DecodedReply;
      Object.assign(result, { rttMs: x.rttMs ?? null, rcode: r.rcode, flags: r.flags, answers: r.answers, authorities: r.authorities, additionals: r.additionals, edns: r.edns });
      result.questionEchoed = r.question !== null && r.question.code === type.code;
      result.kind = r.rcode === 'REFUSED' ? 'refused' : 'answer';
      const ms = (x.rttMs ?? 0).toFixed(2);
      result.message =
        result.kind === 'refused'
          ? `${server.text} refused to answer ${name} ${type.name} (REFUSED in ${ms} ms over ${via}): it does not serve this name or this client.`
          : `${server.text} answered ${r.rcode} with ${plural(r.answers.length, 'record')} in ${ms} ms over ${via}${result.truncated ? ' (the UDP reply was truncated)' : ''}.`;
      break;
    }
    case 'malformed':
      result.kind = 'malformed';
      result.rttMs = x.rttMs ?? null;
      result.message = `${server.text} sent a reply that is not a valid DNS message over ${via}: ${x.why ?? 'unreadable'}.`;
      break;
    case 'timeout':
      result.kind = 'timeout';
      result.message = `No reply from ${server.text} over ${via} within ${timeoutMs} ms${ignoredNote}.`;
      break;
    case 'error': {
      const errno = x.errno ?? 'EUNKNOWN';
      result.errno = errno;
      result.kind = errnoKind(errno);
      result.message =
        result.kind === 'port-unreachable'
          ? result.transport === 'udp'
            ? `${server.text} is reachable but nothing listens on its port ${server.port} (ICMP port unreachable).`
            : `${server.text} refused the TCP connection on port ${server.port}.`
          : result.kind === 'network-unreachable'
            ? `${server.text} cannot be reached from this machine (${errno}: no route, or the host does not answer on the link).`
            : `The query to ${server.text} failed: ${x.why ?? errno}.`;
      break;
    }
  }
  return result;
}
