#!/usr/bin/env node
// `npm run bench:generator`: how close `gapscope send` holds its target rate, against iperf 2's own
// UDP client at the same packet rate and size, in the same run, on loopback only; both counted by
// the same receiving socket in this process. gapscope runs twice: as installed (sendmmsg through
// the addon where it was built) and with GAPSCOPE_SEND=single (one dgram send per datagram), and
// each client's CPU time (user + system, from the shell's `times`) is given per datagram sent.
// Env: RATES (pps list), SECONDS_PER_RUN, ROUNDS.
// Needs `npm run build` and iperf (Debian package iperf).
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SIZE = 512;
const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 3);
const RATES = (process.env.RATES ?? '10000,50000,100000').split(',').map(Number);
// Each rate this many times, gapscope first then iperf first in turn, so drift in the load touches both alike.
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Counts datagrams arriving on a loopback port while `run` runs. */
async function counted(port, run) {
  const sock = createSocket('udp4');
  let n = 0;
  sock.on('message', () => n++);
  await new Promise((r) => sock.bind(port, '127.0.0.1', r));
  sock.setRecvBufferSize(8 * 1024 * 1024);
  const result = await run();
  await sleep(200);
  sock.close();
  return { ...result, received: n };
}

/** Runs a command under bash, which prints its children's CPU time (`times`, second line) on stderr when it ends. */
function timed(cmd, args, env) {
  return spawn('bash', ['-c', '"$@"; s=$?; times >&2; exit $s', 'bash', cmd, ...args], { env: { ...process.env, ...env } });
}

/** The children's user + system seconds from bash's `times` (its last line). */
function cpuSeconds(stderr) {
  const m = [...stderr.matchAll(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/g)].at(-1);
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : Number.NaN;
}

/** Runs `gapscope send` without blocking this process's loop, which is counting what arrives. */
function gapscope(port, pps, mode) {
  return new Promise((resolve, reject) => {
    const child = timed(process.execPath, [join(REPO, 'bin', 'gapscope.js'), 'send', '--to', `127.0.0.1:${port}`, '--rate', String(pps), '--size', String(SIZE), '--duration', String(SECONDS), '--json'], mode === 'single' ? { GAPSCOPE_SEND: 'single' } : {});
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`gapscope send failed: ${err}`));
      const s = JSON.parse(out.trim().split('\n').pop());
      resolve({ sent: s.sent, seconds: s.elapsedMs / 1000, cpu: cpuSeconds(err) });
    });
  });
}

/**
 * iperf 2's client to the same counting receiver as gapscope's (not to iperf's own server, a cheaper
 * C receiver that would leave the client more of the 2 cores), without the end-of-test handshake
 * that no server would answer (--no-udp-fin).
 */
function iperf(port, pps) {
  return new Promise((resolve, reject) => {
    // iperf 2 reads a plain -b as bits/s.
    const child = timed('iperf', ['-c', '127.0.0.1', '-u', '-p', String(port), '-l', String(SIZE), '-b', String(pps * SIZE * 8), '-t', String(SECONDS), '--no-udp-fin']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', () => {
      const sent = Number(/Sent (\d+) datagrams/.exec(out)?.[1]);
      const seconds = Number(/0\.0+-(\d+\.\d+) sec/.exec(out)?.[1]);
      if (!sent) return reject(new Error(`iperf output not understood:\n${out}`));
      resolve({ sent, seconds, cpu: cpuSeconds(out) });
    });
  });
}

const rows = [];
const n = (x) => Math.round(x).toLocaleString('en-US');
const rate = (r, pps) => `${n(r.sent / r.seconds)} (${((r.sent / r.seconds / pps - 1) * 100).toFixed(2)}%)`;
/** CPU µs per datagram sent (Node's start-up included for gapscope: about 0.3 s of a run). */
const cpuPer = (r) => ((r.cpu / r.sent) * 1e6).toFixed(2);
for (let round = 0; round < ROUNDS; round++) {
  for (const pps of RATES) {
    const before = load();
    const clients = {
      batch: () => counted(47_000, () => gapscope(47_000, pps, 'batch')),
      single: () => counted(47_020, () => gapscope(47_020, pps, 'single')),
      iperf: () => counted(47_010, () => iperf(47_010, pps)),
    };
    // Each round in another order, so that drift in the load touches all three alike.
    const order = round % 2 === 0 ? ['batch', 'iperf', 'single'] : ['single', 'iperf', 'batch'];
    const r = {};
    for (const k of order) r[k] = await clients[k]();
    const iRate = r.iperf.sent / r.iperf.seconds;
    const row = `| ${n(pps)} | ${order.join(', ')} | ${before}→${load()} | ${rate(r.batch, pps)} | ${n(r.batch.received)} / ${n(r.batch.sent)} | ${rate(r.single, pps)} | ${rate(r.iperf, pps)} | ${n(r.iperf.received)} / ${n(r.iperf.sent)} | ${cpuPer(r.batch)} / ${cpuPer(r.single)} / ${cpuPer(r.iperf)} | **${(r.batch.sent / r.batch.seconds / iRate).toFixed(3)}** | ${(r.single.sent / r.single.seconds / iRate).toFixed(3)} |`;
    process.stderr.write(`${row}\n`);
    rows.push(row);
  }
}
process.stdout.write(
  [
    '| target pps | order | load (1 min, before→after) | gapscope send (sendmmsg): achieved (error) | received / sent | gapscope send, GAPSCOPE_SEND=single: achieved | iperf 2 client: achieved (error) | received / sent | CPU µs per datagram: sendmmsg / single / iperf | sendmmsg / iperf | single / iperf |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n'),
);
