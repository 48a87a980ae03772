/**
 * How big a receive buffer would have held a burst that the kernel partly dropped. A socket's
 * buffer is counted in the kernel's own accounting, not in payload bytes: on Linux each datagram
 * costs its buffer's "truesize" (measured here: a 512-byte datagram takes 1280 bytes, so an 8 KiB
 * buffer holds six), and Linux grants twice the size asked for. Pure.
 */

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
