#!/usr/bin/env node
// Benchmark of `gapscope analyze` on a ~1 GB pcapng against `tshark -q -z io,stat,1 -r FILE` on the
// same file, in the same run (the ratio is what counts: the machine is shared and loaded).
//
//   node scripts/bench-analyze.mjs [--gb 1] [--rounds 2] [--keep]
//
// The file is generated here by a plain EPB writer (not Gapscope's recorder): one Ethernet/IPv4/UDP
// flow of 1000-byte datagrams at 1 ms with lab/sender.mjs's payload (sequence number, send time),
// a 300 ms silence every 10 s, and a small second flow. It is deleted at the end unless --keep.
// Uses the built CLI (bin/gapscope.js) when it has the analyze command, else electron/cli/analyze.ts
// through jiti (a one-time TypeScript transform, included in the time). Needs tshark.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
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

/** Runs a command, returning wall time and peak RSS (GNU time). */
function timed(cmd, cmdArgs) {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...cmdArgs], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd: REPO });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, rssMb: rssKb / 1024, stdout: r.stdout };
}

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

const dir = mkdtempSync(join(tmpdir(), 'gscap-bench-'));
const file = join(dir, 'bench.pcapng');
const g = gapscopeCommand();
// A gigabyte must not outlive an interrupted run.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}
try {
  const genStart = Date.now();
  const held = generate(file, GB * 1024 ** 3);
  const size = statSync(file).size;
  process.stderr.write(`Generated ${(size / 1024 ** 3).toFixed(2)} GiB (${held.mainPackets + held.sidePackets} packets) in ${((Date.now() - genStart) / 1000).toFixed(1)} s\n`);
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const tshark = timed('tshark', ['-q', '-z', 'io,stat,1', '-r', file]);
    const gapscope = timed(g.cmd, [...g.pre, 'analyze', file, '--port', '5000', '--gap-ms', '100', '--json']);
    const report = JSON.parse(gapscope.stdout.trim().split('\n').pop());
    if (report.packets !== held.mainPackets || report.gapCount !== held.gaps) {
      throw new Error(`analyze read ${report.packets} packets and ${report.gapCount} gaps; the file holds ${held.mainPackets} and ${held.gaps}`);
    }
    runs.push({ tsharkS: tshark.seconds, tsharkRssMb: tshark.rssMb, gapscopeS: gapscope.seconds, gapscopeRssMb: gapscope.rssMb, ratio: gapscope.seconds / tshark.seconds });
    process.stderr.write(`round ${round + 1}: tshark ${tshark.seconds.toFixed(1)} s (${tshark.rssMb.toFixed(0)} MB), gapscope analyze ${gapscope.seconds.toFixed(1)} s (${gapscope.rssMb.toFixed(0)} MB): ratio ${(gapscope.seconds / tshark.seconds).toFixed(2)}\n`);
  }
  const summary = {
    fileBytes: size,
    packets: held.mainPackets + held.sidePackets,
    gapscope: g.how,
    runs,
    bestRatio: Math.min(...runs.map((r) => r.ratio)),
    mbPerSecond: size / 1024 ** 2 / Math.min(...runs.map((r) => r.gapscopeS)),
    load: spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim(),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
  else process.stderr.write(`kept ${file}\n`);
  if (g.runner && existsSync(g.runner)) rmSync(g.runner);
}
