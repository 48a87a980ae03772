/**
 * Where the packets went missing, in the gap table (#14): a stream with the wire view beside the
 * socket, fed from the device namespace, cut twice by nftables: on the device's egress (the
 * datagrams never reach the veth: "never reached this machine") and on the inspector's input
 * (the wire view, tapped before the firewall, saw them: "reached the network card, lost on this
 * machine"). Each gap's words and its numbers (its tooltip) must match nft's own counters, and the
 * gaps CSV, the HTML report and the chart (SVG) downloaded from the page say the same of the same gaps.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { labInfo, readLabState } from './helpers/lab';
import { removeAllStreams } from './helpers/streams';

const lab = labInfo();
const TABLE = 'gse2e_wire';

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

function nft(ns: string, script: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
}

function dropped(ns: string): number {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'counter', 'inet', TABLE, 'dropped'], { encoding: 'utf8' });
  return (JSON.parse(out) as { nftables: Array<{ counter?: { packets: number } }> }).nftables.find((o) => o.counter)!.counter!.packets;
}

/** Drops everything to the port on `hook` in `ns` for 600 ms (the impairment itself), counted. */
async function cut(page: Page, ns: string, hook: 'input' | 'output', port: number): Promise<number> {
  nft(ns, `table inet ${TABLE} {\n counter dropped {}\n chain c {\n  type filter hook ${hook} priority -10; policy accept;\n  udp dport ${port} counter name dropped drop\n }\n}\n`);
  await page.waitForTimeout(600);
  nft(ns, `flush chain inet ${TABLE} c\n`);
  return dropped(ns);
}

