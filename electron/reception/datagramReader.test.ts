// Real sockets on loopback only (../shared/docs/lab.md): the same datagrams read both ways give the same stream.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ReceptionMonitor } from '../../shared/reception/receptionMonitor';
import { waitUntil } from '../../lab/waitUntil';
import { batchReceiveProblem, readInBatches, readOneByOne, type DatagramReader, type OnDatagram } from './datagramReader';

const sockets: Socket[] = [];
const readers: DatagramReader[] = [];
afterEach(async () => {
  for (const r of readers.splice(0)) await r.close();
  for (const s of sockets.splice(0)) s.close();
});

async function bound(type: 'udp4' | 'udp6', address: string): Promise<Socket> {
  const s = createSocket(type);
  sockets.push(s);
  await new Promise<void>((r) => s.bind(0, address, () => r()));
  s.setRecvBufferSize(4 * 1024 * 1024);
  return s;
}

/** The kernel's drop count for the IPv4 socket bound to `port` (/proc/net/udp's last column). */
function kernelDrops(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const line = readFileSync('/proc/net/udp', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[1]?.endsWith(hex.trim()));
  return Number(line?.trim().split(/\s+/).at(-1) ?? NaN);
}

/** What a reader handed on: every datagram's payload, sender, and a monitor fed with them (time-based gaps). */
function collector(gapMs: number) {
  const monitor = new ReceptionMonitor({ binMs: 100, gapMs, decode: 'auto' });
  const seen: string[] = [];
  let first: number | null = null;
  const onDatagram: OnDatagram = (at, msg, address, port, ipv6) => {
    first ??= at;
    seen.push(`${ipv6 ? `[${address}]` : address}:${port} ${msg.toString('hex')}`);
    monitor.onPacket(at - first, msg, ipv6 ? `[${address}]:${port}` : `${address}:${port}`);
  };
  return { monitor, seen, onDatagram };
}

/** Datagram i: a 32-bit sequence number, then i % 300 bytes of a pattern (sizes 4 to 303, some empty of payload). */
function datagram(i: number): Buffer {
  const b = Buffer.alloc(4 + (i % 300));
  b.writeUInt32BE(i, 0);
  for (let k = 4; k < b.length; k++) b[k] = (i + k) & 0xff;
  return b;
}

function sendAll(from: Socket, to: { port: number; address: string }[], ids: number[]): Promise<void> {
  let pending = ids.length * to.length;
  return new Promise((resolve, reject) => {
    if (pending === 0) resolve();
    for (const i of ids) for (const t of to) from.send(datagram(i), t.port, t.address, (e) => (e ? reject(e) : --pending === 0 && resolve()));
  });
}

describe.runIf(process.platform === 'linux')('batch receive (recvmmsg) against dgram', () => {
  it('is built on Linux', () => {
    expect(batchReceiveProblem()).toBe('');
  });

  it('hands on the same datagrams, senders, counts and gaps as dgram', async () => {
    const GAP_MS = 1000;
    const single = await bound('udp4', '127.0.0.1');
    const batched = await bound('udp4', '127.0.0.1');
    const a = collector(GAP_MS);
    const b = collector(GAP_MS);
    readers.push(readOneByOne(single, a.onDatagram));
    const r = readInBatches(batched, b.onDatagram, (errno) => {
      throw new Error(`errno ${errno}`);
    });
    expect(r?.mode).toBe('batch');
    readers.push(r!);
    const sender = await bound('udp4', '127.0.0.1');
    const to = [single.address(), batched.address()];
    // Two bursts with a silence of 2.5 gap thresholds between them, and sequence numbers 1000-1099 never sent.
    const first = Array.from({ length: 1000 }, (_, i) => i);
    const second = Array.from({ length: 900 }, (_, i) => 1100 + i);
    await sendAll(sender, to, first);
    await waitUntil(() => a.seen.length === first.length && b.seen.length === first.length, 'the first burst read both ways', 10_000);
    await new Promise((res) => setTimeout(res, GAP_MS * 2.5));
    await sendAll(sender, to, second);
    await waitUntil(() => a.seen.length === 1900 && b.seen.length === 1900, 'both bursts read both ways', 10_000);
    await r!.close();

    expect(b.seen).toEqual(a.seen);
    const [sa, sb] = [a.monitor.snapshot(10_000), b.monitor.snapshot(10_000)];
    expect(sb.totals.packets).toBe(1900);
    expect(sb.totals.bytes).toBe(sa.totals.bytes);
    expect(sa.gaps).toHaveLength(1);
    expect(sb.gaps).toHaveLength(1);
    expect(sb.gaps[0]!.durationMs).toBeGreaterThan(GAP_MS);
    expect(sb.loss).toEqual(sa.loss);
  });

  it('names IPv6 senders as dgram does', async () => {
    const single = await bound('udp6', '::1');
    const batched = await bound('udp6', '::1');
    const a = collector(1000);
    const b = collector(1000);
    readers.push(readOneByOne(single, a.onDatagram));
    readers.push(readInBatches(batched, b.onDatagram, () => undefined)!);
    const sender = await bound('udp6', '::1');
    await sendAll(sender, [single.address(), batched.address()], [1, 2, 3]);
    await waitUntil(() => a.seen.length === 3 && b.seen.length === 3, 'the IPv6 datagrams read both ways', 10_000);
    expect(b.seen).toEqual(a.seen);
    expect(b.seen[0]).toMatch(/^\[::1\]:\d+ /);
  });

  it('lets the event loop turn between two batches (a recording writes, deltas go out), whatever the burst', async () => {
    const s = await bound('udp4', '127.0.0.1');
    let sinceTurn = 0;
    let most = 0;
    let total = 0;
    const r = readInBatches(s, () => {
      sinceTurn++;
      total++;
      most = Math.max(most, sinceTurn);
    }, () => undefined)!;
    readers.push(r);
    // One setImmediate per turn of the loop: datagrams handed on between two of them came in one batch.
    let turning = true;
    const turn = (): void => {
      sinceTurn = 0;
      if (turning) setImmediate(turn);
    };
    setImmediate(turn);
    const sender = await bound('udp4', '127.0.0.1');
    const ids = Array.from({ length: 20_000 }, (_, i) => i % 1000);
    await sendAll(sender, [s.address()], ids);
    // Every datagram was either read or dropped by the kernel (a full receive buffer).
    await waitUntil(() => total + kernelDrops(s.address().port) === ids.length, 'the burst read or dropped', 20_000);
    turning = false;
    // A batch is at most 1,024 datagrams plus one recvmmsg call's 64.
    expect(total).toBeGreaterThan(2000);
    expect(most).toBeLessThanOrEqual(1024 + 64);
  });

  it('stops reading on close and leaves the socket to its owner', async () => {
    const s = await bound('udp4', '127.0.0.1');
    const b = collector(1000);
    const r = readInBatches(s, b.onDatagram, () => undefined)!;
    const sender = await bound('udp4', '127.0.0.1');
    await sendAll(sender, [s.address()], [1]);
    await waitUntil(() => b.seen.length === 1, 'datagram 1', 10_000);
    await r.close();
    await sendAll(sender, [s.address()], [2]);
    // The socket is still open (Node owns it) and the closed reader takes nothing more: a new reader gets datagram 2.
    const again = collector(1000);
    readers.push(readInBatches(s, again.onDatagram, () => undefined)!);
    await waitUntil(() => again.seen.length === 1, 'datagram 2 by the new reader', 10_000);
    expect(again.seen[0]).toMatch(/ 00000002/);
    expect(b.seen).toHaveLength(1);
  });
});
