// Where the packets went missing, through the real CLI (`gapscope listen --wire beside --json`) in a
// lab namespace pair (lab/netns.ts), with tshark capturing the same veth as the reference and
// nftables (lab/nft.ts) as the impairment. Subnet 10.98.62.0/24. Needs root, iproute2, nftables,
// tshark (dumpcap), tcpdump and `npm run build`. Each case checks exact counts against tshark.
//
// (a) A 300 ms cut on the device's egress (output hook): the datagrams never reach the veth; the
//     gap's location is "never reached this machine" with the cut's count, and the wire saw none.
// (b) A 300 ms cut on the inspector's input hook: the wire (tapped before the firewall) saw every
//     datagram, the socket missed the cut's count, the kernel counted no buffer drops: "reached
//     the network card, lost on this machine".
// (c) A tiny receive buffer (4096 asked) and a burst (dumpcap and tcpdump): the socket loses N, the
//     wire view saw all of them, RcvbufErrors and the gaps' socket drops rose by the same N, the gaps
//     say "dropped in this machine's receive buffer" for N in all, with a buffer that would hold it.
// (d) A sender pause: "sender paused", nothing missed, the wire saw the same silence.
// (e) Gapscope stopped (SIGSTOP) for 300 ms: "Gapscope stalled", nothing missed, no silence on the wire.
// (f) No engine on PATH, or the CLI run as an unprivileged user: one sentence that says how to
//     grant it, and the socket view counts every datagram all the same.
// (g) The device restarts its sequence after a pause: "device restarted", 500 received, none lost.
import { existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPair, waitUntil, type LabPair } from '../../lab/netns';
import { Impairments } from '../../lab/nft';
import { REPO_DIR, startSender } from '../../lab/streams';
import { arrivedSince, startListen, startReference } from './testing/wireLab';

const SUBNET = 62;
const SIZE = 512;

let pair: LabPair;
let port = 46_000;

beforeAll(async () => {
  if (!existsSync(join(REPO_DIR, 'out', 'main', 'cli.js'))) throw new Error('Gapscope is not built: run `npm run build` first.');
  pair = await createLabPair({ subnet: SUBNET });
});

afterAll(async () => {
  await pair?.teardown();
});

