// Real sockets on loopback only: what the generator sends is what a receiver gets.
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort } from '../testing/builtWorker';
import { Gdl90StreamDecoder } from '../../shared/decoders/gdl90';
import { Gdl90Scenario } from '../../shared/generator/gdl90Scenario';
import { readAccount, type SenderAccount } from '../../shared/generator/pairing';
import { PairingLedger } from '../../shared/reception/pairing';
import { seqPayload, TrafficGenerator, type SendMode } from './trafficGenerator';
import { udpAddonProblem } from '../native/udpAddon';
import { loopbackDrops } from '../../lab/loopbackDrops';
import { waitUntil } from '../../lab/waitUntil';

interface Received {
  /** Sequence numbers in arrival order. */
  seqs: bigint[];
  /** Send time written in each datagram (ms, the sender's performance clock shifted to the epoch), in arrival order. */
  sentAtMs: number[];
  /** Datagrams the kernel dropped in this socket's full buffer while a busy machine held the reader back. */
  drops: number;
}

/**
 * Receives on loopback while `run` sends, then until every datagram `run` reports sent has
 * arrived or been counted as dropped by the kernel (loopback drops when the reader is late).
 */
async function receive(port: number, run: () => Promise<{ sent: number }>): Promise<Received> {
  const sock = createSocket('udp4');
  const seqs: bigint[] = [];
  const sentAtMs: number[] = [];
  sock.on('message', (m) => {
    seqs.push(m.readBigUInt64BE(0));
    sentAtMs.push(Number(m.readBigUInt64BE(8)) / 1000);
  });
  await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()));
  sock.setRecvBufferSize(4 << 20);
  const drops = () => loopbackDrops(port) ?? 0;
  try {
    const { sent } = await run();
    await waitUntil(() => seqs.length + drops() >= sent, `${sent} datagrams received or dropped`, 30_000);
    return { seqs, sentAtMs, drops: drops() };
  } finally {
    sock.close();
  }
}

/** Every datagram arrived at most once, numbered below `sent`, and what did not arrive the kernel dropped. */
function expectAccountedFor(r: Received, sent: number): void {
  const numbers = r.seqs.map(Number);
  expect(new Set(numbers).size).toBe(numbers.length);
  expect(numbers.every((n) => Number.isInteger(n) && n >= 0 && n < sent)).toBe(true);
  expect(numbers.length + r.drops).toBe(sent);
}

