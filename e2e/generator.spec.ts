/**
 * Loss and timing end to end: Gapscope's own Send panel sends a numbered stream to a stream that
 * decodes it; nftables in the inspector namespace drops everything for 800 ms. The UI must show the
 * loss by sequence number (tile, second chart series, the gap's lost packets), the decoded packets,
 * and the sender's start as a timeline marker that the legend can hide. The Send panel and the
 * stream pair through the sender's account in the payload: the gap says "sent and lost on the
 * path: N" with nft's count, and the "Lost on the path" tile agrees.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { labInfo, readLabState } from './helpers/lab';
import { removeAllStreams, startNumberedStream } from './helpers/streams';

const lab = labInfo();
const TABLE = 'gse2e_generator';

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

function nft(script: string): void {
  execFileSync('ip', ['netns', 'exec', lab.insNs, 'nft', '-f', '-'], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
}

/** Packets the drop rule's named counter has counted. */
function droppedByNft(): number {
  const out = execFileSync('ip', ['netns', 'exec', lab.insNs, 'nft', '-j', 'list', 'counter', 'inet', TABLE, 'dropped'], { encoding: 'utf8' });
  const parsed = JSON.parse(out) as { nftables: Array<{ counter?: { packets: number } }> };
  const counter = parsed.nftables.find((o) => o.counter)?.counter;
  if (!counter) throw new Error(`no counter in ${out}`);
  return counter.packets;
}

async function numberOf(page: Page, testId: string, attr = 'data-value'): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute(attr)) ?? NaN);
}

test.afterEach(async ({ page }) => {
  try {
    nft(`delete table inet ${TABLE}\n`);
  } catch {
    // already gone
  }
  await removeAllStreams(page);
});

test('a numbered stream from the Send panel, cut for 800 ms, shows its loss by sequence number', async ({ page }) => {
  const port = 5610;
  await page.goto(url());
  await expect(page.getByTestId('app-info')).toContainText('web');

  await startNumberedStream(page, lab.insAddr, port);

  // Bad input is refused beside the form before anything is sent.
  await page.getByTestId('sender-panel').locator('summary').click();
  await page.getByTestId('sender-to').fill(`${lab.insAddr}`);
  await page.getByTestId('sender-start').click();
  await expect(page.getByTestId('sender-field-error')).toContainText('ADDRESS:PORT');

  await page.getByTestId('sender-to').fill(`${lab.insAddr}:${port}`);
  await page.getByTestId('sender-rate').fill('500');
  await page.getByTestId('sender-size').fill('200');
  await page.getByTestId('sender-duration').fill('6');
  await page.getByTestId('sender-start').click();
  await expect(page.getByTestId('sender-item')).toHaveCount(1);
  await expect(page.getByTestId('sender-item')).toHaveAttribute('data-status', 'sending');
  await expect(page.getByTestId('sender-paired')).toContainText(/paired · run [0-9a-f]{8}/);

  await expect.poll(() => numberOf(page, 'stat-packets')).toBeGreaterThan(500);
  // The drop counts what it drops: nft's own latency on a busy machine stretches the 800 ms, so
  // the count, not the planned length, is what Gapscope must report as lost.
  nft(`table inet ${TABLE} {\n counter dropped {}\n chain input {\n  type filter hook input priority -10; policy accept;\n  udp dport ${port} counter name dropped drop\n }\n}\n`);
  await page.waitForTimeout(800);
  nft(`flush chain inet ${TABLE} input\n`);

  // The sender finishes with everything counted: 500/s for 6 s.
  await expect(page.getByTestId('sender-item')).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  await expect(page.getByTestId('sender-item')).toHaveAttribute('data-sent', '3000');

  // Loss by sequence number: exactly what nftables dropped (about 400 packets), all inside the one gap.
  const dropped = droppedByNft();
  expect(dropped).toBeGreaterThan(300);
  await expect.poll(() => numberOf(page, 'stat-loss')).toBe(dropped);
  const lost = dropped;
  await expect(page.getByTestId('stat-loss')).toContainText('of 3,000');
  // The cut is one gap holding every lost packet, in the paired sender's words. A busy machine may
  // pause the sender too: such a gap loses nothing and must say "never sent", not blame the network.
  const rows = page.getByTestId('gap-row');
  const row = rows.filter({ hasText: 'sent and lost on the path' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`sent and lost on the path: ${lost.toLocaleString('en-US')}`);
  await expect(row.getByTestId('gap-lost')).toHaveText(lost.toLocaleString('en-US'));
  for (const other of await rows.filter({ hasNotText: 'sent and lost on the path' }).all()) {
    await expect(other.getByTestId('gap-lost')).toHaveText('0');
    await expect(other).toContainText(/never sent|Gapscope stalled/);
  }
  await expect.poll(() => numberOf(page, 'stat-packets')).toBe(3000 - lost);
  // The sender ended its run, so the pairing's totals are its whole counts: 3,000 sent, nft's drops lost.
  await expect.poll(() => numberOf(page, 'stat-paired')).toBe(lost);
  await expect(page.getByTestId('stat-paired')).toContainText(`${lost.toLocaleString('en-US')} of 3,000 sent`);

  // Loss over time is a second series on the chart.
  const chart = page.getByTestId('throughput-chart');
  await expect(chart).toHaveAttribute('data-loss', 'true');
  await expect(chart).toHaveAttribute('data-series', 'throughput lost');

  // The packet inspector decodes the sequence numbers.
  await expect(page.getByTestId('packet-decoded').first()).toContainText(/Gapscope seq \d+, sent/);

  // The sender's start and end are timeline events: markers on the chart, hidden by the legend's filter.
  await expect.poll(async () => Number(await chart.getAttribute('data-markers'))).toBeGreaterThanOrEqual(2);
  await page.getByTestId('event-filter-generator').uncheck();
  await expect(chart).toHaveAttribute('data-markers', '0');
  await page.getByTestId('event-filter-generator').check();

  // Exports: the HTML report for the bug holds the gap and its lost packets; the chart as PNG.
  const exportAs = async (kind: string): Promise<Buffer> => {
    await page.getByTestId('export-menu').locator('summary').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${kind}`).click()]);
    const path = await download.path();
    return readFileSync(path);
  };
  const html = (await exportAs('html')).toString('utf8');
  expect(html).toContain('<!DOCTYPE html>');
  expect(html).toMatch(new RegExp(`<td>${lost.toLocaleString('en-US')}</td><td title="[^"]*">sent and lost on the path: ${lost.toLocaleString('en-US')}</td>`));
  expect(html).toContain('Sender to');
  const png = await exportAs('png');
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.length).toBeGreaterThan(5000);
  const gapsCsv = (await exportAs('csv-gaps')).toString('utf8').trim().split('\r\n');
  const lostColumn = gapsCsv.slice(1).map((r) => Number(r.split(',')[6]));
  expect(lostColumn.filter((n) => n > 0)).toEqual([lost]);

  await page.getByTestId('stop-button').click();
  await page.getByTestId('remove-button').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(0);
});
