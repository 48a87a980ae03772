/**
 * One cause per gap, everywhere: a numbered stream from Gapscope's own Send panel pauses by itself,
 * is cut by nftables in the inspector namespace (packets lost), and sees Gapscope itself stopped
 * (SIGSTOP of the server: a local stall). The gap table, the downloaded gaps CSV, JSON report, HTML
 * report and SVG chart, and `gapscope export` run on the downloaded JSON, all give each gap the
 * same code and words. The exports are built in a Web Worker.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { labInfo, readLabState, repoRoot } from './helpers/lab';
import { removeAllStreams, startNumberedStream } from './helpers/streams';

const lab = labInfo();
const TABLE = 'gse2e_exports';

function state(): { url: string; serverPid: number } {
  const s = readLabState(lab);
  if (!s?.url || !s.serverPid) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return { url: s.url, serverPid: s.serverPid };
}

function nft(script: string): void {
  execFileSync('ip', ['netns', 'exec', lab.insNs, 'nft', '-f', '-'], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
}

/** A gap as one view shows it. */
interface Shown {
  startMs: number;
  code: string;
  text: string;
}

const byStart = (a: Shown, b: Shown) => a.startMs - b.startMs;

/** Two lists show the same gaps when their starts agree to the microsecond the reports keep and their causes are the same. */
function expectSameGaps(view: string, got: Shown[], want: Shown[]): void {
  expect(got.length, `${view}: gap count`).toBe(want.length);
  got.sort(byStart).forEach((g, i) => {
    const w = want[i]!;
    expect(Math.abs(g.startMs - w.startMs), `${view}: gap ${i + 1} starts at ${g.startMs}, the table says ${w.startMs}`).toBeLessThan(0.002);
    expect([g.code, g.text], `${view}: gap ${i + 1}'s cause`).toEqual([w.code, w.text]);
  });
}

/** Stops and removes every sender of the Send panel, so the next spec starts with none. */
async function removeSenders(page: Page): Promise<void> {
  if (page.isClosed()) return;
  const items = page.getByTestId('sender-item');
  for (let n = await items.count(); n > 0; n = await items.count()) {
    const item = items.first();
    if ((await item.getByTestId('sender-stop').count()) > 0) await item.getByTestId('sender-stop').click();
    await item.getByRole('button', { name: 'Remove this sender' }).click();
    await expect(items).toHaveCount(n - 1);
  }
}

async function countWith(page: Page, code: string): Promise<number> {
  return page.locator(`[data-testid="gap-row"][data-cause="${code}"]`).count();
}

test.afterEach(async ({ page }) => {
  try {
    process.kill(state().serverPid, 'SIGCONT');
  } catch {
    // not stopped
  }
  try {
    nft(`delete table inet ${TABLE}\n`);
  } catch {
    // already gone
  }
  await removeSenders(page);
  await removeAllStreams(page);
});

