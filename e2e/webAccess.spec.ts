/**
 * Web mode as a browser meets it, in the lab's namespaces: `gapscope serve --allow-remote` bound to
 * the inspector's address with one --allow-origin name, and a server at its --max-clients.
 * - A page from an allowed origin works; every route, static files included, needs the token
 *   (the first load leaves it as a cookie); the CSP's connect-src names the page's own origin only,
 *   and Chromium enforces it.
 * - A page of another site cannot open the API, even with the token; a name the server was not
 *   told about (DNS rebinding) gets the server's sentence instead of the page.
 * - A tab over --max-clients shows the server's sentence, keeps it while it tries again, and gets
 *   in once another tab closes.
 * The browser resolves the lab's names by Chromium's host resolver rules (nothing asks a DNS server).
 */
/// <reference lib="dom" />
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { labInfo } from './helpers/lab';
import { startOtherSite, startOwnServer, type OwnServer } from './helpers/serve';

const lab = labInfo();
const PORT = 47630;
const OTHER_PORT = 47631;
const ALLOWED = `gapscope.lab.test:${PORT}`;
const OTHER = `elsewhere.lab.test:${OTHER_PORT}`;
const REBOUND = `rebound.lab.test:${PORT}`;

let browser: Browser;
let server: OwnServer;
let otherSite: { stop(): Promise<void> };

