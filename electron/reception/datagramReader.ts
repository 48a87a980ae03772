/**
 * How the receiver reads its socket: through Node's dgram, one datagram per callback, or (Linux,
 * when the addon in native/recv-batch was built at install) with recvmmsg, many datagrams per
 * system call and one JavaScript call per batch. Either way each datagram reaches the same
 * `OnDatagram`, so that both give the same counts and gaps.
 */
import type { Socket } from 'node:dgram';
import { endianness, networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import { socketFd, udpAddon, udpAddonProblem } from '../native/udpAddon';

/** One datagram, stamped in ms on the performance.now() clock, with its sender. */
export type OnDatagram = (atPerfMs: number, msg: Buffer, address: string, port: number, ipv6: boolean) => void;

/** A socket being read, either way. */
export interface DatagramReader {
  readonly mode: ReceiveMode;
  /** Stops reading; resolves once every datagram already read has reached OnDatagram. The socket stays open. */
  close(): Promise<void>;
}

/** 'batch' is recvmmsg through the addon, 'single' Node's own dgram reading. */
export type ReceiveMode = 'batch' | 'single';

/** Why batch receive is unavailable here ('' when it is available). */
export function batchReceiveProblem(): string {
  return udpAddonProblem();
}

/** Reads through Node's dgram 'message' events. */
export function readOneByOne(sock: Socket, onDatagram: OnDatagram): DatagramReader {
  const listener = (msg: Buffer, rinfo: { address: string; port: number; family: string }): void => {
    onDatagram(performance.now(), msg, rinfo.address, rinfo.port, rinfo.family === 'IPv6');
  };
  sock.on('message', listener);
  return {
    mode: 'single',
    close: () => {
      sock.off('message', listener);
      return Promise.resolve();
    },
  };
}

/** The dgram handle's own reading, stopped so that only the addon reads the socket. */
function stopNodeReading(sock: Socket): boolean {
  for (const key of Object.getOwnPropertySymbols(sock)) {
    const state = (sock as unknown as Record<symbol, unknown>)[key] as { handle?: { recvStop?: () => number } } | null;
    const handle = state && typeof state === 'object' ? state.handle : undefined;
    if (handle && typeof handle.recvStop === 'function') return handle.recvStop() === 0;
  }
  return false;
}

/** Formats a source as dgram's rinfo does: dotted IPv4, or IPv6 as Node prints it. */
function sourceAddress(sources: Uint8Array, at: number): string {
  if (sources[at] === 4) return `${sources[at + 4]}.${sources[at + 5]}.${sources[at + 6]}.${sources[at + 7]}`;
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(((sources[at + 4 + 2 * i]! << 8) | sources[at + 5 + 2 * i]!).toString(16));
  // Node prints IPv6 compressed (the longest run of zero groups as ::), as inet_ntop does.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  // An IPv4-mapped address prints its last 32 bits dotted (::ffff:1.2.3.4), as Node does.
  if (best === 0 && bestLen === 5 && groups[5] === 'ffff') return `::ffff:${sources[at + 16]}.${sources[at + 17]}.${sources[at + 18]}.${sources[at + 19]}`;
  const text = best < 0 ? groups.join(':') : `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  // A link-local sender carries its interface, named as Node names it (fe80::1%eth0).
  const scope = new DataView(sources.buffer, sources.byteOffset + at + 20, 4).getUint32(0, endianness() === 'LE');
  return scope === 0 ? text : `${text}%${interfaceOfScope(scope)}`;
}

/** The interface name of an IPv6 scope id, or the number when no interface has it. */
function interfaceOfScope(scope: number): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) if (addrs?.some((a) => a.family === 'IPv6' && a.scopeid === scope)) return name;
  return String(scope);
}

/**
 * Reads the bound socket with recvmmsg on the addon's thread; null when the addon is unavailable
 * or the socket's descriptor cannot be had (then read it one by one). `onError` gets errno values.
 */
export function readInBatches(sock: Socket, onDatagram: OnDatagram, onError: (errno: number) => void): DatagramReader | null {
  const lib = udpAddon();
  const fd = socketFd(sock);
  if (!lib || fd === null) return null;
  if (!stopNodeReading(sock)) return null;
  // The addon stamps with CLOCK_MONOTONIC, as libuv's hrtime under performance.now() does; the offset is taken once.
  const offset = performance.now() - lib.nowMs();
  // Strings for the few senders a stream has, made once: 24 bytes of family, port, address and scope -> text.
  const names = new Map<string, string>();
  let closing: Promise<void> | null = null;
  // The next batch is asked for after a turn of the event loop, so that disk writes (a recording)
  // and timers (deltas) run between two batches; never once close() was called (the reader is freed).
  const ack = (): void => {
    if (!closing) handle.ack();
  };
  const handle = lib.open(fd, (data, stamps, lengths, sources, count, errno) => {
    let off = 0;
    for (let i = 0; i < count; i++) {
      const len = lengths[i]!;
      const s = i * 24;
      const port = (sources[s + 2]! << 8) | sources[s + 3]!;
      const ipv6 = sources[s] === 6;
      const key = ipv6 ? String.fromCharCode(...sources.subarray(s, s + 24)) : `${sources[s + 4]}.${sources[s + 5]}.${sources[s + 6]}.${sources[s + 7]}`;
      let address = names.get(key);
      if (address === undefined) {
        address = ipv6 ? sourceAddress(sources, s) : key;
        if (names.size < 4096) names.set(key, address);
      }
      onDatagram(stamps[i]! + offset, data.subarray(off, off + len), address, port, ipv6);
      off += len;
    }
    if (errno) onError(errno);
    else setImmediate(ack);
  });
  return {
    mode: 'batch',
    close: () => (closing ??= new Promise<void>((resolve) => handle.close(resolve))),
  };
}
