#!/usr/bin/env node
// DNS load against dnsperf and resperf, in the lab: the same dnsmasq (device namespace, subnet
// 10.98.43.0/24) loaded alternately by the reference and by `gapscope dns load` (the real CLI,
// inspector namespace), several rounds in one run; prints the ratio of gapscope's answered rate to
// the reference's per round, and the CPU time each client and dnsmasq used, to tell who is the limit.
//
//   node scripts/bench-dns.mjs [--rounds 3] [--duration 5] [--qps 100000] [--realtime]
//                              [--modes udp,file,tcp,ramp] [--long-queries 1000000]
//
// Modes, each against its reference in the same round:
//   udp   one name:                      dnsperf -d (one line)  vs  dns load --name
//   file  a four-line query file:        dnsperf -d FILE        vs  dns load -d FILE
//   tcp   one name over TCP:             dnsperf -m tcp         vs  dns load --tcp
//   ramp  0 to --qps over --duration:    resperf -m -r (its "maximum throughput")  vs  dns load --ramp (ramp.maxAnsweredQps)
// --long-queries N then runs gapscope alone for about N queries (at the rate its udp rounds
// reached, at most 300 s) and prints its open file and socket counts before and after.
//
// Needs root, iproute2, dnsmasq, dnsperf (Debian's package has resperf) and `npm run build`.
// --realtime runs the clients and dnsmasq with SCHED_FIFO (dnsmasq at a higher priority), so other
// work on a shared machine moves the numbers less. Prints markdown tables on stdout (progress on stderr).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const NAME = 'gdl90.lab.test';
const TICKS = 100; // USER_HZ: /proc/PID/stat counts CPU time in 1/100 s