test.beforeAll(async () => {
  server = await startOwnServer(lab, 'remote', ['--host', lab.insAddr, '--port', String(PORT), '--allow-remote', '--allow-origin', `http://${ALLOWED}`]);
  otherSite = await startOtherSite(lab.devNs, lab.devAddr, OTHER_PORT);
  browser = await chromium.launch({
    executablePath: lab.chromiumWrapper,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP gapscope.lab.test ${lab.insAddr}, MAP rebound.lab.test ${lab.insAddr}, MAP elsewhere.lab.test ${lab.devAddr}`,
    ],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await otherSite?.stop();
});

/** What a WebSocket opened by the page's own script got: whether it opened, and how it closed. */
interface SocketOutcome {
  opened: boolean;
  error: boolean;
  code: number;
  reason: string;
  wasClean: boolean;
  violations: string[];
}

/** Opens a WebSocket from the page (so with the page's origin and under its CSP) and reports how it ended: closed, or blocked by the CSP. */
function trySocket(page: Page, url: string): Promise<SocketOutcome> {
  return page.evaluate(
    (target) =>
      new Promise<SocketOutcome>((resolve) => {
        const outcome: SocketOutcome = { opened: false, error: false, code: 0, reason: '', wasClean: false, violations: [] };
        // Chromium blocks a socket the CSP forbids with this event (and no close event).
        document.addEventListener('securitypolicyviolation', (e) => {
          outcome.violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
          resolve(outcome);
        });
        const ws = new WebSocket(target);
        ws.onopen = () => {
          outcome.opened = true;
          ws.close(1000, 'done');
        };
        ws.onerror = () => (outcome.error = true);
        ws.onclose = (e) => resolve({ ...outcome, code: e.code, reason: e.reason, wasClean: e.wasClean });
      }),
    url,
  );
}

test('a page from the allowed origin works, with the token on every route, and may connect to its own origin only', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const loaded: { url: string; status: number }[] = [];
  page.on('response', (r) => loaded.push({ url: r.url(), status: r.status() }));
  const doc = await page.goto(`http://${ALLOWED}/?token=${server.token}`);
  expect(doc?.status()).toBe(200);
  // The page's own origin, and nothing else: no bare ws:, no other host, not even the server's address.
  const csp = doc?.headers()['content-security-policy'] ?? '';
  expect(csp.split('; ').find((d) => d.startsWith('connect-src '))).toBe(`connect-src 'self' ws://${ALLOWED}`);

  // The app works through its WebSocket: the back end answered, and a stream starts and goes.
  await expect(page.getByTestId('app-info')).toContainText('web');
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await page.getByTestId('port-input').fill('5910');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  await page.getByTestId('remove-button').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(0);

  // Every file the page loaded came from the server, with the cookie the first load left.
  const files = loaded.filter((r) => r.url.startsWith(`http://${ALLOWED}/`) && !r.url.includes('token='));
  expect(files.map((f) => new URL(f.url).pathname)).toEqual(expect.arrayContaining([expect.stringMatching(/^\/assets\/.+\.js$/), expect.stringMatching(/^\/assets\/.+\.css$/)]));
  expect(files.filter((f) => f.status !== 200)).toEqual([]);

  // Chromium enforces connect-src: from this page, a socket to another origin is blocked before it is opened.
  const elsewhere = await trySocket(page, `ws://${OTHER}/`);
  expect(elsewhere).toMatchObject({ opened: false, violations: [`connect-src ws://${OTHER}/`] });
  const serverAddress = await trySocket(page, `ws://${lab.insAddr}:${PORT}/api`);
  expect(serverAddress).toMatchObject({ opened: false, violations: [`connect-src ws://${lab.insAddr}:${PORT}/api`] });

  // Another browser profile, without the cookie: no file of the page, the page itself not without ?token.
  const stranger = await (await browser.newContext()).newPage();
  for (const f of [...files.map((f) => f.url), `http://${ALLOWED}/`, `http://${lab.insAddr}:${PORT}/`]) {
    const r = await stranger.goto(f);
    expect([f, r?.status()]).toEqual([f, 403]);
  }
  await expect(stranger.locator('body')).toHaveText('Forbidden: open the address Gapscope printed when it started (it carries the token).');
  await stranger.context().close();
  await context.close();
});

test('a page of another site cannot open the API, even with the token, and a name the server was not given gets its sentence', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const console: string[] = [];
  page.on('console', (m) => console.push(m.text()));
  expect((await page.goto(`http://${OTHER}/`))?.status()).toBe(200);
  // What that page's script sees: the handshake failed, with no reason (a browser tells a page no more).
  const outcome = await trySocket(page, `ws://${ALLOWED}/api?token=${server.token}`);
  expect(outcome).toEqual({ opened: false, error: true, code: 1006, reason: '', wasClean: false, violations: [] });
  // What its developer sees in the console: the server answered 403.
  await expect.poll(() => console.join('\n')).toMatch(/WebSocket connection to 'ws:\/\/gapscope\.lab\.test:47630\/api\?token=.*' failed: .*403/);
  // The server refused it for its origin, and said so on its log.
  await expect.poll(() => server.stderr()).toMatch(/web mode refused a client \(foreign origin\)/);

  // DNS rebinding: a name that resolves to the server, but that the server was not told about.
  const rebound = await page.goto(`http://${REBOUND}/?token=${server.token}`);
  expect(rebound?.status()).toBe(421);
  await expect(page.locator('body')).toHaveText(
    `Misdirected request: this Gapscope answers as http://${lab.insAddr}:${PORT}, not as http://${REBOUND}; to use another name, restart serve with --allow-origin http://NAME:${PORT}.`,
  );
  await context.close();
});

test('a tab over --max-clients says so, keeps saying it while it tries again, and gets in once another tab closes', async () => {
  const capped = await startOwnServer(lab, 'capped', ['--port', '0', '--max-clients', '1']);
  try {
    const first = await browser.newPage();
    await first.goto(capped.url);
    await expect(first.getByTestId('app-info')).toContainText('web');

    const second = await browser.newPage();
    const tries: Promise<void>[] = [];
    second.on('websocket', (ws) => tries.push(new Promise((resolve) => ws.on('close', () => resolve()))));
    await second.goto(capped.url);
    const banner = second.getByTestId('connection-banner');
    const sentence = 'Gapscope is at its limit of 1 client: close another tab or client, or restart serve with a higher --max-clients.';
    await expect(second.getByTestId('connection-reason')).toHaveText(sentence);
    await expect(banner).toContainText(/tries again in \d+ s/);
    // A second try, refused too: the sentence is still what the tab shows, not "Connecting…".
    await expect.poll(() => tries.length).toBeGreaterThanOrEqual(2);
    await tries[1];
    await expect(second.getByTestId('connection-reason')).toHaveText(sentence);
    await expect(second.getByTestId('app-info')).toHaveCount(0);

    await first.close();
    await expect(banner).toHaveCount(0, { timeout: 40_000 });
    await expect(second.getByTestId('app-info')).toContainText('web');
    await second.close();
  } finally {
    await capped.stop();
  }
});
