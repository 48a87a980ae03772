/**
 * Every spec shares one back end, so a stream a spec leaves behind shows up in the next spec's
 * stream list (and a stream left listening makes Record record it). Specs remove what they create;
 * this helper also runs after each test, so that a failing test does not fail the next spec too.
 */
import { expect, type Page } from '@playwright/test';

/**
 * Starts, through the setup form, a numbered stream (the Gapscope seq format) on ADDRESS:PORT with
 * a fixed 200 ms gap threshold, and waits until it listens: the Send panel's own format.
 */
export async function startNumberedStream(page: Page, address: string, port: number): Promise<void> {
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(address);
  await page.getByTestId('gap-manual').check();
  await page.getByTestId('gap-input').fill('200');
  await page.getByTestId('decode-select').selectOption('seq');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
}

/** Removes the selected stream in the Reception view and waits until the list is one shorter. */
export async function removeSelectedStream(page: Page): Promise<void> {
  const items = page.getByTestId('stream-item');
  const before = await items.count();
  await page.getByTestId('remove-button').click();
  await expect(items).toHaveCount(before - 1);
}

/** Removes every stream in the open page's Reception view (running ones are stopped first by Remove). */
export async function removeAllStreams(page: Page): Promise<void> {
  if (page.isClosed()) return;
  const tab = page.getByTestId('tab-reception');
  if ((await tab.count()) === 0) return;
  await tab.click();
  const items = page.getByTestId('stream-item');
  for (let n = await items.count(); n > 0; n = await items.count()) {
    await items.first().click();
    await page.getByTestId('remove-button').click();
    await expect(items).toHaveCount(n - 1);
  }
}
