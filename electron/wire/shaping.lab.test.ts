// Delay and loss patterns on the device's egress, where the issue asked for tc netem (this kernel
// has no sch_netem; `tc qdisc add … netem` answers "Specified qdisc kind is unknown"). Two real
// kernel mechanisms in its place, each with exact counts against its own counter and tshark:
//
// (e1) a token bucket (tc's tbf qdisc) on the device's veth, as a rate-limited link or access point
//      does it: bursts wait in its queue (the delay: the wire sees them spaced at the bucket's rate)
//      and what the queue cannot hold is dropped (the loss: tbf's own "dropped" counter). Gapscope
//      must count exactly that loss by sequence number, the wire view exactly what tshark saw, and
//      every gap with a hole must say "never reached this machine".
// (e2) random loss, 10 % (nftables' numgen on the device's output hook): the loss pattern of a bad
//      radio link. The loss equals the rule's counter, on the socket and on the wire alike.
//
// Subnet 10.98.65.0/24. Needs root, iproute2 (tc with tbf), nftables, tshark (dumpcap) and
// `npm run build`.
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPair, waitUntil, type LabPair } from '../../lab/netns';
import { Impairments } from '../../lab/nft';
import { REPO_DIR, startSender } from '../../lab/streams';
import { arrivedSince, startListen, startReference } from './testing/wireLab';

const SUBNET = 65;
const SIZE = 512;
/** 1 Mbit/s: a 554-byte frame (512 + UDP, IPv4 and Ethernet headers) every 4.4 ms. */
const RATE_BITS = 1_000_000;
const FRAME_BYTES = SIZE + 8 + 20 + 14;

let pair: LabPair;
let port = 46_500;

beforeAll(async () => {
  if (!existsSync(join(REPO_DIR, 'out', 'main', 'cli.js'))) throw new Error('Gapscope is not built: run `npm run build` first.');
  pair = await createLabPair({ subnet: SUBNET });
});

afterAll(async () => {
  await pair?.teardown();
});

/** tbf's own count of what it dropped on the device's veth. */
async function tbfDropped(): Promise<number> {
  const r = await pair.device.exec('tc', ['-s', 'qdisc', 'show', 'dev', pair.device.iface]);
  const m = /qdisc tbf [^]*?dropped (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`no tbf counters in: ${r.stdout}`);
  return Number(m[1]);
}

