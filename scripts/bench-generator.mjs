#!/usr/bin/env node
// `npm run bench:generator`: how close `gapscope send` holds its target rate, against iperf 2's own
// UDP client at the same packet rate and size, in the same run, on loopback only.
// Needs `npm run build` and iperf (Debian package iperf).
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SIZE = 512;
const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 3);
const RATES = (process.env.RATES ?? '10000,50000,100000').split(',').map(Number);
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

async function iperf(port, pps) {
  // iperf 2 reads a plain -b as bits/s; the server lets the client finish cleanly.
  const server = spawn('iperf', ['-s', '-u', '-p', String(port + 1), '-l', String(SIZE)], { stdio: 'ignore' });
  await sleep(300);
  const r = spawnSync('iperf', ['-c', '127.0.0.1', '-u', '-p', String(port + 1), '-l', String(SIZE), '-b', String(pps * SIZE * 8), '-t', String(SECONDS)], { encoding: 'utf8' });
  server.kill();
  const sent = Number(/Sent (\d+) datagrams/.exec(r.stdout)?.[1]);
  const seconds = Number(/0\.0+-(\d+\.\d+) sec/.exec(r.stdout)?.[1]);
  if (!sent) throw new Error(`iperf output not understood:\n${r.stdout}${r.stderr}`);
  return { sent, seconds };
}

const rows = [];
for (const pps of RATES) {
  const g = await counted(47_000, () => gapscope(47_000, pps));
  const i = await iperf(47_010, pps);
  const gRate = g.sent / g.seconds;
  const iRate = i.sent / i.seconds;
  rows.push(`| ${pps.toLocaleString('en-US')} | ${Math.round(gRate).toLocaleString('en-US')} (${((gRate / pps - 1) * 100).toFixed(2)}%) | ${g.received.toLocaleString('en-US')} / ${g.sent.toLocaleString('en-US')} | ${Math.round(iRate).toLocaleString('en-US')} (${((iRate / pps - 1) * 100).toFixed(2)}%) | ${(gRate / iRate).toFixed(3)} |`);
}
process.stdout.write(['| target pps | gapscope send: achieved (error) | received on loopback / sent | iperf 2 client: achieved (error) | gapscope / iperf |', '|---:|---:|---:|---:|---:|', ...rows, ''].join('\n'));
