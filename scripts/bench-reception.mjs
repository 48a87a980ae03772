#!/usr/bin/env node
// `npm run bench`: how much of a fast UDP stream Gapscope's full pipeline (`gapscope listen
// --json`: worker thread, monitor, deltas) receives, compared with a bare Node dgram receiver fed
// by the same sender in the same run, and how Gapscope's memory behaves over a long run.
//
// Runs in a lab namespace pair (10.98.20.0/24, lab/netns.ts): a Node sender in the device
// namespace (lab/sender.mjs, 512-byte datagrams) and, one after the other at each rate, Gapscope
// and the bare receiver (lab/bareReceiver.mjs --count-only) in the inspector namespace, in the
// order G B B G so that drift in the machine's load touches both alike. The bare receiver asks for
// the same receive buffer that Gapscope was granted. Needs root and `npm run build`.
//
//   node scripts/bench-reception.mjs [--rates 20000,50000,100000,0] [--seconds 10] [--reps 2]
//        [--size 512] [--rss-seconds 180] [--rss-pps 10000] [--rss-every 5]
//        [--kinds gapscope,bare] [--decode auto] [--sender node|iperf]
//        [--ceiling 60000,80000,...] [--ceiling-seconds 3] [--ceiling-loss 0.01]
//
// --sender iperf sends with iperf 2's C client instead of the Node sender (`iperf -c ... -u -l SIZE
// -b RATE`, `-b 10G` flat out): faster than either receiver, so that flat out finds the receivers'
// own ceiling rather than the sender's. Its payload is iperf 2's, which `--decode auto` detects.
// `--no-udp-fin`: no end-of-test handshake, whose retries would arrive after the receivers stop.
//
// --kinds picks the receivers compared at each rate, each run in turn (the order reversed every
// other repetition): gapscope (the full pipeline, payload decoding as --decode, default auto, the
// CLI's default), nodecode (--decode none), record (the full pipeline plus --record to a pcapng
// file in the system temp folder; the file's packet count is checked against the report's), and
// bare. Ratios are against bare.
//
// batch is the full pipeline reading its socket with recvmmsg (GAPSCOPE_RECEIVE=batch, the addon
// in native/recv-batch), batchrecord the same with --record.
//
// --ceiling finds the bare socket's own limit first: the bare receiver alone at each of those rates
// in turn (ascending, --ceiling-seconds each), until it receives less than 1 - --ceiling-loss of
// what was sent; the kinds are then compared at that rate (added to --rates). With a sender faster
// than the receivers (--sender iperf) that is where a bare Node socket starts to lose.
//
// A rate of 0 means the sender sends as fast as it can (flat out); `--rates none` measures memory
// only, `--rss-seconds 0` throughput only.
// Prints markdown tables on stdout (progress on stderr).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));

function parseArgs(argv) {
  const o = { rates: [20_000, 50_000, 100_000, 0], seconds: 10, reps: 2, size: 512, rssSeconds: 180, rssPps: 10_000, rssEvery: 5, kinds: ['gapscope', 'bare'], decode: 'auto', sender: 'node', ceiling: [], ceilingSeconds: 3, ceilingLoss: 0.01 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--rates') o.rates = v === 'none' ? [] : v.split(',').map(Number);
    else if (a === '--seconds') o.seconds = Number(v);
    else if (a === '--reps') o.reps = Number(v);
    else if (a === '--size') o.size = Number(v);
    else if (a === '--rss-seconds') o.rssSeconds = Number(v);
    else if (a === '--rss-pps') o.rssPps = Number(v);
    else if (a === '--rss-every') o.rssEvery = Number(v);
    else if (a === '--kinds') o.kinds = v.split(',');
    else if (a === '--decode') o.decode = v;
    else if (a === '--sender') o.sender = v;
    else if (a === '--ceiling') o.ceiling = v.split(',').map(Number);
    else if (a === '--ceiling-seconds') o.ceilingSeconds = Number(v);
    else if (a === '--ceiling-loss') o.ceilingLoss = Number(v);
    else throw new Error(`unknown argument ${a}`);
  }
  for (const k of o.kinds) if (!KINDS.includes(k)) throw new Error(`unknown kind ${k}; use ${KINDS.join(', ')}`);
  if (o.sender !== 'node' && o.sender !== 'iperf') throw new Error('--sender is node or iperf');
  if (!o.kinds.includes('bare')) o.kinds.push('bare');
  if (o.ceiling.some((r) => !(r > 0))) throw new Error('--ceiling takes rates above 0, ascending');
  return o;
}

