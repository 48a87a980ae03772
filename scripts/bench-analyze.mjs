#!/usr/bin/env node
// Benchmark of `gapscope analyze` on a ~1 GB pcapng against `tshark -q -z io,stat,1 -r FILE` on the
// same file, in the same run (the ratio is what counts: the machine is shared and loaded).
//
//   node scripts/bench-analyze.mjs [--gb 1] [--rounds 2] [--keep] [--file F] [--startup-runs 10]
//
// First the CLI's start-up: `node -e 0`, `gapscope --version` and `gapscope analyze` of a tiny
// capture (64 KiB), alternated --startup-runs times each; the medians and their ratio to Node's own
// start (what a command costs beyond starting Node at all). --startup-runs 0 skips it.
//
// Also against `capinfos -c` (the bare read of every block, in C) on the same file. Each tool's wall
// time, CPU time (user + system, GNU time) and peak RSS; the ratios are per round. On a loaded
// machine the CPU-time ratio moves less than the wall-time one: both are printed. --file analyzes
// an existing capture instead (the packet check is then skipped, and the file is never deleted).
//
// The file is generated here by a plain EPB writer (not Gapscope's recorder): one Ethernet/IPv4/UDP
// flow of 1000-byte datagrams at 1 ms with lab/sender.mjs's payload (sequence number, send time),
// a 300 ms silence every 10 s, and a small second flow. It is deleted at the end unless --keep.
// Uses the built CLI (bin/gapscope.js) when it has the analyze command, else electron/cli/analyze.ts
// through jiti (a one-time TypeScript transform, included in the time). Needs tshark.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const GB = Number(opt('--gb', '1'));
const ROUNDS = Number(opt('--rounds', '2'));
const KEEP = args.includes('--keep');
const STARTUP_RUNS = Number(opt('--startup-runs', '10'));
const PAYLOAD = 1000;

/** Writes a pcapng of about `bytes` and returns what it holds. */
function generate(path, bytes) {
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(8 * 1024 * 1024);
  let used = 0;
  const flush = () => {
    writeSync(fd, buf, 0, used);
    used = 0;
  };
  const block = (type, body) => {
    const len = 12 + ((body.length + 3) & ~3);
    if (used + len > buf.length) flush();
    buf.writeUInt32LE(type, used);
    buf.writeUInt32LE(len, used + 4);
    body.copy(buf, used + 8);
    buf.fill(0, used + 8 + body.length, used + len - 4);
    buf.writeUInt32LE(len, used + len - 4);
    used += len;
  };
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeInt32LE(-1, 8);
  shb.writeInt32LE(-1, 12);
  block(0x0a0d0d0a, shb);
  const idb = Buffer.alloc(8);
  idb.writeUInt16LE(1, 0);
  idb.writeUInt32LE(262144, 4);
  block(1, idb);
  // One frame template per flow; per packet only the timestamps, the IP id and the payload header change.
  const frame = (srcPort, dstPort, size) => {
    const f = Buffer.alloc(14 + 20 + 8 + size);
    Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0]).copy(f, 0);
    f[14] = 0x45;
    f.writeUInt16BE(20 + 8 + size, 16);
    f[22] = 64;
    f[23] = 17;
    Buffer.from([10, 98, 72, 1, 10, 98, 72, 2]).copy(f, 26);
    f.writeUInt16BE(srcPort, 34);
    f.writeUInt16BE(dstPort, 36);
    f.writeUInt16BE(8 + size, 38);
    return f;
  };
  const main = frame(40000, 5000, PAYLOAD);
  const side = frame(40001, 5001, 100);
  const epb = Buffer.alloc(20 + main.length);
  let t = 1_795_960_800_000_000; // µs
  let seq = 0;
  let n = 0;
  let written = 0;
  let sidePackets = 0;
  while (written < bytes) {
    // A 300 ms silence every 10 s of stream.
    const useSide = n++ % 100 === 50;
    if (!useSide && seq > 0 && seq % 10_000 === 0) t += 300_000;
    const f = useSide ? side : main;
    if (useSide) sidePackets++;
    f.writeUInt16BE(seq & 0xffff, 18);
    f.writeBigUInt64BE(BigInt(seq), 42);
    f.writeBigUInt64BE(BigInt(t), 50);
    epb.writeUInt32LE(0, 0);
    epb.writeUInt32LE(Math.floor(t / 4294967296), 4);
    epb.writeUInt32LE(t % 4294967296, 8);
    epb.writeUInt32LE(f.length, 12);
    epb.writeUInt32LE(f.length, 16);
    f.copy(epb, 20);
    block(6, epb.subarray(0, 20 + f.length));
    written += 12 + ((20 + f.length + 3) & ~3);
    if (!useSide) seq++;
    t += 1000;
  }
  flush();
  closeSync(fd);
  return { mainPackets: seq, sidePackets, gaps: Math.floor((seq - 1) / 10_000) };
}

