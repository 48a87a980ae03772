/**
 * What the throughput chart shows on screen, read from a screenshot of its canvas: the chart is painted
 * by a worker (OffscreenCanvas), so the page cannot read its pixels, but the compositor's output can.
 */
import type { Locator, Page } from '@playwright/test';

/** How many of the canvas's on-screen pixels have the chart's line color (the CSS variable --chart-line, as the canvas reads it). */
export async function linePixels(page: Page, canvas: Locator): Promise<number> {
  const png = (await canvas.screenshot()).toString('base64');
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const cx = c.getContext('2d')!;
    cx.drawImage(bitmap, 0, 0);
    const px = cx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const probe = new OffscreenCanvas(1, 1).getContext('2d')!;
    probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--chart-line').trim() || '#2563eb';
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i]! - r!) < 24 && Math.abs(px[i + 1]! - g!) < 24 && Math.abs(px[i + 2]! - b!) < 24) n++;
    return n;
  }, png);
}