const KINDS = ['gapscope', 'nodecode', 'record', 'batch', 'batchrecord', 'bare'];
const LABEL = { gapscope: 'Gapscope', nodecode: 'Gapscope, no decoding', record: 'Gapscope recording', batch: 'Gapscope, recvmmsg', batchrecord: 'Gapscope recording, recvmmsg', bare: 'bare' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => process.stderr.write(`${line}\n`);
const fmt = (n) => (n === null || n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const pct = (x) => (x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/** The lab harness is TypeScript; Vite (a dev dependency) loads it for this plain Node script. */
async function loadLab() {
  const load = async (file) => (await runnerImport(join(REPO, 'lab', file))).module;
  const [netns, streams, gapscope] = await Promise.all([load('netns.ts'), load('streams.ts'), load('gapscope.ts')]);
  return { ...netns, ...streams, ...gapscope };
}

/** iperf 2's client in `host` (the device namespace), as lab.startSender's result: { done: { sent, achievedPps } }. */
function startIperf(host, { to, pps, size, durationS }) {
  const [address, port] = to.split(':');
  // iperf 2.1.8 refuses -b 0 ("IPG delay target of inf"); 10 Gbit/s of 512 B is far past any receiver here.
  const bits = pps === 0 ? '10G' : String(pps * size * 8);
  const proc = host.spawn('iperf', ['-c', address, '-u', '-p', port, '-l', String(size), '-b', bits, '-t', String(durationS), '--no-udp-fin']);
  const done = proc.exited.then((r) => {
    const out = r.stdout + r.stderr;
    const sent = Number(/Sent (\d+) datagrams/.exec(out)?.[1]);
    const seconds = Number(/0\.0+-(\d+\.\d+) sec/.exec(out)?.[1]);
    if (!sent || !seconds) throw new Error(`iperf output not understood:\n${out.slice(-1500)}`);
    return { sent, achievedPps: sent / seconds };
  });
  return { proc, done };
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(join(REPO, 'out', 'main', 'cli.js'))) throw new Error('Gapscope is not built: run `npm run build` first.');
  const lab = await loadLab();
  const pair = await lab.createLabPair({ subnet: 20 });
  const ins = pair.inspector;
  let port = 47_000;
  let requestedBuffer = null;
  let grantedBuffer = null;
  let bareGranted = null;

  /** One measured run of either receiver at `pps`; returns counts. */
  async function measure(kind, pps, seconds = o.seconds) {
    const p = (port += 1);
    const before = await ins.udpCounters();
    let stop;
    let gs = null;
    let recorded = null;
    if (kind !== 'bare') {
      const file = kind === 'record' || kind === 'batchrecord' ? join(tmpdir(), `gapscope-bench-${process.pid}-${p}.pcapng`) : null;
      const args = ['--port', String(p), '--decode', kind === 'nodecode' ? 'none' : o.decode, ...(file ? ['--record', file] : [])];
      const batch = kind === 'batch' || kind === 'batchrecord';
      gs = await lab.startGapscope(ins, { args, durationS: seconds + 2, env: { GAPSCOPE_RECEIVE: batch ? 'batch' : 'single' } });
      stop = async () => {
        const r = await gs.report();
        requestedBuffer = r.stream?.recvBufferBytes ?? requestedBuffer;
        grantedBuffer = r.stream?.recvBufferGranted ?? grantedBuffer;
        if (file) {
          // capinfos counts what the file holds: the recording must hold every packet received.
          // Counted per interface (-I; capinfos prints each interface twice, so the first of each):
          // the stream's own, not the timeline's events ("Gapscope timeline", frames a loaded
          // receiver posts: buffer full, stalls) nor the DNS probes.
          const info = execFileSync('capinfos', ['-c', '-I', '-M', file], { encoding: 'utf8' });
          let count = 0;
          let events = 0;
          const seen = new Set();
          for (const m of info.matchAll(/^Interface #(\d+) info:\n([\s\S]*?)(?=^Interface #|(?![\s\S]))/gm)) {
            if (seen.has(m[1])) continue;
            seen.add(m[1]);
            const n = Number(/Number of packets = (\d+)/.exec(m[2])?.[1] ?? 0);
            if (/Name = gapscope stream /.test(m[2])) count += n;
            else if (/Name = Gapscope timeline/.test(m[2])) events += n;
          }
          recorded = { packets: count, events, bytes: statSync(file).size };
          rmSync(file, { force: true });
          rmSync(`${file}.json`, { force: true });
        }
        return r.packets;
      };
    } else {
      const bare = await lab.startBare(ins, { port: p, countOnly: true, recvBuffer: requestedBuffer ?? undefined });
      bareGranted = JSON.parse(await bare.proc.waitForLine(/"event":"listening"/)).recvBuffer;
      stop = async () => (await bare.stop()).packets;
    }
    const sendWith = o.sender === 'iperf' ? startIperf : lab.startSender;
    const sender = sendWith(pair.device, { to: `${ins.ipv4}:${p}`, pps, size: o.size, durationS: seconds });
    const sent = await sender.done;
    await sleep(300);
    const received = await stop();
    const after = await ins.udpCounters();
    return { kind, pps, sent: sent.sent, achievedPps: sent.achievedPps, received, recorded, rcvbufErrors: after.rcvbufErrors - before.rcvbufErrors };
  }

  const rows = [];
  const mismatches = [];
  try {
    // Learn the receive buffer Gapscope asks for, so the bare receiver can ask for the same.
    if (o.rates.length > 0 || o.ceiling.length > 0) await measure('gapscope', 1000, 1);
    const ceilingRows = [];
    let ceiling = null;
    for (const pps of o.ceiling) {
      const r = await measure('bare', pps, o.ceilingSeconds);
      const share = r.received / r.sent;
      log(`ceiling search, bare alone at ${pps} pps: sent ${r.sent} (${Math.round(r.achievedPps)}/s), received ${r.received} (${pct(share)}), socket-buffer drops ${r.rcvbufErrors}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
      ceilingRows.push({ ...r, share });
      if (share < 1 - o.ceilingLoss) {
        ceiling = pps;
        break;
      }
    }
    if (o.ceiling.length > 0 && ceiling !== null && !o.rates.includes(ceiling)) o.rates.unshift(ceiling);
    for (const pps of o.rates) {
      const runs = [];
      for (let rep = 0; rep < o.reps; rep++) {
        const order = rep % 2 === 0 ? o.kinds : [...o.kinds].reverse();
        for (const kind of order) {
          const r = await measure(kind, pps);
          log(`${pps} pps ${kind}: sent ${r.sent}, received ${r.received}${r.recorded ? `, in the file ${r.recorded.packets} (and ${r.recorded.events} timeline events)` : ''}, socket-buffer drops ${r.rcvbufErrors}`);
          // Said, not thrown: the rest of the run still measures, and the table names the mismatch.
          if (r.recorded && r.recorded.packets !== r.received) {
            mismatches.push(`${pps === 0 ? 'flat out' : fmt(pps)}: the recording holds ${fmt(r.recorded.packets)} packets, the report says ${fmt(r.received)}`);
            log(`MISMATCH ${mismatches.at(-1)}`);
          }
          runs.push(r);
        }
      }
      const sum = (kind, key) => runs.filter((r) => r.kind === kind).reduce((s, r) => s + r[key], 0);
      const byKind = {};
      for (const kind of o.kinds) byKind[kind] = { sent: sum(kind, 'sent'), received: sum(kind, 'received'), drops: sum(kind, 'rcvbufErrors') };
      rows.push({ pps, byKind, achieved: runs.reduce((s, r) => s + r.achievedPps, 0) / runs.length });
    }

    let rss = null;
    if (o.rssSeconds > 0) {
      log(`memory: ${o.rssSeconds} s at ${o.rssPps} pps`);
      const p = (port += 1);
      const gs = await lab.startGapscope(ins, { args: ['--port', String(p)], durationS: o.rssSeconds + 3 });
      const samples = [];
      const sender = lab.startSender(pair.device, { to: `${ins.ipv4}:${p}`, pps: o.rssPps, size: o.size, durationS: o.rssSeconds });
      const started = Date.now();
      while (Date.now() - started < o.rssSeconds * 1000) {
        samples.push({ atS: (Date.now() - started) / 1000, kib: rssKiB(gs.proc.pid) });
        await sleep(o.rssEvery * 1000);
      }
      const sent = await sender.done;
      const report = await gs.report();
      rss = { samples, sent: sent.sent, received: report.packets, gaps: report.gaps.length, bins: report.bins.length };
    }

    const lines = [];
    const others = o.kinds.filter((k) => k !== 'bare');
    if (ceilingRows.length > 0) {
      lines.push(`Where the bare socket starts to lose: the bare receiver alone, ${o.ceilingSeconds} s at each rate, until it receives less than ${pct(1 - o.ceilingLoss)} of what was sent.`, '');
      lines.push('| rate asked (pps) | sender achieved (pps) | bare received / sent | socket-buffer drops |', '|---:|---:|---:|---:|');
      for (const r of ceilingRows) lines.push(`| ${fmt(r.pps)} | ${fmt(r.achievedPps)} | ${fmt(r.received)} / ${fmt(r.sent)} (${pct(r.share)}) | ${fmt(r.rcvbufErrors)} |`);
      lines.push('', ceiling === null ? `The bare socket kept up at every rate tried (up to ${fmt(o.ceiling.at(-1))}): no ceiling found.` : `The bare socket starts to lose at ${fmt(ceiling)} packets/s asked; the comparison below is at that rate first.`, '');
    }
    if (rows.length > 0) lines.push(`${others.map((k) => LABEL[k]).join(', ')} vs a bare Node dgram receiver, sender ${o.sender === 'iperf' ? "iperf 2's C client" : 'lab/sender.mjs (Node)'}: ${o.size}-byte datagrams, ${o.seconds} s per run, ${o.reps} runs each (order ${o.kinds.join(' ')}, then reversed), decoding ${o.decode} unless said, all asking for a ${fmt(requestedBuffer)}-byte receive buffer (granted: Gapscope ${fmt(grantedBuffer)}, bare ${fmt(bareGranted)}).`);
    if (rows.length > 0) {
      lines.push('', `| rate asked (pps) | sender achieved (pps) | ${o.kinds.map((k) => `${LABEL[k]} received / sent`).join(' | ')} | ${others.map((k) => `${LABEL[k]} / bare`).join(' | ')} | socket-buffer drops (${o.kinds.join(', ')}) |`);
      lines.push(`|${'---:|'.repeat(2 + o.kinds.length + others.length + 1)}`);
    }
    for (const r of rows) {
      const share = (k) => r.byKind[k].received / r.byKind[k].sent;
      lines.push(`| ${r.pps === 0 ? 'flat out' : fmt(r.pps)} | ${fmt(r.achieved)} | ${o.kinds.map((k) => `${fmt(r.byKind[k].received)} / ${fmt(r.byKind[k].sent)} (${pct(share(k))})`).join(' | ')} | ${others.map((k) => pct(share(k) / share('bare'))).join(' | ')} | ${o.kinds.map((k) => fmt(r.byKind[k].drops)).join(', ')} |`);
    }
    if ((o.kinds.includes('record') || o.kinds.includes('batchrecord')) && rows.length > 0) lines.push('', mismatches.length === 0 ? 'Every recording held exactly the packets its report counted (capinfos).' : `Recordings that differ from their report: ${mismatches.join('; ')}.`);
    if (rss) {
      const kib = rss.samples.map((s) => s.kib);
      const first = kib[0];
      const last = kib.at(-1);
      lines.push('');
      lines.push(`Gapscope back-end memory (VmRSS of the \`gapscope listen\` process, sampled every ${o.rssEvery} s) over ${o.rssSeconds} s at ${fmt(o.rssPps)} pps: received ${fmt(rss.received)} of ${fmt(rss.sent)} datagrams.`);
      lines.push('');
      lines.push('| RSS at start | RSS at end | RSS max | samples |');
      lines.push('|---:|---:|---:|---:|');
      lines.push(`| ${(first / 1024).toFixed(1)} MiB | ${(last / 1024).toFixed(1)} MiB | ${(Math.max(...kib) / 1024).toFixed(1)} MiB | ${kib.length} |`);
      lines.push('');
      lines.push(`RSS samples (s: MiB): ${rss.samples.map((s) => `${s.atS.toFixed(0)}: ${(s.kib / 1024).toFixed(1)}`).join(', ')}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await pair.teardown();
  }
}

main().catch((e) => {
  process.stderr.write(`bench-reception: ${e.message}\n`);
  process.exitCode = 1;
});