test('the gap table and every export give each gap the same cause: sender paused, packets lost, Gapscope stalled', async ({ page }) => {
  // Conditions, not timings, pace this test; on a loaded machine each step can take seconds.
  test.setTimeout(300_000);
  const port = 5630;
  const { url, serverPid } = state();
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto(url);
  await expect(page.getByTestId('app-info')).toContainText('web');

  await startNumberedStream(page, lab.insAddr, port);

  // The sender pauses 500 ms after every 6 s of sending, until it is stopped.
  await page.getByTestId('sender-panel').locator('summary').click();
  await page.getByTestId('sender-to').fill(`${lab.insAddr}:${port}`);
  await page.getByTestId('sender-rate').fill('500');
  await page.getByTestId('sender-size').fill('200');
  await page.getByTestId('sender-pattern').fill('pause:6000/500');
  await page.getByTestId('sender-start').click();
  await expect(page.getByTestId('sender-item')).toHaveAttribute('data-status', 'sending');
  await expect.poll(() => countWith(page, 'sender-paused'), { timeout: 60_000 }).toBeGreaterThan(0);

  // Right after a pause the sender sends for 6 s: the network drops everything for 800 ms of it.
  nft(`table inet ${TABLE} {\n chain input {\n  type filter hook input priority -10; policy accept;\n  udp dport ${port} drop\n }\n}\n`);
  await page.waitForTimeout(800);
  nft(`flush chain inet ${TABLE} input\n`);
  await expect.poll(() => countWith(page, 'packets-lost'), { timeout: 60_000 }).toBeGreaterThan(0);

  // Then, after the next pause, Gapscope itself cannot run for 800 ms: its whole process is stopped
  // (the sender with it). On a loaded machine the stop may reach into a sender pause, which leaves a
  // gap that is mostly the sender's; then it is tried after the next pause (three times at most).
  for (let attempt = 1; (await countWith(page, 'local-stall')) === 0; attempt++) {
    expect(attempt, 'three stops of Gapscope, none seen as its own stall').toBeLessThanOrEqual(3);
    const paused = await countWith(page, 'sender-paused');
    await expect.poll(() => countWith(page, 'sender-paused'), { timeout: 60_000 }).toBeGreaterThan(paused);
    const gaps = await page.getByTestId('gap-row').count();
    process.kill(serverPid, 'SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, 800));
    } finally {
      process.kill(serverPid, 'SIGCONT');
    }
    // The stop's own gap.
    await expect.poll(() => page.getByTestId('gap-row').count(), { timeout: 60_000 }).toBeGreaterThan(gaps);
  }

  await page.getByTestId('sender-stop').click();
  await expect(page.getByTestId('sender-item')).not.toHaveAttribute('data-status', 'sending');
  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('stopped');

  // What the gap table shows.
  const rows = page.getByTestId('gap-row');
  const table: Shown[] = [];
  for (const row of await rows.all()) {
    table.push({ startMs: Number(await row.getAttribute('data-start-ms')), code: (await row.getAttribute('data-cause')) ?? '', text: (await row.getByTestId('gap-cause').innerText()).trim() });
  }
  table.sort(byStart);
  // The Send panel pairs with the stream through its account in the payload, so the sender's own
  // count words the two network-side causes.
  const words: Record<string, RegExp> = { 'sender-paused': /^never sent$/, 'packets-lost': /^sent and lost on the path: [\d,]+$/, 'local-stall': /^Gapscope stalled$/ };
  for (const code of Object.keys(words)) expect(table.filter((g) => g.code === code).length, `gaps of cause ${code} in ${JSON.stringify(table)}`).toBeGreaterThan(0);
  for (const g of table) expect(g.text).toMatch(words[g.code] ?? /^network or sender$/);

  // Every progress line the page showed during one export (a click's update is on the page before the worker answers).
  const progressLines: Record<string, string[]> = {};
  const exportAs = async (kind: string): Promise<Buffer> => {
    await page.getByTestId('export-menu').locator('summary').click();
    await page.evaluate(() => {
      const w = window as unknown as { __progress: string[]; __progressObs: MutationObserver };
      w.__progress = [];
      w.__progressObs = new MutationObserver(() => {
        const el = document.querySelector('[data-testid="export-progress"]');
        const line = el ? `${el.getAttribute('data-stage')}|${el.textContent}` : null;
        if (line && w.__progress[w.__progress.length - 1] !== line) w.__progress.push(line);
      });
      w.__progressObs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${kind}`).click()]);
    const data = readFileSync(await download.path());
    await expect(page.getByTestId('export-menu')).toHaveAttribute('data-busy', 'false');
    progressLines[kind] = await page.evaluate(() => {
      const w = window as unknown as { __progress: string[]; __progressObs: MutationObserver };
      w.__progressObs.disconnect();
      return w.__progress;
    });
    return data;
  };

  // Gaps CSV: cause (the code) and cause_text (the words) columns.
  const csvText = (await exportAs('csv-gaps')).toString('utf8');
  const [header, ...lines] = csvText.trim().split('\r\n');
  const col = header!.split(',');
  expect(col.slice(-2)).toEqual(['cause', 'cause_text']);
  const csv = lines.map((l) => l.split(',')).map((f) => ({ startMs: Number(f[col.indexOf('start_ms')]), code: f[col.indexOf('cause')]!, text: f[col.indexOf('cause_text')]! }));
  expectSameGaps('gaps CSV', csv, table);

  // JSON report, version 2: cause is the code, causeText its words.
  const jsonText = (await exportAs('json')).toString('utf8');
  const json = JSON.parse(jsonText) as { reportVersion: number; gaps: { startMs: number; cause: string; causeText: string }[] };
  expect(json.reportVersion).toBe(2);
  expectSameGaps(
    'JSON report',
    json.gaps.map((g) => ({ startMs: g.startMs, code: g.cause, text: g.causeText })),
    table,
  );

  // HTML report: every gap is among the 50 longest here; each row carries its code and its words.
  const html = (await exportAs('html')).toString('utf8');
  const longest = /<table class="gaps longest">.*?<\/table>/s.exec(html)?.[0] ?? '';
  const htmlRows = [...longest.matchAll(/<tr class="[^"]*" data-cause="([^"]+)" data-start-ms="([^"]+)">.*?<td title="[^"]*">([^<]+)<\/td><td>/g)].map((m) => ({ startMs: Number(m[2]), code: m[1]!, text: m[3]! }));
  expectSameGaps('HTML report', htmlRows, table);
  expect(html).toContain('The full list of');

  // The chart as SVG: each gap's tooltip ends with its cause; the PNG is the same drawing.
  const svg = (await exportAs('svg')).toString('utf8');
  const titles = [...svg.matchAll(/<rect class="gap"[^>]*><title>Gap \d+: [^<]* from (\d+):(\d\d\.\d{3})[^<]*, ([^,<]+)<\/title>/g)];
  expect(titles.map((m) => m[3])).toEqual(table.map((g) => g.text));
  expect(titles.map((m) => Math.round(Number(m[1]) * 60_000 + Number(m[2]) * 1000))).toEqual(table.map((g) => Math.round(g.startMs)));
  const png = await exportAs('png');
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');

  // Each export said it was under way while it was built, in words, and the line went away when it was done.
  for (const kind of ['csv-gaps', 'json', 'html', 'svg', 'png']) {
    const lines = progressLines[kind] ?? [];
    expect(lines.length, `progress lines of ${kind}: ${JSON.stringify(lines)}`).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^(starting|report|chart|document|image)\|.+: .+…$/);
  }
  await expect(page.getByTestId('export-progress')).toHaveCount(0);

  // The exports were built in a worker, not on the page's thread.
  expect(workers.some((w) => /exportWorker/.test(w)), `workers started: ${workers.join(', ')}`).toBe(true);

  // gapscope export reads the downloaded JSON back into the same gaps CSV.
  const jsonFile = test.info().outputPath('report.json');
  writeFileSync(jsonFile, jsonText);
  const cliCsv = execFileSync(process.execPath, [join(repoRoot, 'bin', 'gapscope.js'), 'export', jsonFile, '--format', 'csv-gaps'], { encoding: 'utf8' });
  expect(cliCsv).toBe(csvText);
});
