#!/usr/bin/env node
// `npm run bench:ui`: whether the live page holds up over a long session. Playwright drives
// Debian's Chromium (1280x800) against the built web mode (`bin/gapscope.js serve`), both inside
// the inspector namespace of a lab pair this script creates and deletes (lab/netns.ts), with two
// senders in the device namespace (lab/sender.mjs, 1000 packets/s of 512 B each): one steady, one
// cut by an nftables quota that drops everything after 128 KiB until it is reset (lab/nft.ts, the
// field case), and the field-case stream selected.
//
// For each phase it waits until the streams hold the phase's history, then measures in the page:
//   frames/s     requestAnimationFrame callbacks per second over --sample-s seconds
//   busy         the renderer main thread's share of wall time (CDP Performance.getMetrics
//                TaskDuration over the same window); longest task from the Long Tasks API
//   keystroke    10 characters typed into the setup form's Label field: from the key event's own
//                timestamp (set when the browser received the input) to the frame that shows it
//                (requestAnimationFrame, then a message posted from it, which runs after paint)
//   zoom, Reset  a zoom-out click until the chart shows the whole history, and Reset: from the
//                click to the first frame painted after the chart's range changed
// and the same numbers while zoomed out over the whole history. The reference is the same page
// measured in the same run before any stream exists (the app idle, nothing selected).
//
// Phases (--phases, comma-separated):
//   short  100 ms bins, 2 min of history (1,200 bins per stream)
//   long   10 ms bins, 3 min (18,000 bins per stream: the bin count of 30 min at 100 ms)
//   hour   10 ms bins, 6 min (36,000 bins: 1 h at 100 ms) with a faster field case so that
//          5,000 gaps arrive in that time: the quota lets 8 KiB through (14 packets, 14 ms)
//          and is reset every 50-70 ms, with a fixed 15 ms gap threshold: up to ~16 gaps/s
//          (16 KiB and 60-80 ms made 3,477 gaps in 6 min at load average 26).
//
//   node scripts/bench-ui.mjs [--phases short,long,hour] [--sample-s 10] [--minutes-scale 1]
//                             [--trace FILE] [--cpu-profile FILE] [--mutations yes]
//
// --trace and --cpu-profile write Chromium's trace or a CPU profile per phase; --mutations yes
// prints which parts of the page change how often (DOM mutations per second by test id).
//
// --minutes-scale shortens every phase's history (0.1 for a quick check of the script itself).
// Needs root (network namespaces), nftables, /usr/bin/chromium and `npm run build`. Prints
// markdown tables on stdout, progress on stderr.
/* global window, document, requestAnimationFrame, PerformanceObserver, MutationObserver, MessageChannel, addEventListener, performance */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function parseArgs(argv) {
  const o = { phases: ['short', 'long', 'hour'], sampleS: 10, scale: 1, cpuProfile: null, trace: null, mutations: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--phases') o.phases = v.split(',');
    else if (a === '--sample-s') o.sampleS = Number(v);
    else if (a === '--minutes-scale') o.scale = Number(v);
    else if (a === '--cpu-profile') o.cpuProfile = v;
    else if (a === '--trace') o.trace = v;
    else if (a === '--mutations') o.mutations = v === 'yes';
    else throw new Error(`unknown argument ${a}`);
  }
  for (const p of o.phases) if (!PHASES[p]) throw new Error(`unknown phase ${p}; use ${Object.keys(PHASES).join(', ')}`);
  return o;
}

const PHASES = {
  short: { title: '2 min, 100 ms bins', binMs: 100, seconds: 120, quotaBytes: 131_072, resetMs: [400, 720], gapMs: null, port: 5711 },
  long: { title: '3 min, 10 ms bins (30 min of 100 ms bins)', binMs: 10, seconds: 180, quotaBytes: 131_072, resetMs: [400, 720], gapMs: null, port: 5721 },
  hour: { title: '6 min, 10 ms bins (1 h of 100 ms bins), ~5,000 gaps', binMs: 10, seconds: 360, quotaBytes: 8_192, resetMs: [50, 70], gapMs: 15, port: 5731 },
};

/** The lab harness is TypeScript; Vite (a dev dependency) loads it for this plain Node script. */
async function loadLab() {
  const load = async (file) => (await runnerImport(join(REPO, 'lab', file))).module;
  const [netns, streams, nft] = await Promise.all([load('netns.ts'), load('streams.ts'), load('nft.ts')]);
  return { ...netns, ...streams, ...nft };
}

