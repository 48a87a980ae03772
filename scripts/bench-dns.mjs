#!/usr/bin/env node
// DNS load against dnsperf, in the lab: the same dnsmasq (device namespace, subnet 10.98.43.0/24)
// loaded alternately by dnsperf and by `gapscope dns load` (the real CLI, inspector namespace), same
// name, same duration, several rounds in one run; prints the ratio of gapscope's answered rate to
// dnsperf's per round, and the CPU time each client and dnsmasq used, to tell who is the limit.
//
//   node scripts/bench-dns.mjs [--rounds 3] [--duration 5] [--qps 100000] [--realtime]
//
// Needs root, iproute2, dnsmasq, dnsperf and `npm run build`. --realtime runs both clients and
// dnsmasq with SCHED_FIFO (dnsmasq at a higher priority), so other work on a shared machine moves
// the numbers less. Prints a markdown table on stdout (progress on stderr).
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const NAME = 'gdl90.lab.test';
const TICKS = 100; // USER_HZ: /proc/PID/stat counts CPU time in 1/100 s

function parseArgs(argv) {
  const o = { rounds: 3, duration: 5, qps: 100_000, realtime: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--realtime') {
      o.realtime = true;
      continue;
    }
    const v = Number(argv[++i]);
    if (!(v > 0)) throw new Error(`${a} needs a positive number`);
    if (a === '--rounds') o.rounds = v;
    else if (a === '--duration') o.duration = v;
    else if (a === '--qps') o.qps = v;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const log = (line) => process.stderr.write(`${line}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const cpuOf = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS; // utime + stime, s
};
// `times` in the same shell prints the children's user and system CPU time after the command ends.
const childCpu = (stdout) => {
  const lines = stdout.trim().split('\n');
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines.at(-1) ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : NaN;
};

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const load = async (file) => (await runnerImport(join(REPO, 'lab', file))).module;
  const [netns, gapscope] = await Promise.all([load('netns.ts'), load('gapscope.ts')]);
  const pair = await netns.createLabPair({ subnet: 43 });
  const queries = join(tmpdir(), `gs-bench-dns-${process.pid}.txt`);
  writeFileSync(queries, `${NAME} A\n`);
  const rt = (prio) => (o.realtime ? `chrt --fifo ${prio} ` : '');
  const rows = [];
  try {
    const { device, inspector } = pair;
    const dnsmasq = device.spawn('sh', ['-c', `exec ${rt(20)}dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces --pid-file= --user=root --listen-address=${device.ipv4} --host-record=${NAME},${device.ipv4}`]);
    await device.waitForUdpSocket(dnsmasq.pid, 53, 10_000);
    const dnsperf = async () => {
      const before = cpuOf(dnsmasq.pid);
      const r = await inspector.exec('bash', ['-c', `${rt(10)}dnsperf -s ${device.ipv4} -d ${queries} -l ${o.duration} -Q ${o.qps}; times`], { timeoutMs: (o.duration + 30) * 1000 });
      const qps = Number(/Queries per second:\s+([\d.]+)/.exec(r.stdout)?.[1]);
      const lost = Number(/Queries lost:\s+(\d+)/.exec(r.stdout)?.[1]);
      return { qps, lost, clientCpu: childCpu(r.stdout), serverCpu: cpuOf(dnsmasq.pid) - before };
    };
    const ours = async () => {
      const before = cpuOf(dnsmasq.pid);
      const r = await inspector.exec('bash', ['-c', `${rt(10)}node ${gapscope.GAPSCOPE_BIN} dns load --server ${device.ipv4} --qps ${o.qps} --duration ${o.duration} --name ${NAME} --json; times`], { timeoutMs: (o.duration + 30) * 1000 });
      const j = JSON.parse(r.stdout.trim().split('\n')[0]);
      return { qps: j.answeredQps, lost: j.lost, sent: j.sent, p50: j.latencyMs.p50, p99: j.latencyMs.p99, fds: `${j.fds.before} → ${j.fds.after}`, clientCpu: childCpu(r.stdout), serverCpu: cpuOf(dnsmasq.pid) - before };
    };
    for (let round = 1; round <= o.rounds; round++) {
      // Alternate who goes first, so that a trend in the machine's load does not favour one side.
      const first = round % 2 === 1 ? 'dnsperf' : 'gapscope';
      const a = first === 'dnsperf' ? await dnsperf() : await ours();
      const b = first === 'dnsperf' ? await ours() : await dnsperf();
      const [p, g] = first === 'dnsperf' ? [a, b] : [b, a];
      const row = { round, p, g, ratio: g.qps / p.qps };
      rows.push(row);
      log(`round ${round}: dnsperf ${fmt(p.qps)} qps (client CPU ${p.clientCpu.toFixed(1)} s, dnsmasq ${p.serverCpu.toFixed(1)} s); gapscope ${fmt(g.qps)} answered qps (client CPU ${g.clientCpu.toFixed(1)} s, dnsmasq ${g.serverCpu.toFixed(1)} s), lost ${g.lost}, fds ${g.fds}: ${(row.ratio * 100).toFixed(0)}%`);
    }
  } finally {
    await pair.teardown();
  }
  const d = o.duration;
  console.log(`| round | dnsperf qps | its CPU / dnsmasq CPU (of ${d} s) | gapscope answered qps | its CPU / dnsmasq CPU | lost | p50 / p99 ms | fds | ratio |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.round} | ${fmt(r.p.qps)} | ${r.p.clientCpu.toFixed(1)} s / ${r.p.serverCpu.toFixed(1)} s | ${fmt(r.g.qps)} | ${r.g.clientCpu.toFixed(1)} s / ${r.g.serverCpu.toFixed(1)} s | ${r.g.lost} | ${r.g.p50} / ${r.g.p99} | ${r.g.fds} | ${(r.ratio * 100).toFixed(0)}% |`);
  }
  const ratios = rows.map((r) => r.ratio).sort((x, y) => x - y);
  console.log(`\nmedian ratio ${(ratios[Math.floor(ratios.length / 2)] * 100).toFixed(0)}%, lowest ${(ratios[0] * 100).toFixed(0)}% (${o.rounds} rounds, -Q/--qps ${fmt(o.qps)}, ${d} s each${o.realtime ? ', SCHED_FIFO' : ''})`);
}

main().catch((e) => {
  log(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