// Both ways of sending, sendmmsg through the addon (where it was built) and one dgram send each, give the same results.
describe.each(['batch', 'single'] satisfies SendMode[])('TrafficGenerator on loopback, sending %s', (mode) => {
  const before = process.env.GAPSCOPE_SEND;
  beforeAll(() => {
    process.env.GAPSCOPE_SEND = mode;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.GAPSCOPE_SEND;
    else process.env.GAPSCOPE_SEND = before;
  });

  it('sends the way asked: in batches wherever the addon is built (the lab checks it is, on Linux)', async () => {
    const port = await freeUdpPort();
    const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 50, plan: { packetsPerSec: 1000, size: 64, pattern: { kind: 'steady' } } });
    const run = gen.start();
    await waitUntil(() => gen.stats().sent > 0, 'the first datagrams');
    expect(gen.sendMode()).toBe(mode === 'batch' && udpAddonProblem() === '' ? 'batch' : 'single');
    await run;
  });

  it('counts a datagram the kernel refuses (too large) as refused, and sends the others, in order', async () => {
    const port = await freeUdpPort();
    const huge = new Uint8Array(70_000);
    const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 200, plan: { packetsPerSec: 1000, size: 64, pattern: { kind: 'steady' } }, payload: (i, us, size) => (i % 10 === 3 ? huge : seqPayload(i, us, size)) });
    let stats!: Awaited<ReturnType<TrafficGenerator['start']>>;
    const got = await receive(port, async () => (stats = await gen.start()));
    expect(stats.refused).toBe(20);
    expect(stats.errors).toBe(20);
    expect(stats.sent).toBe(180);
    expect(stats.lastError).toMatch(new RegExp(`^send EMSGSIZE 127\\.0\\.0\\.1:${port}$`));
    const numbers = got.seqs.map(Number);
    expect(numbers.every((n) => n % 10 !== 3)).toBe(true);
    expect(numbers.length + got.drops).toBe(180);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('sends exactly rate × duration datagrams, numbered from 0, over the duration', async () => {
    const port = await freeUdpPort();
    const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 500, plan: { packetsPerSec: 2000, size: 100, pattern: { kind: 'steady' } } });
    let stats!: Awaited<ReturnType<TrafficGenerator['start']>>;
    const got = await receive(port, async () => (stats = await gen.start()));
    expect(stats.sent).toBe(1000);
    expect(stats.bytes).toBe(100_000);
    expect(stats.errors).toBe(0);
    expect(stats.elapsedMs).toBeGreaterThanOrEqual(500);
    // Numbered 0..999 once each; loopback may drop some when the machine is busy, and the kernel counts those.
    expectAccountedFor(got, 1000);
  });

  it('to a port nobody listens on, sends every datagram and counts no error: the receiver\u2019s "port unreachable" replies cost an unconnected socket nothing', async () => {
    const port = await freeUdpPort();
    const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 300, plan: { packetsPerSec: 1000, size: 64, pattern: { kind: 'steady' } } });
    const stats = await gen.start();
    expect(stats.sent).toBe(300);
    expect(stats.errors).toBe(0);
    expect(stats.lastError).toBeNull();
  });

  it('reproduces "stops after every N bytes" with the pause between', async () => {
    const port = await freeUdpPort();
    // 10 KiB of 512-byte datagrams = 20 datagrams in 20 ms at 1000/s, then 200 ms of nothing.
    const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 650, plan: { packetsPerSec: 1000, size: 512, pattern: { kind: 'cut-after', bytes: 10240, pauseMs: 200 } } });
    // Before start(): the generator's own start is later, so "due after this" is never too strict.
    const beforeStartMs = performance.timeOrigin + performance.now();
    let stats!: Awaited<ReturnType<TrafficGenerator['start']>>;
    const got = await receive(port, async () => (stats = await gen.start()));
    // Runs start at 0, 220 and 440 ms: three runs of 20 datagrams.
    expect(stats.sent).toBe(60);
    expectAccountedFor(got, 60);
    // No datagram leaves before its run's pause has passed: datagram i of run k is due
    // k × 220 + (i + 1) ms after the start. A late event loop sends late (and then catches up), never early.
    const dueMs = (seq: number) => Math.floor(seq / 20) * 220 + (seq % 20) + 1;
    const early = got.seqs.map(Number).filter((seq, i) => got.sentAtMs[i]! - beforeStartMs < dueMs(seq) - 0.01);
    expect(early).toEqual([]);
    // Each later run's first datagram that arrived was sent at least the pause after the start of the previous run.
    for (const first of [20, 40]) {
      const i = got.seqs.findIndex((q) => Number(q) >= first && Number(q) < first + 20);
      if (i >= 0) expect(got.sentAtMs[i]! - beforeStartMs).toBeGreaterThanOrEqual(first / 20 * 220);
    }
  });

  it('stops on demand and reports what it sent', async () => {
    const port = await freeUdpPort();
    const gen = new TrafficGenerator({ host: '127.0.0.1', port, plan: { packetsPerSec: 1000, size: 64, pattern: { kind: 'steady' } } });
    let stopped!: Awaited<ReturnType<TrafficGenerator['stop']>>;
    const got = await receive(port, async () => {
      const done = gen.start();
      // Stop once it is visibly sending, however long a busy machine takes to get there.
      await waitUntil(() => gen.stats().sent >= 100, '100 datagrams sent', 30_000);
      stopped = await gen.stop();
      expect(await done).toEqual(stopped);
      return stopped;
    });
    expect(stopped.sent).toBeGreaterThanOrEqual(100);
    expect(stopped.errors).toBe(0);
    // After stop nothing more is sent: 50 ticks' worth of waiting later the counts have not moved.
    // (Waiting for an absence: a busy machine only makes the window longer.)
    await new Promise((r) => setTimeout(r, 50));
    expect(gen.stats()).toEqual(stopped);
    expectAccountedFor(got, stopped.sent);
  });

  it('writes its own sequence and send-time format', () => {
    const p = seqPayload(258, 1_700_000_000_000_000, 20);
    expect(Array.from(p.slice(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
    expect(new DataView(p.buffer).getBigUint64(8)).toBe(1_700_000_000_000_000n);
    expect(p).toHaveLength(20);
  });

  it('sends a GDL90 receiver\u2019s stream on its own timing, every frame with a good CRC', async () => {
    const port = await freeUdpPort();
    const sock = createSocket('udp4');
    const dec = new Gdl90StreamDecoder();
    let datagrams = 0;
    sock.on('message', (m) => {
      datagrams++;
      dec.onPayload(new Uint8Array(m), performance.now());
    });
    await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()));
    try {
      const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 2100, plan: { packetsPerSec: 1, size: 0, pattern: { kind: 'steady' } }, timed: new Gdl90Scenario({ startUtcMs: Date.now() }) });
      sock.setRecvBufferSize(4 << 20);
      const stats = await gen.start();
      // Seconds 0, 1 and 2: 3 × (heartbeat, ID, ownship, geo altitude, 3 traffic) and AHRS at 0, 200, ..., 2000 ms.
      expect(stats.sent).toBe(3 * 7 + 11);
      // 32 small datagrams over 2 s fit any receive buffer: every one arrives, however late.
      await waitUntil(() => datagrams >= stats.sent, `${stats.sent} GDL90 datagrams`, 30_000);
      expect(datagrams).toBe(stats.sent);
      expect(loopbackDrops(port)).toBe(0);
    } finally {
      sock.close();
    }
    const s = dec.stats();
    expect(s.crcErrors).toBe(0);
    expect(s.received).toBe(3);
    expect(s.lost).toBe(0);
  });

  it('writes its account into each datagram when pairing, and marks the last one', async () => {
    const port = await freeUdpPort();
    const accounts: SenderAccount[] = [];
    const ledger = new PairingLedger();
    const sock = createSocket('udp4');
    sock.on('message', (m) => {
      const a = readAccount(new Uint8Array(m));
      if (typeof a !== 'string') accounts.push(a);
      ledger.onPacket(performance.now(), new Uint8Array(m));
    });
    await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()));
    sock.setRecvBufferSize(4 << 20);
    try {
      const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 300, plan: { packetsPerSec: 1000, size: 64, pattern: { kind: 'steady' } }, account: { run: 0xabcdef01 } });
      const stats = await gen.start();
      expect(stats.sent).toBe(300);
      await waitUntil(() => accounts.length + (loopbackDrops(port) ?? 0) >= 300, '300 datagrams received or dropped', 30_000);
      const drops = loopbackDrops(port) ?? 0;
      expect(accounts.length + drops).toBe(300);
      expect(accounts.every((a) => a.run === 0xabcdef01 && a.refused === 0 && a.sweep === 'none')).toBe(true);
      // Only the run's last datagram says it is the end.
      expect(accounts.filter((a) => a.end).map((a) => a.sequence)).toEqual(drops ? expect.any(Array) : [299]);
      if (!drops) expect(ledger.summary()).toMatchObject({ sent: 300, received: 300, lostOnPath: 0, ended: true });
    } finally {
      sock.close();
    }
  });

  it('sweeps the rate step by step, each datagram naming its step, and the listener’s steps agree with its own', async () => {
    const port = await freeUdpPort();
    const ledger = new PairingLedger();
    let received = 0;
    const sock = createSocket('udp4');
    sock.on('message', (m) => {
      received++;
      ledger.onPacket(performance.now(), new Uint8Array(m));
    });
    await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()));
    sock.setRecvBufferSize(4 << 20);
    try {
      const sweep = { plan: { kind: 'rate' as const, from: 200, to: 600, steps: 3 }, stepMs: 250 };
      const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 750, plan: { packetsPerSec: 1, size: 64, pattern: { kind: 'steady' } }, account: { run: 5 }, sweep });
      const stats = await gen.start();
      // 250 ms at 200, 400 and 600/s: 49, 99 and 149 (the datagram due on a step's boundary opens the next).
      expect(stats.steps).toEqual([
        { step: 0, value: 200, firstSequence: 0, sent: 49 },
        { step: 1, value: 400, firstSequence: 49, sent: 99 },
        { step: 2, value: 600, firstSequence: 148, sent: 149 },
      ]);
      expect(stats.sent).toBe(297);
      await waitUntil(() => received + (loopbackDrops(port) ?? 0) >= 297, '297 datagrams received or dropped', 30_000);
      const drops = loopbackDrops(port) ?? 0;
      const p = ledger.summary()!;
      expect(p.steps.map((s) => [s.step, s.value, s.firstSequence])).toEqual([
        [0, 200, 0],
        [1, 400, 49],
        [2, 600, 148],
      ]);
      expect(p.steps.reduce((n, s) => n + s.received, 0) + drops).toBe(297);
      if (!drops) expect(p.steps.map((s) => s.sent)).toEqual([49, 99, 149]);
    } finally {
      sock.close();
    }
  });
});
