// Real sockets on loopback only: what the generator sends is what a receiver gets.
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { freeUdpPort } from '../testing/builtWorker';
import { Gdl90StreamDecoder } from '../../shared/decoders/gdl90';
import { Gdl90Scenario } from '../../shared/generator/gdl90Scenario';
import { seqPayload, TrafficGenerator } from './trafficGenerator';

async function receive(port: number, run: () => Promise<unknown>): Promise<{ seqs: bigint[]; times: number[] }> {
  const sock = createSocket('udp4');
  const seqs: bigint[] = [];
  const times: number[] = [];
  sock.on('message', (m) => {
    seqs.push(m.readBigUInt64BE(0));
    times.push(performance.now());
  });
  await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()));
  try {
    await run();
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    sock.close();
  }
  return { seqs, times };
}

describe('TrafficGenerator on loopback', () => {
  it('sends exactly rate × duration datagrams, numbered from 0, over the duration', async () => {
    const port = await freeUdpPort();
    const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 500, plan: { packetsPerSec: 2000, size: 100, pattern: { kind: 'steady' } } });
    let stats!: Awaited<ReturnType<TrafficGenerator['start']>>;
    const { seqs } = await receive(port, async () => (stats = await gen.start()));
    expect(stats.sent).toBe(1000);
    expect(stats.bytes).toBe(100_000);
    expect(stats.errors).toBe(0);
    expect(stats.elapsedMs).toBeGreaterThanOrEqual(500);
    expect(seqs).toEqual(Array.from({ length: 1000 }, (_, i) => BigInt(i)));
  });

  it('reproduces "stops after every N bytes" with the pause between', async () => {
    const port = await freeUdpPort();
    // 10 KiB of 512-byte datagrams = 20 datagrams in 20 ms at 1000/s, then 200 ms of nothing.
    const gen = new TrafficGenerator({ host: '127.0.0.1', port, durationMs: 650, plan: { packetsPerSec: 1000, size: 512, pattern: { kind: 'cut-after', bytes: 10240, pauseMs: 200 } } });
    const { seqs, times } = await receive(port, () => gen.start());
    // Runs start at 0, 220 and 440 ms: three runs of 20 datagrams.
    expect(seqs).toHaveLength(60);
    const pauses = times.slice(1).map((t, i) => t - times[i]!).filter((d) => d > 100);
    expect(pauses).toHaveLength(2);
    for (const p of pauses) expect(p).toBeGreaterThan(150);
  });

  it('stops on demand and reports what it sent', async () => {
    const port = await freeUdpPort();
    const gen = new TrafficGenerator({ host: '127.0.0.1', port, plan: { packetsPerSec: 1000, size: 64, pattern: { kind: 'steady' } } });
    const { seqs } = await receive(port, async () => {
      const done = gen.start();
      await new Promise((r) => setTimeout(r, 200));
      const s = await gen.stop();
      expect(await done).toEqual(s);
    });
    expect(seqs.length).toBeGreaterThan(100);
    expect(seqs.length).toBeLessThan(300);
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
      const stats = await gen.start();
      await new Promise((r) => setTimeout(r, 100));
      // Seconds 0, 1 and 2: 3 × (heartbeat, ID, ownship, geo altitude, 3 traffic) and AHRS at 0, 200, ..., 2000 ms.
      expect(stats.sent).toBe(3 * 7 + 11);
      expect(datagrams).toBe(stats.sent);
    } finally {
      sock.close();
    }
    const s = dec.stats();
    expect(s.crcErrors).toBe(0);
    expect(s.received).toBe(3);
    expect(s.lost).toBe(0);
  });
});