describe('delay and loss patterns on the device egress', () => {
  it("(e1) a token bucket: bursts queued and spaced at its rate, what overflows dropped, exactly as tbf counts; the gaps say it never reached this machine", async () => {
    const p = (port += 1);
    // A bucket of 2 KiB and 100 ms of queue (about 22 frames): a burst of 150 loses most of itself.
    await pair.device.exec('tc', ['qdisc', 'add', 'dev', pair.device.iface, 'root', 'tbf', 'rate', `${RATE_BITS}bit`, 'burst', '2048', 'latency', '100ms']);
    try {
      const ref = await startReference(pair.inspector, p);
      try {
        const before = await pair.inspector.udpCounters();
        const gs = await startListen(pair.inspector, p, []);
        // Five bursts of 150 datagrams sent back to back, 500 ms apart, and one more: numbered 0..750.
        const bursts = `
          const s = require('node:dgram').createSocket('udp4'); let seq = 0n;
          const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
          const send = (b) => new Promise((r) => s.send(b, ${p}, '${pair.inspector.ipv4}', r));
          (async () => {
            for (let k = 0; k < 5; k++) {
              for (let i = 0; i < 150; i++) { const b = Buffer.alloc(${SIZE}); b.writeBigUInt64BE(seq++, 0); b.writeBigUInt64BE(BigInt(Date.now()) * 1000n, 8); await send(b); }
              await sleep(500);
            }
            // One more once the bucket has refilled, so that the last burst's dropped tail is a hole too.
            const b = Buffer.alloc(${SIZE}); b.writeBigUInt64BE(seq++, 0); await send(b);
            s.close(); console.log(JSON.stringify({ sent: Number(seq) }));
          })();`;
        const out = await pair.device.exec(process.execPath, ['-e', bursts]);
        const sent = (JSON.parse(out.stdout.trim()) as { sent: number }).sent;
        const dropped = await tbfDropped();
        expect(dropped).toBeGreaterThan(0);
        await waitUntil(async () => (await arrivedSince(pair.inspector, before)) === sent - dropped, 'every datagram tbf let through to arrive', 20_000);
        await waitUntil(async () => (await ref.count()) === sent - dropped, 'tshark to write them all', 20_000);
        const report = await gs.stop();

        expect(report.packets).toBe(sent - dropped);
        expect(report.wire?.packets).toBe(sent - dropped);
        // The loss by sequence number is tbf's own count, on the socket and on the wire.
        expect(report.loss?.lost).toBe(dropped);
        expect(report.wire?.loss?.lost).toBe(dropped);
        // Each burst lost its overflow before the wire: the gap after it (the sender's pause) says so,
        // and the five stretches that end with those gaps hold every drop between them.
        const holes = report.gaps.filter((g) => (g.lostPackets ?? 0) > 0);
        expect(holes).toHaveLength(5);
        for (const g of holes) expect(g.location).toMatchObject({ where: 'before-wire', matchedBy: 'sequence', socketBuffer: 0, afterWire: 0 });
        expect(holes.reduce((n, g) => n + g.location!.beforeWire, 0)).toBe(dropped);
        // The delay: tbf cannot release faster than its rate, so past its 2 KiB bucket the wire sees
        // the frames at least a frame's time apart (4.4 ms) where the sender sent them back to back.
        const frameMs = (FRAME_BYTES * 8 * 1000) / RATE_BITS;
        const wire = report.wire as { interArrival?: { p50Ms: number | null } } | undefined;
        expect(wire?.interArrival?.p50Ms).toBeGreaterThanOrEqual(frameMs * 0.9);
      } finally {
        ref.stop();
        rmSync(dirname(ref.file), { recursive: true, force: true });
      }
    } finally {
      await pair.device.exec('tc', ['qdisc', 'del', 'dev', pair.device.iface, 'root']);
    }
  });

  it('(e2) 10 % random loss: the loss equals the rule\'s counter, on the socket and on the wire', async () => {
    const p = (port += 1);
    const imp = await Impairments.install(pair.device, { port: p, hook: 'output', table: 'gsshape' });
    try {
      const ref = await startReference(pair.inspector, p);
      try {
        const before = await pair.inspector.udpCounters();
        const gs = await startListen(pair.inspector, p, ['--decode', 'seq']);
        // Numbers 1 to 900 only: a loss counter sees a hole only between two numbers it received,
        // so the first and the last datagrams (of about 1,000) must arrive for the count to be exact.
        await imp.randomLoss(10, '@th,64,64 1-900');
        const sent = await startSender(pair.device, { to: `${pair.inspector.ipv4}:${p}`, pps: 500, size: SIZE, durationS: 2 }).done;
        const { dropped } = await imp.counts();
        expect(dropped).toBeGreaterThan(0);
        await waitUntil(async () => (await arrivedSince(pair.inspector, before)) === sent.sent - dropped, 'every datagram not dropped to arrive', 20_000);
        await waitUntil(async () => (await ref.count()) === sent.sent - dropped, 'tshark to write them all', 20_000);
        const report = await gs.stop();
        expect(report.packets).toBe(sent.sent - dropped);
        expect(report.wire?.packets).toBe(sent.sent - dropped);
        expect(report.loss?.lost).toBe(dropped);
        expect(report.wire?.loss?.lost).toBe(dropped);
        for (const g of report.gaps.filter((x) => (x.lostPackets ?? 0) > 0)) expect(g.location).toMatchObject({ where: 'before-wire', socketBuffer: 0, afterWire: 0 });
      } finally {
        ref.stop();
        rmSync(dirname(ref.file), { recursive: true, force: true });
      }
    } finally {
      await imp.remove();
    }
  });
});