function parseArgs(argv) {
  const o = { rounds: 3, duration: 5, qps: 100_000, realtime: false, modes: ['udp'], longQueries: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--realtime') {
      o.realtime = true;
      continue;
    }
    if (a === '--modes') {
      o.modes = String(argv[++i]).split(',');
      for (const m of o.modes) if (!['udp', 'file', 'tcp', 'ramp'].includes(m)) throw new Error(`unknown mode ${m}: udp, file, tcp, ramp`);
      continue;
    }
    if (a === '--long-queries') {
      o.longQueries = Number(argv[++i]);
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

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const load = async (file) => (await runnerImport(join(REPO, 'lab', file))).module;
  const [netns, gapscope] = await Promise.all([load('netns.ts'), load('gapscope.ts')]);
  const pair = await netns.createLabPair({ subnet: 43 });
  const tmp = (what) => join(tmpdir(), `gs-bench-dns-${process.pid}-${what}`);
  const oneName = tmp('one.txt');
  const fourLines = tmp('four.txt');
  const plot = tmp('resperf.gnuplot');
  writeFileSync(oneName, `${NAME} A\n`);
  // Two host records, a type dnsmasq has no record of (NOERROR, no data) and a name it refuses.
  writeFileSync(fourLines, `${NAME} A\nprinter.lab.test A\n${NAME} AAAA\nunknown.example A\n`);
  const rt = (prio) => (o.realtime ? `chrt --fifo ${prio} ` : '');
  const rows = [];
  const long = [];
  try {
    const { device, inspector } = pair;
    const dnsmasq = device.spawn('sh', ['-c', `exec ${rt(20)}dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces --pid-file= --user=root --listen-address=${device.ipv4} --host-record=${NAME},${device.ipv4} --host-record=printer.lab.test,${device.ipv4}`]);
    await device.waitForUdpSocket(dnsmasq.pid, 53, 10_000);
    const timeoutMs = (o.duration + 60) * 1000;
    const reference = async (mode) => {
      const before = cpuOf(dnsmasq.pid);
      const s = device.ipv4;
      const cmd = {
        udp: `dnsperf -s ${s} -d ${oneName} -l ${o.duration} -Q ${o.qps}`,
        file: `dnsperf -s ${s} -d ${fourLines} -l ${o.duration} -Q ${o.qps}`,
        tcp: `dnsperf -m tcp -s ${s} -d ${oneName} -l ${o.duration} -Q ${o.qps}`,
        ramp: `resperf -s ${s} -d ${oneName} -R -m ${o.qps} -r ${o.duration} -c 0 -t 1 -P ${plot}`,
      }[mode];
      const r = await inspector.exec('bash', ['-c', `${rt(10)}${cmd}; times`], { timeoutMs });
      const num = (re) => Number(re.exec(r.stdout)?.[1]);
      const qps = mode === 'ramp' ? num(/Maximum throughput:\s+([\d.]+)/) : num(/Queries per second:\s+([\d.]+)/);
      const lost = mode === 'ramp' ? num(/Lost at that point:\s+(\d+)/) : num(/Queries lost:\s+(\d+)/);
      return { name: mode === 'ramp' ? 'resperf' : 'dnsperf', qps, lost, clientCpu: childCpu(r.stdout), serverCpu: cpuOf(dnsmasq.pid) - before };
    };
    const ours = async (mode, duration = o.duration) => {
      const before = cpuOf(dnsmasq.pid);
      const what = { udp: `--name ${NAME}`, file: `-d ${fourLines}`, tcp: `--name ${NAME} --tcp`, ramp: `--name ${NAME} --ramp` }[mode];
      const r = await inspector.exec('bash', ['-c', `${rt(10)}node ${gapscope.GAPSCOPE_BIN} dns load --server ${device.ipv4} --qps ${o.qps} --duration ${duration} ${what} --json; times`], { timeoutMs: (duration + 60) * 1000 });
      const j = JSON.parse(r.stdout.trim().split('\n')[0]);
      const qps = mode === 'ramp' ? j.ramp.maxAnsweredQps : j.answeredQps;
      return { qps, lost: j.lost, sent: j.sent, p50: j.latencyMs.p50, p99: j.latencyMs.p99, fds: `${j.fds.before} → ${j.fds.after}`, sockets: `${j.fds.socketsBefore} → ${j.fds.socketsAfter}`, j, clientCpu: childCpu(r.stdout), serverCpu: cpuOf(dnsmasq.pid) - before };
    };
    for (const mode of o.modes) {
      for (let round = 1; round <= o.rounds; round++) {
        // Alternate who goes first, so that a trend in the machine's load does not favour one side.
        const loadBefore = loadavg();
        const refFirst = round % 2 === 1;
        const a = refFirst ? await reference(mode) : await ours(mode);
        const b = refFirst ? await ours(mode) : await reference(mode);
        const [p, g] = refFirst ? [a, b] : [b, a];
        const row = { mode, round, p, g, ratio: g.qps / p.qps, load: `${loadBefore}→${loadavg()}` };
        rows.push(row);
        log(`${mode} round ${round} (load ${row.load}): ${p.name} ${fmt(p.qps)} qps (client CPU ${p.clientCpu.toFixed(1)} s, dnsmasq ${p.serverCpu.toFixed(1)} s); gapscope ${fmt(g.qps)} answered qps (client CPU ${g.clientCpu.toFixed(1)} s, dnsmasq ${g.serverCpu.toFixed(1)} s), lost ${g.lost}, fds ${g.fds}: ${(row.ratio * 100).toFixed(0)}%`);
      }
    }
    if (o.longQueries > 0) {
      const udp = rows.filter((r) => r.mode === 'udp').map((r) => r.g.qps);
      const rate = udp.length ? Math.max(...udp) : 10_000;
      const duration = Math.min(300, Math.ceil((o.longQueries / rate) * 1.1));
      const loadBefore = loadavg();
      log(`long run: about ${fmt(o.longQueries)} queries at up to ${fmt(o.qps)} qps for ${duration} s`);
      const g = await ours('udp', duration);
      long.push({ duration, g, load: `${loadBefore}→${loadavg()}` });
    }
  } finally {
    await pair.teardown();
    for (const f of [oneName, fourLines, plot]) rmSync(f, { force: true });
  }
  const d = o.duration;
  console.log(`| mode | round | load (1 min) | reference qps | its CPU / dnsmasq CPU (of ${d} s) | gapscope answered qps | its CPU / dnsmasq CPU | lost | p50 / p99 ms | fds | ratio |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.mode} | ${r.round} | ${r.load} | ${r.p.name} ${fmt(r.p.qps)} | ${r.p.clientCpu.toFixed(1)} s / ${r.p.serverCpu.toFixed(1)} s | ${fmt(r.g.qps)} | ${r.g.clientCpu.toFixed(1)} s / ${r.g.serverCpu.toFixed(1)} s | ${r.g.lost} | ${r.g.p50} / ${r.g.p99} | ${r.g.fds} | ${(r.ratio * 100).toFixed(0)}% |`);
  }
  for (const mode of o.modes) {
    const ratios = rows.filter((r) => r.mode === mode).map((r) => r.ratio).sort((x, y) => x - y);
    console.log(`\n${mode}: median ratio ${(ratios[Math.floor(ratios.length / 2)] * 100).toFixed(0)}%, lowest ${(ratios[0] * 100).toFixed(0)}% (${o.rounds} rounds, ${mode === 'ramp' ? '0 to ' : '-Q/--qps '}${fmt(o.qps)}, ${d} s each${o.realtime ? ', SCHED_FIFO' : ''})`);
  }
  for (const l of long) {
    console.log(`\nlong run (load ${l.load}): ${fmt(l.g.sent)} queries sent in ${l.duration} s, ${fmt(l.g.j.answered)} answered, ${l.g.lost} lost; open files ${l.g.fds}, sockets ${l.g.sockets}`);
  }
}

main().catch((e) => {
  log(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
