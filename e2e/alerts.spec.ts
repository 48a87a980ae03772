/**
 * Live alerts end to end: a stream set up with "Alert when gap>500ms" in the web UI, fed by the lab
 * sender with known cut-outs. One cut-out longer than the condition raises one alert that names the
 * stream and the condition and marks the stream in the list; the stream staying healthy past the
 * clear time (5 s) clears it. A stream that flaps (three cut-outs closer together than the clear
 * time) raises one alert, not three, and clears with its count of three. The back end's events are
 * counted on the page's own socket.
 */
import { expect, test, type Page } from '@playwright/test';
import { labInfo, readLabState } from './helpers/lab';
import { removeAllStreams } from './helpers/streams';
import { startSender, type LabProcess } from './helpers/processes';

const lab = labInfo();

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

const stopLater: LabProcess<unknown>[] = [];

test.afterEach(async ({ page }) => {
  for (const p of stopLater.splice(0)) await p.stop();
  await removeAllStreams(page);
});

/** Every streamAlert event the page's socket receives, as {state, condition, times}. */
function countAlertEvents(page: Page): { state: string; condition: string; times: number }[] {
  const seen: { state: string; condition: string; times: number }[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString('utf8');
      if (!text.includes('"streamAlert"')) return;
      const m = JSON.parse(text) as { type: string; name: string; payload: { change: { state: string; condition: string; times: number } } };
      if (m.type === 'event' && m.name === 'streamAlert') seen.push({ state: m.payload.change.state, condition: m.payload.change.condition, times: m.payload.change.times });
    });
  });
  return seen;
}

async function startAlertingStream(page: Page, port: number, label: string, alertOn: string): Promise<void> {
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(lab.insAddr);
  await page.getByTestId('gap-manual').check();
  await page.getByTestId('gap-input').fill('200');
  await page.getByTestId('decode-select').selectOption('auto');
  await page.getByTestId('label-input').fill(label);
  await page.getByTestId('alert-on-input').fill(alertOn);
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('setup-error')).toHaveCount(0);
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
}

test('the Alert when field refuses a condition it cannot read, in the conditions\u2019 own words, beside the field', async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await page.getByTestId('port-input').fill('5700');
  await page.getByTestId('alert-on-input').fill('gap>500');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('field-error')).toHaveText('"gap>500" needs a unit: ms, s or min (e.g. gap>500ms).');
  await expect(page.getByTestId('alert-on-input')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('stream-item')).toHaveCount(0);
});

test('a 1.5 s cut-out raises one gap>500ms alert naming the stream; staying healthy past the clear time clears it', async ({ page }) => {
  const events = countAlertEvents(page);
  await page.goto(url());
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await startAlertingStream(page, 5701, 'alert lab stream', 'gap>500ms, no-data>20s');
  await expect(page.getByTestId('alert-banner')).toHaveCount(0);

  // 200 packets/s with one 1.5 s cut-out 2 s in; it keeps sending long after the clear time.
  const sender = startSender(lab, { port: 5701, rate: 200, size: 256, seconds: 60, pauseAt: [2], pauseFor: 1.5 });
  stopLater.push(sender);

  const item = page.getByTestId('alert-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-state', 'raised');
  await expect(item).toHaveAttribute('data-condition', 'gap>500ms');
  await expect(item.getByTestId('alert-text')).toContainText('alert lab stream: gap>500ms failed: the longest gap was');
  const tab = page.getByTestId('stream-item');
  await expect(tab).toHaveAttribute('data-alert', 'raised');
  await expect(tab.getByTestId('stream-alert-mark')).toContainText('gap>500ms');

  // Healthy again for 5 s: cleared, and the stream list no longer marks it.
  await expect(item).toHaveAttribute('data-state', 'cleared', { timeout: 30_000 });
  await expect(item.getByTestId('alert-text')).toContainText('alert lab stream: gap>500ms cleared at');
  await expect(item).toHaveAttribute('data-times', '1');
  await expect(tab).not.toHaveAttribute('data-alert', 'raised');
  await expect(tab.getByTestId('stream-alert-mark')).toHaveCount(0);
  // no-data>20s was never met: its alert was never raised.
  expect(events).toEqual([
    { state: 'raised', condition: 'gap>500ms', times: 1 },
    { state: 'cleared', condition: 'gap>500ms', times: 1 },
  ]);

  await item.getByTestId('alert-dismiss').click();
  await expect(page.getByTestId('alert-banner')).toHaveCount(0);
});

