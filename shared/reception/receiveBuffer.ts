/**
 * How big a receive buffer would have held a burst that the kernel partly dropped. A socket's
 * buffer is counted in the kernel's own accounting, not in payload bytes: on Linux each datagram
 * costs its buffer's "truesize" (measured here: a 512-byte datagram takes 1280 bytes, so an 8 KiB
 * buffer holds six), and Linux grants twice the size asked for. Pure.
 */
import { formatBytes } from '../format';

/** Kernel bytes one datagram of `payloadBytes` takes in a receive buffer (Linux: its data rounded up to a power of two with headers and shared info, plus the sk_buff). */
export function datagramCost(payloadBytes: number): number {
  // 64 bytes of link, IP and UDP headers (and alignment), 320 of skb_shared_info, 256 of sk_buff.
  let data = 1;
  while (data < payloadBytes + 64 + 320) data *= 2;
  return data + 256;
}

/** What a burst before a gap was and what the socket had. */
export interface BurstAndBuffer {
  /** Datagrams received between the previous gap and this one, and their payload bytes. */
  packetsBefore: number;
  bytesBefore: number;
  /** Datagrams the kernel dropped in that time. */
  drops: number;
  /** The buffer asked for and what the OS granted (null when unknown). */
  requested: number;
  granted: number | null;
}

/**
 * A buffer size to ask for that would have held the whole burst (received and dropped), as a power
 * of two; null when nothing was dropped. It allows for the grant factor this OS showed (Linux
 * grants twice the request), and is never below twice what was asked (a drop says it was too small).
 */
export function suggestRecvBuffer(b: BurstAndBuffer): number | null {
  if (!(b.drops > 0)) return null;
  const datagrams = b.packetsBefore + b.drops;
  const meanPayload = b.packetsBefore > 0 ? b.bytesBefore / b.packetsBefore : 1472;
  const needed = datagrams * datagramCost(Math.ceil(meanPayload));
  const factor = b.granted !== null && b.requested > 0 && b.granted >= b.requested ? b.granted / b.requested : 1;
  let ask = 4096;
  while (ask * factor < needed || ask < 2 * b.requested) ask *= 2;
  return ask;
}

/** The OS's cap on what a socket may ask for, under the name the OS gives it. */
export interface RecvBufferCap {
  name: 'net.core.rmem_max' | 'kern.ipc.maxsockbuf';
  bytes: number;
}

/** What a socket's receive buffer really is, said once for the tile, the CLI and the report. */
export interface RecvBufferVerdict {
  requested: number;
  /** The size the OS reports for the socket (Linux reports twice what it honoured, for its bookkeeping). */
  reported: number | null;
  /** How much of the request the OS honoured (Linux: the reported size halved); null when unknown. */
  honoured: number | null;
  /** The OS gave less than asked. */
  capped: boolean;
  cap: RecvBufferCap | null;
  /** The command that raises the cap to the request, when capped and the OS has one. */
  raise: string | null;
  /** One sentence for people. */
  text: string;
}

const MIB = 1024 * 1024;
const size = formatBytes;

/**
 * Judges a receive buffer: on Linux SO_RCVBUF is capped at net.core.rmem_max and then doubled, so
 * asking 8 MiB with a 4 MiB cap reads back "8 MiB": honoured is half of that, and the verdict says
 * the cap and how to raise it (issue #13 item 9). macOS refuses sizes over kern.ipc.maxsockbuf;
 * Windows reports what it was asked.
 */
export function judgeRecvBuffer(platform: string, requested: number, reported: number | null, cap: RecvBufferCap | null): RecvBufferVerdict {
  const honoured = reported === null ? null : platform === 'linux' ? Math.floor(reported / 2) : reported;
  const capped = honoured !== null && honoured < requested;
  const raise = !capped || !cap ? null : cap.name === 'net.core.rmem_max' ? `sudo sysctl -w net.core.rmem_max=${requested}` : `sudo sysctl -w kern.ipc.maxsockbuf=${Math.ceil((requested * 1.25) / MIB) * MIB}`;
  let text: string;
  if (honoured === null) text = `Asked for ${size(requested)}; the OS did not say what it gave.`;
  else if (!capped) text = `${size(honoured)} as asked${platform === 'linux' ? ` (Linux reports ${size(reported!)}: it counts its bookkeeping too)` : ''}.`;
  else {
    const why = cap ? `capped by ${cap.name} = ${size(cap.bytes)}` : 'the OS gave less than asked';
    text = `${size(honoured)} of the ${size(requested)} asked: ${why}.${raise ? ` Raise it with: ${raise}` : ''}`;
  }
  return { requested, reported, honoured, capped, cap, raise, text };
}
