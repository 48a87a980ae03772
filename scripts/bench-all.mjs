#!/usr/bin/env node
// `npm run bench:all`: every benchmark that has a reference in the same run, one after the other,
// each in a short form, so that the whole set runs in about 20 minutes on a 2-core machine. Each
// prints its reference's figure beside Gapscope's and the ratio; this script adds the load average
// before and after each and the time each took, and goes on after one that fails (saying so).
//
//   node scripts/bench-all.mjs [--only analyze,generator,...] [--budget-min 20]
//
// Needs root (network namespaces), the Debian tools each one names (tshark, capinfos, iperf,
// dnsmasq, dnsperf, chromium) and `npm run build`. Longer forms: run the scripts themselves (see
// docs/benchmarks.md).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Name, script and arguments of the short form; in this order. */
const BENCHES = [
  { name: 'analyze', what: 'gapscope analyze vs tshark -z io,stat,1 and capinfos -c, 1 GB pcapng', script: 'bench-analyze.mjs', args: ['--gb', '1', '--rounds', '1'] },
  { name: 'generator', what: 'gapscope send vs iperf 2 client, loopback', script: 'bench-generator.mjs', args: [], env: { ROUNDS: '1' } },
  { name: 'reception', what: 'where a bare Node socket starts to lose (iperf 2 client), and there listen and recording, with recvmmsg and with dgram, vs the bare socket', script: 'bench-reception.mjs', args: ['--sender', 'iperf', '--ceiling', '40000,60000,80000,100000,120000,140000,160000,200000', '--rates', 'none', '--seconds', '5', '--reps', '1', '--kinds', 'batch,batchrecord,gapscope,record,bare', '--rss-seconds', '0'] },
  { name: 'dns', what: 'gapscope dns load vs dnsperf, same dnsmasq', script: 'bench-dns.mjs', args: ['--rounds', '2', '--duration', '5'] },
  { name: 'decoders', what: 'payload decoders vs the same loop without decoding', script: 'bench-decoders.mjs', args: ['--runs', '3'] },
  { name: 'history', what: 'throughput history vs min-max decimation of every bin', script: 'bench-history.mjs', args: ['--runs', '3'] },
  { name: 'exports', what: 'exports of an hour-long session vs the plainest code writing the same file', script: 'bench-exports.mjs', args: ['--runs', '3'] },
  { name: 'ui', what: 'the live page vs the same page idle, Chromium (short phase, scaled)', script: 'bench-ui.mjs', args: ['--phases', 'short', '--minutes-scale', '0.2'] },
  { name: 'wire', what: 'listen with the wire view vs without, and a bare socket', script: 'bench-wire.mjs', args: ['--rates', '20000', '--seconds', '5', '--reps', '1'] },
  { name: 'web', what: 'a web client beside 300 clients that never read vs the same client alone', script: 'bench-web.mjs', args: ['--seconds', '10'] },
  { name: 'memory', what: 'back end and page RSS with the UI attached, 10,000/s (short form)', script: 'bench-memory.mjs', args: ['--minutes', '3', '--every-s', '30'] },
];

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const only = opt('--only', null)?.split(',') ?? null;
const budgetMs = Number(opt('--budget-min', '20')) * 60_000;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function run(b) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'scripts', b.script), ...b.args], { cwd: REPO, env: { ...process.env, ...b.env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code, signal) => resolve({ code: code ?? signal, out }));
  });
}

const started = Date.now();
const summary = [];
for (const b of BENCHES) {
  if (only && !only.includes(b.name)) continue;
  const before = load();
  const t0 = Date.now();
  log(`${b.name}: ${b.what}`);
  const r = await run(b);
  const minutes = (Date.now() - t0) / 60_000;
  process.stdout.write(`\n## ${b.name}: ${b.what}\n\n(${b.script} ${b.args.join(' ')}; ${minutes.toFixed(1)} min, load ${before}→${load()}${r.code === 0 ? '' : `; FAILED with ${r.code}`})\n\n${r.out.trim()}\n`);
  summary.push(`| ${b.name} | ${minutes.toFixed(1)} min | ${before}→${load()} | ${r.code === 0 ? 'ok' : `failed (${r.code})`} |`);
}
const total = (Date.now() - started) / 60_000;
process.stdout.write(`\n| benchmark | time | load (1 min, before→after) | result |\n|---|---:|---|---|\n${summary.join('\n')}\n\nTotal ${total.toFixed(1)} min${Date.now() - started > budgetMs ? ` — over the ${budgetMs / 60_000}-minute budget` : ''}.\n`);
