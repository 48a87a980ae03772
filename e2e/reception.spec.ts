/**
 * Reception end to end: a sender in the device namespace sends 500 packets/s of 512 bytes with a
 * 1 s silence; Gapscope, driven through its web UI, must count the packets, draw them, list the
 * silence as one gap of about a second, and zoom to it when its row is clicked.
 */
import { expect, test, type Page, type WebSocketRoute } from '@playwright/test';
import { join } from 'node:path';
import { labInfo, readLabState, repoRoot } from './helpers/lab';
import { removeAllStreams } from './helpers/streams';
import { holdPort, startSender, type LabProcess } from './helpers/processes';
import { linePixels } from './helpers/chartPixels';

const lab = labInfo();

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

async function numberOf(page: Page, testId: string, attr = 'data-value'): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute(attr)) ?? NaN);
}

const stopLater: LabProcess<unknown>[] = [];
let cspViolations: string[] = [];

// The page's strict Content-Security-Policy must hold: any violation Chromium reports fails the test.
test.beforeEach(({ page }) => {
  cspViolations = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
});

test.afterEach(async ({ page }) => {
  for (const p of stopLater.splice(0)) await p.stop();
  await removeAllStreams(page);
  expect(cspViolations).toEqual([]);
});

test('a 1 s silence in a 500 packet/s stream shows as one gap, and clicking it zooms the chart to it', async ({ page, context }) => {
  const port = 5600;
  await page.goto(url());
  await expect(page.getByTestId('app-info')).toContainText('web');
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  // listInterfaces reached the form: the inspector's veth is offered.
  await expect(page.getByTestId('iface-select').locator(`option[value="${lab.insVeth}"]`)).toHaveCount(1);

  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(lab.insAddr);
  await page.getByTestId('gap-manual').check();
  await page.getByTestId('gap-input').fill('300');
  await page.getByTestId('expected-input').fill('256000');
  // The form keeps the last payload format (another spec may have chosen one); this payload has none.
  await page.getByTestId('decode-select').selectOption('auto');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('setup-error')).toHaveCount(0);
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  await expect(page.getByTestId('stream-item')).toHaveCount(1);

  const sender = startSender(lab, { port, rate: 500, size: 512, seconds: 8, pauseAt: [3], pauseFor: 1 });
  stopLater.push(sender);

  // The packets tile counts up, live.
  await expect.poll(() => numberOf(page, 'stat-packets')).toBeGreaterThan(100);
  const first = await numberOf(page, 'stat-packets');
  await expect.poll(() => numberOf(page, 'stat-packets')).toBeGreaterThan(first);

  // The chart has data: points, and a drawn area.
  const chart = page.getByTestId('throughput-chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(10);
  await expect(chart).toHaveAttribute('data-series', /throughput/);
  await expect(chart).toHaveAttribute('data-follow', 'true');
  // It is painted off the page's main thread, by its worker, and the throughput line is on screen.
  await expect(chart).toHaveAttribute('data-painter', 'worker');
  await expect.poll(() => linePixels(page, chart.locator('canvas'))).toBeGreaterThan(50);

  // The silence appears as one gap of about a second, blamed on the network, not on Gapscope.
  const row = page.getByTestId('gap-row');
  await expect(row).toHaveCount(1);
  const startMs = Number(await row.getAttribute('data-start-ms'));
  const durationMs = Number(await row.getAttribute('data-duration-ms'));
  expect(durationMs).toBeGreaterThan(850);
  expect(durationMs).toBeLessThan(1400);
  await expect(row).toHaveAttribute('data-cause', 'unknown');
  await expect(row).toContainText('network or sender');

  // Clicking the row zooms the chart to the gap and stops following live data.
  await row.click();
  await expect(chart).toHaveAttribute('data-follow', 'false');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  const rangeStart = Number(await chart.getAttribute('data-range-start'));
  const rangeEnd = Number(await chart.getAttribute('data-range-end'));
  expect(rangeStart).toBeLessThanOrEqual(startMs);
  expect(rangeEnd).toBeGreaterThanOrEqual(startMs + durationMs);
  expect(rangeEnd - rangeStart).toBeLessThan(5000);
  await expect(page.getByTestId('periodicity')).not.toBeEmpty();
  await page.locator('.main').evaluate((el) => el.scrollTo(0, 0)); // the README picture starts at the stream's title
  await page.waitForTimeout(600); // let the live numbers settle on their new values for the picture
  await page.screenshot({ path: join(repoRoot, 'docs', 'screenshot.png') });

  // 0 resets the zoom to live data (focus on the page, not in a field).
  await page.locator('.main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('0');
  await expect(chart).toHaveAttribute('data-follow', 'true');

  // Dragging across the chart zooms to the dragged range.
  const box = await chart.boundingBox();
  if (!box) throw new Error('the chart has no box');
  const liveSpan = Number(await chart.getAttribute('data-range-end')) - Number(await chart.getAttribute('data-range-start'));
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(chart).toHaveAttribute('data-follow', 'false');
  const dragged = Number(await chart.getAttribute('data-range-end')) - Number(await chart.getAttribute('data-range-start'));
  expect(dragged).toBeLessThan(liveSpan * 0.5);
  await page.getByTestId('follow-toggle').click();
  await expect(chart).toHaveAttribute('data-follow', 'true');

  // Everything sent on the veth arrived; the expected-rate tile compares against 256 kB/s.
  const sent = await sender.done;
  await expect.poll(() => numberOf(page, 'stat-packets')).toBe(sent.sent);
  const expectedRatio = await numberOf(page, 'stat-expected');
  expect(expectedRatio).toBeGreaterThan(0);
  expect(expectedRatio).toBeLessThan(1);
  await expect(page.getByTestId('stat-open-gap')).toContainText('no data for');
  // The packet list follows the stream whether or not it is in view; scrolled out of view it updates rarely.
  const packetList = page.getByTestId('packet-inspector');
  await page.evaluate(() => window.scrollTo(0, 0));
  const below = await packetList.evaluate((el) => el.getBoundingClientRect().top > window.innerHeight);
  if (below) await expect(packetList).toHaveAttribute('data-on-screen', 'false');
  await expect(page.getByTestId('packet-row').first()).toContainText(lab.devAddr);
  await packetList.scrollIntoViewIfNeeded();
  await expect(packetList).toHaveAttribute('data-on-screen', 'true');
  await expect(page.getByTestId('packet-row').first()).toContainText(lab.devAddr);
  await expect(page.getByTestId('packet-row').first()).toContainText('512 B');

  // A window opened late shows the full history.
  const late = await context.newPage();
  await late.goto(url());
  await expect(late.getByTestId('gap-row')).toHaveCount(1);
  await expect(late.getByTestId('gap-row')).toHaveAttribute('data-duration-ms', String(durationMs));
  await expect.poll(() => numberOf(late, 'stat-packets')).toBe(sent.sent);
  await expect.poll(async () => Number(await late.getByTestId('throughput-chart').getAttribute('data-points'))).toBeGreaterThan(10);
  await late.close();

  // Ctrl+. stops the selected stream; its data stays; Remove forgets it.
  await page.keyboard.press('Control+.');
  await expect(page.getByTestId('stream-status')).toHaveText('stopped');
  await expect(page.getByTestId('gap-row')).toHaveCount(1);
  await page.getByTestId('remove-button').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(0);
});

test('a port held by another program shows the back end error beside the form, and the app keeps running', async ({ page }) => {
  const port = 5700;
  stopLater.push(await holdPort(lab, port));
  await page.goto(url());

  // The form checks what it can before asking the back end.
  await page.getByTestId('port-input').fill('70000');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('field-error')).toHaveText('Port must be 1–65535.');

  await page.getByTestId('port-input').fill(String(port));
  await page.keyboard.press('Control+Enter');
  const error = page.getByTestId('setup-error');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('data-code', 'port-in-use');
  await expect(error).toContainText('already in use');

  // The failed stream is listed with the same one sentence, in the pane as beside the form, and goes away with Remove.
  const failed = page.locator('[data-testid="stream-item"][data-status="error"]');
  await expect(failed).toHaveCount(1);
  await failed.click();
  const failure = page.getByTestId('stream-failure');
  await expect(failure).toHaveAttribute('data-code', 'port-in-use');
  expect(await failure.locator('.error-message').textContent()).toBe(await error.locator('.error-message').textContent());
  await expect(page.locator('[data-testid="stream-view"]')).not.toContainText('ended unexpectedly');
  await page.getByTestId('remove-button').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(0);
  await expect(page.getByTestId('stream-error')).toHaveCount(0);

  // Still running: another port works. The form then starts empty for the next stream, after a
  // reload too; the last setup is offered by "Use last", never carried in silently.
  await page.getByTestId('port-input').fill(String(port + 1));
  await page.getByTestId('label-input').fill('remembered label');
  await page.getByTestId('expected-input').fill('1000');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('setup-error')).toHaveCount(0);
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  for (const id of ['port-input', 'label-input', 'expected-input']) await expect(page.getByTestId(id)).toHaveValue('');
  await page.reload();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  for (const id of ['port-input', 'label-input', 'expected-input']) await expect(page.getByTestId(id)).toHaveValue('');
  await page.getByTestId('use-last').click();
  await expect(page.getByTestId('port-input')).toHaveValue(String(port + 1));
  await expect(page.getByTestId('label-input')).toHaveValue('remembered label');
  await expect(page.getByTestId('expected-input')).toHaveValue('1000');
  await page.getByTestId('remove-button').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(0);
});

test('a banner says when the connection to the back end drops, and the page catches up when it returns', async ({ page, browser }) => {
  // The page's WebSocket goes through a route the test can cut and hold down.
  let gate: Promise<void> = Promise.resolve();
  let reopen = () => {};
  let current: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/api\?token=/, async (ws) => {
    await gate;
    ws.connectToServer();
    current = ws;
  });
  await page.goto(url());
  await expect(page.getByTestId('app-info')).toContainText('web');
  await expect(page.getByTestId('stream-item')).toHaveCount(0);

  gate = new Promise((r) => (reopen = r));
  await (current as WebSocketRoute | null)?.close();
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toContainText('lost');

  // While the page is cut off, another window starts a stream: the page misses those events.
  const other = await browser.newPage();
  await other.goto(url());
  await other.getByTestId('port-input').fill('5800');
  await other.getByTestId('start-button').click();
  await expect(other.getByTestId('stream-status')).toHaveText('listening');

  // Back online, the page reloads everything it missed.
  reopen();
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('stream-item')).toHaveCount(1);
  await expect(page.getByTestId('stream-status')).toHaveText('listening');

  await other.getByTestId('remove-button').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(0);
  await other.close();
});
