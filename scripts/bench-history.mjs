#!/usr/bin/env node
// How long the throughput chart's question takes ("the bins between t0 and t1 at about N points"),
// asked of shared/reception/throughputHistory.ts through the chart's own ratePoints
// (renderer/features/reception/chart/series.ts), for 1 h and for 24 h of 10 ms bins, against the
// reference measured in the same run: what the chart did before, min-max decimation over the raw
// array of every bin (shared/chart/decimate.ts) and one point per kept index.
//
//   node scripts/bench-history.mjs [--hours 1,24] [--points 1600] [--runs 7]
//
// Each history is fed one 512 B packet per 10 ms bin, but none for 60 ms every 560 ms (the field
// case's gaps), through ThroughputHistory.add as the monitor does (not in real time); the
// reference's raw arrays hold the same bins. Ranges: the whole session
// (zoomed out), the last minute (following live data), an hour-old minute (zoomed in on the past),
// and the last 10 minutes. Each (history, range) is timed in batches, in the order new, old, old,
// new, so that drift in the machine's load touches both; the median batch is reported. Also the
// cost of one live delta (100 ms of bins) applied by the renderer's copy, and the bins' memory.
// Prints a markdown table on stdout (progress on stderr).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN_MS = 10;

function parseArgs(argv) {
  const o = { hours: [1, 24], points: 1600, runs: 7 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--hours') o.hours = v.split(',').map(Number);
    else if (a === '--points') o.points = Number(v);
    else if (a === '--runs') o.runs = Number(v);
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.hours.some((h) => !(h > 0)) || !(o.points > 1) || !(o.runs > 0)) throw new Error('--hours, --points and --runs must be positive');
  return o;
}