/** Downloads one export from the stream's Export menu. */
async function download(page: Page, kind: string): Promise<string> {
  await page.getByTestId('export-menu').locator('summary').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${kind}`).click()]);
  const text = readFileSync(await file.path(), 'utf8');
  await expect(page.getByTestId('export-menu')).toHaveAttribute('data-busy', 'false');
  return text;
}

/** RFC 4180 rows (quoted fields may hold commas and doubled quotes). */
function csvRows(text: string): string[][] {
  return text
    .trim()
    .split('\r\n')
    .map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!)));
}

const unescapeXml = (s: string): string => s.replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Starts a stream on `port` with the wire view beside the socket, decoding the lab sender's numbers, and waits for the wire view to capture. */
async function startStream(page: Page, port: number, recvBuffer?: number): Promise<void> {
  await page.goto(url());
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(lab.insAddr);
  await page.getByTestId('gap-manual').check();
  await page.getByTestId('gap-input').fill('200');
  // The lab's senders number their datagrams with a big-endian u32 at offset 0.
  await page.getByTestId('decode-select').selectOption('custom');
  await page.getByTestId('decode-field').fill('seq:0:32:be');
  await page.getByTestId('wire-select').selectOption('beside');
  if (recvBuffer) await page.getByTestId('recv-buffer-input').fill(String(recvBuffer));
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  await expect(page.locator('.stream-head')).toContainText(/wire capturing \((dumpcap|tcpdump) on /, { timeout: 20_000 });
}

/** The inspector namespace's UDP RcvbufErrors (/proc/net/snmp): datagrams a full socket buffer dropped. */
function rcvbufErrors(): number {
  const lines = execFileSync('ip', ['netns', 'exec', lab.insNs, 'cat', '/proc/net/snmp'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0]!.split(/\s+/);
  return Number(lines[1]!.split(/\s+/)[names.indexOf('RcvbufErrors')]);
}

async function packets(page: Page): Promise<number> {
  return Number((await page.getByTestId('stat-packets').getAttribute('data-value')) ?? NaN);
}

test.afterEach(async ({ page }) => {
  for (const ns of [lab.devNs, lab.insNs]) {
    try {
      nft(ns, `delete table inet ${TABLE}\n`);
    } catch {
      // already gone
    }
  }
  await removeAllStreams(page);
});

test('the gap table says where each cut lost its packets, with the wire view beside the socket', async ({ page }) => {
  const port = 5660;
  await startStream(page, port);

  const sender = new Promise<{ sent: number }>((resolve, reject) => {
    execFile('ip', ['netns', 'exec', lab.devNs, process.execPath, join(__dirname, 'helpers', 'sender.mjs'), '--to', lab.insAddr, '--port', String(port), '--rate', '500', '--size', '200', '--seconds', '16'], (e, out) => (e ? reject(e) : resolve(JSON.parse(out.trim()) as { sent: number })));
  });
  // 16 s of sending leaves room for both cuts on a busy machine, where the page's counts lag.
  await expect.poll(() => packets(page), { timeout: 20_000 }).toBeGreaterThan(500);
  const beforeWire = await cut(page, lab.devNs, 'output', port);
  const atFirst = await packets(page);
  await expect.poll(() => packets(page), { timeout: 20_000 }).toBeGreaterThan(atFirst + 300);
  const afterWire = await cut(page, lab.insNs, 'input', port);
  const { sent } = await sender;
  expect(beforeWire, 'datagrams dropped on the device egress').toBeGreaterThan(0);
  expect(afterWire, 'datagrams dropped on the inspector input (the sender must still be sending)').toBeGreaterThan(0);
  await expect.poll(() => packets(page), { timeout: 20_000 }).toBe(sent - beforeWire - afterWire);

  // Each cut is one gap, located once the wire view has passed it; a sender paused by a busy
  // machine is a gap too, where nothing was lost.
  const never = page.locator('[data-testid="gap-where"][data-where="before-wire"]');
  const onMachine = page.locator('[data-testid="gap-where"][data-where="after-wire"]');
  await expect(never).toHaveCount(1, { timeout: 15_000 });
  await expect(onMachine).toHaveCount(1, { timeout: 15_000 });
  await expect(never).toContainText('never reached this machine');
  await expect(never).toHaveAttribute('title', new RegExp(`missed ${beforeWire.toLocaleString('en-US')} datagrams since the previous gap and the wire view saw none of them`));
  await expect(onMachine).toContainText('reached the network card, lost on this machine');
  await expect(onMachine).toHaveAttribute('title', new RegExp(`^The wire view saw ${afterWire.toLocaleString('en-US')} datagrams since the previous gap that the socket never got`));
  await expect(page.locator('[data-testid="gap-where"]:not([data-where="before-wire"]):not([data-where="after-wire"]):not([data-where="none"])')).toHaveCount(0);

  // The exports the page builds say the same of the same gaps: each located gap's start, words and numbers.
  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('stopped');
  const shown: { startMs: number; where: string; text: string; hint: string }[] = [];
  for (const row of await page.getByTestId('gap-row').all()) {
    const where = row.getByTestId('gap-where');
    if ((await where.count()) === 0) continue;
    shown.push({ startMs: Number(await row.getAttribute('data-start-ms')), where: (await where.getAttribute('data-where'))!, text: (await where.innerText()).replace(/^\s*·\s*/, '').trim(), hint: (await where.getAttribute('title'))! });
  }
  shown.sort((a, b) => a.startMs - b.startMs);
  const at = (where: string) => shown.filter((g) => g.where === where).map((g) => Math.round(g.startMs));
  expect(at('before-wire')).toHaveLength(1);
  expect(at('after-wire')).toHaveLength(1);

  // Gaps CSV: the location's code, its words and its numbers, matching nft's counts.
  const [header, ...rows] = csvRows(await download(page, 'csv-gaps'));
  const col = (name: string): number => {
    const i = header!.indexOf(name);
    expect(i, `column ${name} in ${header!.join(',')}`).toBeGreaterThanOrEqual(0);
    return i;
  };
  const csv = rows.filter((r) => r[col('where')] !== '').map((r) => ({ startMs: Number(r[col('start_ms')]), where: r[col('where')]!, text: r[col('where_text')]!, missed: Number(r[col('missed')]), beforeWire: Number(r[col('before_wire')]), afterWire: Number(r[col('after_wire')]), matchedBy: r[col('matched_by')] }));
  expect(csv.map((g) => [Math.round(g.startMs), g.where, g.text])).toEqual(shown.map((g) => [Math.round(g.startMs), g.where, g.text]));
  expect(csv.find((g) => g.where === 'before-wire')).toMatchObject({ text: 'never reached this machine', missed: beforeWire, beforeWire, afterWire: 0, matchedBy: 'sequence' });
  expect(csv.find((g) => g.where === 'after-wire')).toMatchObject({ text: 'reached the network card, lost on this machine', missed: afterWire, beforeWire: 0, afterWire, matchedBy: 'sequence' });

  // HTML report: each gap row of the longest carries the same words, and the table's sentence with the numbers as its tooltip.
  const html = await download(page, 'html');
  const longest = /<table class="gaps longest">.*?<\/table>/s.exec(html)?.[0] ?? '';
  const htmlRows = [...longest.matchAll(/<tr class="[^"]*" data-cause="[^"]+" data-start-ms="([^"]+)">.*?<\/tr>/g)]
    .map((m) => ({ startMs: Number(m[1]), where: /<span class="where" data-where="([^"]+)" title="([^"]*)">([^<]*)<\/span>/.exec(m[0]) }))
    .filter((r) => r.where)
    .map((r) => ({ startMs: r.startMs, where: r.where![1]!, text: unescapeXml(r.where![3]!), hint: unescapeXml(r.where![2]!) }))
    .sort((a, b) => a.startMs - b.startMs);
  expect(htmlRows.map((g) => [Math.round(g.startMs), g.where, g.text, g.hint])).toEqual(shown.map((g) => [Math.round(g.startMs), g.where, g.text, g.hint]));

  // The chart as SVG: each located gap's tooltip ends with the same words and sentence.
  const svg = await download(page, 'svg');
  const titles = [...svg.matchAll(/<rect class="gap"[^>]*><title>([^<]*)<\/title>/g)].map((m) => unescapeXml(m[1]!));
  for (const g of shown) expect(titles.filter((t) => t.endsWith(` \u00b7 ${g.text}. ${g.hint}`)).length, `a gap tooltip ending with ${g.text}. ${g.hint} in ${JSON.stringify(titles)}`).toBeGreaterThan(0);
});

test('a tiny receive buffer and a burst: the timeline, the gap table and the exports say the kernel dropped them in this machine\'s receive buffer, with its count', async ({ page }) => {
  const port = 5661;
  await startStream(page, port, 4096);
  const before = rcvbufErrors();
  // 50 datagrams 2 ms apart, 400 ms of silence, 2000 as fast as the socket sends, 400 ms, 50 more
  // 10 ms apart, and after 400 ms one that closes the last gap: every drop falls before a gap's end.
  const burst = `
    const s = require('node:dgram').createSocket('udp4'); let seq = 0;
    const mk = () => { const b = Buffer.alloc(512); b.writeUInt32BE(seq++, 0); return b; };
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const send = (b) => new Promise((r) => s.send(b, ${port}, '${lab.insAddr}', r));
    (async () => {
      for (let i = 0; i < 50; i++) { await send(mk()); await sleep(2); }
      await sleep(400);
      const all = []; for (let i = 0; i < 2000; i++) all.push(send(mk())); await Promise.all(all);
      await sleep(400);
      for (let i = 0; i < 50; i++) { await send(mk()); await sleep(10); }
      await sleep(400);
      await send(mk());
      s.close(); console.log(JSON.stringify({ sent: seq }));
    })();`;
  const out = execFileSync('ip', ['netns', 'exec', lab.devNs, process.execPath, '-e', burst], { encoding: 'utf8' });
  const sent = (JSON.parse(out.trim()) as { sent: number }).sent;
  expect(sent).toBe(2101);
  // Every datagram either reached the page's count or the kernel's count of buffer drops.
  await expect.poll(async () => (await packets(page)) + rcvbufErrors() - before, { timeout: 20_000 }).toBe(sent);
  const dropped = rcvbufErrors() - before;
  expect(dropped, 'a 4096-byte buffer drops some of a 2000-datagram burst').toBeGreaterThan(0);
  // The timeline shows the kernel's own counter as it rose (sampled each second): beside the burst's
  // gap, an event whose count of this socket's drops since it opened is the kernel's rise.
  const kernelEvent = page.locator('[data-testid="gap-events"] .event-chip', { hasText: /^The kernel dropped [\d,]+ datagrams? of stream .* in its full receive buffer/ });
  await expect(kernelEvent.filter({ hasText: `(this socket's drops, ${dropped} since it opened)` }).first()).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('event-filter-network')).toBeChecked();
  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('stopped');

  // The gap table: the gaps that lost datagrams say the receive buffer, and their numbers add up to the kernel's.
  const inBuffer = page.locator('[data-testid="gap-where"][data-where="socket-buffer"]');
  await expect(inBuffer.first()).toBeVisible();
  await expect(page.locator('[data-testid="gap-where"]:not([data-where="socket-buffer"]):not([data-where="none"])')).toHaveCount(0);
  const shown: { startMs: number; where: string; text: string; hint: string }[] = [];
  for (const row of await page.getByTestId('gap-row').all()) {
    const where = row.getByTestId('gap-where');
    if ((await where.count()) === 0) continue;
    shown.push({ startMs: Number(await row.getAttribute('data-start-ms')), where: (await where.getAttribute('data-where'))!, text: (await where.innerText()).replace(/^\s*·\s*/, '').trim(), hint: (await where.getAttribute('title'))! });
  }
  shown.sort((a, b) => a.startMs - b.startMs);
  const counted = shown.filter((g) => g.where === 'socket-buffer');
  for (const g of counted) {
    expect(g.text).toBe('dropped in this machine\u2019s receive buffer');
    expect(g.hint).toMatch(/^[\d,]+ datagrams since the previous gap reached the network card \(the wire view saw them\) and the kernel counted them dropped in the socket\u2019s full receive buffer/);
  }
  const number = (hint: string): number => Number(/^([\d,]+) /.exec(hint)![1]!.replace(/,/g, ''));
  expect(counted.reduce((n, g) => n + number(g.hint), 0)).toBe(dropped);

  // Gaps CSV: the same gaps, words and numbers; the socket_buffer column adds up to the kernel's count.
  const [header, ...rows] = csvRows(await download(page, 'csv-gaps'));
  const col = (name: string): number => header!.indexOf(name);
  const csv = rows.filter((r) => r[col('where')] !== '').map((r) => ({ startMs: Number(r[col('start_ms')]), where: r[col('where')]!, text: r[col('where_text')]!, socketBuffer: Number(r[col('socket_buffer')]) }));
  expect(csv.map((g) => [Math.round(g.startMs), g.where, g.text])).toEqual(shown.map((g) => [Math.round(g.startMs), g.where, g.text]));
  expect(csv.reduce((n, g) => n + g.socketBuffer, 0)).toBe(dropped);
  expect(csv.filter((g) => g.where === 'socket-buffer').map((g) => g.socketBuffer)).toEqual(counted.map((g) => number(g.hint)));

  // HTML report: the same words, and the table's sentence with the numbers as its tooltip.
  const html = await download(page, 'html');
  const longest = /<table class="gaps longest">.*?<\/table>/s.exec(html)?.[0] ?? '';
  const htmlRows = [...longest.matchAll(/<tr class="[^"]*" data-cause="[^"]+" data-start-ms="([^"]+)">.*?<\/tr>/g)]
    .map((m) => ({ startMs: Number(m[1]), where: /<span class="where" data-where="([^"]+)" title="([^"]*)">([^<]*)<\/span>/.exec(m[0]) }))
    .filter((r) => r.where)
    .map((r) => ({ startMs: r.startMs, where: r.where![1]!, text: unescapeXml(r.where![3]!), hint: unescapeXml(r.where![2]!) }))
    .sort((a, b) => a.startMs - b.startMs);
  expect(htmlRows.map((g) => [Math.round(g.startMs), g.where, g.text, g.hint])).toEqual(shown.map((g) => [Math.round(g.startMs), g.where, g.text, g.hint]));
});