/** Runs a command, returning wall time, CPU time (user + system) and peak RSS (GNU time). */
function timed(cmd, cmdArgs) {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...cmdArgs], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd: REPO });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [user, sys, rssKb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, cpuS: user + sys, rssMb: rssKb / 1024, stdout: r.stdout };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

function gapscopeCommand() {
  const bin = join(REPO, 'bin', 'gapscope.js');
  const help = spawnSync(process.execPath, [bin, 'analyze', '--help'], { encoding: 'utf8' });
  if (help.status === 0) return { how: 'bin/gapscope.js', cmd: process.execPath, pre: [bin] };
  const runner = join(tmpdir(), `gscap-bench-runner-${process.pid}.ts`);
  const text = `import { main } from '${join(REPO, 'electron', 'cli', 'index.ts')}';\nvoid main(process.argv);\n`;
  const fd = openSync(runner, 'w');
  writeSync(fd, text);
  closeSync(fd);
  return { how: 'electron/cli/index.ts via jiti (no built bin/gapscope.js)', cmd: process.execPath, pre: [join(REPO, 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs'), runner], runner };
}

const given = opt('--file', null);
const dir = given ? null : mkdtempSync(join(tmpdir(), 'gscap-bench-'));
const file = given ?? join(dir, 'bench.pcapng');
const g = gapscopeCommand();
const cleanUp = () => {
  if (dir && !KEEP) rmSync(dir, { recursive: true, force: true });
};
// A gigabyte must not outlive an interrupted run.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    cleanUp();
    process.exit(130);
  });
}
const fmtS = (x) => x.toFixed(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The CLI's own start-up against Node's: alternated runs on a tiny capture, medians and ratios. */
function startup(runs) {
  const tiny = join(dir ?? mkdtempSync(join(tmpdir(), 'gscap-bench-')), 'tiny.pcapng');
  const held = generate(tiny, 64 * 1024);
  const cases = [
    ['node -e 0', [process.execPath, ['-e', '0']]],
    ['gapscope --version', [g.cmd, [...g.pre, '--version']]],
    ['gapscope analyze (64 KiB capture)', [g.cmd, [...g.pre, 'analyze', tiny, '--port', '5000', '--gap-ms', '100', '--json']]],
  ];
  const loadBefore = load();
  const times = cases.map(() => ({ wall: [], cpu: [], rss: [] }));
  for (let i = 0; i < runs; i++) {
    // Alternated, so that drift in the machine's load touches every case alike.
    cases.forEach(([, [cmd, cmdArgs]], k) => {
      const r = timed(cmd, cmdArgs);
      times[k].wall.push(r.seconds);
      times[k].cpu.push(r.cpuS);
      times[k].rss.push(r.rssMb);
      if (k === 2 && JSON.parse(r.stdout.trim().split('\n').pop()).packets !== held.mainPackets) throw new Error('analyze of the tiny capture read the wrong packet count');
    });
  }
  rmSync(tiny);
  const ref = times[0];
  const rows = cases.map(([name], k) => {
    const t = times[k];
    return `| ${name} | ${(median(t.wall) * 1000).toFixed(0)} ms | ${(median(t.cpu) * 1000).toFixed(0)} ms | ${median(t.rss).toFixed(0)} MB | ${(median(t.wall) / median(ref.wall)).toFixed(2)}x | ${(median(t.cpu) / Math.max(median(ref.cpu), 0.001)).toFixed(2)}x |`;
  });
  process.stdout.write(`Start-up, median of ${runs} alternated runs (load ${loadBefore}→${load()}):\n\n| command | wall | CPU (user + system) | RSS | wall ÷ node -e 0 | CPU ÷ node -e 0 |\n|---|---:|---:|---:|---:|---:|\n${rows.join('\n')}\n\n`);
}

try {
  if (STARTUP_RUNS > 0) startup(STARTUP_RUNS);
  let held;
  if (given) {
    held = null;
  } else {
    const genStart = Date.now();
    held = generate(file, GB * 1024 ** 3);
    process.stderr.write(`Generated ${(statSync(file).size / 1024 ** 3).toFixed(2)} GiB (${held.mainPackets + held.sidePackets} packets) in ${((Date.now() - genStart) / 1000).toFixed(1)} s\n`);
  }
  const size = statSync(file).size;
  // From the page cache, all three: one read first, so that no tool pays for the disk.
  timed('capinfos', ['-c', file]);
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const loadBefore = load();
    // Alternate the order so that drift in the machine's load touches every tool alike.
    const order = round % 2 === 0 ? ['tshark', 'gapscope', 'capinfos'] : ['capinfos', 'gapscope', 'tshark'];
    const r = {};
    for (const tool of order) {
      if (tool === 'tshark') r.tshark = timed('tshark', ['-q', '-z', 'io,stat,1', '-r', file]);
      else if (tool === 'capinfos') r.capinfos = timed('capinfos', ['-c', file]);
      else r.gapscope = timed(g.cmd, [...g.pre, 'analyze', file, '--port', '5000', '--gap-ms', '100', '--json']);
    }
    const report = JSON.parse(r.gapscope.stdout.trim().split('\n').pop());
    if (held && (report.packets !== held.mainPackets || report.gapCount !== held.gaps)) {
      throw new Error(`analyze read ${report.packets} packets and ${report.gapCount} gaps; the file holds ${held.mainPackets} and ${held.gaps}`);
    }
    const run = {
      load: `${loadBefore}→${load()}`,
      tsharkS: r.tshark.seconds, tsharkCpuS: r.tshark.cpuS, tsharkRssMb: r.tshark.rssMb,
      capinfosS: r.capinfos.seconds, capinfosCpuS: r.capinfos.cpuS, capinfosRssMb: r.capinfos.rssMb,
      gapscopeS: r.gapscope.seconds, gapscopeCpuS: r.gapscope.cpuS, gapscopeRssMb: r.gapscope.rssMb,
      gbPerS: size / 1e9 / r.gapscope.seconds,
      fasterThanTshark: r.tshark.seconds / r.gapscope.seconds,
      fasterThanTsharkCpu: r.tshark.cpuS / r.gapscope.cpuS,
      vsCapinfos: r.capinfos.seconds / r.gapscope.seconds,
      vsCapinfosCpu: r.capinfos.cpuS / r.gapscope.cpuS,
      rssVsTshark: r.gapscope.rssMb / r.tshark.rssMb,
    };
    runs.push(run);
    process.stderr.write(`round ${round + 1} (load ${run.load}): tshark ${fmtS(run.tsharkS)} s wall, ${fmtS(run.tsharkCpuS)} s CPU, ${run.tsharkRssMb.toFixed(0)} MB | capinfos -c ${fmtS(run.capinfosS)} s, ${fmtS(run.capinfosCpuS)} s CPU | gapscope analyze ${fmtS(run.gapscopeS)} s, ${fmtS(run.gapscopeCpuS)} s CPU, ${run.gapscopeRssMb.toFixed(0)} MB, ${run.gbPerS.toFixed(2)} GB/s | faster than tshark ${run.fasterThanTshark.toFixed(2)}x (CPU ${run.fasterThanTsharkCpu.toFixed(2)}x), vs capinfos ${run.vsCapinfos.toFixed(2)}x (CPU ${run.vsCapinfosCpu.toFixed(2)}x)\n`);
  }
  const table = [
    '| round | load (1 min, before→after) | tshark io,stat,1: wall / CPU / RSS | capinfos -c: wall / CPU | gapscope analyze: wall / CPU / RSS | GB/s | tshark ÷ gapscope (wall, CPU) | capinfos ÷ gapscope (wall, CPU) | RSS gapscope ÷ tshark |',
    '|---:|---|---|---|---|---:|---|---|---:|',
    ...runs.map((x, i) => `| ${i + 1} | ${x.load} | ${fmtS(x.tsharkS)} s / ${fmtS(x.tsharkCpuS)} s / ${x.tsharkRssMb.toFixed(0)} MB | ${fmtS(x.capinfosS)} s / ${fmtS(x.capinfosCpuS)} s | ${fmtS(x.gapscopeS)} s / ${fmtS(x.gapscopeCpuS)} s / ${x.gapscopeRssMb.toFixed(0)} MB | ${x.gbPerS.toFixed(2)} | ${x.fasterThanTshark.toFixed(2)}x, ${x.fasterThanTsharkCpu.toFixed(2)}x | ${x.vsCapinfos.toFixed(2)}x, ${x.vsCapinfosCpu.toFixed(2)}x | ${x.rssVsTshark.toFixed(2)} |`),
  ];
  process.stdout.write(`${table.join('\n')}\n`);
  const summary = {
    fileBytes: size,
    packets: held ? held.mainPackets + held.sidePackets : null,
    gapscope: g.how,
    runs,
    bestFasterThanTshark: Math.max(...runs.map((r) => r.fasterThanTshark)),
    bestFasterThanTsharkCpu: Math.max(...runs.map((r) => r.fasterThanTsharkCpu)),
    bestGbPerS: Math.max(...runs.map((r) => r.gbPerS)),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  cleanUp();
  if (KEEP && dir) process.stderr.write(`kept ${file}\n`);
  if (g.runner && existsSync(g.runner)) rmSync(g.runner);
}