test('a stream that flaps around the condition gives one alert with its count, not one per flap', async ({ page }) => {
  const events = countAlertEvents(page);
  await page.goto(url());
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await startAlertingStream(page, 5702, 'flapping stream', 'gap>500ms');

  // Three 0.9 s cut-outs 1.1 s apart: each one meets gap>500ms, none is 5 s after the one before.
  const sender = startSender(lab, { port: 5702, rate: 200, size: 256, seconds: 60, pauseAt: [2, 4, 6], pauseFor: 0.9 });
  stopLater.push(sender);

  const item = page.getByTestId('alert-item');
  await expect(item).toHaveAttribute('data-state', 'raised');
  // While it is up, the banner counts each flap on the same line.
  await expect(item).toHaveAttribute('data-times', '3', { timeout: 30_000 });
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-state', 'raised');
  await expect(item.getByTestId('alert-text')).toContainText('It has held 3 times since.');
  await expect(item).toHaveAttribute('data-state', 'cleared', { timeout: 40_000 });
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-times', '3');
  await expect(item.getByTestId('alert-text')).toContainText('flapping stream: gap>500ms cleared at');
  await expect(item.getByTestId('alert-text')).toContainText('after holding 3 times since');
  // One raise (one notification at most), each repeat a count, one clear.
  expect(events).toEqual([
    { state: 'raised', condition: 'gap>500ms', times: 1 },
    { state: 'repeated', condition: 'gap>500ms', times: 2 },
    { state: 'repeated', condition: 'gap>500ms', times: 3 },
    { state: 'cleared', condition: 'gap>500ms', times: 3 },
  ]);
});

test('behind another window, a raise is one desktop notification, a repeat none; permission is asked for from the Start click only', async ({ page, context }) => {
  // Observe the page's calls to Chromium's own Notification API (they still go through to it).
  await page.addInitScript(() => {
    const Real = window.Notification;
    const log = { asked: [] as boolean[], shown: [] as { title: string; body: string; focused: boolean }[] };
    (window as unknown as { __notes: typeof log }).__notes = log;
    class Observed extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        log.shown.push({ title, body: options?.body ?? '', focused: document.hasFocus() });
      }
    }
    Object.defineProperty(Observed, 'permission', { get: () => Real.permission });
    Object.defineProperty(Observed, 'requestPermission', {
      value: (...args: Parameters<typeof Real.requestPermission>) => {
        log.asked.push(navigator.userActivation.isActive);
        return Real.requestPermission(...args);
      },
    });
    window.Notification = Observed as typeof Notification;
  });
  const notes = () => page.evaluate(() => (window as unknown as { __notes: { asked: boolean[]; shown: { title: string; body: string; focused: boolean }[] } }).__notes);
  await page.goto(url());
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  expect((await notes()).asked).toEqual([]);
  await startAlertingStream(page, 5703, 'notified stream', 'gap>500ms');
  // Asked once, inside the click's user activation.
  await expect.poll(async () => (await notes()).asked).toEqual([true]);

  // The user allows it; then another window comes to the front (Playwright's focus emulation off).
  await context.grantPermissions(['notifications'], { origin: new URL(url()).origin });
  await expect.poll(() => page.evaluate(() => Notification.permission)).toBe('granted');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  const other = await context.newPage();
  await other.bringToFront();
  await expect.poll(() => page.evaluate(() => document.hasFocus())).toBe(false);

  const sender = startSender(lab, { port: 5703, rate: 200, size: 256, seconds: 60, pauseAt: [2, 4], pauseFor: 0.9 });
  stopLater.push(sender);
  const item = page.getByTestId('alert-item');
  await expect(item).toHaveAttribute('data-times', '2', { timeout: 30_000 });
  await expect(item).toHaveAttribute('data-state', 'cleared', { timeout: 30_000 });
  expect((await notes()).shown).toEqual([{ title: 'Gapscope alert: notified stream', body: expect.stringMatching(/^gap>500ms failed: the longest gap was .+\.$/) as unknown as string, focused: false }]);
  await other.close();
});