// In-page probes, installed before the app loads.
function installProbes() {
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ at: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    /* no Long Tasks API */
  }
  // Resolves after the next frame is painted: a message posted from requestAnimationFrame runs after it.
  const afterPaint = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve(performance.now());
        ch.port2.postMessage(0);
      }),
    );
  let keyStart = null;
  let keyDone = null;
  addEventListener('keydown', (e) => (keyStart = e.timeStamp), true);
  addEventListener(
    'input',
    () => {
      const from = keyStart;
      if (from === null || !keyDone) return;
      const done = keyDone;
      keyDone = null;
      keyStart = null;
      void afterPaint().then((t) => done(t - from));
    },
    true,
  );
  const chart = () => document.querySelector('[data-testid="throughput-chart"]');
  const spanOf = () => {
    const c = chart();
    return c ? { span: Number(c.dataset.rangeEnd) - Number(c.dataset.rangeStart), follow: c.dataset.follow } : null;
  };
  window.__bench = {
    async frames(ms) {
      const from = performance.now();
      const tasksFrom = longTasks.length;
      let n = 0;
      let worst = 0;
      let last = from;
      await new Promise((resolve) => {
        const tick = (t) => {
          n++;
          worst = Math.max(worst, t - last);
          last = t;
          if (t - from >= ms) resolve();
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      const elapsed = performance.now() - from;
      const tasks = longTasks.slice(tasksFrom);
      return { fps: (n * 1000) / elapsed, worstFrameMs: worst, longTasks: tasks.length, longestTaskMs: tasks.reduce((m, t) => Math.max(m, t.ms), 0) };
    },
    armKey() {
      window.__bench.key = new Promise((resolve) => (keyDone = resolve));
    },
    async click(testId) {
      const before = spanOf();
      const button = document.querySelector(`[data-testid="${testId}"]`);
      if (!button || !before) return null;
      const t0 = performance.now();
      button.click();
      for (let i = 0; i < 600; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        const now = spanOf();
        if (now && (Math.abs(now.span - before.span) > before.span * 0.1 || now.follow !== before.follow)) return { ms: (await afterPaint()) - t0, span: now.span };
      }
      return { ms: null, span: before.span };
    },
    span: () => spanOf(),
  };
}

// The main thread's time in tasks, and within it in script, style and layout, as CDP counts them (seconds).
async function metrics(cdp) {
  const all = (await cdp.send('Performance.getMetrics')).metrics;
  const get = (name) => all.find((m) => m.name === name)?.value ?? 0;
  return { task: get('TaskDuration'), script: get('ScriptDuration'), style: get('RecalcStyleDuration'), layout: get('LayoutDuration') };
}

async function busyShare(cdp, run) {
  const m0 = await metrics(cdp);
  const w0 = performance.now();
  const result = await run();
  const m1 = await metrics(cdp);
  const wall = (performance.now() - w0) / 1000;
  const share = (k) => (m1[k] - m0[k]) / wall;
  return { ...result, busy: share('task'), script: share('script'), style: share('style'), layout: share('layout') };
}

async function measureIdle(page, cdp, sampleS) {
  return busyShare(cdp, () => page.evaluate((ms) => window.__bench.frames(ms), sampleS * 1000));
}

async function measureKeys(page, count = 10) {
  const field = page.getByTestId('label-input');
  await field.evaluate((el) => {
    el.scrollIntoView();
    el.focus();
  });
  const delays = [];
  for (let i = 0; i < count; i++) {
    await page.evaluate(() => window.__bench.armKey());
    await page.keyboard.press(String.fromCharCode(97 + (i % 26)));
    delays.push(await page.evaluate(() => Promise.race([window.__bench.key, new Promise((r) => setTimeout(() => r(null), 20_000))])));
    await sleep(150);
  }
  for (let i = 0; i < count; i++) await page.keyboard.press('Backspace');
  await page.evaluate(() => document.activeElement?.blur());
  const ok = delays.filter((d) => d !== null).sort((a, b) => a - b);
  return { keyMedianMs: ok[Math.floor(ok.length / 2)] ?? null, keyMaxMs: ok.at(-1) ?? null, keysLost: delays.length - ok.length };
}

async function measure(page, cdp, sampleS, label, cpuProfile, trace, mutations) {
  log(`  measuring ${label}: frames and busy share`);
  if (trace) {
    // GS_TRACE_CATEGORIES adds categories, e.g. disabled-by-default-devtools.timeline.invalidationTracking
    // to see which node dirtied style, layout or paint.
    const extra = (process.env.GS_TRACE_CATEGORIES ?? '').split(',').filter(Boolean);
    await page.context().browser().startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'gpu', 'viz', ...extra] });
    await page.evaluate(() => window.__bench.frames(3000));
    await page.context().browser().stopTracing();
  }
  if (mutations) {
    // Which parts of the page change, and how often: DOM mutations per second by the nearest element with a test id.
    const counts = await page.evaluate(
      (ms) =>
        new Promise((resolve) => {
          const by = {};
          const obs = new MutationObserver((records) => {
            for (const r of records) {
              let el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
              while (el && !el.dataset?.testid) el = el.parentElement;
              const k = `${el?.dataset.testid ?? '(none)'} ${r.type}${r.type === 'attributes' ? `:${r.attributeName}` : ''}`;
              by[k] = (by[k] ?? 0) + 1;
            }
          });
          obs.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
          setTimeout(() => {
            obs.disconnect();
            resolve({ nodes: document.getElementsByTagName('*').length, by });
          }, ms);
        }),
      3000,
    );
    log(`  ${label}: ${counts.nodes} elements; mutations/s by test id:`);
    for (const [k, n] of Object.entries(counts.by).sort((a, b) => b[1] - a[1]).slice(0, 25)) log(`    ${(n / 3).toFixed(1).padStart(7)}  ${k}`);
  }
  if (cpuProfile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const live = await busyShare(cdp, () => page.evaluate((ms) => window.__bench.frames(ms), sampleS * 1000));
  if (cpuProfile) writeFileSync(cpuProfile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  log(`  ${label}: ${live.fps.toFixed(1)} frames/s, ${(live.busy * 100).toFixed(1)}% busy (script ${(live.script * 100).toFixed(1)}%, style ${(live.style * 100).toFixed(1)}%, layout ${(live.layout * 100).toFixed(1)}%); keystrokes`);
  const keys = await measureKeys(page);
  log(`  zooming out`);
  const zooms = [];
  for (let i = 0; i < 12; i++) {
    const before = await page.evaluate(() => window.__bench.span());
    const r = await page.evaluate(() => window.__bench.click('zoom-out'));
    if (!r || r.ms === null || Math.abs(r.span - before.span) < 1) break;
    zooms.push(r.ms);
  }
  log(`  zoomed out (${zooms.length} steps): frames and busy share`);
  const out = await busyShare(cdp, () => page.evaluate((ms) => window.__bench.frames(ms), sampleS * 1000));
  const outKeys = await measureKeys(page, 5);
  const reset = await page.evaluate(() => window.__bench.click('zoom-reset'));
  return { live, keys, zooms, out, outKeys, resetMs: reset?.ms ?? null };
}

async function startStream(page, { port, address, binMs, gapMs, label }) {
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(address);
  await page.getByTestId('bin-input').fill(String(binMs));
  if (gapMs === null) await page.getByTestId('gap-auto').check();
  else await page.getByTestId('gap-input').fill(String(gapMs));
  await page.getByTestId('expected-input').fill('');
  await page.getByTestId('decode-select').selectOption('auto');
  await page.getByTestId('label-input').fill(label);
  await page.getByTestId('start-button').click();
  await page.getByTestId('stream-item').filter({ hasText: label }).waitFor();
}

async function removeAll(page) {
  const items = page.getByTestId('stream-item');
  for (let n = await items.count(); n > 0; n = await items.count()) {
    await items.first().click();
    await page.getByTestId('remove-button').click();
    for (let i = 0; i < 200 && (await items.count()) === n; i++) await sleep(50);
  }
}

const f1 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(1));
const pct = (x) => (x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const ms = (x) => (x === null || x === undefined ? 'n/a' : `${Math.round(x)} ms`);
const ratio = (a, b) => (a === null || b === null || !b ? 'n/a' : `${(a / b).toFixed(2)}×`);

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(join(REPO, 'out', 'renderer', 'index.html'))) throw new Error('Gapscope is not built: run `npm run build` first.');
  if (!existsSync('/usr/bin/chromium')) throw new Error('needs Debian’s chromium (/usr/bin/chromium)');
  const lab = await loadLab();
  const pair = await lab.createLabPair({ subnet: 57 });
  const dir = mkdtempSync(join(tmpdir(), 'gs-bench-ui-'));
  let browser = null;
  const results = [];
  try {
    const { device, inspector } = pair;
    const server = inspector.spawn('node', [join(REPO, 'bin', 'gapscope.js'), '--data-dir', join(dir, 'data'), 'serve', '--port', '0', '--json'], { cwd: REPO });
    const line = await server.waitForLine(/"url"/, 30_000);
    const url = JSON.parse(line.slice(line.indexOf('{'))).url;
    log(`gapscope serve at ${url} in ${inspector.ns}`);
    const wrapper = join(dir, 'chromium-in-netns.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${inspector.ns} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
    browser = await chromium.launch({ executablePath: wrapper, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await context.addInitScript(installProbes);
    const page = await context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    await page.goto(url);
    await page.getByTestId('app-info').waitFor();
    await removeAll(page);
    await sleep(2000);
    log('reference: the idle page, no stream');
    const ref = await measureIdle(page, cdp, o.sampleS);
    const refKeys = await measureKeys(page);
    log(`reference: ${ref.fps.toFixed(1)} frames/s, ${(ref.busy * 100).toFixed(1)}% busy, keystroke median ${ms(refKeys.keyMedianMs)}`);

    for (const name of o.phases) {
      const p = PHASES[name];
      const seconds = Math.max(20, Math.round(p.seconds * o.scale));
      log(`phase ${name}: ${p.title}, ${seconds} s of history`);
      const field = { port: p.port, address: inspector.ipv4, binMs: p.binMs, gapMs: p.gapMs, label: `field case ${name}` };
      const steady = { port: p.port + 1, address: inspector.ipv4, binMs: p.binMs, gapMs: p.gapMs, label: `steady ${name}` };
      await startStream(page, steady);
      await startStream(page, field);
      await page.getByTestId('stream-item').filter({ hasText: field.label }).click();
      const imp = await lab.Impairments.install(inspector, { port: field.port, table: `gsbench${name}` });
      const quota = await imp.startQuota(p.quotaBytes, p.resetMs);
      const senderFor = (port) => lab.startSender(device, { to: `${inspector.ipv4}:${port}`, pps: 1000, size: 512, durationS: seconds + 600 });
      const senders = [senderFor(field.port), senderFor(steady.port)];
      for (const s of senders) s.done.catch(() => undefined);
      await Promise.all(senders.map((s) => s.started));
      const t0 = Date.now();
      while (Date.now() - t0 < seconds * 1000) {
        await sleep(Math.min(30_000, seconds * 1000 - (Date.now() - t0)));
        const gaps = await page.getByTestId('stat-gaps').getAttribute('data-value');
        log(`  ${Math.round((Date.now() - t0) / 1000)} s, ${gaps} gaps`);
      }
      const gaps = Number(await page.getByTestId('stat-gaps').getAttribute('data-value'));
      const m = await measure(page, cdp, o.sampleS, name, o.cpuProfile ? `${o.cpuProfile}.${name}.cpuprofile` : null, o.trace ? `${o.trace}.${name}.json` : null, o.mutations);
      const load = loadavg()[0];
      results.push({ name, p, seconds, gaps, m, load });
      log(`  ${name}: ${JSON.stringify({ gaps, live: m.live, keys: m.keys, zooms: m.zooms, out: m.out, resetMs: m.resetMs })}`);
      for (const s of senders) s.proc.kill('SIGTERM');
      await quota.stop();
      await imp.remove();
      await removeAll(page);
      await sleep(2000);
    }

    const lines = [];
    lines.push(`Reference (idle page, no stream): ${f1(ref.fps)} frames/s, main thread ${pct(ref.busy)} busy, keystroke median ${ms(refKeys.keyMedianMs)} (max ${ms(refKeys.keyMaxMs)}).`);
    lines.push('');
    lines.push('| history | gaps | view | frames/s (vs idle) | main thread busy | longest task | keystroke median / max | zoom-out steps | Reset | load avg |');
    lines.push('|---|---:|---|---:|---:|---:|---:|---|---:|---:|');
    for (const r of results) {
      const { m } = r;
      const zooms = m.zooms.length ? m.zooms.map((z) => Math.round(z)).join(', ') + ' ms' : 'n/a';
      lines.push(`| ${r.p.title} | ${r.gaps} | live | ${f1(m.live.fps)} (${ratio(m.live.fps, ref.fps)}) | ${pct(m.live.busy)} | ${ms(m.live.longestTaskMs)} | ${ms(m.keys.keyMedianMs)} / ${ms(m.keys.keyMaxMs)} | ${zooms} | ${ms(m.resetMs)} | ${r.load.toFixed(1)} |`);
      lines.push(`| | | whole history | ${f1(m.out.fps)} (${ratio(m.out.fps, ref.fps)}) | ${pct(m.out.busy)} | ${ms(m.out.longestTaskMs)} | ${ms(m.outKeys.keyMedianMs)} / ${ms(m.outKeys.keyMaxMs)} | | | |`);
    }
    lines.push('');
    lines.push(`${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Chromium ${browser.version()}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    await pair.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
