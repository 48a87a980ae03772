#!/usr/bin/env node
// `npm run bench:generator`: how close `gapscope send` holds its target rate, against iperf 2's own
// UDP client at the same packet rate and size, in the same run, on loopback only; both counted by
// the same receiving socket in this process. Env: RATES (pps list), SECONDS_PER_RUN, ROUNDS.
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

/** Runs `gapscope send` without blocking this process's loop, which is counting what arrives. */
function gapscope(port, pps) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'gapscope.js'), 'send', '--to', `127.0.0.1:${port}`, '--rate', String(pps), '--size', String(SIZE), '--duration', String(SECONDS), '--json']);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`gapscope send failed: ${err}`));
      const s = JSON.parse(out.trim().split('\n').pop());
      resolve({ sent: s.sent, seconds: s.elapsedMs / 1000 });
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
    const child = spawn('iperf', ['-c', '127.0.0.1', '-u', '-p', String(port), '-l', String(SIZE), '-b', String(pps * SIZE * 8), '-t', String(SECONDS), '--no-udp-fin']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', () => {
      const sent = Number(/Sent (\d+) datagrams/.exec(out)?.[1]);
      const seconds = Number(/0\.0+-(\d+\.\d+) sec/.exec(out)?.[1]);
      if (!sent) return reject(new Error(`iperf output not understood:\n${out}`));
      resolve({ sent, seconds });
    });
  });
}

const rows = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const pps of RATES) {
    const before = load();
    let g;
    let i;
    if (round % 2 === 0) {
      g = await counted(47_000, () => gapscope(47_000, pps));
      i = await counted(47_010, () => iperf(47_010, pps));
    } else {
      i = await counted(47_010, () => iperf(47_010, pps));
      g = await counted(47_000, () => gapscope(47_000, pps));
    }
    const gRate = g.sent / g.seconds;
    const iRate = i.sent / i.seconds;
    const row = `| ${pps.toLocaleString('en-US')} | ${round % 2 === 0 ? 'gapscope, iperf' : 'iperf, gapscope'} | ${before}→${load()} | ${Math.round(gRate).toLocaleString('en-US')} (${((gRate / pps - 1) * 100).toFixed(2)}%) | ${g.received.toLocaleString('en-US')} / ${g.sent.toLocaleString('en-US')} | ${Math.round(iRate).toLocaleString('en-US')} (${((iRate / pps - 1) * 100).toFixed(2)}%) | ${i.received.toLocaleString('en-US')} / ${i.sent.toLocaleString('en-US')} | ${(gRate / iRate).toFixed(3)} |`;
    process.stderr.write(`${row}\n`);
    rows.push(row);
  }
}
process.stdout.write(['| target pps | order | load (1 min, before→after) | gapscope send: achieved (error) | received / sent | iperf 2 client: achieved (error) | received / sent | gapscope / iperf |', '|---:|---|---|---:|---:|---:|---:|---:|', ...rows, ''].join('\n'));
