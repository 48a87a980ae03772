#!/usr/bin/env node
// How long each export of the Export menu takes on an hour-long session with 5,000 gaps, against a
// reference measured in the same run on the same data, and what of it the page pays.
//
//   npm run bench:exports        # node scripts/bench-exports.mjs [--bin 10] [--runs 7] [--minutes 60] [--kinds html,json,...] [--png]
//
// The session: Gapscope's ReceptionMonitor (shared/reception) fed, not in real time, one `seq`
// packet of 512 B every 10 ms for 500 ms, then 220 ms of silence, for an hour: 5,000 gaps, every
// third one a network cut-out (the sequence jumps: "packets lost"), the others sender pauses, and
// every 50th cycle a stall of Gapscope itself; plus a timeline event every 30 s. The UI's state is
// made from the monitor's snapshot as a window that opens late makes it (streamState.fromSnapshot).
//
// What is timed, per export, with the code the app runs (renderer/features/reception/exportStream.ts):
//   - on the page: exportInput (taking the state) and structuredClone of it (what postMessage copies);
//   - in the worker: buildExport (report, chart, document) and the Blob of the text;
//   - the reference: the same data written the plainest way, in the same run:
//       json      JSON.stringify, no indentation, of the export's data as the UI holds it (plain
//                 arrays and objects): the same data, touched once;
//       csv-gaps  a plain loop of template strings writing the same CSV (checked to be byte-equal);
//       csv-bins  a plain loop of template strings over the report's bins (checked to be byte-equal);
//       html      the same JSON.stringify as for json;
//       svg/png   a plain loop writing the naive chart: one path vertex per bin and one rect per gap.
//   - before: what the page copied in the previous version, the whole history's snapshot, structured-cloned.
// --png (needs root, iproute2 and Debian's chromium) also times the one step of an export left on the
// page, the PNG's rasterization: the app's own svgToPng (renderer/app/download.ts, transpiled by
// TypeScript) run in headless Chromium on the chart's SVG, against the naive chart's SVG in the same
// run, read by the Long Tasks API (a 200 ms busy loop first checks that long tasks are reported).
// Chromium runs in a network namespace of its own with only loopback, deleted at the end.
// Each is run `--runs` times in the order export, reference, reference, export, ...; the fastest run
// (the least disturbed by the rest of the machine) is printed with the median in brackets, and
// export ÷ reference for both. No network, no root. The code is TypeScript; Vite (a dev
// dependency) loads it for this plain Node script.
import { Blob } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

/* global structuredClone -- Node's, as the page's: what postMessage copies */
/* global window, PerformanceObserver -- in the functions that page.evaluate runs in Chromium */

const REPO = fileURLToPath(new URL('..', import.meta.url));

function parseArgs(argv) {
  const o = { bin: 10, runs: 7, minutes: 60, png: false, kinds: ['html', 'json', 'csv-gaps', 'csv-bins', 'svg', 'png'] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--png') {
      o.png = true;
      continue;
    }
    if (a === '--kinds') {
      o.kinds = (argv[++i] ?? '').split(',');
      if (!o.kinds.every((k) => o.kinds.includes(k) && ['html', 'json', 'csv-gaps', 'csv-bins', 'svg', 'png'].includes(k))) throw new Error('--kinds takes html,json,csv-gaps,csv-bins,svg,png');
      continue;
    }
    const v = Number(argv[++i]);
    if (a === '--bin') o.bin = v;
    else if (a === '--runs') o.runs = v;
    else if (a === '--minutes') o.minutes = v;
    else throw new Error(`unknown argument ${a}`);
    if (!(v > 0)) throw new Error(`${a} needs a positive number`);
  }
  return o;
}

