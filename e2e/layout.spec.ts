/**
 * The page at the sizes people use: at 1280x800 the gap table shows its Lost and Cause columns
 * without scrolling sideways, the sidebar folds away, and at 900x600 nothing is cut (the Send
 * panel's pattern, the legend's swatches). Also the settings that change the page: the theme
 * switch and the Record shortcut.
 */
/// <reference lib="dom" />
import { expect, test, type Page } from '@playwright/test';
import { labInfo, readLabState } from './helpers/lab';
import { removeAllStreams } from './helpers/streams';
import { startSender, type LabProcess } from './helpers/processes';

const lab = labInfo();
const stopLater: LabProcess<unknown>[] = [];

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

test.afterEach(async ({ page }) => {
  for (const p of stopLater.splice(0)) await p.stop();
  const stop = page.locator('[data-testid="record-button"][data-recording="true"]');
  if ((await stop.count()) > 0) await stop.click();
  await removeAllStreams(page);
});

/** Starts a stream on port and a sender with one 1 s pause; waits until its gap is listed. */
async function streamWithGap(page: Page, port: number): Promise<void> {
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(lab.insAddr);
  await page.getByTestId('gap-input').fill('300');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  stopLater.push(startSender(lab, { port, rate: 300, size: 512, seconds: 4, pauseAt: [1.5], pauseFor: 1 }));
  await expect(page.getByTestId('gap-row')).toHaveCount(1, { timeout: 30_000 });
}

/** Whether an element lies inside its scroll box horizontally, as drawn now. */
async function insideHorizontally(page: Page, selector: string, boxSelector: string): Promise<boolean> {
  return page.evaluate(
    ([sel, boxSel]) => {
      const el = document.querySelector(sel);
      const box = document.querySelector(boxSel);
      if (!el || !box) return false;
      const r = el.getBoundingClientRect();
      const b = box.getBoundingClientRect();
      return r.width > 0 && r.left >= b.left - 1 && r.right <= b.right + 1;
    },
    [selector, boxSelector] as const,
  );
}

test('at 1280x800 the gap table shows Lost and Cause without scrolling sideways, and the sidebar folds away', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(url());
  await streamWithGap(page, 5810);
  const scroll = '.card.gaps .table-scroll';
  expect(await page.locator(scroll).evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  for (const col of ['col-lost', 'col-cause']) {
    await expect(page.locator(`.card.gaps th.${col}`)).toBeVisible();
    expect(await insideHorizontally(page, `.card.gaps th.${col}`, scroll)).toBe(true);
  }
  await expect(page.getByTestId('gap-row').locator('td.col-cause')).not.toBeEmpty();

  // The sidebar folds away and the stream gets its width; the form still starts with Ctrl+Enter.
  const mainWidth = async () => (await page.locator('.layout > .main').boundingBox())?.width ?? 0;
  const before = await mainWidth();
  await page.getByTestId('sidebar-toggle').click();
  await expect(page.getByTestId('sidebar')).toBeHidden();
  await expect(page.getByTestId('sidebar-toggle')).toHaveAttribute('aria-expanded', 'false');
  expect(await mainWidth()).toBeGreaterThan(before + 250);
  await page.getByTestId('sidebar-toggle').click();
  await expect(page.getByTestId('sidebar')).toBeVisible();
  await expect(page.getByTestId('port-input')).toBeVisible();
});

test('at 900x600 nothing is cut: the Send panel’s pattern and the legend’s swatches keep their size', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await page.goto(url());
  await page.getByTestId('sender-panel').locator('summary').click();
  const pattern = page.getByTestId('sender-pattern');
  await pattern.fill('cut-after:128k/1000');
  expect(await pattern.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  for (const label of await page.getByTestId('sender-panel').locator('label').all()) {
    expect(await label.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  }
  await page.getByTestId('sender-panel').locator('summary').click();

  await streamWithGap(page, 5811);
  const swatches = page.locator('.chart .legend .swatch');
  expect(await swatches.count()).toBeGreaterThanOrEqual(4);
  for (const s of await swatches.all()) {
    const box = await s.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(2);
  }
  for (const s of await page.locator('.chart .legend .swatch:not(.event)').all()) expect((await s.boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(11);
  // Legend items wrap rather than overflow the card: every one of them, the event filters too (they
  // come last once the timeline has events, so ':last-of-type' of the items matched nothing then).
  const items = await page.locator('.card.chart .legend > *').count();
  expect(items).toBeGreaterThanOrEqual(4);
  for (let i = 1; i <= items; i++) expect(await insideHorizontally(page, `.card.chart .legend > :nth-child(${i})`, '.card.chart'), `legend child ${i}`).toBe(true);
});

test('the theme switch changes the page at once, and R records as the Record button does', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(url());
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.getByText('Settings', { exact: true }).click();
  await page.getByTestId('theme-dark').check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).not.toBe(light);
  // Remembered across a reload, and "Follow the OS" gives the OS's (light) theme back.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByText('Settings', { exact: true }).click();
  await page.getByTestId('theme-system').check();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
  expect(await background()).toBe(light);
  await page.getByText('Settings', { exact: true }).click();

  // R (outside a text field) toggles recording, the Record button's own action.
  await page.getByTestId('port-input').fill('5812');
  await page.getByTestId('address-input').fill(lab.insAddr);
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  await page.locator('.main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('r');
  await expect(page.getByTestId('record-button')).toHaveAttribute('data-recording', 'true');
  // Typed into a field, r is just a letter.
  await page.getByTestId('label-input').fill('');
  await page.getByTestId('label-input').press('r');
  await expect(page.getByTestId('label-input')).toHaveValue('r');
  await expect(page.getByTestId('record-button')).toHaveAttribute('data-recording', 'true');
  await page.locator('.main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('r');
  await expect(page.getByTestId('record-button')).toHaveAttribute('data-recording', 'false', { timeout: 30_000 });
  // Leave the shared back end's library as found: the sessions spec counts its sessions.
  await page.getByTestId('tab-sessions').click();
  const rows = page.getByTestId('session-row');
  await expect(rows).toHaveCount(1);
  await rows.getByTestId('session-delete').click();
  await rows.getByTestId('session-delete-confirm').click();
  await expect(rows).toHaveCount(0);
  await page.getByTestId('tab-reception').click();
});