const log = (line) => process.stderr.write(`${line}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = (ms) => (ms * 1000).toFixed(ms < 0.1 ? 1 : 0);

/** The model and the chart code are TypeScript; Vite (a dev dependency) loads them for this plain Node script. */
async function load() {
  const get = async (...p) => (await runnerImport(join(REPO, ...p))).module;
  const [history, series, decimate] = await Promise.all([get('shared', 'reception', 'throughputHistory.ts'), get('renderer', 'features', 'reception', 'chart', 'series.ts'), get('shared', 'chart', 'decimate.ts')]);
  return { ...history, ...series, ...decimate };
}

// What ratePoints did before the history: decimate the raw bins of the range, one point per kept index.
function referencePoints(m, raw, range, points) {
  const from = Math.floor(range.startMs / BIN_MS);
  const to = Math.ceil(range.endMs / BIN_MS);
  const perSec = 1000 / BIN_MS;
  return m.decimateMinMax(raw.bytes, from, to, points).map((i) => ({ t: i * BIN_MS, rate: raw.bytes[i] * perSec, lost: raw.lost[i] * perSec }));
}

// Ms per call of fn: the fastest of `runs` batches long enough to read (at least ~20 ms each). On a
// shared machine the fastest batch is the one least disturbed by other work; the median is printed beside it.
function time(fn, runs) {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t0 > 20 || n >= 1 << 16) break;
    n *= 2;
  }
  const batches = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    batches.push((performance.now() - t0) / n);
  }
  return { min: Math.min(...batches), median: median(batches) };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const m = await load();
  const sessions = o.hours.map((hours) => {
    const bins = Math.round((hours * 3_600_000) / BIN_MS);
    log(`feeding ${hours} h of ${BIN_MS} ms bins (${bins.toLocaleString('en-US')} bins)...`);
    const h = new m.ThroughputHistory(BIN_MS);
    const raw = { bytes: new Float64Array(bins + 1), lost: new Float64Array(bins + 1) };
    const t0 = performance.now();
    for (let i = 0; i < bins; i++) {
      // The field case: 60 ms without data every 560 ms.
      if (i % 56 >= 50) continue;
      h.add(i * BIN_MS + 5, 512);
      raw.bytes[i] = 512;
    }
    h.advanceTo(bins * BIN_MS);
    const feedNs = ((performance.now() - t0) * 1e6) / bins;
    return { hours, bins, h, raw, feedNs, endMs: bins * BIN_MS };
  });
  const ranges = (end) => [
    { name: 'whole session', startMs: 0, endMs: end },
    { name: 'last minute', startMs: end - 60_000, endMs: end },
    { name: 'last 10 minutes', startMs: end - 600_000, endMs: end },
    { name: 'an hour-old minute', startMs: Math.max(0, end - 3_660_000), endMs: Math.max(60_000, end - 3_600_000) },
  ];
  // Warm-up: every question once per session, so that both sides run optimized code when timed.
  for (const s of sessions) {
    for (const r of ranges(s.endMs)) {
      for (let i = 0; i < 20; i++) {
        m.ratePoints(s.h, r, o.points);
        referencePoints(m, s.raw, r, o.points);
      }
    }
  }
  const rows = [];
  for (const [k, range] of ranges(0).entries()) {
    const row = { range: range.name };
    for (const s of sessions) {
      const r = ranges(s.endMs)[k];
      const span = { startMs: r.startMs, endMs: r.endMs };
      const pts = m.ratePoints(s.h, span, o.points);
      const ref = referencePoints(m, s.raw, span, o.points);
      const q = s.h.query(span.startMs, span.endMs, o.points);
      log(`${s.hours} h, ${range.name}: level ${q.level}, ${q.binMs} ms a point, ${pts.length} points (reference ${ref.length})`);
      const a1 = time(() => m.ratePoints(s.h, span, o.points), o.runs);
      const b1 = time(() => referencePoints(m, s.raw, span, o.points), o.runs);
      const b2 = time(() => referencePoints(m, s.raw, span, o.points), o.runs);
      const a2 = time(() => m.ratePoints(s.h, span, o.points), o.runs);
      row[s.hours] = { history: Math.min(a1.min, a2.min), reference: Math.min(b1.min, b2.min), historyMedian: (a1.median + a2.median) / 2, referenceMedian: (b1.median + b2.median) / 2, level: q.level, pointMs: q.binMs, points: pts.length };
    }
    rows.push(row);
  }
  // One live delta: 100 ms of 10 ms bins, applied by a renderer copy of the longest session.
  const longest = sessions[sessions.length - 1];
  const copy = m.ThroughputHistory.fromSnapshot(longest.h.snapshot(), longest.endMs);
  let t = longest.endMs;
  const { min: deltaMs } = time(() => {
    const first = Math.floor(t / BIN_MS);
    t += 100;
    copy.applyChanges({ binMs: BIN_MS, firstIndex: first, packets: new Array(11).fill(1), bytes: new Array(11).fill(512), lost: new Array(11).fill(0) }, t);
  }, o.runs);

  const [a, b] = [sessions[0], sessions[sessions.length - 1]];
  const out = [];
  out.push(`Ranges asked at ${o.points} points; µs per call, the fastest of ${o.runs * 2} batches (median in brackets).`);
  out.push('');
  out.push(`| range | level read (${a.hours} h / ${b.hours} h) | history ${a.hours} h | history ${b.hours} h | ${b.hours} h ÷ ${a.hours} h | reference ${a.hours} h | reference ${b.hours} h | ${b.hours} h ÷ ${a.hours} h | reference ÷ history (${b.hours} h) |`);
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const x = row[a.hours];
    const y = row[b.hours];
    const both = (v, med) => `${us(v)} (${us(med)})`;
    out.push(`| ${row.range} | ${x.level} (${x.pointMs} ms) / ${y.level} (${y.pointMs} ms) | ${both(x.history, x.historyMedian)} | ${both(y.history, y.historyMedian)} | ${(y.history / x.history).toFixed(2)} | ${both(x.reference, x.referenceMedian)} | ${both(y.reference, y.referenceMedian)} | ${(y.reference / x.reference).toFixed(2)} | ${(y.reference / y.history).toFixed(1)} |`);
  }
  out.push('');
  out.push(`Feeding (ThroughputHistory.add, per 10 ms bin): ${sessions.map((s) => `${s.hours} h ${Math.round(s.feedNs)} ns/bin`).join(', ')}. One live delta of 100 ms (11 bins) applied to the ${b.hours} h copy: ${us(deltaMs)} µs. Memory of the bins: ${sessions.map((s) => `${s.hours} h ${(s.h.memoryBytes() / 2 ** 20).toFixed(2)} MiB (raw array of every bin, bytes and lost only: ${((s.bins * 16) / 2 ** 20).toFixed(1)} MiB)`).join(', ')}.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
