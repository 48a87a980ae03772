#!/usr/bin/env node
// `npm run bench:web`: web mode with clients that never read, against the same server with none.
// The built `gapscope serve` runs on 127.0.0.1 inside a lab namespace (lab/netns.ts) with a stream
// at 1000 datagrams/s from the device namespace; a well-behaved client (the hostile-client helper's
// "good client", electron/web/testing/hostileClients.mjs) follows it. Each case starts a fresh
// server:
//   reference  the good client alone
//   slow       the good client beside --slow clients that complete the handshake and never read
// and prints, per case: the good client's streamUpdate events a second (median and minimum over
// the run; the back end sends one per 100 ms delta, so 10 is the display rate), the server's peak
// RSS, its event loop's worst p99 delay, and the slow case against the reference as ratios.
//
//   node scripts/bench-web.mjs [--seconds 20] [--slow 300]
//
// Needs root (network namespaces), iproute2 and `npm run build`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const HELPER = join(REPO, 'electron', 'web', 'testing', 'hostileClients.mjs');
const STREAM_PORT = 47_610;
const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function parseArgs(argv) {
  const o = { seconds: 20, slow: 300 };
  for (let i = 0; i < argv.length; i += 2) {
    const [a, v] = [argv[i], Number(argv[i + 1])];
    if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a whole number`);
    if (a === '--seconds') o.seconds = Math.max(5, v);
    else if (a === '--slow') o.slow = v;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** The lab harness is TypeScript; Vite (a dev dependency) loads it for this plain Node script. */
async function loadLab() {
  const load = async (file) => (await runnerImport(join(REPO, 'lab', file))).module;
  const [netns, streams] = await Promise.all([load('netns.ts'), load('streams.ts')]);
  return { ...netns, ...streams };
}

const rssMiB = (pid) => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function runCase(lab, pair, dir, name, slowCount, seconds) {
  const server = pair.inspector.spawn('node', [join(REPO, 'bin', 'gapscope.js'), '--data-dir', join(dir, name), 'serve', '--json', '--port', '0', '--max-clients', String(slowCount + 50)], { cwd: REPO });
  try {
    const url = new URL(JSON.parse(await server.waitForLine(/^\{"url"/, 30_000)).url);
    const helper = pair.inspector.spawn('node', [HELPER, 'slow', '--port', url.port, '--token', url.searchParams.get('token'), '--count', String(slowCount), '--seconds', String(seconds), '--stream-port', String(STREAM_PORT)], { cwd: REPO });
    await helper.waitForLine(/"event":"ready"/, 120_000);
    const sender = lab.startSender(pair.device, { to: `${pair.inspector.ipv4}:${STREAM_PORT}`, pps: 1000, size: 200, durationS: seconds + 3 });
    const rss = [];
    const sampler = setInterval(() => rss.push(rssMiB(server.pid)), 1000);
    const done = await helper.exited;
    clearInterval(sampler);
    await sender.done;
    if (done.code !== 0) throw new Error(`${name}: the client helper exited ${done.code}: ${done.stderr.slice(-1000)}`);
    const r = lab.lastJsonLine('client helper', done.stdout, done.stderr);
    return {
      name,
      slowCount,
      stillConnected: r.stillConnected,
      median: median(r.updatesPerSecond),
      min: Math.min(...r.updatesPerSecond),
      perSecond: r.updatesPerSecond,
      rssPeak: Math.max(...rss),
      loopP99: Math.max(...r.health.map((h) => h.eventLoopDelayP99Ms)),
      heldBack: r.health.at(-1)?.web.updatesHeldBack ?? 0,
    };
  } finally {
    server.kill('SIGINT');
    await server.exited;
  }
}

const o = parseArgs(process.argv.slice(2));
const lab = await loadLab();
const pair = await lab.createLabPair({ subnet: 66 });
const dir = mkdtempSync(join(tmpdir(), 'gs-bench-web-'));
try {
  const load0 = loadavg()[0].toFixed(1);
  log(`reference: the good client alone, ${o.seconds} s at 1000 datagrams/s`);
  const ref = await runCase(lab, pair, dir, 'reference', 0, o.seconds);
  log(`slow: the good client beside ${o.slow} clients that never read`);
  const slow = await runCase(lab, pair, dir, 'slow', o.slow, o.seconds);
  const load1 = loadavg()[0].toFixed(1);
  const row = (c) => `| ${c.name} | ${c.slowCount} | ${c.median} | ${c.min} | ${c.rssPeak} MiB | ${c.loopP99.toFixed(1)} ms | ${c.heldBack} |`;
  process.stdout.write(
    [
      `Web mode, ${o.seconds} s at 1000 datagrams/s, load average ${load0} before, ${load1} after:`,
      '',
      '| case | clients that never read | good client updates/s, median | min | server RSS peak | event loop p99, worst | updates held back |',
      '|---|---:|---:|---:|---:|---:|---:|',
      row(ref),
      row(slow),
      '',
      `Good client's updates/s with ${o.slow} clients that never read: ${(slow.median / ref.median).toFixed(2)}x the reference's median (min ${slow.min} vs ${ref.min}); server RSS ${(slow.rssPeak / ref.rssPeak).toFixed(2)}x; ${slow.stillConnected} of ${o.slow} slow clients still connected at the end.`,
      `Per second, reference: ${ref.perSecond.join(' ')}; slow: ${slow.perSecond.join(' ')}`,
      '',
    ].join('\n'),
  );
} finally {
  await pair.teardown();
  rmSync(dir, { recursive: true, force: true });
}