const opt = parseArgs(process.argv.slice(2));
const log = (line) => process.stderr.write(`${line}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function load() {
  const get = async (...p) => (await runnerImport(join(REPO, ...p))).module;
  const [monitor, state, exp, cause] = await Promise.all([
    get('shared', 'reception', 'receptionMonitor.ts'),
    get('renderer', 'features', 'reception', 'streamState.ts'),
    get('renderer', 'features', 'reception', 'exportStream.ts'),
    get('shared', 'reception', 'gapCause.ts'),
  ]);
  return { ...monitor, ...state, ...exp, ...cause };
}

/** Gapscope's own `seq` payload (64-bit sequence number, 64-bit send time in µs), padded to 512 B. */
function seq(n, atMs) {
  const b = new Uint8Array(512);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(n));
  v.setBigUint64(8, BigInt(Math.round((1_800_000_000_000 + atMs) * 1000)));
  return b;
}

/** The hour-long session: returns the UI's state, the stream's info and its timeline events. */
function session(m) {
  const mon = new m.ReceptionMonitor({ binMs: opt.bin, gapMs: 200, decode: 'seq' });
  const endMs = opt.minutes * 60_000;
  const CYCLE = 720;
  let id = 0;
  let cycle = 0;
  for (let c0 = 0; c0 + CYCLE <= endMs; c0 += CYCLE, cycle++) {
    for (let t = c0; t < c0 + 500; t += 10) mon.onPacket(t, seq(id++, t), '10.0.0.1:9');
    if (cycle % 3 === 1) id += 22; // a network cut-out: the packets of the silence never arrive
    if (cycle % 50 === 7) mon.onLocalStall({ startMs: c0 + 540, endMs: c0 + 700, durationMs: 160 });
  }
  const snap = mon.snapshot(endMs);
  const state = m.fromSnapshot(snap, 1000);
  const startedAt = Date.UTC(2026, 11, 3, 12);
  const info = {
    id: 's1',
    config: { port: 4000, binMs: opt.bin, recvBufferBytes: 8 << 20, decode: 'seq', label: 'field case' },
    kind: 'unicast',
    family: 'ipv4',
    status: 'stopped',
    error: null,
    warning: null,
    startedAt,
    bound: '0.0.0.0:4000',
    recvBufferRequested: 8 << 20,
    recvBufferGranted: 16 << 20,
  };
  const events = [];
  for (let t = 15_000, n = 1; t < endMs; t += 30_000, n++) events.push({ id: n, at: startedAt + t, source: 'network', kind: 'route-changed', severity: n % 4 === 0 ? 'warning' : 'info', summary: `route ${n} changed` });
  return { state, info, events, packets: snap.totals.packets };
}

/** Runs fn once, returns ms and the result. */
function timed(fn) {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

/** The times of `runs` alternating runs of a and b (a, b, b, a, ...). */
function pair(a, b) {
  const ta = [];
  const tb = [];
  for (let r = 0; r < opt.runs; r++) {
    const order = r % 2 === 0 ? [a, b] : [b, a];
    for (const fn of order) (fn === a ? ta : tb).push(timed(fn).ms);
  }
  return { a: ta, b: tb };
}

function csvGapsReference(m, report) {
  let s = 'number,start_ms,end_ms,duration_ms,packets_before,bytes_before,lost_packets,cause,cause_text\r\n';
  const gaps = report.gaps;
  for (let i = 0; i < gaps.length; i++) {
    const g = gaps[i];
    const c = m.gapCause(g);
    s += `${i + 1},${g.startMs},${g.endMs},${g.durationMs},${g.packetsBefore},${g.bytesBefore},${g.lostPackets ?? ''},${c.code},${c.text}\r\n`;
  }
  return s;
}

function csvBinsReference(input) {
  const b = input.bins;
  const perSec = 1000 / b.binMs;
  let s = 'start_ms,packets,bytes,bytes_per_sec,lost_packets\r\n';
  for (let i = 0; i < b.startMs.length; i++) s += `${b.startMs[i]},${b.packets[i]},${b.bytes[i]},${b.bytes[i] * perSec},${b.lost[i]}\r\n`;
  return s;
}

function naiveChart(input) {
  const b = input.bins;
  const end = input.snapshot.nowMs;
  const x = (t) => (64 + (t / end) * 1080).toFixed(1);
  const peak = Math.max(1, ...b.bytes);
  let d = 'M64,360';
  for (let i = 0; i < b.startMs.length; i++) d += ` L${x(b.startMs[i])},${(360 - (b.bytes[i] / peak) * 300).toFixed(1)}`;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="400"><path d="${d} Z"/>`];
  const g = input.gaps;
  for (let i = 0; i < g.startMs.length; i++) out.push(`<rect x="${x(g.startMs[i])}" y="60" width="${Math.max(1, (g.durationMs[i] / end) * 1080).toFixed(1)}" height="300"/>`);
  out.push('</svg>');
  return out.join('\n');
}

