/**
 * Streams that behave (#11), in web mode in the lab: a second stream on a port a stream already
 * listens on is refused with a sentence naming that stream (the first keeps listening and keeps
 * its data); a stream that failed to start (an address not on this machine) is listed with its
 * reason, the same sentence in the stream pane and the sidebar, and can be removed; two streams
 * joined to the same multicast group and port share it, and each receives every datagram a sender
 * in the device namespace sends to the group.
 */
import { expect, test, type Page } from '@playwright/test';
import { labInfo, readLabState } from './helpers/lab';
import { removeAllStreams } from './helpers/streams';
import { startSender } from './helpers/processes';

const lab = labInfo();

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

async function packetsOf(page: Page): Promise<number> {
  return Number((await page.getByTestId('stat-packets').first().getAttribute('data-value')) ?? NaN);
}

test.afterEach(async ({ page }) => {
  await removeAllStreams(page);
});

test('a second stream on a port already listened to is refused, naming the stream that holds it', async ({ page }) => {
  test.setTimeout(120_000);
  const port = 5730;
  await page.goto(url());
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(lab.insAddr);
  await page.getByTestId('label-input').fill('Device A');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');

  // The same port again, on any address: it would take some of the first stream's datagrams.
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill('');
  await page.getByTestId('label-input').fill('Device B');
  await page.getByTestId('start-button').click();
  const error = page.getByTestId('setup-error');
  await expect(error).toHaveAttribute('data-code', 'port-in-use');
  await expect(error).toContainText(`Port ${port} is already listened to by stream "Device A" (${lab.insAddr}:${port}, unicast)`);
  // Nothing was created: the list and the pane still show the first stream, listening, without an error.
  await expect(page.getByTestId('stream-item')).toHaveCount(1);
  await expect(page.locator('[data-testid="stream-item"][data-status="listening"]')).toHaveText(/Device A/);
  await expect(page.getByTestId('stream-view')).toContainText('Device A');
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  await expect(page.getByTestId('stream-failure')).toHaveCount(0);
  await expect(page.getByTestId('stream-error')).toHaveCount(0);

  // The first stream still gets every datagram.
  const sent = await startSender(lab, { port, rate: 200, size: 200, seconds: 1.5 }).done;
  await expect.poll(() => packetsOf(page), { timeout: 15_000 }).toBe(sent.sent);
});

test('a stream that failed to start is listed with its reason and can be removed', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('port-input').fill('5731');
  // TEST-NET-1: on no interface in the lab, so the bind fails.
  await page.getByTestId('address-input').fill('192.0.2.1');
  await page.getByTestId('start-button').click();
  const error = page.getByTestId('setup-error');
  await expect(error).toHaveAttribute('data-code', 'address-not-available');
  await expect(error).toContainText('192.0.2.1 is not an address of this machine');
  const failed = page.locator('[data-testid="stream-item"][data-status="error"]');
  await expect(failed).toHaveCount(1);
  await failed.click();
  // The stream pane gives the sidebar's sentence, and no other.
  await expect(page.getByTestId('stream-status')).toHaveText('error');
  const failure = page.getByTestId('stream-failure');
  await expect(failure).toHaveAttribute('data-code', 'address-not-available');
  await expect(failure).toContainText('192.0.2.1 is not an address of this machine');
  expect(await failure.innerText()).toBe(await error.innerText());
  await expect(page.getByText('The receiver thread ended unexpectedly')).toHaveCount(0);
  // The back end lists it with its reason: a fresh page shows it the same.
  await page.reload();
  await expect(failed).toHaveCount(1);
  await failed.click();
  await expect(failure).toContainText('192.0.2.1 is not an address of this machine');
  await page.getByTestId('remove-button').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(0);
  await expect(page.getByTestId('stream-error')).toHaveCount(0);
  // Gone from the back end too: a fresh page does not list it.
  await page.reload();
  await expect(page.getByTestId('app-info')).toContainText('web');
  await expect(page.getByTestId('stream-item')).toHaveCount(0);
});

test('two streams on the same multicast group and port both receive everything a device sends to the group', async ({ page }) => {
  test.setTimeout(120_000);
  const port = 5732;
  const group = '239.97.0.32';
  const labels = ['Group A', 'Group B'];
  await page.goto(url());
  for (const label of labels) {
    await page.getByTestId('port-input').fill(String(port));
    await page.getByTestId('address-input').fill(group);
    // The group is joined on the lab's interface: with "Any", the namespace has no route for the
    // group and the join fails (join-failed in a fresh-clone CI run).
    await page.getByTestId('iface-select').selectOption(lab.insVeth);
    await page.getByTestId('label-input').fill(label);
    await page.getByTestId('start-button').click();
    await expect(page.locator('[data-testid="stream-item"][data-status="listening"]', { hasText: label })).toHaveCount(1);
    await expect(page.getByTestId('stream-view')).toContainText('multicast');
  }
  await expect(page.getByTestId('setup-error')).toHaveCount(0);

  const sent = await startSender(lab, { to: group, port, rate: 300, size: 200, seconds: 2 }).done;
  expect(sent.sent).toBeGreaterThan(400);
  for (const label of labels) {
    await page.locator('[data-testid="stream-item"]', { hasText: label }).click();
    await expect(page.getByTestId('stream-view')).toContainText(label);
    await expect.poll(() => packetsOf(page), { timeout: 15_000, message: `${label} receives every datagram sent to the group` }).toBe(sent.sent);
  }
});
