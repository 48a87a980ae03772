#!/usr/bin/env node
// How many datagrams per second each payload decoder handles (shared/decoders, `createDecoder(format)
// .onPayload`), on synthetic clean streams built by shared/decoders/testing/sampleStreams.ts, in this process,
// without sockets: the decoders' own cost in the receiver's hot path. Also `describe()` per second,
// which only runs for packets the inspector shows.
//
//   node scripts/bench-decoders.mjs [--packets 100000] [--runs 5] [--formats iperf2,rtp,...]
//
// Each format's stream is built once (distinct sequence numbers, so the counters take their normal
// in-order path), then decoded `runs` times with a fresh decoder; the median run is reported.
// Prints a markdown table on stdout (progress on stderr).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const FORMATS = ['iperf2', 'iperf3', 'rtp', 'mavlink', 'mpegts', 'gdl90', 'nmea', 'seq', 'field', 'none'];

function parseArgs(argv) {
  const o = { packets: 100_000, runs: 5, formats: FORMATS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--packets') o.packets = Number(v);
    else if (a === '--runs') o.runs = Number(v);
    else if (a === '--formats') o.formats = v.split(',');
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(o.packets > 0) || !(o.runs > 0)) throw new Error('--packets and --runs must be positive');
  return o;
}

const log = (line) => process.stderr.write(`${line}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The decoders are TypeScript; Vite (a dev dependency) loads them for this plain Node script. */
async function loadDecoders() {
  const load = async (file) => (await runnerImport(join(REPO, 'shared', 'decoders', file))).module;
  const [entry, samples, types] = await Promise.all([load('streamDecoder.ts'), load('testing/sampleStreams.ts'), load('types.ts')]);
  return { ...entry, ...samples, ...types };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const d = await loadDecoders();
  const F = d.PacketFlags;
  const errors = F.crcError | F.checksumError | F.malformed | F.framingError | F.gap;
  const FIELD = { offset: 0, width: 64, endian: 'be' }; // the 'seq' stream read as a user-defined field
  const rows = [];
  for (const format of o.formats) {
    if (!FORMATS.includes(format)) throw new Error(`unknown format ${format}`);
    // MPEG-TS datagrams are 7 × 188 bytes: fewer of them keep memory reasonable.
    const n = format === 'mpegts' ? Math.ceil(o.packets / 4) : o.packets;
    const source = format === 'field' ? 'seq' : format;
    const stream = Array.from({ length: n }, (_, i) => d.sampleDatagram(source, i));
    const choice = format === 'field' ? FIELD : format;
    const rates = [];
    for (let run = 0; run <= o.runs; run++) {
      const dec = d.createDecoder(choice);
      let flags = 0;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) flags |= dec.onPayload(stream[i], i).flags;
      const s = (performance.now() - t0) / 1000;
      if (run === 0) {
        // Warm-up run, and a check that the stream decodes cleanly (no loss, no errors).
        const st = dec.stats();
        if ((st.lost ?? 0) !== 0 || st.crcErrors !== 0 || flags & errors) log(`${format}: the synthetic stream did not decode cleanly: ${JSON.stringify(st)}`);
        continue;
      }
      rates.push(n / s);
    }
    const dec = d.createDecoder(choice);
    const m = Math.min(n, 20_000);
    const t0 = performance.now();
    let chars = 0;
    for (let i = 0; i < m; i++) chars += dec.describe(stream[i]).length;
    const describeRate = m / ((performance.now() - t0) / 1000);
    const rate = median(rates);
    log(`${format}: ${fmt(rate)} datagrams/s (${fmt(describeRate)} describe/s, ${chars} chars)`);
    rows.push({ format, bytes: stream[0].length, rate, ns: 1e9 / rate, describeRate });
  }
  const lines = [
    `Payload decoders alone (no sockets), \`createDecoder(format).onPayload\` on clean synthetic streams, median of ${o.runs} runs after a warm-up; Node ${process.version}, ${process.arch}.`,
    '',
    '| format | datagram bytes | datagrams/s | ns/datagram | describe()/s |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.format} | ${r.bytes} | ${fmt(r.rate)} | ${r.ns.toFixed(0)} | ${fmt(r.describeRate)} |`),
    '',
    'mpegts datagrams carry 7 transport packets; gdl90 datagrams carry a heartbeat, an ownship report and a geometric altitude (3 frames); field is the seq stream read as a 64-bit field; none only counts.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench-decoders: ${e.message}\n`);
  process.exitCode = 1;
});