const m = await load();
log(`building a ${opt.minutes} min session at ${opt.bin} ms bins…`);
const built = timed(() => session(m));
const { state, info, events } = built.value;
log(`  ${built.ms.toFixed(0)} ms: ${built.value.packets} packets, ${state.gaps.length} gaps, ${state.stalls.length} stalls`);
const now = Date.UTC(2026, 11, 3, 14);

const rows = [];
const notes = [];
for (const kind of opt.kinds) {
  log(`${kind}…`);
  const pageInput = [];
  const pageCopy = [];
  const blob = [];
  let input = null;
  for (let r = 0; r < opt.runs; r++) {
    const i = timed(() => m.exportInput(info, state, events, null, now, kind));
    pageInput.push(i.ms);
    pageCopy.push(timed(() => structuredClone(i.value)).ms);
    input = i.value;
  }
  const file = m.buildExport(kind, input);
  for (let r = 0; r < opt.runs; r++) blob.push(timed(() => new Blob([file.text], { type: `${file.mime};charset=utf-8` })).ms);
  let reference;
  if (kind === 'csv-gaps') {
    const parsed = JSON.parse(m.buildExport('json', input).text);
    if (csvGapsReference(m, parsed) !== file.text) throw new Error('the plain-loop gaps CSV differs from the export: the reference is not the same file');
    reference = () => csvGapsReference(m, parsed);
  } else if (kind === 'csv-bins') {
    if (csvBinsReference(input) !== file.text) throw new Error('the plain-loop bins CSV differs from the export: the reference is not the same file');
    reference = () => csvBinsReference(input);
  } else if (kind === 'svg' || kind === 'png') reference = () => naiveChart(input);
  else {
    // The same data as the UI holds it (plain arrays and objects), made once, outside the timing.
    const plain = { ...input, gaps: state.gaps, bins: Object.fromEntries(Object.entries(input.bins).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v)])) };
    reference = () => JSON.stringify(plain);
  }
  // What the file is, so that its time means something: the report a page long, the chart banded.
  if (kind === 'html') notes.push(`the HTML report lists ${(file.text.match(/<tr [^>]*data-start-ms=/g) ?? []).length} gap rows of ${state.gaps.length}`);
  if (kind === 'svg') notes.push(`the chart draws the gaps as ${file.text.includes('class="gap-density"') ? 'a density band' : 'one shape each'} with ${(file.text.match(/class="gap"/g) ?? []).length} gap shapes`);
  const t = pair(() => m.buildExport(kind, input), reference);
  rows.push({ kind, input: pageInput, copy: pageCopy, build: t.a, blob, reference: t.b, size: file.text.length, refSize: reference().length });
}

