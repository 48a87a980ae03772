#!/usr/bin/env node
// Memory over a long session with the UI attached: the built web mode (`bin/gapscope.js serve`) and
// Debian's Chromium on its page, both inside the inspector namespace of a lab pair this script
// creates and deletes (lab/netns.ts), one stream of 512-byte datagrams at --pps from the lab's Node
// sender in the device namespace, the stream selected so that the page draws it live. Every
// --every-s seconds it samples the back end's RSS (VmRSS of the serve process), the PSS of every
// Chromium process summed and of its renderers alone (/proc/PID/smaps_rollup; RSS would count
// the pages they share once per process), the page's JS heap (CDP
// Performance.getMetrics) and the packets the page shows. The reference, measured
// in the same run, is the same two processes idle with no stream: the first sample.
//
//   node scripts/bench-memory.mjs [--minutes 120] [--pps 10000] [--every-s 60] [--bin-ms 100]
//
// Needs root (network namespaces), /usr/bin/chromium and `npm run build`. Prints a markdown table
// on stdout (progress on stderr). "Flat after warm-up" is read from the table: the growth from the
// end of the first quarter to the end, per hour.
/* global document */
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function parseArgs(argv) {
  const o = { minutes: 120, pps: 10_000, everyS: 60, binMs: 100 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = Number(argv[++i]);
    if (!(v > 0)) throw new Error(`${a} needs a positive number`);
    if (a === '--minutes') o.minutes = v;
    else if (a === '--pps') o.pps = v;
    else if (a === '--every-s') o.everyS = v;
    else if (a === '--bin-ms') o.binMs = v;
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

const rssMiB = (pid) => {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0; // the process ended between the listing and the read
  }
};

/** Proportional set size: shared pages split among the processes sharing them, so Chromium's processes add up. */
const pssMiB = (pid) => {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

/** Chromium's processes: those in the namespace `ns` (which this script made) running Chromium, with their command lines. */
function chromiumIn(ns) {
  const inode = statSync(`/run/netns/${ns}`).ino;
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/net`) !== `net:[${inode}]`) continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.startsWith('/usr/lib/chromium/chromium') || cmd.startsWith('/usr/bin/chromium')) out.push({ pid: Number(name), cmd });
    } catch {
      // gone already
    }
  }
  return out;
}

async function startStream(page, { port, address, binMs, label }) {
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(address);
  await page.getByTestId('bin-input').fill(String(binMs));
  await page.getByTestId('gap-auto').check();
  await page.getByTestId('expected-input').fill('');
  await page.getByTestId('decode-select').selectOption('auto');
  await page.getByTestId('label-input').fill(label);
  await page.getByTestId('start-button').click();
  await page.getByTestId('stream-item').filter({ hasText: label }).waitFor();
  await page.getByTestId('stream-item').filter({ hasText: label }).click();
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(join(REPO, 'out', 'renderer', 'index.html'))) throw new Error('Gapscope is not built: run `npm run build` first.');
  if (!existsSync('/usr/bin/chromium')) throw new Error('needs Debian’s chromium (/usr/bin/chromium)');
  const lab = await loadLab();
  const pair = await lab.createLabPair({ subnet: 58 });
  const dir = mkdtempSync(join(tmpdir(), 'gs-bench-memory-'));
  let browser = null;
  let sender = null;
  const samples = [];
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
    const page = await context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url);
    await page.getByTestId('app-info').waitFor();

    const sample = async (atS) => {
      const chrome = chromiumIn(inspector.ns);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      const packets = await page.evaluate(() => document.querySelector('[data-testid="stat-packets"]')?.getAttribute('data-value') ?? null).catch(() => null);
      const s = {
        atS,
        backendMiB: rssMiB(server.pid),
        chromiumMiB: chrome.reduce((sum, p) => sum + pssMiB(p.pid), 0),
        rendererMiB: chrome.filter((p) => p.cmd.includes('--type=renderer')).reduce((sum, p) => sum + pssMiB(p.pid), 0),
        heapMiB: heap / 1024 ** 2,
        packets: packets === null ? null : Number(packets),
        load: loadavg()[0],
      };
      samples.push(s);
      log(`${Math.round(atS)} s: back end ${s.backendMiB.toFixed(1)} MiB, Chromium PSS ${s.chromiumMiB.toFixed(1)} MiB (renderers ${s.rendererMiB.toFixed(1)}), page heap ${s.heapMiB.toFixed(1)} MiB, packets ${s.packets ?? 'n/a'}, load ${s.load.toFixed(1)}`);
    };

    await sleep(3000);
    await sample(0); // the reference: both idle, no stream
    const port = 47_580;
    await startStream(page, { port, address: inspector.ipv4, binMs: o.binMs, label: 'memory' });
    sender = lab.startSender(device, { to: `${inspector.ipv4}:${port}`, pps: o.pps, size: 512, durationS: o.minutes * 60 + 120 });
    sender.done.catch(() => undefined);
    await sender.started;
    const t0 = Date.now();
    const end = t0 + o.minutes * 60_000;
    for (let next = t0 + o.everyS * 1000; next <= end; next += o.everyS * 1000) {
      await sleep(Math.max(0, next - Date.now()));
      await sample((Date.now() - t0) / 1000);
    }
  } finally {
    sender?.proc.kill('SIGTERM');
    if (browser) await browser.close().catch(() => undefined);
    await pair.teardown();
    rmSync(dir, { recursive: true, force: true });
  }

  const idle = samples[0];
  const live = samples.slice(1);
  const lines = [];
  lines.push(`${o.minutes} min at ${o.pps.toLocaleString('en-US')} packets/s of 512 B, ${o.binMs} ms bins, web mode with Chromium on the stream; a sample every ${o.everyS} s. Reference: the same processes idle before the stream.`);
  lines.push('');
  lines.push('| at | back end RSS (÷ idle) | Chromium PSS, all processes (÷ idle) | renderers’ PSS | page JS heap | packets on the page | load |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of samples) {
    lines.push(`| ${s === idle ? 'idle' : `${(s.atS / 60).toFixed(1)} min`} | ${s.backendMiB.toFixed(1)} MiB (${(s.backendMiB / idle.backendMiB).toFixed(2)}) | ${s.chromiumMiB.toFixed(1)} MiB (${(s.chromiumMiB / idle.chromiumMiB).toFixed(2)}) | ${s.rendererMiB.toFixed(1)} MiB | ${s.heapMiB.toFixed(1)} MiB | ${s.packets?.toLocaleString('en-US') ?? 'n/a'} | ${s.load.toFixed(1)} |`);
  }
  if (live.length >= 4) {
    const warm = live[Math.floor(live.length / 4)];
    const last = live.at(-1);
    const hours = (last.atS - warm.atS) / 3600;
    const perHour = (k) => (last[k] - warm[k]) / hours;
    lines.push('');
    lines.push(`After warm-up (from ${(warm.atS / 60).toFixed(0)} min to ${(last.atS / 60).toFixed(0)} min): back end ${perHour('backendMiB').toFixed(1)} MiB/h, Chromium ${perHour('chromiumMiB').toFixed(1)} MiB/h, page heap ${perHour('heapMiB').toFixed(1)} MiB/h; largest back end ${Math.max(...live.map((s) => s.backendMiB)).toFixed(1)} MiB, Chromium ${Math.max(...live.map((s) => s.chromiumMiB)).toFixed(1)} MiB.`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
