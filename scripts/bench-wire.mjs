#!/usr/bin/env node
// `npm run bench:wire`: what the wire view costs. The same UDP stream received by `gapscope listen
// --json` with the wire view off, with it beside the socket (`--wire beside`: the capture engine
// as a child, its pcapng read into a second monitor in the receiver's worker, and the gap locator
// between them), and by a bare Node dgram receiver as the reference, one after the other in the
// same run, at each rate.
//
// Runs in a lab namespace pair (10.98.63.0/24, lab/netns.ts): a Node sender in the device namespace
// (lab/sender.mjs, 512-byte datagrams), the receivers in the inspector namespace, in the order
// given and then reversed, so that drift in the machine's load touches all alike. Every receiver
// asks for the receive buffer Gapscope asks for. For each Gapscope run it reads the CPU time of the
// gapscope process and of its capture engine (/proc/PID/stat, utime + stime) from the moment the
// sender starts to the moment it ends. Needs root, dumpcap or tcpdump, and `npm run build`.
//
//   node scripts/bench-wire.mjs [--rates 20000,50000,0] [--seconds 10] [--reps 2] [--size 512]
//        [--kinds socket,wire,bare] [--engine dumpcap|tcpdump]
//
// A rate of 0 means the sender sends as fast as it can (flat out). Ratios are against bare.
// Prints markdown tables on stdout (progress on stderr).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const KINDS = ['socket', 'wire', 'bare'];
const LABEL = { socket: 'wire view off', wire: 'wire view beside', bare: 'bare' };

function parseArgs(argv) {
  const o = { rates: [20_000, 50_000, 0], seconds: 10, reps: 2, size: 512, kinds: [...KINDS], engine: 'dumpcap' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--rates') o.rates = v.split(',').map(Number);
    else if (a === '--seconds') o.seconds = Number(v);
    else if (a === '--reps') o.reps = Number(v);
    else if (a === '--size') o.size = Number(v);
    else if (a === '--kinds') o.kinds = v.split(',');
    else if (a === '--engine') o.engine = v;
    else throw new Error(`unknown argument ${a}`);
  }
  for (const k of o.kinds) if (!KINDS.includes(k)) throw new Error(`unknown kind ${k}; use ${KINDS.join(', ')}`);
  if (!o.kinds.includes('bare')) o.kinds.push('bare');
  if (!['dumpcap', 'tcpdump'].includes(o.engine)) throw new Error('--engine is dumpcap or tcpdump');
  return o;
}

