/**
 * DNS end to end: dnsmasq in the device namespace is the resolver; Gapscope, driven through its web
 * UI in the inspector namespace, probes a name and shows the answer, explains a host with nothing on
 * port 53, watches the resolver (a local resolver that refuses public names: "local network only"),
 * and runs a short load with its counts and the back end's open files.
 */
import { expect, test, type Page } from '@playwright/test';
import { startLabDns, type LabDns } from './helpers/dns';
import { labInfo, readLabState } from './helpers/lab';

const lab = labInfo();
let dns: LabDns;

test.beforeAll(async () => {
  dns = await startLabDns(lab);
});

test.afterAll(async () => {
  await dns?.stop();
});

async function openDns(page: Page): Promise<void> {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  await page.goto(state.url);
  await page.getByTestId('tab-dns').click();
  await expect(page.getByTestId('dns-view')).toBeVisible();
}

async function probe(page: Page, server: string, name: string): Promise<void> {
  await page.getByTestId('dns-probe-target').selectOption('server');
  await page.getByTestId('dns-probe-server').fill(server);
  await page.getByTestId('dns-probe-name').fill(name);
  await page.getByTestId('dns-probe-button').click();
}

test('probing a name against the lab dnsmasq shows its answer, RTT, rcode and flags', async ({ page }) => {
  await openDns(page);
  // The resolver configuration is read (no query sent) and Node's view is shown beside it.
  await expect(page.getByTestId('dns-node-servers')).toBeVisible();
  await probe(page, dns.server, 'gdl90.lab.test');
  const result = page.getByTestId('dns-probe-result');
  await expect(result).toHaveAttribute('data-kind', 'answer');
  await expect(result).toHaveAttribute('data-server', dns.server);
  await expect(result.getByTestId('dns-probe-answer')).toHaveCount(1);
  await expect(result.getByTestId('dns-probe-answer')).toContainText(dns.records['gdl90.lab.test']!);
  await expect(result).toContainText('NOERROR');
  await expect(result).toContainText('aa');
  const rtt = Number(await result.getByTestId('dns-probe-rtt').getAttribute('data-value'));
  expect(rtt).toBeGreaterThan(0);
  expect(rtt).toBeLessThan(200);

  // A name dnsmasq does not serve: REFUSED, explained.
  await probe(page, dns.server, 'example.com');
  await expect(page.getByTestId('dns-probe-result')).toHaveAttribute('data-kind', 'refused');
  await expect(page.getByTestId('dns-probe-explanation')).toContainText('does not answer this name or this client');
});

test('a host with nothing listening on port 53 shows "port unreachable", explained; a bad server is refused at the door', async ({ page }) => {
  await openDns(page);
  await probe(page, dns.closed, 'gdl90.lab.test');
  const result = page.getByTestId('dns-probe-result');
  await expect(result).toHaveAttribute('data-kind', 'port-unreachable');
  await expect(result.getByTestId('dns-probe-kind')).toHaveText('port unreachable');
  await expect(result.getByTestId('dns-probe-explanation')).toContainText('nothing listens on its DNS port');

  await probe(page, 'dns.example', 'gdl90.lab.test');
  await expect(page.getByTestId('dns-probe-error')).toHaveAttribute('data-code', 'invalid-argument');
  await expect(page.getByTestId('dns-probe-error')).toContainText('not a DNS server address');
});

test('the watch charts the resolver and says "local network only" when it refuses public names', async ({ page }) => {
  await openDns(page);
  await page.getByTestId('dns-watch-servers').fill(`${dns.server} ${dns.closed}`);
  await page.getByTestId('dns-watch-name').fill('example.com');
  await page.getByTestId('dns-watch-interval').fill('1');
  await page.getByTestId('dns-watch-start').click();
  await expect(page.getByTestId('dns-reachability')).toHaveAttribute('data-state', 'local-only');
  await expect(page.getByTestId('dns-reachability')).toContainText("local network only — normal on a device's own Wi-Fi");
  await expect(page.locator(`[data-testid="dns-watch-verdict"][data-server="${dns.server}"]`)).toContainText('refused');
  await expect(page.locator(`[data-testid="dns-watch-verdict"][data-server="${dns.closed}"]`)).toHaveAttribute('data-state', 'no-answer');
  // Live rounds arrive as events and extend the chart.
  await expect.poll(async () => Number(await page.getByTestId('dns-watch-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('dns-watch-chart').locator('.recharts-line')).toHaveCount(2);
  await page.getByTestId('dns-watch-stop').click();
  await expect(page.getByTestId('dns-watch-start')).toBeVisible();
});

test('a short load run reports sent, answered, lost, rcodes and the open file counts', async ({ page }) => {
  await openDns(page);
  await page.getByTestId('dns-load-server').fill(dns.server);
  await page.getByTestId('dns-load-name').fill('gdl90.lab.test');
  await page.getByTestId('dns-load-qps').fill('500');
  await page.getByTestId('dns-load-duration').fill('2');
  await page.getByTestId('dns-load-start').click();
  await expect(page.getByTestId('dns-load-progress')).toBeVisible();
  const result = page.getByTestId('dns-load-result');
  await expect(result).toBeVisible({ timeout: 20_000 });
  const sent = Number(await result.getAttribute('data-sent'));
  const answered = Number(await result.getAttribute('data-answered'));
  expect(sent).toBeGreaterThan(800);
  expect(answered).toBe(sent);
  await expect(result).toContainText('NOERROR');
  // Counts of the whole back-end process (other features open files too): shown, not judged here;
  // the flat-count acceptance runs the CLI alone (electron/dns/dnsLoad.lab.test.ts).
  await expect(page.getByTestId('dns-load-fds').locator('.tile-value')).toHaveText(/^\d+ → \d+$/);
});
