/**
 * Network end to end: the Network tab lists the lab's interfaces (the inspector's veth with its
 * address), explains a connection test to a closed port on the device ("connection refused"),
 * and shows an interface that appears in the inspector namespace as a change, live.
 */
import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { labInfo, readLabState } from './helpers/lab';
import { removeAllStreams } from './helpers/streams';
import { startSender } from './helpers/processes';

const lab = labInfo();

test.afterEach(async ({ page }) => {
  await removeAllStreams(page);
});

async function openNetwork(page: Page): Promise<void> {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  await page.goto(state.url);
  await page.getByTestId('tab-network').click();
  await expect(page.getByTestId('network-view')).toBeVisible();
}

test('the Network tab lists the lab interfaces with kind, state and address', async ({ page }) => {
  await openNetwork(page);
  const veth = page.locator(`[data-testid="net-iface-row"][data-name="${lab.insVeth}"]`);
  await expect(veth).toHaveCount(1);
  await expect(veth).toContainText('virtual');
  await expect(veth).toContainText('up');
  await expect(veth).toContainText(`${lab.insAddr}/${lab.prefix}`);
  await expect(page.locator('[data-testid="net-iface-row"][data-name="lo"]')).toContainText('loopback');
  // No Wi-Fi in a namespace: said plainly, not as an error.
  await expect(page.getByTestId('net-wifi-reason')).toContainText(/not available|no Wi-Fi interface/);
  await expect(page.getByTestId('network-error')).toHaveCount(0);
});

test('a connect test to a closed port on the device shows "connection refused", explained', async ({ page }) => {
  await openNetwork(page);
  await page.getByTestId('net-connect-target').fill(`${lab.devAddr}:9`);
  await page.getByTestId('net-connect-button').click();
  const result = page.getByTestId('net-connect-result');
  await expect(result).toHaveAttribute('data-outcome', 'refused');
  await expect(result).toHaveAttribute('data-errno', 'ECONNREFUSED');
  await expect(page.getByTestId('net-connect-outcome')).toHaveText('connection refused');
  await expect(page.getByTestId('net-connect-explanation')).toContainText('the host is reachable, but nothing listens on that port');
  await expect(result).toContainText(`via ${lab.insVeth} from ${lab.insAddr}`);

  // Bad input is refused at the door with one clear message.
  await page.getByTestId('net-connect-target').fill(lab.devAddr);
  await page.getByTestId('net-connect-button').click();
  await expect(page.getByTestId('net-connect-error')).toContainText('Type HOST:PORT');
});

test('an interface added in the inspector namespace appears, with a change event, and goes again', async ({ page }) => {
  await openNetwork(page);
  const name = `gsn${lab.id}`.slice(0, 13);
  try {
    execFileSync('ip', ['-n', lab.insNs, 'link', 'add', `${name}a`, 'type', 'veth', 'peer', 'name', `${name}b`]);
    await expect(page.locator(`[data-testid="net-iface-row"][data-name="${name}a"]`)).toHaveCount(1);
    await expect(page.locator(`[data-testid="net-change"][data-kind="interface-added"]`, { hasText: `${name}a appeared` })).toHaveCount(1);
  } finally {
    execFileSync('ip', ['-n', lab.insNs, 'link', 'del', `${name}a`], { stdio: 'ignore' });
  }
  await expect(page.locator(`[data-testid="net-change"][data-kind="interface-removed"]`, { hasText: `${name}a disappeared` })).toHaveCount(1);
  await expect(page.locator(`[data-testid="net-iface-row"][data-name="${name}a"]`)).toHaveCount(0);
});

test('a gap caused by the inspector\'s link going down shows that change in the gap table and on the chart', async ({ page }) => {
  const port = 5620;
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  await page.goto(state.url);
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(lab.insAddr);
  await page.getByTestId('gap-manual').check();
  await page.getByTestId('gap-input').fill('300');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  const sender = startSender(lab, { port, rate: 500, size: 256, seconds: 9 });
  try {
    await expect.poll(async () => Number(await page.getByTestId('stat-packets').getAttribute('data-value'))).toBeGreaterThan(300);
    // The link goes down for a second: the stream stops, and the Network watcher posts the change.
    execFileSync('ip', ['-n', lab.insNs, 'link', 'set', lab.insVeth, 'down']);
    await page.waitForTimeout(1000);
    execFileSync('ip', ['-n', lab.insNs, 'link', 'set', lab.insVeth, 'up']);
    await sender.done;
  } finally {
    execFileSync('ip', ['-n', lab.insNs, 'link', 'set', lab.insVeth, 'up']);
    await sender.stop();
  }
  // One gap of about the outage, and its Events cell names the link that went down.
  const row = page.getByTestId('gap-row').filter({ hasText: `${lab.insVeth} went down` });
  await expect(row).toHaveCount(1);
  expect(Number(await row.getAttribute('data-duration-ms'))).toBeGreaterThan(800);
  await expect(row.getByTestId('gap-events')).toContainText(`${lab.insVeth} came up`);
  // The same changes are markers on the throughput chart; the network filter hides them.
  const chart = page.getByTestId('throughput-chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-markers'))).toBeGreaterThanOrEqual(2);
  const markers = Number(await chart.getAttribute('data-markers'));
  await page.getByTestId('event-filter-network').uncheck();
  await expect.poll(async () => Number(await chart.getAttribute('data-markers'))).toBeLessThanOrEqual(markers - 2);
  await page.getByTestId('event-filter-network').check();
  await page.getByTestId('stop-button').click();
  await page.getByTestId('remove-button').click();
});
