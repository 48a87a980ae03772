/**
 * Every spec shares one back end, so a stream a spec leaves behind shows up in the next spec's
 * stream list (and a stream left listening makes Record record it). Specs remove what they create;
 * this helper also runs after each test, so that a failing test does not fail the next spec too.
 */
import { expect, type Page } from '@playwright/test';

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
