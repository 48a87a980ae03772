/**
 * Import and compare end to end, through the web UI: the tshark-made fixtures (on this machine, so
 * their absolute path is typed as a user of the web mode would type a path on the back end's
 * machine) list their flows, one imports into Reception with the packets and gaps that
 * `gapscope analyze --json` finds in the same file, damaged copies get one clear sentence and the
 * app keeps working, and a copy with packets removed (written with the shared pcapng writer)
 * compares with exactly those packets missing.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyWithout, writePcap, type Datagram } from './helpers/pcap';
import { labInfo, readLabState, repoRoot } from './helpers/lab';
import { removeSelectedStream } from './helpers/streams';

const lab = labInfo();
const FIXTURES = join(repoRoot, 'electron', 'capture', 'fixtures');
const ETH = join(FIXTURES, 'eth.pcapng');

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

/** `gapscope analyze ... --json` of the built CLI, run in the inspector namespace like the server. */
function analyze(args: string[]): Record<string, unknown> {
  const out = execFileSync('ip', ['netns', 'exec', lab.insNs, process.execPath, join(repoRoot, 'bin', 'gapscope.js'), 'analyze', ...args, '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as Record<string, unknown>;
}

let dir = '';
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gsimp-e2e-'));
});
test.afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function openImport(page: Page): Promise<void> {
  await page.goto(url());
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await page.getByTestId('tab-import').click();
  await expect(page.getByTestId('import-view')).toBeVisible();
}

async function listFlows(page: Page, path: string): Promise<void> {
  await page.getByTestId('import-path').fill(path);
  await page.getByTestId('import-list').click();
}

test('a capture\u2019s flows are listed and one imports into Reception with the packets and gaps gapscope analyze finds', async ({ page }) => {
  const flows = analyze([ETH, '--flows']) as { flows: { id: string; packets: number; dstPort: number }[] };
  const flow = flows.flows.find((f) => f.dstPort === 5000)!;
  const expected = analyze([ETH, '--flow', flow.id.replace(/ /g, ''), '--gap-ms', '100']) as { packets: number; gapCount: number; gaps: { durationMs: number }[]; firstPacketMs: number; lastPacketMs: number };
  expect(expected.gapCount).toBeGreaterThan(0);

  await openImport(page);
  await listFlows(page, ETH);
  const rows = page.getByTestId('import-flow-row');
  await expect(rows).toHaveCount(flows.flows.length);
  for (const f of flows.flows) await expect(page.locator(`[data-testid="import-flow-row"][data-flow="${f.id}"]`)).toHaveAttribute('data-packets', String(f.packets));
  await expect(page.getByTestId('import-summary')).toContainText('pcapng');
  await expect(page.getByTestId('import-warning')).toHaveCount(0);
  // Two flows: nothing is imported until one is picked.
  await expect(page.getByTestId('import-button')).toBeDisabled();
  await page.locator(`[data-testid="import-flow-row"][data-flow="${flow.id}"]`).click();
  await page.getByTestId('import-gap').fill('100');
  await page.getByTestId('import-button').click();

  // Reception shows the imported stream, stopped, with the same numbers as the CLI.
  await expect(page.getByTestId('tab-reception')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('stream-view')).toBeVisible();
  await expect(page.getByTestId('stream-status')).toHaveText('stopped');
  await expect(page.getByTestId('stat-packets')).toHaveAttribute('data-value', String(expected.packets));
  await expect(page.getByTestId('gap-row')).toHaveCount(expected.gapCount);
  const durationMs = Number(await page.getByTestId('gap-row').first().getAttribute('data-duration-ms'));
  expect(Math.abs(durationMs - expected.gaps[0]!.durationMs)).toBeLessThan(1);
  await expect.poll(async () => Number(await page.getByTestId('throughput-chart').getAttribute('data-points'))).toBeGreaterThan(10);
  // The chart opens on the imported packets, not on a live minute.
  const chart = page.getByTestId('throughput-chart');
  await expect(chart).toHaveAttribute('data-follow', 'false');
  const rangeStart = Number(await chart.getAttribute('data-range-start'));
  const rangeEnd = Number(await chart.getAttribute('data-range-end'));
  expect(rangeStart).toBeLessThanOrEqual(expected.firstPacketMs);
  expect(rangeEnd).toBeGreaterThanOrEqual(expected.lastPacketMs);
  expect(rangeEnd - rangeStart).toBeLessThan((expected.lastPacketMs - expected.firstPacketMs) * 1.5);
  await expect(page.locator('[data-testid="stream-item"][data-status="stopped"]').filter({ hasText: flow.id })).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('imported.png') });
  await removeSelectedStream(page);
});

