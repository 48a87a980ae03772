/**
 * Bonjour end to end: avahi-daemon in the device namespace publishes a service; the Bonjour tab
 * shows it live with its TXT, addresses, the raw packet and the copy-as-command lines. A service
 * advertised from the tab is seen by avahi-browse in the device namespace, is renamed when its
 * name is taken, and goes away when withdrawn; avahi's service leaves the tab when avahi stops.
 */
import { expect, test } from '@playwright/test';
import { startAvahi, type Avahi } from './helpers/bonjour';
import { labInfo, readLabState } from './helpers/lab';

const lab = labInfo();
const HOST = `gse2e${lab.id}`;
const PRINTER = { name: 'E2E Printer ☕', type: '_ipp._tcp', port: 631, txt: ['rp=printers/e2e', 'Color=T', 'note=it\'s "quoted"'] };

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

let avahi: Avahi | null = null;

test.afterEach(async () => {
  await avahi?.stop();
  avahi = null;
});

test('a service avahi publishes appears in the Bonjour tab with its TXT, and goes when avahi stops', async ({ page }) => {
  avahi = await startAvahi(lab, HOST, [PRINTER]);
  await page.goto(url());
  await page.getByTestId('tab-bonjour').click();
  await expect(page.getByTestId('bonjour-status')).toHaveAttribute('data-browsing', 'true');
  await expect(page.getByTestId('bonjour-status')).toContainText(lab.insVeth);
  const row = page.locator(`[data-testid="bonjour-instance"][data-name="${PRINTER.name}"]`);
  await expect(row).toHaveCount(1, { timeout: 5000 });
  await expect(row).toContainText(`${HOST}.local:631`);
  await expect(row).toContainText(lab.devAddr);
  await expect(row.getByTestId('bonjour-instance-ifaces')).toHaveText(lab.insVeth);
  await expect(page.locator('[data-testid="bonjour-type"][data-type="_ipp._tcp.local"]')).toHaveCount(1);

  await row.click();
  const details = page.getByTestId('bonjour-details');
  await expect(details).toHaveAttribute('data-name', PRINTER.name);
  await expect(page.getByTestId('bonjour-detail-host')).toHaveText(`${HOST}.local`);
  await expect(page.getByTestId('bonjour-detail-port')).toHaveText('631');
  await expect(page.getByTestId('bonjour-detail-txt').locator('li')).toHaveText(PRINTER.txt);
  await expect(page.getByTestId('bonjour-detail-address').first()).toContainText(`${lab.devAddr} on ${lab.insVeth}`);
  await expect(page.getByTestId('bonjour-copy-dnssd')).toHaveText(`dns-sd -L 'E2E Printer ☕' _ipp._tcp local`);
  await expect(page.getByTestId('bonjour-copy-avahi')).toHaveText('avahi-browse -r -t _ipp._tcp');
  await expect(page.getByTestId('bonjour-record').and(page.locator('[data-type="SRV"]')).first()).toContainText(`${HOST}.local:631`);
  await expect(page.getByTestId('bonjour-hex')).toContainText('0000  00 00 84 00');

  // avahi stops: its goodbyes remove the row within a few seconds (struck through first, then gone).
  await avahi.stop();
  avahi = null;
  await expect(row).toHaveCount(0, { timeout: 5000 });
});

test('a service advertised from the tab is seen by avahi-browse, renamed on a conflict, and withdrawn', async ({ page }) => {
  avahi = await startAvahi(lab, HOST, [PRINTER]);
  await page.goto(url());
  await page.getByTestId('tab-bonjour').click();
  await page.getByTestId('bonjour-adv-name').fill('From The UI');
  await page.getByTestId('bonjour-adv-type').fill('_gapscope-e2e._udp');
  await page.getByTestId('bonjour-adv-port').fill('4555');
  await page.getByTestId('bonjour-adv-txt').fill('v=2\nmode=e2e');
  await page.getByTestId('bonjour-adv-submit').click();
  await expect(page.getByTestId('bonjour-adv-result')).toHaveAttribute('data-name', 'From The UI');
  const seen = await avahi.waitForBrowse('_gapscope-e2e._udp', /^=;[^;]+;IPv4;From\\032The\\032UI;_gapscope-e2e\._udp;local;/);
  expect(seen).toContain(`;${lab.insAddr};4555;`);
  expect(seen).toContain('"mode=e2e" "v=2"');
  // Gapscope's own browser sees it too, on the inspector's interface.
  await expect(page.locator('[data-testid="bonjour-instance"][data-name="From The UI"]')).toHaveCount(1);

  // The name avahi already holds: probing finds the conflict and the tab shows the new name.
  await page.getByTestId('bonjour-adv-name').fill(PRINTER.name);
  await page.getByTestId('bonjour-adv-type').fill('_ipp._tcp');
  await page.getByTestId('bonjour-adv-port').fill('6310');
  await page.getByTestId('bonjour-adv-submit').click();
  await expect(page.getByTestId('bonjour-adv-result')).toHaveAttribute('data-name', `${PRINTER.name} (2)`);
  await expect(page.getByTestId('bonjour-adv-result')).toContainText('renamed from');

  // Withdraw the first one: avahi-browse, watching, reports it gone.
  const watch = avahi.browse('_gapscope-e2e._udp');
  try {
    await watch.waitFor(/^=;[^;]+;IPv4;From\\032The\\032UI;/);
    const ours = page.locator('[data-testid="bonjour-advertised"][data-name="From The UI"]');
    await ours.getByTestId('bonjour-withdraw').click();
    await expect(ours).toHaveCount(0);
    await watch.waitFor(/^-;[^;]+;IPv4;From\\032The\\032UI;/, 5000);
    await expect(page.locator('[data-testid="bonjour-instance"][data-name="From The UI"]')).toHaveCount(0, { timeout: 5000 });
  } finally {
    await watch.stop();
  }
  const renamed = page.locator(`[data-testid="bonjour-advertised"][data-name="${PRINTER.name} (2)"]`);
  await renamed.getByTestId('bonjour-withdraw').click();
  await expect(renamed).toHaveCount(0);
});
