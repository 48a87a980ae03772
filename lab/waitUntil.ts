/**
 * Waiting for a condition instead of sleeping: a test that needs something to have happened polls
 * for it, so a busy machine makes it slower, never wrong. No Node imports, so unit tests use it too.
 */

/** Polls `check` every 25 ms until it returns true; rejects with `what` after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