describe('the wire view beside the socket, with the kernel counters', () => {
  it('(a) a 300 ms cut on the device egress: the gap "never reached this machine", and the wire saw none of it either, exactly as tshark', async () => {
    const p = (port += 1);
    const imp = await Impairments.install(pair.device, { port: p, hook: 'output', table: 'gswire' });
    try {
      const ref = await startReference(pair.inspector, p);
      const before = await pair.inspector.udpCounters();
      const gs = await startListen(pair.inspector, p, []);
      const sender = startSender(pair.device, { to: `${pair.inspector.ipv4}:${p}`, pps: 1000, size: SIZE, durationS: 2, scheduling: 'realtime' });
      await waitUntil(async () => (await arrivedSince(pair.inspector, before)) >= 500, '500 datagrams before the cut', 20_000);
      await imp.cutOut(300);
      const sent = await sender.done;
      const { dropped } = await imp.counts();
      expect(dropped).toBeGreaterThan(100);
      await waitUntil(async () => (await arrivedSince(pair.inspector, before)) === sent.sent - dropped, 'every datagram not dropped to arrive', 20_000);
      await waitUntil(async () => (await ref.count()) === sent.sent - dropped, 'tshark to write them all', 20_000);
      const report = await gs.stop();
      ref.stop();
      expect(report.wire?.status).toMatchObject({ state: 'stopped', engine: 'dumpcap', error: null, engineDrops: 0 });
      expect(report.wire?.packets).toBe(await ref.count());
      expect(report.packets).toBe(sent.sent - dropped);
      // Both views count the egress drops as lost by sequence number: the wire saw nothing of them.
      expect(report.wire?.loss?.lost).toBe(dropped);
      expect(report.loss?.lost).toBe(dropped);
      const cut = report.gaps.filter((g) => (g.lostPackets ?? 0) > 0);
      expect(cut).toHaveLength(1);
      expect(cut[0]).toMatchObject({ cause: 'packets-lost', lostPackets: dropped, socketDrops: 0 });
      expect(cut[0]!.location).toEqual({ where: 'before-wire', matchedBy: 'sequence', missed: dropped, beforeWire: dropped, socketBuffer: 0, afterWire: 0 });
      // Any other gap is the sender's own pause (a busy machine): nothing lost, and the wire agrees.
      for (const g of report.gaps.filter((x) => x !== cut[0])) expect(g.location).toMatchObject({ where: 'none', missed: 0 });
      rmSync(ref.file, { force: true });
    } finally {
      await imp.remove();
    }
  });

  it('(b) a 300 ms cut on the inspector\'s input (after the card): the wire saw what the socket never got, and the kernel counted no buffer drops', async () => {
    const p = (port += 1);
    const imp = await Impairments.install(pair.inspector, { port: p, table: 'gswire' });
    try {
      const ref = await startReference(pair.inspector, p);
      const before = await pair.inspector.udpCounters();
      const gs = await startListen(pair.inspector, p, []);
      const sender = startSender(pair.device, { to: `${pair.inspector.ipv4}:${p}`, pps: 1000, size: SIZE, durationS: 2, scheduling: 'realtime' });
      await waitUntil(async () => (await pair.inspector.udpCounters()).inDatagrams - before.inDatagrams >= 500, '500 datagrams before the cut', 20_000);
      await imp.cutOut(300);
      const sent = await sender.done;
      const { dropped } = await imp.counts();
      expect(dropped).toBeGreaterThan(100);
      await waitUntil(async () => (await ref.count()) === sent.sent, 'tshark to write every datagram sent', 20_000);
      await waitUntil(async () => (await arrivedSince(pair.inspector, before)) === sent.sent - dropped, 'every datagram not dropped to arrive', 20_000);
      const after = await pair.inspector.udpCounters();
      const report = await gs.stop();
      ref.stop();
      expect(after.rcvbufErrors - before.rcvbufErrors).toBe(0);
      expect(report.packets).toBe(sent.sent - dropped);
      expect(report.loss?.lost).toBe(dropped);
      // The wire view is tapped before the firewall: it saw every datagram, as tshark did.
      expect(report.wire?.packets).toBe(sent.sent);
      expect(report.wire?.packets).toBe(await ref.count());
      expect(report.wire?.loss?.lost).toBe(0);
      const cut = report.gaps.filter((g) => (g.lostPackets ?? 0) > 0);
      expect(cut).toHaveLength(1);
      expect(cut[0]!.location).toEqual({ where: 'after-wire', matchedBy: 'sequence', missed: dropped, beforeWire: 0, socketBuffer: 0, afterWire: dropped });
      for (const g of report.gaps.filter((x) => x !== cut[0])) expect(g.location).toMatchObject({ where: 'none', missed: 0 });
      rmSync(ref.file, { force: true });
    } finally {
      await imp.remove();
    }
  });

  it.each(['dumpcap', 'tcpdump'])('(c) a tiny receive buffer and a burst (%s): the socket loses N, the wire saw them, the kernel counted N and the gap carries it', async (engine) => {
    const p = (port += 1);
    const ref = await startReference(pair.inspector, p);
    const before = await pair.inspector.udpCounters();
    const gs = await startListen(pair.inspector, p, ['--recv-buffer', '4096', '--wire-engine', engine]);
    // 50 datagrams 2 ms apart, 400 ms of silence, 2000 as fast as the socket sends, 400 ms, 50 more
    // 10 ms apart, and after 400 ms one that closes the last gap: every drop falls before a gap's end.
    const burst = `
      const s = require('node:dgram').createSocket('udp4'); let seq = 0n;
      const mk = () => { const b = Buffer.alloc(${SIZE}); b.writeBigUInt64BE(seq++, 0); b.writeBigUInt64BE(BigInt(Date.now()) * 1000n, 8); return b; };
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const send = (b) => new Promise((r) => s.send(b, ${p}, '${pair.inspector.ipv4}', r));
      (async () => {
        for (let i = 0; i < 50; i++) { await send(mk()); await sleep(2); }
        await sleep(400);
        const all = []; for (let i = 0; i < 2000; i++) all.push(send(mk())); await Promise.all(all);
        await sleep(400);
        for (let i = 0; i < 50; i++) { await send(mk()); await sleep(10); }
        await sleep(400);
        await send(mk());
        s.close(); console.log(JSON.stringify({ sent: Number(seq) }));
      })();`;
    const out = await pair.device.exec(process.execPath, ['-e', burst]);
    const sent = (JSON.parse(out.stdout.trim()) as { sent: number }).sent;
    expect(sent).toBe(2101);
    await waitUntil(async () => (await arrivedSince(pair.inspector, before)) === sent, 'every datagram to reach the socket or its full buffer', 20_000);
    await waitUntil(async () => (await ref.count()) === sent, 'tshark to write them all', 20_000);
    const after = await pair.inspector.udpCounters();
    const report = await gs.stop();
    ref.stop();
    const lostBySocket = sent - report.packets;
    const rcvbufRise = after.rcvbufErrors - before.rcvbufErrors;
    expect(lostBySocket).toBeGreaterThan(0);
    expect(rcvbufRise).toBe(lostBySocket);
    expect(report.loss?.lost).toBe(lostBySocket);
    // The wire saw every datagram, exactly as many as tshark on the same veth.
    expect(report.wire?.status).toMatchObject({ state: 'stopped', engine, error: null, engineDrops: 0 });
    expect(report.wire?.packets).toBe(await ref.count());
    expect(report.wire?.packets).toBe(sent);
    expect(report.wire?.loss?.lost).toBe(0);
    // The gaps carry the kernel's count: all of it, and the one after the burst most of it.
    const counted = report.gaps.reduce((n, g) => n + (g.socketDrops ?? 0), 0);
    expect(report.gaps.every((g) => g.socketDropsScope === 'socket')).toBe(true);
    expect(counted).toBe(rcvbufRise);
    const burstGap = report.gaps.reduce((a, g) => ((g.socketDrops ?? 0) > (a.socketDrops ?? 0) ? g : a));
    expect(burstGap.suggestedRecvBufferBytes).toBeGreaterThan(4096);
    // A buffer that size, granted as this kernel grants (twice), holds the burst at 1280 bytes per 512-byte datagram.
    expect(burstGap.suggestedRecvBufferBytes! * 2).toBeGreaterThanOrEqual((burstGap.packetsBefore + burstGap.socketDrops!) * 1280);
    // Where: all of it reached the card and was dropped in the socket's buffer, gap by gap.
    expect(burstGap.location?.where).toBe('socket-buffer');
    expect(report.gaps.reduce((n, g) => n + (g.location?.socketBuffer ?? 0), 0)).toBe(rcvbufRise);
    for (const g of report.gaps) expect(g.location).toMatchObject({ matchedBy: 'sequence', beforeWire: 0, afterWire: 0 });
    rmSync(ref.file, { force: true });
  });

  it('(d) a sender pause: "sender paused", nothing lost, and the wire agrees', async () => {
    const p = (port += 1);
    const ref = await startReference(pair.inspector, p);
    const before = await pair.inspector.udpCounters();
    const gs = await startListen(pair.inspector, p, []);
    // 200 datagrams 2 ms apart, 400 ms of silence, 200 more: the numbers go on without a hole.
    const paced = `
      const s = require('node:dgram').createSocket('udp4'); let seq = 0n;
      const mk = () => { const b = Buffer.alloc(${SIZE}); b.writeBigUInt64BE(seq++, 0); b.writeBigUInt64BE(BigInt(Date.now()) * 1000n, 8); return b; };
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const send = (b) => new Promise((r) => s.send(b, ${p}, '${pair.inspector.ipv4}', r));
      (async () => {
        for (let i = 0; i < 200; i++) { await send(mk()); await sleep(2); }
        await sleep(400);
        for (let i = 0; i < 200; i++) { await send(mk()); await sleep(2); }
        s.close(); console.log(JSON.stringify({ sent: Number(seq) }));
      })();`;
    const out = await pair.device.exec(process.execPath, ['-e', paced]);
    const sent = (JSON.parse(out.stdout.trim()) as { sent: number }).sent;
    await waitUntil(async () => (await arrivedSince(pair.inspector, before)) === sent, 'every datagram to arrive', 20_000);
    await waitUntil(async () => (await ref.count()) === sent, 'tshark to write them all', 20_000);
    const report = await gs.stop();
    ref.stop();
    expect(report.packets).toBe(sent);
    expect(report.wire?.packets).toBe(await ref.count());
    const pause = report.gaps.filter((g) => g.durationMs >= 350);
    expect(pause).toHaveLength(1);
    expect(pause[0]).toMatchObject({ cause: 'sender-paused', lostPackets: 0 });
    expect(pause[0]!.location).toEqual({ where: 'none', matchedBy: 'sequence', missed: 0, beforeWire: 0, socketBuffer: 0, afterWire: 0 });
    // The wire saw the same silence.
    expect(report.wire?.gaps?.filter((g) => g.durationMs >= 350)).toHaveLength(1);
    rmSync(ref.file, { force: true });
  });

  it('(g) the device restarts its sequence after a pause: "device restarted", nothing counted as lost, the wire agrees', async () => {
    const p = (port += 1);
    const ref = await startReference(pair.inspector, p);
    const before = await pair.inspector.udpCounters();
    const gs = await startListen(pair.inspector, p, []);
    // 300 datagrams numbered 0-299 2 ms apart, 400 ms of silence, then 0-199 again: a device that rebooted.
    const paced = `
      const s = require('node:dgram').createSocket('udp4'); let seq = 0n; let sent = 0;
      const mk = () => { const b = Buffer.alloc(${SIZE}); b.writeBigUInt64BE(seq++, 0); b.writeBigUInt64BE(BigInt(Date.now()) * 1000n, 8); return b; };
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const send = (b) => new Promise((r) => s.send(b, ${p}, '${pair.inspector.ipv4}', () => { sent++; r(); }));
      (async () => {
        for (let i = 0; i < 300; i++) { await send(mk()); await sleep(2); }
        await sleep(400);
        seq = 0n;
        for (let i = 0; i < 200; i++) { await send(mk()); await sleep(2); }
        s.close(); console.log(JSON.stringify({ sent }));
      })();`;
    const out = await pair.device.exec(process.execPath, ['-e', paced]);
    const sent = (JSON.parse(out.stdout.trim()) as { sent: number }).sent;
    expect(sent).toBe(500);
    await waitUntil(async () => (await arrivedSince(pair.inspector, before)) === sent, 'every datagram to arrive', 20_000);
    await waitUntil(async () => (await ref.count()) === sent, 'tshark to write them all', 20_000);
    const report = await gs.stop();
    ref.stop();
    expect(report.packets).toBe(500);
    expect(report.wire?.packets).toBe(await ref.count());
    const restart = report.gaps.filter((g) => g.durationMs >= 350);
    expect(restart).toHaveLength(1);
    expect(restart[0]).toMatchObject({ cause: 'device-restarted', lostPackets: 0 });
    // 300 + 200 expected over the two runs, none lost: not 300 "reordered" nor a loss.
    expect(report.loss).toMatchObject({ lost: 0 });
    expect(restart[0]!.location?.missed).toBe(0);
    rmSync(ref.file, { force: true });
  });

  it('(e) Gapscope stopped for 300 ms (SIGSTOP): "Gapscope stalled", nothing lost, and the wire saw no silence', async () => {
    const p = (port += 1);
    const ref = await startReference(pair.inspector, p);
    const before = await pair.inspector.udpCounters();
    // A buffer that holds the 300 ms (150 datagrams of 512 bytes at 500/s, 1280 bytes each to the kernel).
    const gs = await startListen(pair.inspector, p, ['--recv-buffer', '4194304']);
    const sender = startSender(pair.device, { to: `${pair.inspector.ipv4}:${p}`, pps: 500, size: SIZE, durationS: 2, scheduling: 'realtime' });
    await waitUntil(async () => (await arrivedSince(pair.inspector, before)) >= 300, '300 datagrams before the stall', 20_000);
    const state = async (): Promise<string> => (await pair.inspector.exec('cat', [`/proc/${gs.proc.pid}/stat`])).stdout.split(') ')[1]![0]!;
    const stoppedAt = Date.now();
    gs.proc.kill('SIGSTOP');
    await waitUntil(async () => (await state()) === 'T', 'gapscope to be stopped', 5000);
    // The stall itself: 300 ms during which Gapscope cannot run.
    await new Promise((r) => setTimeout(r, 300));
    gs.proc.kill('SIGCONT');
    const sent = await sender.done;
    await waitUntil(async () => (await arrivedSince(pair.inspector, before)) === sent.sent, 'every datagram to arrive', 20_000);
    await waitUntil(async () => (await ref.count()) === sent.sent, 'tshark to write them all', 20_000);
    const report = await gs.stop();
    ref.stop();
    expect(report.packets).toBe(sent.sent);
    expect(report.wire?.packets).toBe(await ref.count());
    expect(report.loss?.lost).toBe(0);
    // The stop is one of the stalls (a starved machine may stall Gapscope on its own too): the gap
    // that covers the moment of the SIGSTOP is Gapscope's, and so is every stall's gap.
    const at = stoppedAt - Date.parse(report.startedAt);
    const stalled = report.gaps.filter((g) => g.cause === 'local-stall');
    expect(stalled.filter((g) => g.startMs <= at + 300 && at <= g.startMs + g.durationMs)).toHaveLength(1);
    for (const g of stalled) {
      expect(g).toMatchObject({ lostPackets: 0, socketDrops: 0 });
      expect(g.location).toMatchObject({ where: 'none', missed: 0 });
      // The wire stamps each datagram as the card hands it over: no silence where Gapscope stalled.
      const mid = g.startMs + g.durationMs / 2;
      expect(report.wire?.gaps?.filter((w) => w.startMs <= mid && mid <= w.startMs + w.durationMs)).toHaveLength(0);
    }
    rmSync(ref.file, { force: true });
  });

  it('(f) no engine on PATH: one sentence with what to install, and the socket counts every datagram', async () => {
    const p = (port += 1);
    const empty = mkdtempSync(join(tmpdir(), 'gs-wire-path-'));
    // env sets the CLI's PATH only (ip netns exec itself needs one).
    const gs = await startListen(pair.inspector, p, [], { runAs: ['env', `PATH=${empty}`], engineUp: false });
    const sent = await startSender(pair.device, { to: `${pair.inspector.ipv4}:${p}`, pps: 500, size: SIZE, durationS: 1 }).done;
    const report = await gs.stop();
    expect(report.wire?.status.state).toBe('failed');
    expect(report.wire?.status.error?.message).toMatch(/^Cannot watch the wire: no capture engine \(dumpcap or tcpdump\) was found on PATH; install .+ The socket view goes on without it\.$/);
    expect(gs.proc.stderr()).toContain('gapscope: Cannot watch the wire: no capture engine');
    expect(report.packets).toBe(sent.sent);
  });

  it('(f) the engine without permission (the CLI as nobody): how to grant it, and the socket counts every datagram', async () => {
    const p = (port += 1);
    const home = mkdtempSync(join(tmpdir(), 'gs-wire-home-'));
    chmodSync(home, 0o777);
    const gs = await startListen(pair.inspector, p, [], { runAs: ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'], env: { HOME: home }, engineUp: false });
    await waitUntil(() => /Cannot watch the wire/.test(gs.proc.stderr()), 'the sentence', 20_000);
    const sent = await startSender(pair.device, { to: `${pair.inspector.ipv4}:${p}`, pps: 500, size: SIZE, durationS: 1 }).done;
    const report = await gs.stop();
    expect(report.wire?.status).toMatchObject({ state: 'failed', engine: 'dumpcap' });
    expect(report.wire?.status.error?.message).toContain(`dumpcap may not capture on ${pair.inspector.iface} (`);
    expect(report.wire?.status.error?.message).toMatch(/\)\. Let your user capture: add it to the wireshark group .* sudo setcap cap_net_raw,cap_net_admin=eip \/usr\/bin\/dumpcap\. The socket view goes on without it\.$/);
    expect(report.packets).toBe(sent.sent);
  });
});