// The previous version posted the whole history's snapshot to the worker.
const before = [];
for (let r = 0; r < opt.runs; r++) before.push(timed(() => structuredClone({ ...state, bins: state.bins.snapshot() })).ms);
const nowInput = m.exportInput(info, state, events, null, now, 'json');

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const fmt = (ms) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));
const fastest = (xs) => Math.min(...xs);
// The fastest run is the one least disturbed by the rest of the machine; the median in brackets.
const both = (xs) => `${fmt(fastest(xs))} (${fmt(median(xs))})`;
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`${new Date().toISOString()}; ${cpus().length} × ${cpu}; Node ${process.versions.node}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${opt.minutes} min at ${opt.bin} ms bins: ${built.value.packets} packets, ${state.gaps.length} gaps, ${state.stalls.length} stalls, ${events.length} events; the report lists ${nowInput.bins.startMs.length} bins of ${nowInput.bins.binMs} ms; ${opt.runs} runs each: ms, fastest (median)`);
console.log('');
console.log('| export | page: exportInput | page: copy to worker | worker: build | worker: Blob | file | reference (its size) | build ÷ reference |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.kind} | ${both(r.input)} | ${both(r.copy)} | ${both(r.build)} | ${both(r.blob)} | ${kib(r.size)} | ${both(r.reference)} (${kib(r.refSize)}) | ${(fastest(r.build) / fastest(r.reference)).toFixed(2)} (${(median(r.build) / median(r.reference)).toFixed(2)}) |`);
console.log('');
const nowPage = [];
for (let r = 0; r < opt.runs; r++) nowPage.push(timed(() => structuredClone(m.exportInput(info, state, events, null, now, 'json'))).ms);
console.log(`The page's side before the bins and gaps went as typed arrays (the whole history's snapshot and the gap objects, structured-cloned): ${both(before)} ms; now, for the JSON report (exportInput and its copy): ${both(nowPage)} ms.`);
if (notes.length > 0) console.log(`${notes.join('; ')}.`);
if (opt.png) {
  const input = m.exportInput(info, state, events, null, now, 'png');
  await rasterize(m.buildExport('png', input).text, naiveChart(input));
} else console.log('PNG: the rasterization of the SVG (an image drawn on a canvas, on the page) is timed with --png.');

/** The PNG's step on the page, in Chromium: the chart's SVG and the naive chart's, alternated. */
async function rasterize(chart, naive) {
  const { chromium } = await import('@playwright/test');
  const ts = (await import('typescript')).default;
  const source = readFileSync(join(REPO, 'renderer', 'app', 'download.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const ns = `gsbx-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'gapscope-bench-exports-'));
  const ip = (...a) => execFileSync('ip', a, { stdio: ['ignore', 'ignore', 'pipe'] });
  let browser = null;
  let made = false;
  try {
    ip('netns', 'add', ns);
    made = true;
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    const wrapper = join(dir, 'chromium-in-netns.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} /usr/bin/chromium "$@"\n`);
    chmodSync(wrapper, 0o755);
    browser = await chromium.launch({ executablePath: wrapper, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ type: 'module', content: `${js}\nwindow.svgToPng = svgToPng;` });
    await page.waitForFunction(() => typeof window.svgToPng === 'function');
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    // Rasterizes svg in the page (null: the calibration), then waits for the long-task entries, delivered after their task.
    const tasksDuring = (text) =>
      page.evaluate(async (svg) => {
        window.longTasks = [];
        const t0 = performance.now();
        // The calibration's busy loop runs in a task of its own, as the image's steps do.
        const size =
          svg === null
            ? await new Promise((r) =>
                setTimeout(() => {
                  const until = performance.now() + 200;
                  while (performance.now() < until);
                  r(0);
                }, 0),
              )
            : (await window.svgToPng(svg)).size;
        const t1 = performance.now();
        const reported = performance.now() + 2000;
        while (svg === null && window.longTasks.length === 0 && performance.now() < reported) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 100));
        const tasks = window.longTasks.filter((t) => t.start + t.duration >= t0 && t.start <= t1);
        return { wallMs: t1 - t0, longestMs: Math.max(0, ...tasks.map((t) => t.duration)), blockedMs: tasks.reduce((sum, t) => sum + t.duration, 0), size };
      }, text);
    const calibration = await tasksDuring(null);
    if (!(calibration.longestMs >= 195)) throw new Error(`Chromium reported no long task for a 200 ms busy loop (longest ${calibration.longestMs} ms): long tasks cannot be measured here`);
    const runs = { chart: [], naive: [] };
    for (let r = 0; r < opt.runs; r++) {
      for (const which of r % 2 === 0 ? ['chart', 'naive'] : ['naive', 'chart']) runs[which].push(await tasksDuring(which === 'chart' ? chart : naive));
    }
    const fmt = (ms) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
    const cell = (xs, key) => `${fmt(Math.min(...xs.map((x) => x[key])))} (${fmt(median(xs.map((x) => x[key])))})`;
    console.log(`PNG on the page, Chromium ${browser.version()}, svgToPng of renderer/app/download.ts, ${opt.runs} runs, fastest (median) ms; a 200 ms busy loop read as ${Math.round(calibration.longestMs)} ms:`);
    for (const [name, xs] of [['the chart', runs.chart], ['the naive chart (reference)', runs.naive]]) console.log(`  ${name}: longest task ${cell(xs, 'longestMs')}, long tasks in all ${cell(xs, 'blockedMs')}, click to PNG ${cell(xs, 'wallMs')}, ${(xs[0].size / 1024).toFixed(0)} KiB of PNG`);
  } finally {
    await browser?.close().catch(() => {});
    if (made) ip('netns', 'del', ns);
    rmSync(dir, { recursive: true, force: true });
  }
}