const log = (line) => process.stderr.write(`${line}\n`);
const fmt = (n) => (n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const pct = (x) => (x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const TICK = 100; // USER_HZ on Linux

/** The lab harness is TypeScript; Vite (a dev dependency) loads it for this plain Node script. */
async function loadLab() {
  const load = async (file) => (await runnerImport(join(REPO, 'lab', file))).module;
  const [netns, streams, gapscope] = await Promise.all([load('netns.ts'), load('streams.ts'), load('gapscope.ts')]);
  return { ...netns, ...streams, ...gapscope };
}

/**
 * CPU seconds (user + system) used so far by a process, the children it has reaped and the
 * children still running (the capture engine), so that a helper that ends between two readings
 * moves from one count to the other instead of vanishing.
 */
function cpuSeconds(pid) {
  const stat = (p) => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
  let ticks = 0;
  const visit = (p, withReaped) => {
    try {
      const f = stat(p);
      // Fields after the name, 0-based: utime 11, stime 12, cutime 13, cstime 14.
      ticks += Number(f[11]) + Number(f[12]) + (withReaped ? Number(f[13]) + Number(f[14]) : 0);
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) visit(Number(c), true);
      }
    } catch {
      // Gone.
    }
  };
  visit(pid, true);
  return ticks / TICK;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(join(REPO, 'out', 'main', 'cli.js'))) throw new Error('Gapscope is not built: run `npm run build` first.');
  const lab = await loadLab();
  const pair = await lab.createLabPair({ subnet: 63 });
  const ins = pair.inspector;
  const packetSockets = async () => (await ins.exec('cat', ['/proc/net/packet'])).stdout.trim().split('\n').length - 1;
  let port = 47_500;
  let requested = null;
  let granted = null;

  async function measure(kind, pps) {
    const p = (port += 1);
    const before = await ins.udpCounters();
    let stop;
    let pid = null;
    if (kind === 'bare') {
      const bare = await lab.startBare(ins, { port: p, countOnly: true, recvBuffer: requested ?? undefined });
      stop = async () => ({ received: (await bare.stop()).packets, wire: null, wireState: null });
    } else {
      const sockets = await packetSockets();
      const args = ['--port', String(p), ...(kind === 'wire' ? ['--wire', 'beside', '--wire-engine', o.engine] : [])];
      const gs = await lab.startGapscope(ins, { args, durationS: o.seconds + 60 });
      pid = gs.proc.pid;
      if (kind === 'wire') await lab.waitUntil(async () => (await packetSockets()) > sockets, 'the capture engine to capture', 20_000);
      stop = async () => {
        const r = await gs.stop();
        requested = r.stream?.recvBufferBytes ?? requested;
        granted = r.stream?.recvBufferGranted ?? granted;
        return { received: r.packets, wire: r.wire?.packets ?? null, wireState: r.wire?.status ?? null };
      };
    }
    const cpu0 = pid ? cpuSeconds(pid) : null;
    const sent = await lab.startSender(pair.device, { to: `${ins.ipv4}:${p}`, pps, size: o.size, durationS: o.seconds }).done;
    // What arrived is in the socket's buffer or dropped by now: wait for the kernel to have taken every datagram.
    await lab.waitUntil(async () => {
      const now = await ins.udpCounters();
      return now.inDatagrams - before.inDatagrams + (now.rcvbufErrors - before.rcvbufErrors) >= sent.sent;
    }, 'every datagram to reach the socket or its full buffer', 20_000).catch(() => undefined);
    const cpu = pid ? cpuSeconds(pid) - cpu0 : null;
    const r = await stop();
    if (kind === 'wire' && r.wireState?.state !== 'stopped') throw new Error(`the wire view ended ${r.wireState?.state}: ${r.wireState?.error?.message ?? ''}`);
    const after = await ins.udpCounters();
    return { kind, pps, sent: sent.sent, achievedPps: sent.achievedPps, ...r, cpu, drops: after.rcvbufErrors - before.rcvbufErrors };
  }

  const rows = [];
  const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  try {
    // Learn the receive buffer Gapscope asks for, so the bare receiver asks for the same.
    await measure('socket', 1000);
    for (const pps of o.rates) {
      const runs = [];
      for (let rep = 0; rep < o.reps; rep++) {
        for (const kind of rep % 2 === 0 ? o.kinds : [...o.kinds].reverse()) {
          const r = await measure(kind, pps);
          log(`${pps || 'flat out'} pps ${kind}: sent ${r.sent}, received ${r.received}${r.wire !== null ? `, wire ${r.wire}` : ''}, buffer drops ${r.drops}${r.cpu !== null ? `, CPU ${r.cpu.toFixed(2)} s` : ''}`);
          runs.push(r);
        }
      }
      const sum = (kind, key) => runs.filter((r) => r.kind === kind).reduce((s, r) => s + (r[key] ?? 0), 0);
      const byKind = {};
      for (const kind of o.kinds) byKind[kind] = { sent: sum(kind, 'sent'), received: sum(kind, 'received'), wire: sum(kind, 'wire'), drops: sum(kind, 'drops'), cpu: sum(kind, 'cpu') };
      rows.push({ pps, byKind, achieved: runs.reduce((s, r) => s + r.achievedPps, 0) / runs.length });
    }
    const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const gs = o.kinds.filter((k) => k !== 'bare');
    const lines = [
      `${gs.map((k) => `Gapscope, ${LABEL[k]}`).join(' and ')} vs a bare Node dgram receiver: ${o.size}-byte datagrams, ${o.seconds} s per run, ${o.reps} runs each (order ${o.kinds.join(' ')}, then reversed), engine ${o.engine}, all asking for a ${fmt(requested)}-byte receive buffer (Gapscope granted ${fmt(granted)}). Load average before ${load0}, after ${load1}.`,
      '',
      `| rate asked (pps) | sender achieved (pps) | ${o.kinds.map((k) => `${LABEL[k]}: socket received / sent`).join(' | ')} | ${gs.includes('wire') ? 'wire view saw / sent | ' : ''}${gs.map((k) => `${LABEL[k]} / bare`).join(' | ')} | ${gs.map((k) => `CPU per 1,000 datagrams, ${LABEL[k]}`).join(' | ')}${gs.length === 2 ? ' | CPU, beside / off' : ''} | buffer drops (${o.kinds.join(', ')}) |`,
      `|${'---:|'.repeat(2 + o.kinds.length + (gs.includes('wire') ? 1 : 0) + gs.length * 2 + (gs.length === 2 ? 1 : 0) + 1)}`,
    ];
    for (const r of rows) {
      const share = (k) => r.byKind[k].received / r.byKind[k].sent;
      const perK = (k) => (r.byKind[k].cpu / r.byKind[k].sent) * 1000;
      lines.push(
        `| ${r.pps === 0 ? 'flat out' : fmt(r.pps)} | ${fmt(r.achieved)} | ${o.kinds.map((k) => `${fmt(r.byKind[k].received)} / ${fmt(r.byKind[k].sent)} (${pct(share(k))})`).join(' | ')} | ` +
          `${gs.includes('wire') ? `${fmt(r.byKind.wire.wire)} / ${fmt(r.byKind.wire.sent)} (${pct(r.byKind.wire.wire / r.byKind.wire.sent)}) | ` : ''}` +
          `${gs.map((k) => pct(share(k) / share('bare'))).join(' | ')} | ${gs.map((k) => `${(perK(k) * 1000).toFixed(1)} ms`).join(' | ')}` +
          `${gs.length === 2 ? ` | ${(perK('wire') / perK('socket')).toFixed(2)}` : ''} | ${o.kinds.map((k) => fmt(r.byKind[k].drops)).join(', ')} |`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await pair.teardown();
  }
}

main().catch((e) => {
  process.stderr.write(`bench-wire: ${e.message}\n`);
  process.exitCode = 1;
});
