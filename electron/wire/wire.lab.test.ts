// The wire view beside the socket, and the kernel's drop counters, through the real CLI
// (`gapscope listen --wire beside --json`) in a lab namespace pair (lab/netns.ts), with tshark
// capturing the same veth as the reference. Subnet 10.98.62.0/24. Needs root, iproute2, nftables,
// tshark (dumpcap), tcpdump and `npm run build`.
//
// (a) Datagrams dropped on the device's egress (nftables on its output hook) never reach the veth:
//     the wire view saw exactly what tshark saw, the socket the same, and neither the dropped ones.
// (b) A tiny receive buffer (4096 asked) and a burst: the socket loses N, the wire view saw all of
//     them (exactly tshark's count), the namespace's RcvbufErrors and the gaps' socket drops rose by
//     the same N, and the gap after the burst carries it with a buffer size that would have held it.
// (c) No engine on PATH, or the CLI run as an unprivileged user: one sentence that says how to
//     grant it, and the socket view counts every datagram all the same.
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAPSCOPE_BIN } from '../../lab/gapscope';
import { createLabPair, waitUntil, type LabHost, type LabPair, type UdpCounters } from '../../lab/netns';
import { REPO_DIR, lastJsonLine, startSender } from '../../lab/streams';

const SUBNET = 62;
const SIZE = 512;

interface WireReport {
  packets: number;
  gaps: { packetsBefore: number; socketDrops?: number | null; socketDropsScope?: string; suggestedRecvBufferBytes?: number | null }[];
  loss: { lost: number | null } | null;
  stream: { recvBufferGranted: number | null };
  wire?: { status: { state: string; engine: string | null; error: { message: string } | null; engineDrops: number | null }; packets?: number; loss?: { lost: number | null } | null };
}

let pair: LabPair;
let port = 46_000;

beforeAll(async () => {
  if (!existsSync(join(REPO_DIR, 'out', 'main', 'cli.js'))) throw new Error('Gapscope is not built: run `npm run build` first.');
  pair = await createLabPair({ subnet: SUBNET });
});

afterAll(async () => {
  await pair?.teardown();
});

/** Packet sockets open in the namespace (capture engines that have bound their interface). */
async function packetSockets(host: LabHost): Promise<number> {
  const r = await host.exec('cat', ['/proc/net/packet']);
  return r.stdout.trim().split('\n').length - 1;
}

/** The reference: tshark on the inspector's veth, writing the stream's datagrams to a file. */
async function startReference(host: LabHost, p: number): Promise<{ count: () => Promise<number>; stop: () => void; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-wire-ref-'));
  chmodSync(dir, 0o777);
  const file = join(dir, 'ref.pcapng');
  const before = await packetSockets(host);
  const proc = host.spawn('tshark', ['-i', host.iface, '-f', `udp dst port ${p}`, '-w', file, '-q']);
  await waitUntil(async () => (await packetSockets(host)) > before, 'tshark to capture', 20_000);
  const count = async (): Promise<number> => {
    const r = await host.exec('tshark', ['-r', file, '-Y', `udp.dstport == ${p}`, '-T', 'fields', '-e', 'frame.number'], { allowFailure: true });
    return r.stdout.trim() ? r.stdout.trim().split('\n').length : 0;
  };
  return { count, stop: () => proc.kill('SIGINT'), file };
}

/** `gapscope listen --wire beside --json` in the inspector; resolves once its socket and (when it can) its engine are up. */
async function startListen(host: LabHost, p: number, extra: string[], opts: { env?: Record<string, string>; runAs?: string[]; engineUp?: boolean } = {}) {
  const before = await packetSockets(host);
  const args = [...(opts.runAs ?? []), process.execPath, GAPSCOPE_BIN, 'listen', '--port', String(p), '--address', host.ipv4, '--wire', 'beside', '--json', '--duration', '120', '--gap-ms', '100', ...extra];
  const proc = host.spawn(args[0]!, args.slice(1), { cwd: REPO_DIR, env: opts.env });
  await host.waitForUdpSocket(proc.pid, p, 20_000);
  if (opts.engineUp !== false) await waitUntil(async () => (await packetSockets(host)) > before, 'the wire view to capture', 20_000);
  return {
    proc,
    async stop(): Promise<WireReport> {
      proc.kill('SIGINT');
      const r = await proc.exited;
      if (r.code !== 0) throw new Error(`gapscope exited ${r.code ?? r.signal}: ${r.stderr.slice(-1000)}`);
      return lastJsonLine<WireReport>('gapscope listen', r.stdout, r.stderr);
    },
  };
}

/** Datagrams the namespace's UDP has taken in (delivered or dropped for a full buffer) since `before`. */
async function arrivedSince(host: LabHost, before: UdpCounters): Promise<number> {
  const now = await host.udpCounters();
  return now.inDatagrams - before.inDatagrams + (now.rcvbufErrors - before.rcvbufErrors);
}

describe('the wire view beside the socket, with the kernel counters', () => {
  it('(a) datagrams dropped on the device egress: the wire saw none of them either, exactly as tshark', async () => {
    const p = (port += 1);
    const rules = `table inet gswire {\n  counter dropped { }\n  chain out {\n    type filter hook output priority 0;\n    udp dport ${p} numgen random mod 100 < 10 counter name "dropped" drop\n  }\n}\n`;
    const dir = mkdtempSync(join(tmpdir(), 'gs-wire-nft-'));
    writeFileSync(join(dir, 'rules.nft'), rules);
    await pair.device.exec('nft', ['-f', join(dir, 'rules.nft')]);
    try {
      const ref = await startReference(pair.inspector, p);
      const before = await pair.inspector.udpCounters();
      const gs = await startListen(pair.inspector, p, []);
      const sent = await startSender(pair.device, { to: `${pair.inspector.ipv4}:${p}`, pps: 1000, size: SIZE, durationS: 2 }).done;
      const dropped = Number(/packets (\d+)/.exec((await pair.device.exec('nft', ['list', 'counter', 'inet', 'gswire', 'dropped'])).stdout)?.[1]);
      expect(dropped).toBeGreaterThan(0);
      await waitUntil(async () => (await arrivedSince(pair.inspector, before)) === sent.sent - dropped, 'every datagram not dropped to arrive', 20_000);
      await waitUntil(async () => (await ref.count()) === sent.sent - dropped, 'tshark to write them all', 20_000);
      const report = await gs.stop();
      ref.stop();
      expect(report.wire?.status).toMatchObject({ state: 'stopped', engine: 'dumpcap', error: null, engineDrops: 0 });
      expect(report.wire?.packets).toBe(await ref.count());
      expect(report.packets).toBe(sent.sent - dropped);
      expect(report.wire?.packets).toBe(sent.sent - dropped);
      // Both views count the egress drops as lost by sequence number: the wire saw nothing of them.
      expect(report.wire?.loss?.lost).toBe(dropped);
      expect(report.loss?.lost).toBe(dropped);
      expect(report.gaps.every((g) => g.socketDrops === 0)).toBe(true);
      rmSync(ref.file, { force: true });
    } finally {
      await pair.device.exec('nft', ['delete', 'table', 'inet', 'gswire'], { allowFailure: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['dumpcap', 'tcpdump'])('(b) a tiny receive buffer and a burst (%s): the socket loses N, the wire saw them, the kernel counted N and the gap carries it', async (engine) => {
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
    rmSync(ref.file, { force: true });
  });

  it('(c) no engine on PATH: one sentence with what to install, and the socket counts every datagram', async () => {
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

  it('(c) the engine without permission (the CLI as nobody): how to grant it, and the socket counts every datagram', async () => {
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