test('damaged or missing files get one clear sentence, and the app keeps working', async ({ page }) => {
  await openImport(page);

  await listFlows(page, join(dir, 'nothing-here.pcapng'));
  await expect(page.getByTestId('import-error')).toHaveAttribute('data-code', 'not-found');
  await expect(page.getByTestId('import-error')).toContainText('No such file');

  await listFlows(page, 'captures/eth.pcapng');
  await expect(page.getByTestId('import-error')).toContainText('absolute path');

  // Cut inside its first block: no datagrams, and the file says why.
  const head = join(dir, 'head.pcapng');
  copyFileSync(ETH, head);
  truncateSync(head, 20);
  await listFlows(page, head);
  await expect(page.getByTestId('import-no-flows')).toBeVisible();
  await expect(page.getByTestId('import-warning')).toContainText('ends in the middle of a block');
  await expect(page.getByTestId('import-button')).toHaveCount(0);

  // A block length overwritten with nonsense: the reader names the place.
  const bad = join(dir, 'bad.pcapng');
  const bytes = readFileSync(ETH);
  const third = bytes.readUInt32LE(4) + bytes.readUInt32LE(bytes.readUInt32LE(4) + 4);
  bytes.writeUInt32LE(0x7fffffff, third + 4);
  writeFileSync(bad, bytes);
  await listFlows(page, bad);
  const error = page.getByTestId('import-error');
  await expect(error).toHaveAttribute('data-code', 'invalid-argument');
  await expect(error).toContainText(/impossible length .* byte offset/);
  expect(await error.locator('.error-message').innerText()).not.toMatch(/\n|Internal error|at .*\.js/);

  // Cut in the middle: what is there imports, with the warning shown.
  const cut = join(dir, 'cut.pcapng');
  copyFileSync(ETH, cut);
  truncateSync(cut, Math.floor(readFileSync(ETH).byteLength / 2) + 3);
  const expected = analyze([cut, '--port', '5000']) as { packets: number };
  await listFlows(page, cut);
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await expect(page.getByTestId('import-warning')).toHaveAttribute('data-kind', 'truncated-end');
  await page.locator('[data-testid="import-flow-row"][data-flow$=":5000"]').click();
  await page.getByTestId('import-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('stopped');
  await expect(page.getByTestId('stat-packets')).toHaveAttribute('data-value', String(expected.packets));
  await removeSelectedStream(page);

  // And the other tabs still answer.
  await page.getByTestId('tab-import').click();
  await listFlows(page, ETH);
  await expect(page.getByTestId('import-flow-row')).toHaveCount(2);
});

test('comparing a capture with a copy missing packets shows exactly those, on one time axis', async ({ page }) => {
  const flows = analyze([ETH, '--flows']) as { flows: { id: string; packets: number; dstPort: number }[] };
  const flow = flows.flows.find((f) => f.dstPort === 5000)!;
  const copy = join(dir, 'receiver.pcap');
  // Every 10th datagram of the :5000 flow from the 20th to the 200th: 19 missing.
  const dropped = copyWithout(ETH, copy, (id, i) => id === flow.id && i >= 20 && i <= 200 && i % 10 === 0);
  expect(dropped).toBe(19);
  const cli = analyze([ETH, '--compare', copy, '--flow', flow.id.replace(/ /g, '')]) as { missingInB: { count: number }; matched: number };
  expect(cli.missingInB.count).toBe(19);

  await openImport(page);
  await page.getByTestId('compare-path-a').fill(ETH);
  await page.getByTestId('compare-path-b').fill(copy);
  await page.getByTestId('compare-list').click();
  await expect(page.getByTestId('compare-flow').locator('option')).toHaveCount(3);
  await page.getByTestId('compare-flow').selectOption(flow.id);
  await page.getByTestId('compare-button').click();

  const summary = page.getByTestId('compare-summary');
  await expect(summary).toHaveAttribute('data-missing-in-b', '19');
  await expect(summary).toHaveAttribute('data-missing-in-a', '0');
  await expect(summary).toHaveAttribute('data-a-packets', String(flow.packets));
  await expect(summary).toHaveAttribute('data-b-packets', String(flow.packets - 19));
  await expect(summary).toHaveAttribute('data-matched', String(cli.matched));
  await expect(page.getByTestId('compare-missing-b-row')).toHaveCount(19);
  await expect(page.getByTestId('compare-missing-a-row')).toHaveCount(0);
  await expect(page.getByTestId('compare-delay')).toContainText('0.000 ms');
  const chart = page.getByTestId('compare-chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(10);
  await expect(chart.locator('.recharts-line-curve')).toHaveCount(2);
  await expect(chart.locator('.recharts-area-curve')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('compare.png'), fullPage: true });

  // Without a choice of flow, the two flows of A make the compare ambiguous: one sentence says so.
  await page.getByTestId('compare-flow').selectOption('');
  await page.getByTestId('compare-button').click();
  await expect(page.getByTestId('compare-error')).toContainText('choose one');

  // B saw the flow behind a NAT (another destination): each side gets its own flow.
  const natted = join(dir, 'natted.pcap');
  expect(copyWithout(ETH, natted, (id, i) => id === flow.id && i % 25 === 3, (id) => (id === flow.id ? { address: '192.0.2.9', port: 6000 } : null))).toBe(13);
  await page.getByTestId('compare-path-b').fill(natted);
  await page.getByTestId('compare-list').click();
  const nattedId = `${flow.id.split(' > ')[0]} > 192.0.2.9:6000`;
  await expect(page.getByTestId('compare-flow-b').locator(`option[value="${nattedId}"]`)).toHaveCount(1);
  await page.getByTestId('compare-flow').selectOption(flow.id);
  await page.getByTestId('compare-button').click();
  await expect(page.getByTestId('compare-error')).toContainText('No UDP flow');
  await page.getByTestId('compare-flow-b').selectOption(nattedId);
  await page.getByTestId('compare-button').click();
  await expect(summary).toHaveAttribute('data-missing-in-b', '13');
  await expect(page.getByTestId('compare-missing-b-row')).toHaveCount(13);
  await expect(page.getByTestId('compare-error')).toHaveCount(0);
});

test('a large import shows its progress and can be cancelled; the same file then imports', async ({ page }) => {
  // ~110 MB of small datagrams, so reading takes long enough to cancel it halfway.
  const big = join(dir, 'big.pcap');
  const count = 1_000_000;
  const t0 = BigInt(Date.UTC(2026, 0, 1)) * 1000n;
  const payload = Buffer.alloc(64);
  function* datagrams(): Generator<Datagram> {
    for (let i = 0; i < count; i++) yield { timeUs: t0 + BigInt(i * 500), src: '10.1.0.1', srcPort: 4000, dst: '10.1.0.2', dstPort: 5000, payload };
  }
  writePcap(big, datagrams());

  await openImport(page);
  await listFlows(page, big);
  const progress = page.getByTestId('import-progress');
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('data-value'))).toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('progress.png') });
  await page.getByTestId('import-cancel').click();
  await expect(page.getByTestId('import-error')).toContainText('cancelled');
  await expect(progress).toHaveCount(0);
  await expect(page.getByTestId('import-flows')).toHaveCount(0);

  // Not cancelled, it lists its one flow (chosen already) and imports every datagram.
  await listFlows(page, big);
  await expect(page.getByTestId('import-flow-row')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId('import-flow-row')).toHaveAttribute('data-packets', String(count));
  await page.getByTestId('import-button').click();
  await expect(page.getByTestId('stat-packets')).toHaveAttribute('data-value', String(count), { timeout: 60_000 });
  await removeSelectedStream(page);
});
